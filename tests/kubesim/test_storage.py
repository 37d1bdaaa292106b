"""Persistent volumes and claims as chapter 16 of the book uses them, on kind's storage.

Static volumes bind to the claims that fit them; a claim of the default class `standard` waits for a pod
that uses it, then gets a volume the local-path provisioner makes on that pod's node; deleting a claim
releases (Retain) or deletes (Delete) its volume; a claim a pod uses outlives its deletion until the pod goes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "storage-test"
WAIT_SECONDS = 20.0
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"


def get(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def exists(cluster: Cluster, *args: str) -> bool:
    return cluster.kubectl("get", *args, check=False).returncode == 0


def phase(cluster: Cluster, *args: str) -> str:
    found = cluster.kubectl("get", *args, "-o", "jsonpath={.status.phase}", check=False)
    return found.stdout if found.returncode == 0 else ""


def claim(name: str, size: str = "1Gi", extra: str = "", modes: str = "[ReadWriteOnce]") -> str:
    return f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: {name}, namespace: {NAMESPACE}}}
spec:
  accessModes: {modes}
  resources: {{requests: {{storage: {size}}}}}
{extra}"""


def pod_using(name: str, claim_name: str) -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    volumeMounts: [{{name: data, mountPath: /data}}]
  volumes:
  - name: data
    persistentVolumeClaim: {{claimName: {claim_name}}}
