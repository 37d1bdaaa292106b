"""StatefulSets as the book's chapter on storage runs MongoDB with them: ordered pods, stable names and claims.

Pods run only through the scheduler, the storage controllers (kind's `standard` class binds a claim once its
pod is scheduled) and the simulated kubelet. Orders are checked on the watch events the official Python
client receives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.kubesim.conftest import Cluster, eventually
from tests.kubesim.pod_events import PodEvents, is_running_and_ready, is_terminating

NAMESPACE = "sts-test"
WAIT_SECONDS = 30.0
BLUE, GREEN = "gcr.io/kuar-demo/kuard-amd64:blue", "gcr.io/kuar-demo/kuard-amd64:green"
MISSPELLED = "gcr.io/kuar-demo/kuard-amd64:bleu"  # never pulled, so never Ready

# The book's replicated MongoDB, with a volume claim template per replica.
MONGO = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "mongo", "namespace": NAMESPACE},
    "spec": {
        "serviceName": "mongo",
        "replicas": 3,
        "selector": {"matchLabels": {"app": "mongo"}},
        "template": {
            "metadata": {"labels": {"app": "mongo"}},
            "spec": {
                "containers": [
                    {
                        "name": "mongodb",
                        "image": "mongo:3.4.24",
                        "command": ["mongod", "--replSet", "rs0"],
                        "ports": [{"containerPort": 27017, "name": "peer"}],
                        "volumeMounts": [{"name": "database", "mountPath": "/data/db"}],
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "database"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "100Gi"}}},
            }
        ],
    },
}


def stateful_set(name: str, image: str = BLUE, replicas: int = 3, claims: bool = False, **spec: Any) -> str:
    manifest: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": image}]},
            },
            **spec,
        },
    }
    if claims:
        claim_spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
        manifest["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": claim_spec}]
        manifest["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    return json.dumps(manifest)


def get(cluster: Cluster, kind: str, name: str) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", kind, name, "-n", NAMESPACE, "-o", "json").stdout)


def listed(cluster: Cluster, kind: str, app: str) -> list[dict[str, Any]]:
    return json.loads(cluster.kubectl("get", kind, "-n", NAMESPACE, "-l", f"app={app}", "-o", "json").stdout)["items"]


def claim_names(cluster: Cluster, app: str) -> list[str]:
    return sorted(claim["metadata"]["name"] for claim in listed(cluster, "persistentvolumeclaims", app))


def images(cluster: Cluster, app: str) -> dict[str, str]:
    pods = [pod for pod in listed(cluster, "pods", app) if not is_terminating(pod)]
    return {pod["metadata"]["name"]: pod["spec"]["containers"][0]["image"] for pod in pods}


def all_ready(cluster: Cluster, name: str, replicas: int) -> bool:
    status = get(cluster, "statefulset", name).get("status") or {}
    return status.get("readyReplicas") == replicas and status.get("replicas") == replicas


def events(cluster: Cluster, name: str) -> list[str]:
    listed_events = cluster.kubectl(
        "get", "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.name={name}", "-o", "json"
    ).stdout
    return [f"{event['reason']}: {event['message']}" for event in json.loads(listed_events)["items"]]


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> Iterator[None]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    yield


def test_mongo_pods_are_made_one_after_another_each_once_the_previous_is_ready(cluster: Cluster) -> None:
    with PodEvents(cluster, NAMESPACE, "app=mongo") as watched:
        cluster.kubectl("apply", "-f", "-", stdin=json.dumps(MONGO))
        assert eventually(lambda: all_ready(cluster, "mongo", 3))
    assert watched.names("ADDED") == ["mongo-0", "mongo-1", "mongo-2"]
    for before, (kind, pod) in zip(watched.states(), watched.events, strict=False):
        if kind == "ADDED":
            ordinal = int(pod["metadata"]["name"].rsplit("-", 1)[1])
            predecessors = [before.get(f"mongo-{lower}") for lower in range(ordinal)]
            assert all(p is not None and is_running_and_ready(p) for p in predecessors), pod["metadata"]["name"]
    stateful = get(cluster, "statefulset", "mongo")
    status = stateful["status"]
    revision = status["currentRevision"]
    assert status == {
        "availableReplicas": 3,
        "collisionCount": 0,
        "currentReplicas": 3,
        "currentRevision": revision,
        "observedGeneration": 1,
        "readyReplicas": 3,
        "replicas": 3,
        "updateRevision": revision,
        "updatedReplicas": 3,
    }
    for ordinal in range(3):
        pod = get(cluster, "pod", f"mongo-{ordinal}")
        assert pod["spec"]["hostname"] == f"mongo-{ordinal}" and pod["spec"]["subdomain"] == "mongo"
        assert pod["metadata"]["labels"] == {
            "app": "mongo",
            "apps.kubernetes.io/pod-index": str(ordinal),
            "controller-revision-hash": revision,
            "statefulset.kubernetes.io/pod-name": f"mongo-{ordinal}",
        }
        assert pod["metadata"]["ownerReferences"][0]["uid"] == stateful["metadata"]["uid"]
        volume = next(v for v in pod["spec"]["volumes"] if v["name"] == "database")
        assert volume["persistentVolumeClaim"]["claimName"] == f"database-mongo-{ordinal}"
    assert claim_names(cluster, "mongo") == ["database-mongo-0", "database-mongo-1", "database-mongo-2"]
    assert eventually(
        lambda: {c["status"]["phase"] for c in listed(cluster, "persistentvolumeclaims", "mongo")} == {"Bound"}
    )
    recorded = events(cluster, "mongo")
    assert "SuccessfulCreate: create Claim database-mongo-0 Pod mongo-0 in StatefulSet mongo success" in recorded
    assert "SuccessfulCreate: create Pod mongo-0 in StatefulSet mongo successful" in recorded
    row = cluster.kubectl("get", "statefulset", "mongo", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert row[:2] == ["mongo", "3/3"]
    [history] = json.loads(
        cluster.kubectl("get", "controllerrevisions", "-n", NAMESPACE, "-l", "app=mongo", "-o", "json").stdout
    )["items"]
    assert history["metadata"]["name"] == revision and history["revision"] == 1


def test_scale_down_deletes_the_highest_ordinal_first_and_keeps_the_claims(cluster: Cluster) -> None:
    assert eventually(lambda: all_ready(cluster, "mongo", 3))
    with PodEvents(cluster, NAMESPACE, "app=mongo") as watched:
        cluster.kubectl("scale", "statefulset", "mongo", "--replicas=1", "-n", NAMESPACE)
        assert eventually(lambda: sorted(images(cluster, "mongo")) == ["mongo-0"] and all_ready(cluster, "mongo", 1))
        assert eventually(lambda: watched.names("DELETED") == ["mongo-2", "mongo-1"])
    going = [
        (kind, pod["metadata"]["name"]) for kind, pod in watched.events if kind == "DELETED" or is_terminating(pod)
    ]
    # mongo-1 is only marked for deletion once mongo-2 is gone.
    first_of_1 = next(index for index, (_, name) in enumerate(going) if name == "mongo-1")
    assert ("DELETED", "mongo-2") in going[:first_of_1]
    assert "SuccessfulDelete: delete Pod mongo-2 in StatefulSet mongo successful" in events(cluster, "mongo")
    assert claim_names(cluster, "mongo") == ["database-mongo-0", "database-mongo-1", "database-mongo-2"]
    cluster.kubectl("delete", "statefulset", "mongo", "-n", NAMESPACE)
    assert eventually(lambda: images(cluster, "mongo") == {})
    assert claim_names(cluster, "mongo") == ["database-mongo-0", "database-mongo-1", "database-mongo-2"]


def test_parallel_creates_every_pod_at_once(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=stateful_set("parallel", MISSPELLED, podManagementPolicy="Parallel"))
    cluster.kubectl("apply", "-f", "-", stdin=stateful_set("ordered", MISSPELLED))
    assert eventually(lambda: sorted(images(cluster, "parallel")) == ["parallel-0", "parallel-1", "parallel-2"])
    assert get(cluster, "statefulset", "parallel")["status"].get("readyReplicas", 0) == 0
    # Its OrderedReady twin waits for a ready ordinal 0, which a pod that cannot pull its image never is.
    assert eventually(lambda: (get(cluster, "statefulset", "ordered").get("status") or {}).get("replicas") == 1)
    assert sorted(images(cluster, "ordered")) == ["ordered-0"]


def test_a_rolling_update_with_a_partition_updates_from_the_highest_ordinal_down(cluster: Cluster) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    cluster.kubectl("apply", "-f", "-", stdin=stateful_set("web", BLUE, updateStrategy=strategy))
    assert eventually(lambda: all_ready(cluster, "web", 3))
    cluster.kubectl("set", "image", "statefulset/web", f"main={GREEN}", "-n", NAMESPACE)
    assert eventually(lambda: images(cluster, "web") == {"web-0": BLUE, "web-1": BLUE, "web-2": GREEN})
    assert eventually(
        lambda: (
            all_ready(cluster, "web", 3) and get(cluster, "statefulset", "web")["status"].get("updatedReplicas") == 1
        )
    )
    status = get(cluster, "statefulset", "web")["status"]
    assert status["currentReplicas"] == 2 and status["currentRevision"] != status["updateRevision"]
    rollout = cluster.kubectl("rollout", "status", "statefulset/web", "-n", NAMESPACE, "--timeout=30s").stdout
    assert "partitioned roll out complete: 1 new pods have been updated..." in rollout
    with PodEvents(cluster, NAMESPACE, "app=web") as watched:
        patch = {"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}}
        cluster.kubectl("patch", "statefulset", "web", "-n", NAMESPACE, "-p", json.dumps(patch))
        assert eventually(lambda: images(cluster, "web") == {f"web-{i}": GREEN for i in range(3)})
        assert eventually(lambda: all_ready(cluster, "web", 3))
        assert eventually(lambda: watched.names("DELETED") == ["web-1", "web-0"])
    # web-0 is replaced only once the new web-1 is running and ready.
    for before, (kind, pod) in zip(watched.states(), watched.events, strict=False):
        if kind == "MODIFIED" and pod["metadata"]["name"] == "web-0" and is_terminating(pod):
            web_1 = before.get("web-1")
            assert web_1 is not None and is_running_and_ready(web_1)
            assert web_1["spec"]["containers"][0]["image"] == GREEN
    status = get(cluster, "statefulset", "web")["status"]
    assert status["currentRevision"] == status["updateRevision"] and status["currentReplicas"] == 3
    printed = cluster.kubectl("rollout", "history", "statefulset/web", "-n", NAMESPACE).stdout
    assert [line.split()[0] for line in printed.splitlines()[2:] if line.strip()] == ["1", "2"]
    cluster.kubectl("rollout", "undo", "statefulset/web", "-n", NAMESPACE)
    assert eventually(
        lambda: images(cluster, "web") == {f"web-{i}": BLUE for i in range(3)} and all_ready(cluster, "web", 3)
    )


def test_claims_go_with_the_set_or_the_scaled_down_pod_when_the_policy_says_delete(cluster: Cluster) -> None:
    policy = {"whenDeleted": "Delete", "whenScaled": "Delete"}
    manifest = stateful_set("cache", BLUE, replicas=2, claims=True, persistentVolumeClaimRetentionPolicy=policy)
    cluster.kubectl("apply", "-f", "-", stdin=manifest)
    assert eventually(lambda: all_ready(cluster, "cache", 2))
    owner = get(cluster, "statefulset", "cache")["metadata"]["uid"]
    claim = get(cluster, "persistentvolumeclaim", "data-cache-0")
    assert [(r["kind"], r["uid"], r.get("controller")) for r in claim["metadata"]["ownerReferences"]] == [
        ("StatefulSet", owner, True)
    ]
    cluster.kubectl("scale", "statefulset", "cache", "--replicas=1", "-n", NAMESPACE)
    assert eventually(lambda: claim_names(cluster, "cache") == ["data-cache-0"])
    cluster.kubectl("delete", "statefulset", "cache", "-n", NAMESPACE)
    assert eventually(lambda: claim_names(cluster, "cache") == [])
