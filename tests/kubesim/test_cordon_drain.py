"""Node maintenance: `kubectl cordon/uncordon`, `kubectl drain` through the eviction API, PodDisruptionBudgets.

Cordoning sets spec.unschedulable (and the node controller adds the node.kubernetes.io/unschedulable taint);
draining cordons the node and evicts its pods, which their ReplicaSet recreates on other nodes. An eviction
that would take a PodDisruptionBudget below its minimum is refused with 429 until the budget allows it.
"""

from __future__ import annotations

import json

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "maintenance"
WAIT_SECONDS = 40.0
UNSCHEDULABLE = ("node.kubernetes.io/unschedulable", "NoSchedule")
REPLICASET = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: NAME, namespace: maintenance}
spec:
  replicas: 2
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:blue"}]
"""
BUDGET = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: guarded, namespace: maintenance}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: guarded}}
"""


def get(cluster: Cluster, *args: str) -> dict:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def ready_pods(cluster: Cluster, app: str) -> list[dict]:
    return [
        pod
        for pod in get(cluster, "pods", "-n", NAMESPACE, "-l", f"app={app}")["items"]
        if not pod["metadata"].get("deletionTimestamp")
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
    ]


def taints(cluster: Cluster, node: str) -> set[tuple[str, str]]:
    return {(t["key"], t["effect"]) for t in get(cluster, "node", node)["spec"].get("taints", [])}


def node_status(cluster: Cluster, node: str) -> str:
    return cluster.kubectl("get", "node", node, "--no-headers").stdout.split()[1]


def start_replicaset(cluster: Cluster, app: str) -> list[dict]:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    cluster.kubectl("apply", "-f", "-", stdin=REPLICASET.replace("NAME", app))
    assert eventually(lambda: len(ready_pods(cluster, app)) == 2)
    return ready_pods(cluster, app)


def test_cordon_and_uncordon(cluster: Cluster) -> None:
    assert cluster.kubectl("cordon", "kuar-worker").stdout.strip() == "node/kuar-worker cordoned"
    assert node_status(cluster, "kuar-worker") == "Ready,SchedulingDisabled"
    assert eventually(lambda: UNSCHEDULABLE in taints(cluster, "kuar-worker"))
    assert cluster.kubectl("cordon", "kuar-worker").stdout.strip() == "node/kuar-worker already cordoned"
    assert "Unschedulable:      true" in cluster.kubectl("describe", "node", "kuar-worker").stdout

    assert cluster.kubectl("uncordon", "kuar-worker").stdout.strip() == "node/kuar-worker uncordoned"
    assert node_status(cluster, "kuar-worker") == "Ready"
    assert eventually(lambda: UNSCHEDULABLE not in taints(cluster, "kuar-worker"))


def test_drain_moves_the_pods_elsewhere(cluster: Cluster) -> None:
    node = start_replicaset(cluster, "drained")[0]["spec"]["nodeName"]
    on_node = {pod["metadata"]["name"] for pod in ready_pods(cluster, "drained") if pod["spec"]["nodeName"] == node}

    drained = cluster.kubectl(
        "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s", check=False
    )
    assert drained.returncode == 0, drained.stderr
    lines = drained.stdout.splitlines()
    assert lines[0] == f"node/{node} cordoned"
    assert lines[-1] == f"node/{node} drained"
    for name in on_node:
        assert f"evicting pod {NAMESPACE}/{name}" in lines
        assert f"pod/{name} evicted" in lines
    assert "Warning: ignoring DaemonSet-managed Pods: " in drained.stderr
    assert node_status(cluster, node) == "Ready,SchedulingDisabled"

    def moved() -> bool:
        pods = ready_pods(cluster, "drained")
        return len(pods) == 2 and all(pod["spec"]["nodeName"] != node for pod in pods)

    assert eventually(moved)
    cluster.kubectl("uncordon", node)


def test_a_disruption_budget_holds_a_drain_until_it_allows_it(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    cluster.kubectl("apply", "-f", "-", stdin=BUDGET)
    node = start_replicaset(cluster, "guarded")[0]["spec"]["nodeName"]

    def budget() -> dict:
        return get(cluster, "pdb", "guarded", "-n", NAMESPACE)

    assert eventually(lambda: budget().get("status", {}).get("currentHealthy") == 2)
    status = budget()["status"]
    assert (status["desiredHealthy"], status["expectedPods"], status["disruptionsAllowed"]) == (2, 2, 0)
    allowed = next(c for c in status["conditions"] if c["type"] == "DisruptionAllowed")
    assert (allowed["status"], allowed["reason"]) == ("False", "InsufficientPods")
    listed = cluster.kubectl("get", "pdb", "-n", NAMESPACE).stdout.splitlines()
    assert listed[0].split() == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"]
    assert listed[1].split()[:4] == ["guarded", "2", "N/A", "0"]

    # The eviction API itself, through the official client: 429 with the budget's reason.
    core = client.CoreV1Api(config.new_client_from_config(config_file=str(cluster.kubeconfig)))
    victim = ready_pods(cluster, "guarded")[0]["metadata"]["name"]
    eviction = client.V1Eviction(metadata=client.V1ObjectMeta(name=victim, namespace=NAMESPACE))
    with pytest.raises(ApiException) as refusal:
        core.create_namespaced_pod_eviction(victim, NAMESPACE, eviction)
    assert refusal.value.status == 429
    body = json.loads(refusal.value.body)
    assert (body["reason"], body["message"]) == (
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
    )
    assert body["details"]["causes"] == [
        {
            "reason": "DisruptionBudget",
            "message": "The disruption budget guarded needs 2 healthy pods and has 2 currently",
        }
    ]

    blocked = cluster.kubectl("drain", node, "--ignore-daemonsets", "--timeout=8s", check=False)
    assert blocked.returncode != 0
    assert "Cannot evict pod as it would violate the pod's disruption budget." in blocked.stderr
    assert len(ready_pods(cluster, "guarded")) == 2

    cluster.kubectl("patch", "pdb", "guarded", "-n", NAMESPACE, "--type=merge", "-p", '{"spec":{"minAvailable":1}}')
    assert eventually(lambda: budget()["status"]["disruptionsAllowed"] == 1)
    assert next(c for c in budget()["status"]["conditions"] if c["type"] == "DisruptionAllowed")["reason"] == (
        "SufficientPods"
    )
    drained = cluster.kubectl("drain", node, "--ignore-daemonsets", "--timeout=60s", check=False)
    assert drained.returncode == 0, drained.stderr
    assert drained.stdout.splitlines()[-1] == f"node/{node} drained"
    assert eventually(
        lambda: len(pods := ready_pods(cluster, "guarded")) == 2 and all(p["spec"]["nodeName"] != node for p in pods)
    )
    cluster.kubectl("uncordon", node)
