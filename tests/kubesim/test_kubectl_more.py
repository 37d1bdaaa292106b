"""More of what the book does with kubectl: describe, get all, wait, generateName, status, collections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.kubesim.conftest import Cluster

POD = """\
apiVersion: v1
kind: Pod
metadata: {generateName: kuard-, labels: {app: kuard}}
spec:
  containers: [{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:blue"}]
"""


def test_describe_and_get_all(cluster: Cluster) -> None:
    cluster.kubectl("create", "deployment", "described", "--image=nginx:1.27", "--replicas=2")
    description = cluster.kubectl("describe", "deployment", "described").stdout
    assert "Name:" in description and "described" in description and "RollingUpdate" in description
    everything = cluster.kubectl("get", "all").stdout
    assert "deployment.apps/described" in everything and "service/kubernetes" in everything


def test_wait_for_a_condition_on_a_jsonpath(cluster: Cluster) -> None:
    cluster.kubectl("create", "deployment", "waited", "--image=nginx:1.27", "--replicas=3")
    result = cluster.kubectl("wait", "--for=jsonpath={.spec.replicas}=3", "deployment/waited", "--timeout=10s")
    assert "condition met" in result.stdout


def test_generate_name_and_the_status_subresource(cluster: Cluster) -> None:
    created = cluster.kubectl("create", "-f", "-", "-o", "json", stdin=POD).stdout
    pod = json.loads(created)
    name = pod["metadata"]["name"]
    assert name.startswith("kuard-") and len(name) == len("kuard-") + 5
    assert pod["status"]["phase"] == "Pending"
    patched = cluster.kubectl(
        "patch", "pod", name, "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}'
    )
    assert patched.returncode == 0
    assert json.loads(cluster.kubectl("get", "pod", name, "-o", "json").stdout)["status"]["phase"] == "Running"


def test_delete_a_collection_by_label(cluster: Cluster) -> None:
    for index in range(3):
        cluster.kubectl("create", "configmap", f"batch-{index}")
        cluster.kubectl("label", "configmap", f"batch-{index}", "batch=yes")
    cluster.kubectl("delete", "configmaps", "-l", "batch=yes")
    assert cluster.kubectl("get", "configmaps", "-l", "batch=yes", "-o", "name").stdout.strip() == ""


def test_bad_yaml_is_refused_by_kubectl_before_it_is_sent(cluster: Cluster) -> None:
    result = cluster.kubectl("apply", "-f", "-", stdin="kind: [\n", check=False)
    assert result.returncode == 1 and "error" in result.stderr.lower()


def test_up_status_down_reset_run_it_in_the_background(tmp_path: Path) -> None:
    env = {**os.environ, "KUBESIM_HOME": str(tmp_path / "home")}

    def kubesim(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kubesim", *args], capture_output=True, text=True, env=env, timeout=90
        )

    up = kubesim("up")
    assert up.returncode == 0, up.stderr
    kubeconfig = Path(up.stdout.strip())
    assert kubeconfig.exists() and oct(kubeconfig.stat().st_mode & 0o777) == "0o600"
    assert "is running" in kubesim("status").stdout
    assert kubesim("up").stdout.strip() == str(kubeconfig)  # a second up reuses the running cluster
    assert kubesim("down").returncode == 0
    assert kubesim("status").returncode == 1
    assert kubesim("reset").returncode == 0
    assert not (tmp_path / "home").exists()


def test_down_never_stops_a_process_that_took_a_stale_pid(tmp_path: Path) -> None:
    """A kubesim that died leaves its pid file; when the system gives that pid to another program, down leaves it."""
    home = tmp_path / "home"
    home.mkdir()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (home / "kubesim.pid").write_text(str(stranger.pid))
        env = {**os.environ, "KUBESIM_HOME": str(home)}
        for command in ("status", "down"):
            subprocess.run([sys.executable, "-m", "kubesim", command], env=env, capture_output=True, timeout=60)
        assert stranger.poll() is None  # still running
    finally:
        stranger.kill()
        stranger.wait(timeout=10)
