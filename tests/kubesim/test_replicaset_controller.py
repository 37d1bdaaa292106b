"""The ReplicaSet controller as chapter 9 of the book shows it: reconciliation, scaling, adoption, quarantine."""

from __future__ import annotations

import json

from tests.kubesim.conftest import Cluster, eventually

WAIT_SECONDS = 20.0
REPLICASET = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: kuard, namespace: rs-test}
spec:
  replicas: 3
  selector: {matchLabels: {app: kuard}}
  template:
    metadata: {labels: {app: kuard, version: "2"}}
    spec:
      containers: [{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:green"}]
"""


def pods(cluster: Cluster, selector: str = "app=kuard") -> list[dict]:
    listed = cluster.kubectl("get", "pods", "-n", "rs-test", "-l", selector, "-o", "json").stdout
    return [pod for pod in json.loads(listed)["items"] if not pod["metadata"].get("deletionTimestamp")]


def pod_names(cluster: Cluster) -> set[str]:
    return {pod["metadata"]["name"] for pod in pods(cluster)}


def status_replicas(cluster: Cluster) -> int:
    replicaset = json.loads(cluster.kubectl("get", "replicaset", "kuard", "-n", "rs-test", "-o", "json").stdout)
    return int((replicaset.get("status") or {}).get("replicas", 0))


def test_a_replicaset_keeps_its_pods(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "rs-test")
    cluster.kubectl("apply", "-f", "-", stdin=REPLICASET)
    assert eventually(lambda: len(pods(cluster)) == 3)
    first = pods(cluster)[0]
    assert first["metadata"]["name"].startswith("kuard-")
    assert first["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet"

    cluster.kubectl("delete", "pod", first["metadata"]["name"], "-n", "rs-test")
    assert eventually(lambda: len(pod_names(cluster)) == 3 and first["metadata"]["name"] not in pod_names(cluster))

    cluster.kubectl("scale", "replicaset", "kuard", "-n", "rs-test", "--replicas=1")
    assert eventually(lambda: len(pods(cluster)) == 1)
    assert eventually(lambda: status_replicas(cluster) == 1)


def test_quarantine_and_adoption(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "rs-test", check=False)
    cluster.kubectl("apply", "-f", "-", stdin=REPLICASET.replace("replicas: 3", "replicas: 2"))
    assert eventually(lambda: len(pods(cluster)) == 2)
    quarantined = pods(cluster)[0]["metadata"]["name"]
    cluster.kubectl("label", "pod", quarantined, "-n", "rs-test", "app=debug", "--overwrite")
    assert eventually(
        lambda: len(pods(cluster)) == 2 and quarantined not in {p["metadata"]["name"] for p in pods(cluster)}
    )
    debug = pods(cluster, "app=debug")
    assert [p["metadata"]["name"] for p in debug] == [quarantined]
    assert "ownerReferences" not in debug[0]["metadata"]
    cluster.kubectl("label", "pod", quarantined, "-n", "rs-test", "app=kuard", "--overwrite")
    assert eventually(lambda: len(pods(cluster)) == 2)  # adopted back, and one of the three goes
