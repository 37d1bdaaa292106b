"""kind's volume provisioner, as the local-path-provisioner pod in local-path-storage runs it (rancher.io/local-path).

It provisions the claims the persistent volume controller annotated with its name
(volume.kubernetes.io/storage-provisioner): once the scheduler has chosen a node for a claim of a
WaitForFirstConsumer class (annotation volume.kubernetes.io/selected-node), a helper on that node makes the
directory `<base>/pvc-<claim uid>_<namespace>_<claim>` (the base path from the local-path-config ConfigMap,
/var/local-path-provisioner on kind), and the provisioner creates the PersistentVolume `pvc-<claim uid>`: a
hostPath there, pinned to the node by node affinity, with the claim's request as capacity, the class's reclaim
policy and a claimRef to the claim, which the persistent volume controller then binds. A Released volume of its
own with the Delete policy is deleted (directory and PersistentVolume).

Its events come from `rancher.io/local-path_<provisioner pod>_<identity>`: Provisioning, then
ProvisioningSucceeded, or ProvisioningFailed with the reason (no node chosen under Immediate binding, a selector
or an access mode other than ReadWriteOnce[Pod]). Nothing happens while no provisioner pod is running.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from kubesim.api.goformat import go_quote
from kubesim.clock import micro_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.events import EventRecorder
from kubesim.controllers.objects import api_path, is_terminating
from kubesim.controllers.persistentvolume import PROVISIONED_BY, SELECTED_NODE, STORAGE_PROVISIONER
from kubesim.controllers.runtime import Controller
from kubesim.nodes.power import powered_off
from kubesim.store.bootstrap.storage import NAMESPACE, PROVISIONER
from kubesim.store.store import DELETED, Event, Key

Obj = dict[str, Any]
CLAIMS, VOLUMES, PODS, NODES = "/persistentvolumeclaims", "/persistentvolumes", "/pods", "/nodes"
STORAGE_CLASSES, CONFIG_MAPS = "storage.k8s.io/storageclasses", "/configmaps"
CONFIG_MAP, APP_LABEL = "local-path-config", ("app", "local-path-provisioner")
SELECTED_NODE_ANNOTATION = "local.path.provisioner/selected-node"
HOSTNAME_LABEL = "kubernetes.io/hostname"
DEFAULT_NODE_PATHS = "DEFAULT_PATH_FOR_NON_LISTED_NODES"
HELPER_SECONDS = 2.0  # simulated: the helper pod that makes the directory on the node
RETRY_SECONDS = 15.0  # simulated: a failed provisioning is tried again


class ProvisioningError(Exception):
    pass


class LocalPathProvisioner(Controller):
    name = "local-path-provisioner"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock, self.context = context.api, context.clock, context
        self.client = context.client(self.name)
        self.waiting: set[Key] = set()  # claims for us, not yet provisioned
        self.started: dict[str, str] = {}  # claim uid -> when its helper started (MicroTime)
        self.recorders: dict[str, EventRecorder] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == CLAIMS:
            key: Key = (CLAIMS, event.namespace, event.name)
            if event.type != DELETED and _wants_us(event.object):
                self.waiting.add(key)
                yield key
            else:
                self.waiting.discard(key)
                self.started.pop(str(event.object["metadata"].get("uid")), None)
        elif event.resource == VOLUMES and event.type != DELETED:
            if (event.object["metadata"].get("annotations") or {}).get(PROVISIONED_BY) == PROVISIONER:
                yield (VOLUMES, "", event.name)
        elif event.resource == PODS and event.namespace == NAMESPACE and _is_provisioner(event.object):
            yield from sorted(self.waiting)  # the provisioner (re)started: it looks at every claim again

    async def reconcile(self, key: Key) -> float | None:
        obj = self.api.store.get(*key)
        if obj is None:
            return None
        provisioner_pod = self._running_pod()
        if provisioner_pod is None:
            return None
        if key[0] == VOLUMES:
            await self._delete_if_released(obj)
            return None
        return await self._provision(obj, self._recorder(provisioner_pod))

    def _running_pod(self) -> Obj | None:
        """The provisioner's pod, if one runs: Running, not being deleted, on a machine that is powered on."""
        for pod in self.api.store.list(PODS, NAMESPACE):
            if _is_provisioner(pod) and not is_terminating(pod) and (pod.get("status") or {}).get("phase") == "Running":
                node = self.api.store.get(NODES, "", str((pod.get("spec") or {}).get("nodeName")))
                if node is not None and not powered_off(node):
                    return pod
        return None

    def _recorder(self, pod: Obj) -> EventRecorder:
        """The provisioner's event source: its name, its pod and the identity it drew when it started."""
        pod_name = pod["metadata"]["name"]
        if pod_name not in self.recorders:
            identity = uuid.uuid5(uuid.NAMESPACE_OID, str(pod["metadata"].get("uid")))
            self.recorders[pod_name] = self.context.recorder(f"{PROVISIONER}_{pod_name}_{identity}")
        return self.recorders[pod_name]

    # -- provisioning ------------------------------------------------------------------------------------

    async def _provision(self, claim: Obj, events: EventRecorder) -> float | None:
        metadata = claim["metadata"]
        volume_name = f"pvc-{metadata['uid']}"
        storage_class = self.api.store.get(STORAGE_CLASSES, "", str((claim.get("spec") or {}).get("storageClassName")))
        if (
            not _wants_us(claim)
            or is_terminating(claim)
            or storage_class is None
            or storage_class.get("provisioner") != PROVISIONER
            or self.api.store.get(VOLUMES, "", volume_name) is not None
        ):
            self.started.pop(metadata["uid"], None)
            return None
        annotations = metadata.get("annotations") or {}
        if storage_class.get("volumeBindingMode") == "WaitForFirstConsumer" and SELECTED_NODE not in annotations:
            return None  # the scheduler has not chosen a node yet
        claim_name = f"{metadata['namespace']}/{metadata['name']}"
        started = self.started.get(metadata["uid"])
        if started is None:
            events.normal(
                claim, "Provisioning", f"External provisioner is provisioning volume for claim {go_quote(claim_name)}"
            )
            self.started[metadata["uid"]] = micro_time()
            return HELPER_SECONDS
        left = HELPER_SECONDS - self.clock.since(started)
        if left > 0:
            return left
        del self.started[metadata["uid"]]
        try:
            volume = self._volume(claim, volume_name, storage_class, annotations.get(SELECTED_NODE))
        except ProvisioningError as error:
            class_name = storage_class["metadata"]["name"]
            message = f"failed to provision volume with StorageClass {go_quote(class_name)}: {error}"
            events.warning(claim, "ProvisioningFailed", message)
            return RETRY_SECONDS
        try:
            await self.client.create(api_path("", "v1", "persistentvolumes", ""), volume)
        except ApiRequestFailed as error:
            if error.status != 409:
                raise
        events.normal(claim, "ProvisioningSucceeded", f"Successfully provisioned volume {volume_name}")
        return None

    def _volume(self, claim: Obj, name: str, storage_class: Obj, node_name: str | None) -> Obj:
        """The PersistentVolume for the claim on the chosen node; ProvisioningError says why there is none."""
        spec = claim.get("spec") or {}
        if spec.get("selector") is not None:
            raise ProvisioningError("claim.Spec.Selector is not supported")
        if any(mode not in ("ReadWriteOnce", "ReadWriteOncePod") for mode in spec.get("accessModes") or []):
            raise ProvisioningError("NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes")
        if not node_name:
            raise ProvisioningError("configuration error, no node was specified")
        node = self.api.store.get(NODES, "", node_name)
        if node is None:
            raise ProvisioningError(f"failed to get target node: nodes {go_quote(node_name)} not found")
        metadata = claim["metadata"]
        path = f"{self._base_path(node_name)}/{name}_{metadata['namespace']}_{metadata['name']}"
        hostname = (node["metadata"].get("labels") or {}).get(HOSTNAME_LABEL) or node_name
        term = {"matchExpressions": [{"key": HOSTNAME_LABEL, "operator": "In", "values": [hostname]}]}
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": name,
                "annotations": {SELECTED_NODE_ANNOTATION: node_name, PROVISIONED_BY: PROVISIONER},
            },
            "spec": {
                "accessModes": list(spec.get("accessModes") or []),
                "capacity": {"storage": ((spec.get("resources") or {}).get("requests") or {}).get("storage")},
                "claimRef": {
                    "kind": "PersistentVolumeClaim",
                    "namespace": metadata["namespace"],
                    "name": metadata["name"],
                    "uid": metadata["uid"],
                    "apiVersion": "v1",
                    "resourceVersion": metadata.get("resourceVersion", ""),
                },
                "hostPath": {"path": path, "type": "DirectoryOrCreate"},
                "nodeAffinity": {"required": {"nodeSelectorTerms": [term]}},
                "persistentVolumeReclaimPolicy": storage_class.get("reclaimPolicy") or "Delete",
                "storageClassName": storage_class["metadata"]["name"],
                "volumeMode": "Filesystem",
            },
        }

    def _base_path(self, node_name: str) -> str:
        """Where volumes go on the node, from the nodePathMap of local-path-config (the node's, else the default)."""
        config = self.api.store.get(CONFIG_MAPS, NAMESPACE, CONFIG_MAP) or {}
        try:
            node_paths = json.loads((config.get("data") or {}).get("config.json") or "{}").get("nodePathMap") or []
        except (json.JSONDecodeError, AttributeError):
            raise ProvisioningError(f"fail to load config file {CONFIG_MAP}") from None
        entries = {str(entry.get("node")): entry.get("paths") or [] for entry in node_paths if isinstance(entry, dict)}
        paths = entries.get(node_name, entries.get(DEFAULT_NODE_PATHS))
        if paths is None:
            raise ProvisioningError(f"config doesn't contain node {node_name}, and no {DEFAULT_NODE_PATHS} available")
        if not paths:
            raise ProvisioningError(f"no local path available on node {node_name}")
        return str(paths[0]).rstrip("/")

    # -- deletion ----------------------------------------------------------------------------------------

    async def _delete_if_released(self, volume: Obj) -> None:
        """A Released volume of ours with the Delete policy: the helper empties its directory, then it goes."""
        if (
            is_terminating(volume)
            or (volume.get("status") or {}).get("phase") != "Released"
            or (volume.get("spec") or {}).get("persistentVolumeReclaimPolicy") != "Delete"
        ):
            return
        try:
            await self.client.delete(api_path("", "v1", "persistentvolumes", "", volume["metadata"]["name"]))
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _wants_us(claim: Obj) -> bool:
    """A claim annotated for this provisioner and not bound yet."""
    annotations = claim["metadata"].get("annotations") or {}
    return annotations.get(STORAGE_PROVISIONER) == PROVISIONER and not (claim.get("spec") or {}).get("volumeName")


def _is_provisioner(pod: Obj) -> bool:
    key, value = APP_LABEL
    return (pod["metadata"].get("labels") or {}).get(key) == value
