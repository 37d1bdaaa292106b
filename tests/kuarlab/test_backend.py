"""Choosing the cluster (kuarlab/backend.py): forced either way, a live `kind-kuar` context, else kubesim started in
the background and reused; and the chapter kubeconfig that makes plain kubectl land in the chapter's namespace."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kuarlab.backend import BackendError
from kuarlab.facade import Lab
from tests.kubesim.conftest import KUBECTL, Cluster


def kubeconfig_with_contexts(source: Path, target: Path, contexts: dict[str, str], current: str) -> Path:
    """A kubeconfig whose contexts (name -> server) all use source's credentials."""
    config = yaml.safe_load(source.read_text())
    cluster, user = config["clusters"][0]["cluster"], config["users"][0]["user"]
    config["clusters"] = [{"name": name, "cluster": {**cluster, "server": server}} for name, server in contexts.items()]
    config["users"] = [{"name": "learner", "user": user}]
    config["contexts"] = [{"name": name, "context": {"cluster": name, "user": "learner"}} for name in contexts]
    config["current-context"] = current
    target.write_text(yaml.safe_dump(config))
    return target


def server_of(cluster: Cluster) -> str:
    return str(yaml.safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]["server"])


def kubectl_here(*args: str) -> str:
    """The project's kubectl as a notebook's `!kubectl` runs it: with the environment connect() left."""
    return subprocess.run(["kubectl", *args], capture_output=True, text=True, timeout=60, env=os.environ).stdout


@pytest.fixture
def background_kubesim(lab_env: Path) -> Iterator[Path]:
    """KUBESIM_HOME for a kubesim that kuarlab starts; stopped at the end."""
    home = lab_env / "kubesim"
    yield home
    subprocess.run([sys.executable, "-m", "kubesim", "down", "--data-dir", str(home)], timeout=60, check=False)


def test_a_live_kind_kuar_context_is_chosen(kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contexts = {"elsewhere": "https://127.0.0.1:1", "kind-kuar": server_of(kubesim)}
    config = kubeconfig_with_contexts(kubesim.kubeconfig, lab_env / "config", contexts, current="elsewhere")
    monkeypatch.setenv("KUBECONFIG", str(config))
    lab = Lab().connect("05")
    assert lab.backend == "kubeconfig"
    assert not (lab_env / "kubesim" / "kubeconfig").exists(), "kubesim must not start when kind-kuar answers"
    chapter = yaml.safe_load(Path(os.environ["KUBECONFIG"]).read_text())
    assert chapter["current-context"] == "kind-kuar"
    assert chapter["contexts"][0]["context"]["namespace"] == "ch05"
    assert kubectl_here("config", "view", "--minify", "-o", "jsonpath={..namespace}") == "ch05"
    assert "ch05" in kubesim.kubectl("get", "namespaces", "-o", "name").stdout
    assert Path(os.environ["PATH"].split(os.pathsep)[0]) == KUBECTL.parent


def test_forced_kubeconfig_takes_the_current_context(
    kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    lab = Lab().connect("7")
    assert (lab.backend, lab.namespace) == ("kubeconfig", "ch07")
    assert capsys.readouterr().out.strip().splitlines() == [
        f"kuarlab: kubesim via {kubesim.kubeconfig} · namespace ch07"
    ]
    # connecting again (another chapter in the same kernel) still finds the learner's kubeconfig, not the chapter's
    assert Lab().connect("08").namespace == "ch08"
    assert kubectl_here("get", "namespace", "ch07", "ch08", "-o", "name").split() == [
        "namespace/ch07",
        "namespace/ch08",
    ]


def test_forced_kubesim_ignores_a_live_kind_kuar(
    kubesim: Cluster, background_kubesim: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    contexts = {"kind-kuar": server_of(kubesim)}
    config = kubeconfig_with_contexts(kubesim.kubeconfig, background_kubesim.parent / "config", contexts, "kind-kuar")
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setenv("KUARLAB_BACKEND", "kubesim")
    monkeypatch.setenv("KUBESIM_SPEED", "20")
    lab = Lab().connect("05")
    assert lab.backend == "kubesim"
    assert (
        "kuarlab: kubesim (started in the background, 3 nodes) · namespace ch05 · kubectl 1.37"
        in capsys.readouterr().out
    )
    pid = (background_kubesim / "kubesim.pid").read_text()
    assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-3:-1] == [b"--speed", b"20.0"]


def test_without_kind_kuar_kubesim_is_started_then_reused(
    background_kubesim: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = {"kind-kuar": "https://127.0.0.1:1"}
    source = background_kubesim.parent / "template"
    source.write_text(yaml.safe_dump({
        "clusters": [{"name": "x", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "x", "user": {"token": "t"}}],
    }))  # fmt: skip
    monkeypatch.setenv(
        "KUBECONFIG", str(kubeconfig_with_contexts(source, source.with_name("config"), dead, "kind-kuar"))
    )
    first = Lab().connect("05")
    assert first.backend == "kubesim"
    assert "(started in the background, 3 nodes)" in capsys.readouterr().out
    pid = (background_kubesim / "kubesim.pid").read_text()
    second = Lab().connect("06")
    assert "(already running, 3 nodes)" in capsys.readouterr().out
    assert (background_kubesim / "kubesim.pid").read_text() == pid
    assert second.namespace == "ch06"
    assert "ch06" in kubectl_here("get", "namespaces", "-o", "name")
    second.node_stop("kuar-worker2")
    assert capsys.readouterr().out == "(on kind: docker stop kuar-worker2)\nnode/kuar-worker2 powered off\n"
    second.node_start("kuar-worker2")
    assert capsys.readouterr().out == "(on kind: docker start kuar-worker2)\nnode/kuar-worker2 powered on\n"
    second.load("svc/nothing", rate=5)
    said = capsys.readouterr()
    assert said.out == (
        "(on kind: kubectl run load-nothing --image=williamyeh/hey --restart=Never -- "
        "-c 1 -q 5 http://nothing.ch06.svc.cluster.local:80/)\n"
    )
    assert said.err == 'kubesim: there is no service "nothing" in namespace "ch06"\n'


def test_an_unknown_backend_is_refused(lab_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUARLAB_BACKEND", "minikube")
    with pytest.raises(BackendError, match="use kubesim or kubeconfig"):
        Lab().connect("05")


def test_a_chapter_must_be_a_number(lab_env: Path) -> None:
    with pytest.raises(ValueError, match="is not a chapter"):
        Lab().connect("pods")


def test_forced_kubeconfig_without_one_says_so(lab_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(lab_env / "missing"))
    with pytest.raises(BackendError, match="no kubeconfig with a current context"):
        Lab().connect("05")
