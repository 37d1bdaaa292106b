"""Deployments as chapter 10 of the book shows them: rollouts, their bounds, history, undo, pause, Recreate.

Pods become Ready only through the scheduler and the simulated kubelet; the rollouts are watched with the
official Python client, event by event, to check that they stay within maxSurge and maxUnavailable.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config, watch
from urllib3.exceptions import ProtocolError

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "deploy-test"
WAIT_SECONDS = 30.0
BLUE, GREEN, PURPLE = (f"gcr.io/kuar-demo/kuard-amd64:{tag}" for tag in ("blue", "green", "purple"))
MISSPELLED = "gcr.io/kuar-demo/kuard-amd64:bleu"  # not in any registry: ErrImagePull, then ImagePullBackOff


def manifest(name: str, image: str, replicas: int = 3, **spec: Any) -> str:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NAMESPACE, "annotations": spec.pop("annotations", {})},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "kuard", "image": image}]},
            },
            **spec,
        },
    }
    return json.dumps(deployment)


def get(cluster: Cluster, kind: str, name: str) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", kind, name, "-n", NAMESPACE, "-o", "json").stdout)


def replicasets(cluster: Cluster, app: str) -> list[dict[str, Any]]:
    listed = cluster.kubectl("get", "replicasets", "-n", NAMESPACE, "-l", f"app={app}", "-o", "json").stdout
    return sorted(json.loads(listed)["items"], key=lambda rs: revision(rs))


def revision(obj: dict[str, Any]) -> int:
    return int(obj["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0"))


def condition(deployment: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in deployment["status"]["conditions"] if c["type"] == kind)


def rolled_out(cluster: Cluster, name: str) -> bool:
    result = cluster.kubectl("rollout", "status", f"deployment/{name}", "-n", NAMESPACE, "--timeout=60s", check=False)
    return result.returncode == 0 and result.stdout.strip().endswith(f'deployment "{name}" successfully rolled out')


def images(cluster: Cluster, app: str) -> list[str]:
    listed = cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", f"app={app}", "-o", "json").stdout
    return sorted(
        pod["spec"]["containers"][0]["image"]
        for pod in json.loads(listed)["items"]
        if not pod["metadata"].get("deletionTimestamp")
    )


def events(cluster: Cluster, name: str) -> list[str]:
    listed = cluster.kubectl(
        "get", "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.name={name}", "-o", "json"
    ).stdout
    return [f"{event['reason']}: {event['message']}" for event in json.loads(listed)["items"]]


class Follow:
    """Every state of an app's pods or ReplicaSets, one per watch event, as the official Python client sees them."""

    def __init__(self, cluster: Cluster, kind: str, app: str) -> None:
        api = config.new_client_from_config(config_file=str(cluster.kubeconfig))
        self.lister = (
            client.CoreV1Api(api).list_namespaced_pod
            if kind == "pods"
            else (client.AppsV1Api(api).list_namespaced_replica_set)
        )
        self.selector = f"app={app}"
        listed = json.loads(self.lister(NAMESPACE, label_selector=self.selector, _preload_content=False).data)
        self.objects: dict[str, dict[str, Any]] = {obj["metadata"]["name"]: obj for obj in listed["items"]}
        self.states: list[list[dict[str, Any]]] = [list(self.objects.values())]
        self.stream, self.stopped = watch.Watch(), False
        self.thread = threading.Thread(target=self._follow, args=(listed["metadata"]["resourceVersion"],), daemon=True)

    def __enter__(self) -> Follow:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped = True
        self.stream.stop()

    def _follow(self, since: str) -> None:
        events = self.stream.stream(
            self.lister, NAMESPACE, label_selector=self.selector, resource_version=since, timeout_seconds=120
        )
        try:
            for event in events:
                obj = event["raw_object"]
                if event["type"] == "DELETED":
                    self.objects.pop(obj["metadata"]["name"], None)
                else:
                    self.objects[obj["metadata"]["name"]] = obj
                self.states.append(list(self.objects.values()))
        except ProtocolError:  # the cluster went away after the test stopped following
            if not self.stopped:
                raise


