"""A node that dies (`kubesim node stop`): NotReady, tainted, its pods evicted after 300 s and recreated elsewhere.

Chapter 11's point about DaemonSets and the book's failure scenarios: the node lifecycle controller marks a
silent node Unknown after the grace period, the taint eviction controller deletes its pods once their default
tolerationSeconds (300 s, 15 s of test time) have passed, and the ReplicaSet replaces them on the healthy
workers. The evicted pods stay Terminating while their kubelet is gone; PodGC removes the pods of a node
that is deleted for good.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "node-failure"
WAIT_SECONDS = 60.0
REPLICASET = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: kuard, namespace: node-failure}
spec:
  replicas: 4
  selector: {matchLabels: {app: kuard}}
  template:
    metadata: {labels: {app: kuard}}
    spec:
      containers: [{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:blue"}]
"""


def kubesim(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kubesim", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def get(cluster: Cluster, *args: str) -> dict:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def pods(cluster: Cluster) -> list[dict]:
    return get(cluster, "pods", "-n", NAMESPACE, "-l", "app=kuard")["items"]


def running(pod: dict) -> bool:
    ready = [c for c in pod.get("status", {}).get("conditions", []) if c["type"] == "Ready"]
    return not pod["metadata"].get("deletionTimestamp") and bool(ready) and ready[0]["status"] == "True"


def node_status(cluster: Cluster, node: str) -> str:
    return cluster.kubectl("get", "node", node, "--no-headers").stdout.split()[1]


def taints(cluster: Cluster, node: str) -> set[tuple[str, str]]:
    return {(t["key"], t["effect"]) for t in get(cluster, "node", node)["spec"].get("taints", [])}


def events(cluster: Cluster, namespace: str, name: str) -> list[dict]:
    selector = f"involvedObject.name={name}"
    return get(cluster, "events", "-n", namespace, "--field-selector", selector)["items"]


def test_a_stopped_node_loses_its_pods_to_the_other_workers(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=REPLICASET)
    assert eventually(lambda: sum(running(pod) for pod in pods(cluster)) == 4)
    victim = pods(cluster)[0]["spec"]["nodeName"]
    doomed = {pod["metadata"]["name"] for pod in pods(cluster) if pod["spec"]["nodeName"] == victim}

    stopped = kubesim(cluster.data_dir, "node", "stop", victim)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.strip() == f"node/{victim} powered off"
    listed = kubesim(cluster.data_dir, "node", "list").stdout.splitlines()
    assert listed[0].split() == ["NAME", "POWER", "STATUS"]
    assert next(line for line in listed if line.startswith(victim + " ")).split()[1] == "off"

    # The lease expires after the node monitor grace period: NotReady (Unknown), tainted, pods not ready.
    assert eventually(lambda: node_status(cluster, victim) == "NotReady")
    ready = next(c for c in get(cluster, "node", victim)["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown",
        "NodeStatusUnknown",
        "Kubelet stopped posting node status.",
    )
    unreachable = "node.kubernetes.io/unreachable"
    assert eventually(lambda: {(unreachable, "NoSchedule"), (unreachable, "NoExecute")} <= taints(cluster, victim))
    assert all("timeAdded" in t for t in get(cluster, "node", victim)["spec"]["taints"] if t["key"] == unreachable)
    node_events = events(cluster, "default", victim)
    assert any(
        e["reason"] == "NodeNotReady" and e["message"] == f"Node {victim} status is now: NodeNotReady"
        and e["source"]["component"] == "node-controller"
        for e in node_events
    )  # fmt: skip
    assert all(not running(pod) for pod in pods(cluster) if pod["metadata"]["name"] in doomed)
    described = cluster.kubectl("describe", "node", victim).stdout
    assert "node.kubernetes.io/unreachable:NoExecute" in described

    # After tolerationSeconds (300 s by default admission) the pods go, and the ReplicaSet replaces them.
    def moved() -> bool:
        current = pods(cluster)
        healthy = [pod for pod in current if running(pod)]
        return len(healthy) == 4 and all(pod["spec"]["nodeName"] != victim for pod in healthy)

    assert eventually(moved)
    leftovers = {pod["metadata"]["name"]: pod for pod in pods(cluster) if pod["metadata"]["name"] in doomed}
    # Their kubelet is gone: they stay Terminating, as on a real cluster.
    assert leftovers and all(pod["metadata"].get("deletionTimestamp") for pod in leftovers.values())
    evicted = next(iter(leftovers))
    eviction = [e for e in events(cluster, NAMESPACE, evicted) if e["reason"] == "TaintManagerEviction"]
    assert eviction[0]["message"] == f"Marking for deletion Pod {NAMESPACE}/{evicted}"
    target = [c for c in leftovers[evicted]["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert target[0]["reason"] == "DeletionByTaintManager"
    # DaemonSet pods tolerate the unreachable taint forever: they stay.
    daemons = [
        pod
        for pod in get(cluster, "pods", "-n", "kube-system", "--field-selector", f"spec.nodeName={victim}")["items"]
        if pod["metadata"]["name"].startswith(("kindnet-", "kube-proxy-"))
    ]
    assert daemons and not any(pod["metadata"].get("deletionTimestamp") for pod in daemons)

    # Power back: the kubelet reports Ready, the taints go, the evicted pods finish terminating.
    started = kubesim(cluster.data_dir, "node", "start", victim)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"node/{victim} powered on"
    assert eventually(lambda: node_status(cluster, victim) == "Ready")
    assert eventually(lambda: not {key for key, _ in taints(cluster, victim)} & {unreachable})
    assert eventually(lambda: not doomed & {pod["metadata"]["name"] for pod in pods(cluster)})


def test_an_out_of_service_node_lets_its_pods_go_at_once(cluster: Cluster) -> None:
    """Non-graceful node shutdown: the administrator's out-of-service taint evicts and force-deletes at once."""
    assert eventually(lambda: sum(running(pod) for pod in pods(cluster)) == 4)
    victim = pods(cluster)[0]["spec"]["nodeName"]
    on_victim = {pod["metadata"]["name"] for pod in pods(cluster) if pod["spec"]["nodeName"] == victim}
    assert kubesim(cluster.data_dir, "node", "stop", victim).returncode == 0
    assert eventually(lambda: node_status(cluster, victim) == "NotReady")
    cluster.kubectl("taint", "node", victim, "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute")
    # Long before the 300 s of tolerationSeconds: evicted, then force-deleted by PodGC though the kubelet is gone.
    assert eventually(lambda: not on_victim & {pod["metadata"]["name"] for pod in pods(cluster)}, seconds=10)
    cluster.kubectl("taint", "node", victim, "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-")
    assert kubesim(cluster.data_dir, "node", "start", victim).returncode == 0
    assert eventually(lambda: node_status(cluster, victim) == "Ready")


def test_pods_of_a_deleted_node_are_garbage_collected(cluster: Cluster) -> None:
    assert eventually(lambda: sum(running(pod) for pod in pods(cluster)) == 4)
    victim = pods(cluster)[-1]["spec"]["nodeName"]
    on_victim = get(cluster, "pods", "-A", "--field-selector", f"spec.nodeName={victim}")["items"]
    assert on_victim
    assert kubesim(cluster.data_dir, "node", "stop", victim).returncode == 0
    cluster.kubectl("delete", "node", victim)
    # PodGC force-deletes the pods bound to a node that is gone (after a 40 s quarantine), DaemonSet pods too.
    assert eventually(lambda: not get(cluster, "pods", "-A", "--field-selector", f"spec.nodeName={victim}")["items"])
    assert eventually(lambda: sum(running(pod) for pod in pods(cluster)) == 4)


def test_node_commands_say_what_is_wrong(cluster: Cluster, tmp_path: Path) -> None:
    unknown = kubesim(cluster.data_dir, "node", "stop", "kuar-worker9")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith('kubesim: there is no node "kuar-worker9" (the nodes are kuar-control-plane')
    absent = kubesim(tmp_path, "node", "list")
    assert absent.returncode == 1
    assert absent.stderr.strip() == f"kubesim: no cluster is running from {tmp_path} (start one with `kubesim up`)"
