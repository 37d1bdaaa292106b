"""Commands never hang a cell (kuarlab/commands.py): watches stop after their bound, port-forward runs in the
background until stopped, interactive forms are refused, and anything else is killed after the hard timeout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuarlab import commands
from kuarlab.facade import Lab
from tests.conftest import ROOT
from tests.kubesim.conftest import Cluster

KUARD_POD = ROOT / "fixtures/book/ch05-pods/kuard-pod.yaml"


def test_a_plain_command_prints_its_output_or_it_is_captured(lab: Lab, capsys: pytest.CaptureFixture[str]) -> None:
    assert lab.kubectl("get namespace ch05 -o name") is None
    assert capsys.readouterr().out == "namespace/ch05\n"
    result = lab.kubectl("get configmap kube-root-ca.crt -o jsonpath={.metadata.namespace}", capture=True)
    assert result is not None and (result.returncode, result.stdout) == (0, "ch05")
    failed = lab.kubectl(["get", "pod", "nothing-here"], capture=True)
    assert failed is not None and failed.returncode == 1 and 'pods "nothing-here" not found' in failed.stderr
    assert capsys.readouterr().out == ""  # what is captured is not printed too


def test_a_watch_returns_after_its_bound(lab: Lab, capsys: pytest.CaptureFixture[str]) -> None:
    lab.watch_seconds = 1
    result = lab.kubectl("get pods -w", capture=True)
    assert result is not None and result.returncode == 0
    assert capsys.readouterr().out.endswith("(kuarlab: stopped watching after 1 s)\n")
    lab.kubectl("--for 2s get configmaps --watch")
    output = capsys.readouterr().out
    assert "kube-root-ca.crt" in output and output.endswith("(kuarlab: stopped watching after 2 s)\n")


def test_the_hard_timeout_kills_a_command(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "HARD_TIMEOUT_SECONDS", 1.0)
    result = lab.sh("echo started; sleep 600", capture=True)
    assert result is not None and result.returncode != 0 and result.stdout == "started\n"
    assert capsys.readouterr().out.endswith(
        "(kuarlab: killed `echo started; sleep 600` after 1 s: it did not finish)\n"
    )


@pytest.mark.parametrize(
    ("line", "advice"),
    [
        ("exec -it kuard -- sh", "%kubectl exec kuard -- ls /"),
        ("exec --stdin --tty kuard -- sh", "%kubectl exec kuard -- ls /"),
        ("run -i -t --rm box --image=busybox -- sh", "%kubectl run NAME --image=IMAGE --restart=Never"),
        ("attach -i kuard", "%kubectl logs NAME"),
        ("edit pod kuard", "%kubectl apply -f FILE"),
    ],
)
def test_interactive_forms_are_refused(lab: Lab, capsys: pytest.CaptureFixture[str], line: str, advice: str) -> None:
    result = lab.kubectl(line, capture=True)
    assert result is not None and result.returncode == 2
    output = capsys.readouterr().out
    assert "needs a terminal" in output or "opens an editor" in output
    assert advice in output


def test_flags_of_the_command_inside_a_pod_are_not_kubectl_flags() -> None:
    assert commands.refusal(["exec", "kuard", "--", "ls", "-it"]) is None
    assert not commands.bounded_by_watch(["exec", "kuard", "--", "tail", "-f", "/var/log/x", "-w"])
    assert commands.bounded_by_watch(["-n", "kube-system", "logs", "-f", "coredns"])
    assert commands.subcommand(["--namespace", "logs", "get", "pods"]) == "get"


def test_port_forward_runs_in_the_background_until_stopped(
    lab: Lab, kubesim: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    lab.kubectl(f"apply -f {KUARD_POD}", capture=True)
    lab.kubectl("wait --for=condition=Ready pod/kuard --timeout=60s", capture=True)
    capsys.readouterr()
    assert lab.kubectl("port-forward pod/kuard :8080") is None
    said = capsys.readouterr().out
    port = re.search(r"Forwarding from 127\.0\.0\.1:(\d+) -> 8080", said)
    assert port, said
    assert lab.http_get(f"http://127.0.0.1:{port.group(1)}/healthy") == "ok"
    [forward] = lab.background()
    assert forward.name == "port-forward" and forward.running
    lab.stop_all()
    assert not forward.running and lab.background() == []
    assert capsys.readouterr().out.endswith("kuarlab: stopped 1 background process\n")


def test_port_forward_picks_a_free_local_port_and_gives_it(lab: Lab, capsys: pytest.CaptureFixture[str]) -> None:
    lab.kubectl(f"apply -f {KUARD_POD}", capture=True)
    lab.kubectl("wait --for=condition=Ready pod/kuard --timeout=60s", capture=True)
    port = lab.port_forward("pod/kuard", 8080)
    assert f"Forwarding from 127.0.0.1:{port} -> 8080" in capsys.readouterr().out
    assert lab.http_get(f"http://localhost:{port}/ready") == "ok"
    lab.stop("port-forward")


def test_a_port_forward_that_cannot_start_says_why(lab: Lab) -> None:
    with pytest.raises(RuntimeError, match=r"did not start listening; it said: .*not found"):
        lab.kubectl("port-forward pod/absent 8080")
    assert lab.background() == []


def test_durations_of_for() -> None:
    assert commands.split_bound(["--for", "20s", "get", "pods", "-w"]) == (20.0, ["get", "pods", "-w"])
    assert commands.split_bound(["--for=2m", "get"]) == (120.0, ["get"])
    with pytest.raises(ValueError, match="not a duration"):
        commands.split_bound(["--for", "soon", "get"])


def test_a_command_that_bounds_itself_gets_its_own_timeout() -> None:
    assert commands.own_timeout(["wait", "--for=condition=Ready", "pod/kuard", "--timeout=120s"]) == 125.0
    assert commands.own_timeout(["rollout", "status", "deploy/kuard", "--timeout", "2m"]) == 125.0
    assert commands.own_timeout(["get", "pods", "--timeout=120s"]) is None


def test_the_kubectl_magic_and_load_ext(
    kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    monkeypatch.setenv("JPY_SESSION_NAME", str(lab_env / "notebooks" / "09-replicasets.ipynb"))
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kuarlab")
    assert capsys.readouterr().out.endswith("· namespace ch09\n")
    # IPython would expand {...} in a magic's line: the jsonpath must reach kubectl as typed
    shell.run_line_magic("kubectl", "get namespace ch09 -o jsonpath='{.metadata.name}'")
    assert capsys.readouterr().out == "ch09"
    assert shell.user_ns["lab"].namespace == "ch09"
