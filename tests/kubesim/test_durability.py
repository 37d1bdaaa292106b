"""What kubesim acknowledged survives a clean restart and a kill -9; resource versions only grow."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.kubesim.conftest import KUBECTL, start_cluster


@pytest.fixture(autouse=True)
def needs_kubectl() -> None:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")


def resource_version(cluster, *what: str) -> int:
    return int(json.loads(cluster.kubectl("get", *what, "-o", "json").stdout)["metadata"]["resourceVersion"])


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_acknowledged_writes_survive_a_restart(tmp_path: Path, stop_signal: int) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_cluster(data_dir)
    for index in range(20):
        first.kubectl("create", "configmap", f"kept-{index}", f"--from-literal=index={index}")
    last_rv = resource_version(first, "configmap", "kept-19")
    first.stop(stop_signal)

    second = start_cluster(data_dir)
    try:
        names = second.kubectl("get", "configmaps", "-o", "name").stdout.split()
        assert {f"configmap/kept-{index}" for index in range(20)} <= set(names)
        second.kubectl("create", "configmap", "after-restart")
        assert resource_version(second, "configmap", "after-restart") > last_rv
    finally:
        second.stop()
