"""Controllers survive a restart of kubesim in the middle of a rollout and finish it: nothing duplicated or lost.

Controllers keep no state that matters outside the store: after a restart they start from the objects as
stored (the level), so a rollout stopped half-way by SIGTERM or kill -9 carries on where it was.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.kubesim.conftest import KUBECTL, Cluster, eventually, start_cluster

REPLICAS = 6
DEPLOYMENT = f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: kuard, namespace: default}}
spec:
  replicas: {REPLICAS}
  minReadySeconds: 10
  progressDeadlineSeconds: 36000  # a loaded CI machine must not make the rollout time out
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}}}
  selector: {{matchLabels: {{app: kuard}}}}
  template:
    metadata: {{labels: {{app: kuard}}}}
    spec:
      containers: [{{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:blue"}}]
"""


@pytest.fixture(autouse=True)
def needs_kubectl() -> None:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")


def get(cluster: Cluster, *what: str) -> dict:
    return json.loads(cluster.kubectl("get", *what, "-o", "json").stdout)


def rolled_out(cluster: Cluster, generation: int) -> bool:
    status = get(cluster, "deployment", "kuard").get("status") or {}
    return (
        status.get("observedGeneration", 0) >= generation
        and status.get("updatedReplicas") == REPLICAS
        and status.get("availableReplicas") == REPLICAS
        and status.get("replicas") == REPLICAS
    )


def half_way(cluster: Cluster) -> bool:
    updated = (get(cluster, "deployment", "kuard").get("status") or {}).get("updatedReplicas", 0)
    return 0 < updated < REPLICAS


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_a_rollout_interrupted_by_a_restart_finishes(tmp_path: Path, stop_signal: int) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_cluster(data_dir)
    try:
        first.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
        assert eventually(lambda: rolled_out(first, 1), seconds=90), get(first, "deployment", "kuard").get("status")
        first.kubectl("set", "image", "deployment/kuard", "kuard=gcr.io/kuar-demo/kuard-amd64:green")
        assert eventually(lambda: half_way(first))
    finally:
        first.stop(stop_signal)

    second = start_cluster(data_dir)
    try:
        assert eventually(lambda: rolled_out(second, 2), seconds=90), get(second, "deployment", "kuard").get("status")
        pods = [
            p for p in get(second, "pods", "-l", "app=kuard")["items"] if not p["metadata"].get("deletionTimestamp")
        ]
        replicasets = get(second, "replicasets", "-l", "app=kuard")["items"]
        assert len(replicasets) == 2
        new = next(rs for rs in replicasets if rs["spec"]["replicas"] == REPLICAS)
        old = next(rs for rs in replicasets if rs is not new)
        assert old["spec"]["replicas"] == 0
        assert new["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
        assert len(pods) == REPLICAS
        assert {p["spec"]["containers"][0]["image"] for p in pods} == {"gcr.io/kuar-demo/kuard-amd64:green"}
        assert {p["metadata"]["ownerReferences"][0]["uid"] for p in pods} == {new["metadata"]["uid"]}
        assert all(p["status"]["phase"] == "Running" for p in pods)
    finally:
        second.stop()