def running(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pods a Deployment counts: not being deleted."""
    return [pod for pod in pods if not pod["metadata"].get("deletionTimestamp")]


def ready(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        pod
        for pod in running(pods)
        if any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))
    ]


def available(replicaset: dict[str, Any]) -> int:
    return int(replicaset.get("status", {}).get("availableReplicas", 0))


def image_of(pod: dict[str, Any]) -> str:
    return str(pod["spec"]["containers"][0]["image"])


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> Iterator[None]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    yield


def test_a_deployment_becomes_available_through_a_replicaset(cluster: Cluster) -> None:
    cluster.kubectl(
        "apply", "-f", "-", stdin=manifest("kuard", BLUE, annotations={"kubernetes.io/change-cause": "blue"})
    )
    assert rolled_out(cluster, "kuard")
    deployment = get(cluster, "deployment", "kuard")
    [replicaset] = replicasets(cluster, "kuard")
    name, pod_hash = replicaset["metadata"]["name"], replicaset["metadata"]["labels"]["pod-template-hash"]
    assert name == f"kuard-{pod_hash}"
    assert replicaset["spec"]["selector"]["matchLabels"] == {"app": "kuard", "pod-template-hash": pod_hash}
    assert replicaset["spec"]["template"]["metadata"]["labels"] == {"app": "kuard", "pod-template-hash": pod_hash}
    assert replicaset["metadata"]["ownerReferences"][0]["uid"] == deployment["metadata"]["uid"]
    annotations = replicaset["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/revision"] == "1"
    assert annotations["deployment.kubernetes.io/desired-replicas"] == "3"
    assert annotations["deployment.kubernetes.io/max-replicas"] == "4"  # 3 + 25 % rounded up
    assert annotations["kubernetes.io/change-cause"] == "blue"
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    status = deployment["status"]
    assert (status["replicas"], status["updatedReplicas"], status["readyReplicas"], status["availableReplicas"]) == (
        3,
        3,
        3,
        3,
    )
    assert "unavailableReplicas" not in status and status["observedGeneration"] == 1
    available, progressing = condition(deployment, "Available"), condition(deployment, "Progressing")
    assert (available["status"], available["reason"]) == ("True", "MinimumReplicasAvailable")
    assert available["message"] == "Deployment has minimum availability."
    assert (progressing["status"], progressing["reason"]) == ("True", "NewReplicaSetAvailable")
    assert progressing["message"] == f'ReplicaSet "{name}" has successfully progressed.'
    assert f"ScalingReplicaSet: Scaled up replica set {name} from 0 to 3" in events(cluster, "kuard")
    described = cluster.kubectl("describe", "deployment", "kuard", "-n", NAMESPACE).stdout
    assert "3 desired | 3 updated | 3 total | 3 available | 0 unavailable" in described
    assert f"NewReplicaSet:   {name} (3/3 replicas created)" in described
    table = cluster.kubectl("get", "deployment", "kuard", "-n", NAMESPACE).stdout
    assert table.splitlines()[1].split()[:4] == ["kuard", "3/3", "3", "3"]


def test_set_image_and_apply_roll_out_within_surge_and_unavailability(cluster: Cluster) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
    cluster.kubectl("apply", "-f", "-", stdin=manifest("bounded", BLUE, replicas=4, strategy=strategy))
    assert rolled_out(cluster, "bounded")
    with Follow(cluster, "replicasets", "bounded") as sets, Follow(cluster, "pods", "bounded") as pods:
        cluster.kubectl("set", "image", "deployment/bounded", f"kuard={GREEN}", "-n", NAMESPACE)
        assert rolled_out(cluster, "bounded")
        assert eventually(lambda: sorted(image_of(pod) for pod in pods.states[-1]) == [GREEN] * 4)
        cluster.kubectl("apply", "-f", "-", stdin=manifest("bounded", PURPLE, replicas=4, strategy=strategy))
        assert rolled_out(cluster, "bounded")
        assert eventually(lambda: sorted(image_of(pod) for pod in pods.states[-1]) == [PURPLE] * 4)
    assert {image_of(pod) for state in pods.states for pod in state} == {BLUE, GREEN, PURPLE}
    assert [revision(rs) for rs in replicasets(cluster, "bounded")] == [1, 2, 3]
    # The Deployment sizes its ReplicaSets; each ReplicaSet then creates and deletes pods on its own, so
    # the surge bound holds for the sizes, and availability for the ReplicaSets' counts and the ready pods.
    assert max(sum(rs["spec"]["replicas"] for rs in state) for state in sets.states) == 4 + 1  # + maxSurge
    assert min(sum(available(rs) for rs in state) for state in sets.states) >= 4 - 1  # - maxUnavailable
    assert min(len(ready(state)) for state in pods.states) >= 4 - 1


def test_rollout_status_follows_a_surge_only_rollout(cluster: Cluster) -> None:
    # 25 % of 3: a surge of 1 and no unavailability; minReadySeconds makes each step last (simulated) 30 s.
    cluster.kubectl("apply", "-f", "-", stdin=manifest("surge", BLUE, minReadySeconds=30))
    assert rolled_out(cluster, "surge")
    cluster.kubectl("set", "image", "deployment/surge", f"kuard={GREEN}", "-n", NAMESPACE)
    status = cluster.kubectl("rollout", "status", "deployment/surge", "-n", NAMESPACE, "--timeout=60s").stdout
    assert 'Waiting for deployment "surge" rollout to finish: 1 out of 3 new replicas have been updated...' in status
    assert status.splitlines()[-1] == 'deployment "surge" successfully rolled out'
    [old, new] = replicasets(cluster, "surge")
    happenings = events(cluster, "surge")
    assert f"ScalingReplicaSet: Scaled up replica set {new['metadata']['name']} from 0 to 1" in happenings
    assert f"ScalingReplicaSet: Scaled down replica set {old['metadata']['name']} from 3 to 2" in happenings
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 3)


def test_history_and_undo_reuse_the_replicaset_of_a_revision(cluster: Cluster) -> None:
    for image, cause in ((BLUE, "blue"), (GREEN, "green"), (PURPLE, "purple")):
        annotations = {"kubernetes.io/change-cause": f"Update to {cause} kuard"}
        cluster.kubectl("apply", "-f", "-", stdin=manifest("history", image, replicas=2, annotations=annotations))
        assert rolled_out(cluster, "history")
    history = cluster.kubectl("rollout", "history", "deployment/history", "-n", NAMESPACE).stdout
    rows = [line.split(None, 1) for line in history.splitlines()[2:] if line.strip()]
    assert rows == [["1", "Update to blue kuard"], ["2", "Update to green kuard"], ["3", "Update to purple kuard"]]
    green = replicasets(cluster, "history")[1]["metadata"]["name"]

    cluster.kubectl("rollout", "undo", "deployment/history", "-n", NAMESPACE)
    assert rolled_out(cluster, "history")
    assert images(cluster, "history") == [GREEN, GREEN]
    names = {rs["metadata"]["name"]: rs for rs in replicasets(cluster, "history")}
    assert len(names) == 3  # no new ReplicaSet: green's came back
    reused = names[green]["metadata"]["annotations"]
    assert reused["deployment.kubernetes.io/revision"] == "4"
    assert reused["deployment.kubernetes.io/revision-history"] == "2"
    deployment = get(cluster, "deployment", "history")
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "4"
    assert deployment["metadata"]["annotations"]["kubernetes.io/change-cause"] == "Update to green kuard"
    history = cluster.kubectl("rollout", "history", "deployment/history", "-n", NAMESPACE).stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "3", "4"]

    cluster.kubectl("rollout", "undo", "deployment/history", "--to-revision=1", "-n", NAMESPACE)
    assert rolled_out(cluster, "history")
    assert images(cluster, "history") == [BLUE, BLUE]
    assert [revision(rs) for rs in replicasets(cluster, "history")] == [3, 4, 5]


def test_a_paused_deployment_scales_but_does_not_roll_out(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest("paused", BLUE, replicas=2))
    assert rolled_out(cluster, "paused")
    cluster.kubectl("rollout", "pause", "deployment/paused", "-n", NAMESPACE)
    cluster.kubectl("set", "image", "deployment/paused", f"kuard={GREEN}", "-n", NAMESPACE)
    assert eventually(
        lambda: condition(get(cluster, "deployment", "paused"), "Progressing")["reason"] == "DeploymentPaused"
    )
    progressing = condition(get(cluster, "deployment", "paused"), "Progressing")
    assert (progressing["status"], progressing["message"]) == ("Unknown", "Deployment is paused")
    cluster.kubectl("scale", "deployment/paused", "--replicas=3", "-n", NAMESPACE)
    assert eventually(lambda: get(cluster, "deployment", "paused")["status"].get("availableReplicas") == 3)
    assert len(replicasets(cluster, "paused")) == 1 and images(cluster, "paused") == [BLUE] * 3

    cluster.kubectl("rollout", "resume", "deployment/paused", "-n", NAMESPACE)
    assert rolled_out(cluster, "paused")
    assert images(cluster, "paused") == [GREEN] * 3
    assert condition(get(cluster, "deployment", "paused"), "Progressing")["reason"] == "NewReplicaSetAvailable"


def test_recreate_stops_every_old_pod_before_starting_new_ones(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest("recreate", BLUE, strategy={"type": "Recreate"}))
    assert rolled_out(cluster, "recreate")
    with Follow(cluster, "pods", "recreate") as pods:
        cluster.kubectl("set", "image", "deployment/recreate", f"kuard={GREEN}", "-n", NAMESPACE)
        assert rolled_out(cluster, "recreate")
        assert eventually(lambda: [image_of(pod) for pod in pods.states[-1]] == [GREEN] * 3)
    # Old pods count until they are gone, even while terminating: the two images never run side by side.
    assert not any({image_of(pod) for pod in state} == {BLUE, GREEN} for state in pods.states)
    assert any(not state for state in pods.states)
    [old, new] = replicasets(cluster, "recreate")
    happenings = events(cluster, "recreate")
    assert f"ScalingReplicaSet: Scaled down replica set {old['metadata']['name']} from 3 to 0" in happenings
    assert f"ScalingReplicaSet: Scaled up replica set {new['metadata']['name']} from 0 to 3" in happenings


def test_scaling_mid_rollout_is_proportional(cluster: Cluster) -> None:
    # The example of the Kubernetes documentation: 10 replicas, maxSurge 3, maxUnavailable 2, a bad image.
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    cluster.kubectl("apply", "-f", "-", stdin=manifest("proportional", BLUE, replicas=10, strategy=strategy))
    assert rolled_out(cluster, "proportional")
    cluster.kubectl("set", "image", "deployment/proportional", f"kuard={MISSPELLED}", "-n", NAMESPACE)

    def sizes() -> list[int]:
        return [rs["spec"]["replicas"] for rs in replicasets(cluster, "proportional")]

    assert eventually(lambda: sizes() == [8, 5])  # stuck: 8 old available, 5 new never ready
    cluster.kubectl("scale", "deployment/proportional", "--replicas=15", "-n", NAMESPACE)
    assert eventually(lambda: sizes() == [11, 7])  # 5 more: 3 to the old ReplicaSet, 2 to the new
    [old, new] = replicasets(cluster, "proportional")
    assert old["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "15"
    assert new["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "18"


def test_revision_history_limit_deletes_the_oldest_replicasets(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest("limited", BLUE, replicas=1, revisionHistoryLimit=1))
    for image in (GREEN, PURPLE, BLUE.replace("blue", "1")):
        cluster.kubectl("set", "image", "deployment/limited", f"kuard={image}", "-n", NAMESPACE)
        assert rolled_out(cluster, "limited")
    assert eventually(lambda: [revision(rs) for rs in replicasets(cluster, "limited")] == [3, 4])
    images_kept = [rs["spec"]["template"]["spec"]["containers"][0]["image"] for rs in replicasets(cluster, "limited")]
    assert images_kept == [PURPLE, BLUE.replace("blue", "1")]


def test_progress_deadline_exceeded_with_an_image_that_cannot_be_pulled(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest("stuck", MISSPELLED, replicas=2, progressDeadlineSeconds=60))

    def reason() -> str:
        return str(condition(get(cluster, "deployment", "stuck"), "Progressing")["reason"])

    assert eventually(lambda: reason() == "ProgressDeadlineExceeded")
    deployment = get(cluster, "deployment", "stuck")
    [replicaset] = replicasets(cluster, "stuck")
    progressing = condition(deployment, "Progressing")
    assert progressing["status"] == "False"
    assert progressing["message"] == f'ReplicaSet "{replicaset["metadata"]["name"]}" has timed out progressing.'
    assert condition(deployment, "Available")["reason"] == "MinimumReplicasUnavailable"
    result = cluster.kubectl("rollout", "status", "deployment/stuck", "-n", NAMESPACE, "--timeout=30s", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == 'error: deployment "stuck" exceeded its progress deadline'


def test_an_orphaned_replicaset_is_adopted_by_a_matching_deployment(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest("orphan", BLUE, replicas=2))
    assert eventually(lambda: len(replicasets(cluster, "orphan")) == 1)
    [before] = replicasets(cluster, "orphan")
    cluster.kubectl("delete", "deployment", "orphan", "-n", NAMESPACE, "--cascade=orphan")
    assert eventually(lambda: "ownerReferences" not in replicasets(cluster, "orphan")[0]["metadata"])

    cluster.kubectl("apply", "-f", "-", stdin=manifest("orphan", BLUE, replicas=2))
    deployment = get(cluster, "deployment", "orphan")
    assert eventually(
        lambda: (
            [ref["uid"] for ref in replicasets(cluster, "orphan")[0]["metadata"].get("ownerReferences", [])]
            == [deployment["metadata"]["uid"]]
        )
    )
    [after] = replicasets(cluster, "orphan")
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    progressing = condition(get(cluster, "deployment", "orphan"), "Progressing")
    assert progressing["reason"] in ("FoundNewReplicaSet", "ReplicaSetUpdated", "NewReplicaSetAvailable")


def test_validation_of_the_strategy_and_the_selector(cluster: Cluster) -> None:
    both_zero = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    result = cluster.kubectl("apply", "-f", "-", stdin=manifest("invalid", BLUE, strategy=both_zero), check=False)
    assert result.returncode == 1
    assert "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0" in (
        result.stderr
    )
    cluster.kubectl("apply", "-f", "-", stdin=manifest("immutable", BLUE, replicas=1))
    patch = '{"spec": {"selector": {"matchLabels": {"app": "immutable", "tier": "web"}}}}'
    result = cluster.kubectl(
        "patch", "deployment", "immutable", "-n", NAMESPACE, "--type=merge", "-p", patch, check=False
    )
    assert result.returncode == 1
    assert "spec.selector" in result.stderr and "field is immutable" in result.stderr


def test_the_python_client_reads_the_rollout(cluster: Cluster) -> None:
    apps = client.AppsV1Api(config.new_client_from_config(config_file=str(cluster.kubeconfig)))
    body = json.loads(manifest("python", BLUE, replicas=2))
    apps.create_namespaced_deployment(NAMESPACE, body)
    assert eventually(
        lambda: (apps.read_namespaced_deployment_status("python", NAMESPACE).status.available_replicas or 0) == 2
    )
    status = apps.read_namespaced_deployment_status("python", NAMESPACE).status
    assert status.updated_replicas == 2 and status.observed_generation == 1 and status.terminating_replicas == 0
    assert {c.type: c.reason for c in status.conditions} == {
        "Available": "MinimumReplicasAvailable",
        "Progressing": "NewReplicaSetAvailable",
    }
    [replicaset] = apps.list_namespaced_replica_set(NAMESPACE, label_selector="app=python").items
    assert replicaset.metadata.owner_references[0].name == "python"
