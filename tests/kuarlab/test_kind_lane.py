"""The kind lane (kind/): the cluster config names cluster `kuar` with the nodes, label and ports the chapters need,
and the script that creates it is strict bash that runs nothing but the commands its documentation asks for.

kind itself cannot run on the test machines (no Docker daemon); the notebooks' path to a cluster that kuarlab did not
start is exercised against kubesim by test_notebooks_on_a_kubeconfig.py, with the command that
docs/backend-local-kind.md gives.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from kubesim.store.bootstrap.nodes import node_names
from kubesim.store.bootstrap.objects import CLUSTER

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "kind" / "kuar-cluster.yaml"
SCRIPT = ROOT / "kind" / "create-cluster.sh"
DOC = ROOT / "docs" / "backend-local-kind.md"
DOCUMENTED_TOOLS = {"docker", "kind", "kubectl"}
BASH_BUILTINS = {
    "[[", "cd", "command", "exit", "export", "false", "local", "printf", "read", "readonly", "return", "set", "true",
}  # fmt: skip
SHELL_KEYWORDS = {"if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "!", "{", "}"}
SEPARATORS = {"\n", ";", "|", "||", "&&", "(", "$(", "<(", ")", "&"}
NOTEBOOK_SUITE_ON_KIND = "KUARLAB_BACKEND=kubeconfig KUBECONFIG=~/.kube/config .venv/bin/python -m pytest notebooks/"


def kind_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(CONFIG.read_text())
    return config


def kind_node_names(config: dict[str, Any]) -> list[str]:
    """The container (and node) names kind gives: NAME-control-plane, then NAME-worker, NAME-worker2, ..."""
    name, roles = config["name"], [node["role"] for node in config["nodes"]]
    workers = [f"{name}-worker{index if index > 1 else ''}" for index in range(1, roles.count("worker") + 1)]
    return [f"{name}-control-plane"] * roles.count("control-plane") + workers


def test_the_config_is_a_kind_cluster_named_kuar_with_the_nodes_kubesim_simulates() -> None:
    config = kind_config()
    assert (config["kind"], config["apiVersion"]) == ("Cluster", "kind.x-k8s.io/v1alpha4")
    assert config["name"] == CLUSTER == "kuar"  # kubeconfig context kind-kuar, which kuarlab looks for
    assert [node["role"] for node in config["nodes"]] == ["control-plane", "worker", "worker"]
    assert kind_node_names(config) == node_names(2)


def test_the_control_plane_is_ready_for_ingress_on_the_hosts_ports_80_and_443() -> None:
    control_plane, *workers = kind_config()["nodes"]
    assert control_plane["labels"] == {"ingress-ready": "true"}
    published = {
        (port["containerPort"], port["hostPort"], port["protocol"]) for port in control_plane["extraPortMappings"]
    }
    assert published == {(80, 80, "TCP"), (443, 443, "TCP")}
    assert all("extraPortMappings" not in worker for worker in workers), "a host port can be published only once"


def commands_run(script: str) -> set[str]:
    """The words a bash script runs as commands (functions, builtins or programs), command substitutions included,
    read with shell quoting; assignments and keywords are not commands."""
    lines = [line for line in script.replace("\\\n", " ").splitlines() if not line.lstrip().startswith("#")]
    commands: set[str] = set()
    for text in _substitutions("\n".join(lines)):
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace = " \t\r"  # newlines end commands
        lexer.commenters = ""
        lexer.wordchars += "[]"  # `[[` is one word
        at_command, in_test = True, False
        for token in lexer:
            if in_test:
                in_test = token != "]]"  # `||` and words inside [[ ]] are not commands
            elif token in SEPARATORS or token == "$":
                at_command = True
            elif token == "for":
                at_command = False  # its next word is the loop's variable
            elif at_command and token[0] not in "-<>" and token not in SHELL_KEYWORDS and "=" not in token:
                commands.add(token)
                at_command, in_test = False, token == "[["
    return commands


def _substitutions(text: str) -> list[str]:
    """The text, and the inside of every `$(...)` in it, quoted or not (quotes hide them from a tokenizer)."""
    found = [text]
    for start in (match.end() for match in re.finditer(r"\$\(", text)):
        depth, end = 1, start
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        found.extend(_substitutions(text[start : end - 1]))
    return found


def functions_defined(script: str) -> set[str]:
    return set(re.findall(r"^([a-z_]+)\(\) \{", script, flags=re.MULTILINE))


def test_the_script_is_strict_bash() -> None:
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert os.access(SCRIPT, os.X_OK)
    statements = [line for line in text.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert statements[0] == "set -euo pipefail", "strict mode comes before anything runs"
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True, text=True).returncode == 0


def test_the_script_runs_only_the_documented_commands() -> None:
    text = SCRIPT.read_text()
    external = commands_run(text) - functions_defined(text) - BASH_BUILTINS
    assert external == DOCUMENTED_TOOLS
    assert all(tool in text.split("set -euo pipefail")[0] for tool in DOCUMENTED_TOOLS), "the header names them"


def test_the_reader_of_commands_would_see_an_undocumented_one() -> None:
    script = 'x="$(sed -n 1p file)"\nfor word in a b; do foo || grep -q a b; done\n[[ -n "$x" || -z y ]] && tr a b\n'
    assert commands_run(script) == {"sed", "foo", "grep", "[[", "tr"}


def test_the_script_does_what_the_chapters_need_with_pinned_manifests() -> None:
    text = SCRIPT.read_text()
    assert 'kind create cluster --config "$CONFIG"' in text and "kuar-cluster.yaml" in text
    manifests = re.findall(r"https://\S+?\.yaml", text)
    assert len(manifests) == 2 and "provider/kind/deploy.yaml" in manifests[0]
    assert not [url for url in manifests if re.search(r"/(main|master|latest)/", url)], "releases are pinned"
    assert '"nodeSelector":{"ingress-ready":"true"}' in text
    assert "ingressclass nginx ingressclass.kubernetes.io/is-default-class=true" in text
    assert '"value":"--kubelet-insecure-tls"' in text
    assert "storageclass\\.kubernetes\\.io/is-default-class" in text
    assert 'kind load docker-image "$image" --name "$CLUSTER"' in text
    kubectl_calls = [line.strip() for line in text.splitlines() if re.match(r"\s*kubectl ", line)]
    assert kubectl_calls == ['kubectl config use-context "$CONTEXT" >/dev/null'], "others go through --context"


def test_without_its_tools_it_stops_at_once_saying_which_is_missing(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    (tmp_path / "bin").mkdir()
    run = subprocess.run([bash, str(SCRIPT)], capture_output=True, text=True, timeout=30,
                         env={"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path)})  # fmt: skip
    assert run.returncode == 1
    assert run.stderr == "create-cluster: docker is not on PATH: see docs/backend-local-kind.md for how to install it\n"


def test_the_kind_page_gives_the_scripts_and_the_notebook_suites_commands() -> None:
    page = DOC.read_text()
    assert "kind/create-cluster.sh" in page
    assert NOTEBOOK_SUITE_ON_KIND in page
    assert NOTEBOOK_SUITE_ON_KIND in SCRIPT.read_text()