"""


def events_of(cluster: Cluster, name: str) -> list[dict[str, Any]]:
    listed = get(cluster, "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.name={name}")
    return listed["items"]


def event_reasons(cluster: Cluster, name: str) -> set[str]:
    return {event["reason"] for event in events_of(cluster, name)}


def test_a_static_volume_binds_to_the_smallest_claim_that_fits(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    volumes = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: database, labels: {volume: my-volume}}
spec:
  accessModes: [ReadWriteMany]
  capacity: {storage: 1Gi}
  storageClassName: ""
  hostPath: {path: /tmp/database}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: database-big, labels: {volume: my-volume}}
spec:
  accessModes: [ReadWriteMany]
  capacity: {storage: 10Gi}
  storageClassName: ""
  hostPath: {path: /tmp/database-big}
"""
    cluster.kubectl("apply", "-f", "-", stdin=volumes)
    assert eventually(lambda: phase(cluster, "pv", "database") == phase(cluster, "pv", "database-big") == "Available")
    selector = '  storageClassName: ""\n  selector: {matchLabels: {volume: my-volume}}\n'
    cluster.kubectl("apply", "-f", "-", stdin=claim("database", extra=selector, modes="[ReadWriteMany]"))
    assert eventually(lambda: phase(cluster, "pvc", "database", "-n", NAMESPACE) == "Bound")

    bound = get(cluster, "pvc", "database", "-n", NAMESPACE)
    assert bound["spec"]["volumeName"] == "database"
    assert bound["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    assert bound["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] == "yes"
    assert bound["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert bound["status"] == {"phase": "Bound", "accessModes": ["ReadWriteMany"], "capacity": {"storage": "1Gi"}}
    volume = get(cluster, "pv", "database")
    assert volume["spec"]["claimRef"]["name"] == "database"
    assert volume["spec"]["claimRef"]["uid"] == bound["metadata"]["uid"]
    assert volume["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert eventually(lambda: phase(cluster, "pv", "database") == "Bound")
    assert phase(cluster, "pv", "database-big") == "Available"

    claims = cluster.kubectl("get", "pvc", "database", "-n", NAMESPACE).stdout.splitlines()
    assert claims[0].split() == [
        "NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE",
    ]  # fmt: skip
    assert claims[1].split()[:5] == ["database", "Bound", "database", "1Gi", "RWX"]
    listed = cluster.kubectl("get", "pv", "database").stdout.splitlines()[1].split()
    assert listed[:6] == ["database", "1Gi", "RWX", "Retain", "Bound", f"{NAMESPACE}/database"]


def test_a_claim_of_the_default_class_waits_for_its_pod_then_gets_a_volume_on_its_node(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    cluster.kubectl("apply", "-f", "-", stdin=claim("dynamic"))
    made = get(cluster, "pvc", "dynamic", "-n", NAMESPACE)
    assert made["spec"]["storageClassName"] == "standard"  # the DefaultStorageClass admission plugin
    assert eventually(lambda: "WaitForFirstConsumer" in event_reasons(cluster, "dynamic"))
    waiting = next(event for event in events_of(cluster, "dynamic") if event["reason"] == "WaitForFirstConsumer")
    assert waiting["message"] == "waiting for first consumer to be created before binding"
    assert waiting["source"]["component"] == "persistentvolume-controller"
    assert phase(cluster, "pvc", "dynamic", "-n", NAMESPACE) == "Pending"
    printed = cluster.kubectl("get", "pvc", "dynamic", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert printed[:3] == ["dynamic", "Pending", "standard"]

    cluster.kubectl("apply", "-f", "-", stdin=pod_using("dynamic-user", "dynamic"))
    assert eventually(lambda: phase(cluster, "pvc", "dynamic", "-n", NAMESPACE) == "Bound")
    bound = get(cluster, "pvc", "dynamic", "-n", NAMESPACE)
    uid = bound["metadata"]["uid"]
    assert bound["spec"]["volumeName"] == f"pvc-{uid}"
    annotations = bound["metadata"]["annotations"]
    assert annotations["volume.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"
    assert annotations["volume.beta.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"
    node = get(cluster, "pod", "dynamic-user", "-n", NAMESPACE)["spec"]["nodeName"]
    assert annotations["volume.kubernetes.io/selected-node"] == node

    volume = get(cluster, "pv", f"pvc-{uid}")
    assert volume["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "rancher.io/local-path"
    assert volume["spec"]["hostPath"] == {
        "path": f"/var/local-path-provisioner/pvc-{uid}_{NAMESPACE}_dynamic",
        "type": "DirectoryOrCreate",
    }
    term = volume["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
    assert term == {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
    assert volume["spec"]["storageClassName"] == "standard"
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["capacity"] == {"storage": "1Gi"}

    reasons = event_reasons(cluster, "dynamic")
    assert {"ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"} <= reasons
    succeeded = next(event for event in events_of(cluster, "dynamic") if event["reason"] == "ProvisioningSucceeded")
    assert succeeded["message"] == f"Successfully provisioned volume pvc-{uid}"
    assert succeeded["source"]["component"].startswith("rancher.io/local-path_local-path-provisioner-")
    described = cluster.kubectl("describe", "pvc", "dynamic", "-n", NAMESPACE).stdout
    assert "External provisioner is provisioning volume for claim" in described
    assert "Used By:       dynamic-user" in described
    listed = cluster.kubectl("get", "pv", f"pvc-{uid}").stdout.splitlines()[1].split()
    assert listed[:7] == [f"pvc-{uid}", "1Gi", "RWO", "Delete", "Bound", f"{NAMESPACE}/dynamic", "standard"]


def test_an_in_use_claim_stays_terminating_until_its_pod_is_gone(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    cluster.kubectl("apply", "-f", "-", stdin=claim("in-use"))
    cluster.kubectl("apply", "-f", "-", stdin=pod_using("in-use-user", "in-use"))
    assert eventually(lambda: phase(cluster, "pvc", "in-use", "-n", NAMESPACE) == "Bound")
    volume_name = get(cluster, "pvc", "in-use", "-n", NAMESPACE)["spec"]["volumeName"]

    cluster.kubectl("delete", "pvc", "in-use", "-n", NAMESPACE, "--wait=false")
    time.sleep(1.0)  # let the protection controller look at it: the claim must still be there afterwards
    still = get(cluster, "pvc", "in-use", "-n", NAMESPACE)
    assert still["metadata"]["deletionTimestamp"]
    assert still["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert cluster.kubectl("get", "pvc", "in-use", "-n", NAMESPACE).stdout.splitlines()[1].split()[1] == "Terminating"

    cluster.kubectl("delete", "pod", "in-use-user", "-n", NAMESPACE, "--grace-period=1")
    assert eventually(lambda: not exists(cluster, "pvc", "in-use", "-n", NAMESPACE))
    # Its volume was provisioned with the Delete policy: the provisioner deletes it once it is Released.
    assert eventually(lambda: not exists(cluster, "pv", volume_name))


def test_retain_keeps_a_released_volume_and_delete_removes_it(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    keep = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: keep}
spec:
  accessModes: [ReadWriteOnce]
  capacity: {storage: 2Gi}
  storageClassName: manual
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /mnt/keep}
"""
    cluster.kubectl("apply", "-f", "-", stdin=keep)
    cluster.kubectl("apply", "-f", "-", stdin=claim("keep", size="2Gi", extra="  storageClassName: manual\n"))
    assert eventually(lambda: phase(cluster, "pvc", "keep", "-n", NAMESPACE) == "Bound")
    cluster.kubectl("delete", "pvc", "keep", "-n", NAMESPACE)
    assert eventually(lambda: phase(cluster, "pv", "keep") == "Released")
    listed = cluster.kubectl("get", "pv", "keep").stdout.splitlines()[1].split()
    assert listed[3:6] == ["Retain", "Released", f"{NAMESPACE}/keep"]
    time.sleep(0.5)
    assert phase(cluster, "pv", "keep") == "Released"  # kept, with its data, for an administrator to reuse

    cluster.kubectl("apply", "-f", "-", stdin=claim("scratch"))
    cluster.kubectl("apply", "-f", "-", stdin=pod_using("scratch-user", "scratch"))
    assert eventually(lambda: phase(cluster, "pvc", "scratch", "-n", NAMESPACE) == "Bound")
    volume_name = get(cluster, "pvc", "scratch", "-n", NAMESPACE)["spec"]["volumeName"]
    cluster.kubectl("delete", "pod", "scratch-user", "-n", NAMESPACE, "--grace-period=1")
    cluster.kubectl("delete", "pvc", "scratch", "-n", NAMESPACE)
    assert eventually(lambda: not exists(cluster, "pv", volume_name))


def test_immediate_binding_provisions_at_once_and_reports_what_fails(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE, check=False)
    immediate = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local-immediate}
provisioner: rancher.io/local-path
volumeBindingMode: Immediate
"""
    cluster.kubectl("apply", "-f", "-", stdin=immediate)
    cluster.kubectl("apply", "-f", "-", stdin=claim("immediate", extra="  storageClassName: local-immediate\n"))
    # No pod needed: the controller asks the provisioner at once, which cannot place a volume without a node.
    assert eventually(lambda: "ProvisioningFailed" in event_reasons(cluster, "immediate"))
    failed = next(event for event in events_of(cluster, "immediate") if event["reason"] == "ProvisioningFailed")
    assert failed["type"] == "Warning"
    assert failed["message"] == (
        'failed to provision volume with StorageClass "local-immediate": configuration error, no node was specified'
    )
    assert "ExternalProvisioning" in event_reasons(cluster, "immediate")
    assert phase(cluster, "pvc", "immediate", "-n", NAMESPACE) == "Pending"

    cluster.kubectl("apply", "-f", "-", stdin=claim("nowhere", extra="  storageClassName: missing\n"))
    assert eventually(lambda: "ProvisioningFailed" in event_reasons(cluster, "nowhere"))
    missing = next(event for event in events_of(cluster, "nowhere") if event["reason"] == "ProvisioningFailed")
    assert missing["message"] == 'storageclass.storage.k8s.io "missing" not found'
