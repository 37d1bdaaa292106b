"""DaemonSets as the book's chapter on them shows: a pod per node, node selectors, rolling updates, history.

The pods run only through the scheduler (which binds them to the node their affinity names) and the simulated
kubelet; the cluster has the control plane (tainted NoSchedule) and two workers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.kubesim.conftest import Cluster, eventually
from tests.kubesim.pod_events import PodEvents, is_ready, is_terminating

NAMESPACE = "ds-test"
WAIT_SECONDS = 30.0
BLUE, GREEN = "gcr.io/kuar-demo/kuard-amd64:blue", "gcr.io/kuar-demo/kuard-amd64:green"
WORKERS = ["kuar-worker", "kuar-worker2"]
CONTROL_PLANE = "kuar-control-plane"


def daemon_set(name: str, image: str = BLUE, pod_spec: dict[str, Any] | None = None, **spec: Any) -> str:
    annotations = spec.pop("annotations", {})
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": NAMESPACE, "annotations": annotations},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": image}], **(pod_spec or {})},
            },
            **spec,
        },
    }
    return json.dumps(manifest)


def get(cluster: Cluster, kind: str, name: str) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", kind, name, "-n", NAMESPACE, "-o", "json").stdout)


def pods_of(cluster: Cluster, app: str) -> list[dict[str, Any]]:
    listed = cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", f"app={app}", "-o", "json").stdout
    return [pod for pod in json.loads(listed)["items"] if not is_terminating(pod)]


def placement(cluster: Cluster, app: str) -> dict[str, str]:
    """The node of each running pod, by node (a node listed once per pod it has)."""
    return {pod["spec"].get("nodeName", ""): pod["spec"]["containers"][0]["image"] for pod in pods_of(cluster, app)}


def rolled_out(cluster: Cluster, name: str) -> bool:
    result = cluster.kubectl("rollout", "status", f"daemonset/{name}", "-n", NAMESPACE, "--timeout=60s", check=False)
    return result.returncode == 0 and f'daemon set "{name}" successfully rolled out' in result.stdout


def events(cluster: Cluster, name: str) -> list[str]:
    listed = cluster.kubectl(
        "get", "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.name={name}", "-o", "json"
    ).stdout
    return [f"{event['reason']}: {event['message']}" for event in json.loads(listed)["items"]]


def history(cluster: Cluster, name: str) -> list[list[str]]:
    printed = cluster.kubectl("rollout", "history", f"daemonset/{name}", "-n", NAMESPACE).stdout
    return [line.split(None, 1) for line in printed.splitlines()[2:] if line.strip()]


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> Iterator[None]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    yield


def test_bootstrapped_daemonsets_keep_their_pods(cluster: Cluster) -> None:
    listed = cluster.kubectl("get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-proxy", "-o", "json").stdout
    pods = json.loads(listed)["items"]
    assert sorted(pod["spec"]["nodeName"] for pod in pods) == sorted([CONTROL_PLANE, *WORKERS])
    revisions = json.loads(
        cluster.kubectl(
            "get", "controllerrevisions", "-n", "kube-system", "-l", "k8s-app=kube-proxy", "-o", "json"
        ).stdout
    )["items"]
    assert [revision["revision"] for revision in revisions] == [1]
    revision_hash = revisions[0]["metadata"]["labels"]["controller-revision-hash"]
    assert {pod["metadata"]["labels"]["controller-revision-hash"] for pod in pods} == {revision_hash}
    listed_events = cluster.kubectl(
        "get", "events", "-n", "kube-system", "--field-selector", "involvedObject.name=kube-proxy", "-o", "json"
    ).stdout
    assert not [event for event in json.loads(listed_events)["items"] if event["reason"] == "SuccessfulCreate"]
    status = json.loads(cluster.kubectl("get", "daemonset", "kube-proxy", "-n", "kube-system", "-o", "json").stdout)
    assert status["status"]["desiredNumberScheduled"] == 3


def test_one_pod_per_worker_and_none_on_the_tainted_control_plane(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("fluentd"))
    assert rolled_out(cluster, "fluentd")
    pods = pods_of(cluster, "fluentd")
    assert sorted(pod["spec"]["nodeName"] for pod in pods) == WORKERS
    owner = get(cluster, "daemonset", "fluentd")
    [revision] = json.loads(
        cluster.kubectl("get", "controllerrevisions", "-n", NAMESPACE, "-l", "app=fluentd", "-o", "json").stdout
    )["items"]
    revision_hash = revision["metadata"]["labels"]["controller-revision-hash"]
    assert revision["metadata"]["name"] == f"fluentd-{revision_hash}" and revision["revision"] == 1
    for pod in pods:
        node = pod["spec"]["nodeName"]
        assert pod["metadata"]["name"].startswith("fluentd-")
        assert pod["metadata"]["ownerReferences"][0]["uid"] == owner["metadata"]["uid"]
        assert pod["metadata"]["labels"] == {
            "app": "fluentd",
            "controller-revision-hash": revision_hash,
            "pod-template-generation": "1",
        }
        terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert terms["nodeSelectorTerms"] == [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]
        tolerations = {(t["key"], t["effect"]) for t in pod["spec"]["tolerations"] if "tolerationSeconds" not in t}
        assert {
            ("node.kubernetes.io/not-ready", "NoExecute"),
            ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/disk-pressure", "NoSchedule"),
            ("node.kubernetes.io/memory-pressure", "NoSchedule"),
            ("node.kubernetes.io/pid-pressure", "NoSchedule"),
            ("node.kubernetes.io/unschedulable", "NoSchedule"),
        } <= tolerations
        assert f"SuccessfulCreate: Created pod: {pod['metadata']['name']}" in events(cluster, "fluentd")
    status = get(cluster, "daemonset", "fluentd")["status"]
    assert status == {
        "currentNumberScheduled": 2,
        "desiredNumberScheduled": 2,
        "numberAvailable": 2,
        "numberMisscheduled": 0,
        "numberReady": 2,
        "observedGeneration": 1,
        "updatedNumberScheduled": 2,
    }
    row = cluster.kubectl("get", "daemonset", "fluentd", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert row[:6] == ["fluentd", "2", "2", "2", "2", "2"]
    assert (
        get(cluster, "daemonset", "fluentd")["metadata"]["annotations"]["deprecated.daemonset.template.generation"]
        == "1"
    )


def test_a_toleration_of_the_control_plane_taint_puts_a_pod_there_too(cluster: Cluster) -> None:
    toleration = {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("everywhere", pod_spec={"tolerations": [toleration]}))
    assert rolled_out(cluster, "everywhere")
    assert sorted(placement(cluster, "everywhere")) == sorted([CONTROL_PLANE, *WORKERS])


def test_a_node_selector_follows_node_labels(cluster: Cluster) -> None:
    selector = {"nodeSelector": {"ssd": "true"}}
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("nginx-fast-storage", "nginx:1.10.0", pod_spec=selector))
    assert eventually(
        lambda: get(cluster, "daemonset", "nginx-fast-storage").get("status", {}).get("observedGeneration") == 1
    )
    assert pods_of(cluster, "nginx-fast-storage") == []
    assert get(cluster, "daemonset", "nginx-fast-storage")["status"]["desiredNumberScheduled"] == 0
    try:
        cluster.kubectl("label", "nodes", "kuar-worker2", "ssd=true")
        assert eventually(lambda: placement(cluster, "nginx-fast-storage") == {"kuar-worker2": "nginx:1.10.0"})
        assert rolled_out(cluster, "nginx-fast-storage")
        [pod] = pods_of(cluster, "nginx-fast-storage")
        cluster.kubectl("label", "nodes", "kuar-worker2", "ssd-")
        assert eventually(lambda: pods_of(cluster, "nginx-fast-storage") == [])
        assert f"SuccessfulDelete: Deleted pod: {pod['metadata']['name']}" in events(cluster, "nginx-fast-storage")
        assert eventually(
            lambda: get(cluster, "daemonset", "nginx-fast-storage")["status"]["desiredNumberScheduled"] == 0
        )
    finally:
        cluster.kubectl("label", "nodes", "kuar-worker2", "ssd-", check=False)


def test_a_rolling_update_replaces_one_node_at_a_time(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("rolling", BLUE))
    assert rolled_out(cluster, "rolling")
    with PodEvents(cluster, NAMESPACE, "app=rolling") as watched:
        cluster.kubectl("set", "image", "daemonset/rolling", f"main={GREEN}", "-n", NAMESPACE)
        assert rolled_out(cluster, "rolling")
        assert eventually(lambda: placement(cluster, "rolling") == {node: GREEN for node in WORKERS})
    states = watched.states()
    assert len(watched.names("DELETED")) >= 2
    for pods in states:
        live = [pod for pod in pods.values() if not is_terminating(pod)]
        nodes_with_a_live_pod = [pod["spec"].get("nodeName") or "pending" for pod in live]
        # maxUnavailable 1, maxSurge 0: one node at a time is without a ready pod, and never has two pods.
        assert sum(1 for pod in live if is_ready(pod)) >= len(WORKERS) - 1
        assert len(nodes_with_a_live_pod) == len(set(nodes_with_a_live_pod))
    new_hash = {pod["metadata"]["labels"]["controller-revision-hash"] for pod in pods_of(cluster, "rolling")}
    [revision] = [r for r in history_objects(cluster, "rolling") if r["revision"] == 2]
    assert new_hash == {revision["metadata"]["labels"]["controller-revision-hash"]}
    assert {pod["metadata"]["labels"]["pod-template-generation"] for pod in pods_of(cluster, "rolling")} == {"2"}


def history_objects(cluster: Cluster, app: str) -> list[dict[str, Any]]:
    listed = cluster.kubectl("get", "controllerrevisions", "-n", NAMESPACE, "-l", f"app={app}", "-o", "json").stdout
    return sorted(json.loads(listed)["items"], key=lambda revision: revision["revision"])


def test_on_delete_waits_for_pods_to_be_deleted(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("manual", BLUE, updateStrategy={"type": "OnDelete"}))
    assert eventually(lambda: get(cluster, "daemonset", "manual").get("status", {}).get("numberAvailable") == 2)
    cluster.kubectl("set", "image", "daemonset/manual", f"main={GREEN}", "-n", NAMESPACE)
    assert eventually(lambda: get(cluster, "daemonset", "manual")["status"].get("observedGeneration") == 2)
    assert len(history_objects(cluster, "manual")) == 2
    assert placement(cluster, "manual") == {node: BLUE for node in WORKERS}
    assert get(cluster, "daemonset", "manual")["status"].get("updatedNumberScheduled", 0) == 0
    [on_worker] = [pod for pod in pods_of(cluster, "manual") if pod["spec"]["nodeName"] == "kuar-worker"]
    cluster.kubectl("delete", "pod", on_worker["metadata"]["name"], "-n", NAMESPACE)
    assert eventually(lambda: placement(cluster, "manual") == {"kuar-worker": GREEN, "kuar-worker2": BLUE})
    assert eventually(lambda: get(cluster, "daemonset", "manual")["status"].get("updatedNumberScheduled") == 1)


def test_rollout_history_and_undo(cluster: Cluster) -> None:
    cause = "kubernetes.io/change-cause"
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("undo", BLUE, annotations={cause: "blue"}))
    assert rolled_out(cluster, "undo")
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("undo", GREEN, annotations={cause: "green"}))
    assert rolled_out(cluster, "undo")
    assert history(cluster, "undo") == [["1", "blue"], ["2", "green"]]
    shown = cluster.kubectl("rollout", "history", "daemonset/undo", "-n", NAMESPACE, "--revision=1").stdout
    assert "daemonset.apps/undo with revision #1" in shown and BLUE in shown
    cluster.kubectl("rollout", "undo", "daemonset/undo", "-n", NAMESPACE)
    assert rolled_out(cluster, "undo")
    assert eventually(lambda: placement(cluster, "undo") == {node: BLUE for node in WORKERS})
    assert history(cluster, "undo") == [["2", "green"], ["3", "blue"]]
    again = cluster.kubectl("rollout", "undo", "daemonset/undo", "-n", NAMESPACE, "--to-revision=3").stdout
    assert "skipped rollback (current template already matches revision 3)" in again


def test_a_new_node_gets_a_pod_and_a_removed_node_takes_its_pod_along(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=daemon_set("per-node", BLUE))
    assert rolled_out(cluster, "per-node")
    model = json.loads(cluster.kubectl("get", "node", "kuar-worker2", "-o", "json").stdout)
    labels = {**model["metadata"]["labels"], "kubernetes.io/hostname": "kuar-worker3"}
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "kuar-worker3", "labels": labels},
        "spec": {"podCIDR": "10.244.9.0/24", "podCIDRs": ["10.244.9.0/24"]},
    }
    # What the new node's kubelet registers: its capacity (the API keeps a node's status apart from its spec).
    resources = {"status": {field: model["status"][field] for field in ("capacity", "allocatable")}}
    try:
        cluster.kubectl("create", "-f", "-", stdin=json.dumps(node))
        cluster.kubectl("patch", "node", "kuar-worker3", "--subresource=status", "-p", json.dumps(resources))
        assert eventually(lambda: sorted(placement(cluster, "per-node")) == [*WORKERS, "kuar-worker3"])
        assert rolled_out(cluster, "per-node")
        cluster.kubectl("delete", "node", "kuar-worker3")
        assert eventually(lambda: sorted(placement(cluster, "per-node")) == WORKERS)
        assert eventually(lambda: get(cluster, "daemonset", "per-node")["status"]["desiredNumberScheduled"] == 2)
    finally:
        cluster.kubectl("delete", "node", "kuar-worker3", "--ignore-not-found")
