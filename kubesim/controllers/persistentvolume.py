"""The persistent volume binder: claims are bound to volumes, volumes follow their claims, as kube-controller-manager's
persistentvolume-binder-controller does it.

A claim that is not bound gets the smallest Available volume that fits it (same storage class, every access mode
the claim wants, the same volume mode, a capacity at least its request, labels its selector accepts). Binding
writes the volume's claimRef, then the claim's volumeName with the annotations pv.kubernetes.io/bind-completed
and bound-by-controller, and sets both phases to Bound (the claim's status also gets the volume's capacity and
access modes). When no volume fits:

- a claim of a WaitForFirstConsumer class waits for a pod that uses it to be scheduled (event
  WaitForFirstConsumer, or WaitForPodScheduled while such a pod is pending); once the scheduler has written the
  node it chose (annotation volume.kubernetes.io/selected-node), a static volume usable on that node is bound,
  otherwise one is provisioned there;
- a claim of any other class is provisioned at once: the claim is annotated with the class's provisioner
  (volume.kubernetes.io/storage-provisioner and its beta twin) and the event ExternalProvisioning says the
  controller waits for it; the provisioner (kubesim/controllers/local_path_provisioner.py for kind's class
  `standard`) creates a volume already pointing at the claim, which is then bound;
- a claim without a class stays Pending (event FailedBinding).

A volume whose claim is deleted is Released and reclaimed by its policy: Retain keeps it Released, Delete leaves
a provisioned volume to its provisioner (and fails a static one, as no in-tree deleter handles it).
Unbound claims are looked at again every 15 simulated seconds, the controller's resync period.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from kubesim.api import meta
from kubesim.api.goformat import go_quote
from kubesim.api.quota import claim_class, quantity
from kubesim.api.selectors import SelectorError, label_selector_from_object
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, fits_node_selection, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

Obj = dict[str, Any]
CLAIMS, VOLUMES, PODS, NODES = "/persistentvolumeclaims", "/persistentvolumes", "/pods", "/nodes"
STORAGE_CLASSES = "storage.k8s.io/storageclasses"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
RESYNC = 15.0  # simulated seconds: --pvclaimbinder-sync-period
EVENT_SOURCE = "persistentvolume-controller"


class ClaimUsers:
    """Which pods name which claims, kept from pod events (claims of generic ephemeral volumes included)."""

    def __init__(self) -> None:
        self.pods_of: defaultdict[tuple[str, str], set[str]] = defaultdict(set)  # (namespace, claim) -> pods
        self.claims_of: dict[tuple[str, str], tuple[str, ...]] = {}  # (namespace, pod) -> its claims

    def observe(self, event: Event) -> set[str]:
        """Note a pod event; return the claims the pod names, before or after it."""
        place = (event.namespace, event.name)
        before = self.claims_of.pop(place, ())
        for claim in before:
            users = self.pods_of[(event.namespace, claim)]
            users.discard(event.name)
            if not users:
                del self.pods_of[(event.namespace, claim)]
        after = () if event.type == DELETED else claims_of_pod(event.object)
        if after:
            self.claims_of[place] = after
            for claim in after:
                self.pods_of[(event.namespace, claim)].add(event.name)
        return {*before, *after}

    def pods(self, namespace: str, claim: str) -> list[str]:
        return sorted(self.pods_of.get((namespace, claim), ()))


def claims_of_pod(pod: Obj) -> tuple[str, ...]:
    """The claims a pod's volumes name; a generic ephemeral volume's claim is `<pod>-<volume>`."""
    names = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        if not isinstance(volume, dict):
            continue
        if isinstance(volume.get("persistentVolumeClaim"), dict):
            names.append(str(volume["persistentVolumeClaim"].get("claimName", "")))
        elif isinstance(volume.get("ephemeral"), dict):
            names.append(f"{pod['metadata']['name']}-{volume.get('name', '')}")
    return tuple(dict.fromkeys(name for name in names if name))


class PersistentVolumeController(Controller):
    name = "persistentvolume-binder-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)
        self.events = context.recorder(EVENT_SOURCE)
        self.users = ClaimUsers()
        self.volumes_of: defaultdict[tuple[str, str], set[str]] = defaultdict(set)  # claim -> volumes naming it
        self.claim_of: dict[str, tuple[str, str]] = {}  # volume -> the claim its claimRef names

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == CLAIMS:
            yield (CLAIMS, event.namespace, event.name)
            yield from (
                (VOLUMES, "", volume) for volume in sorted(self.volumes_of.get((event.namespace, event.name), ()))
            )
        elif event.resource == VOLUMES:
            yield from self._observe_volume(event)
        elif event.resource == PODS:
            self.users.observe(event)
        elif event.resource == STORAGE_CLASSES and event.type != DELETED:
            # A class that appears (or changes) may let waiting claims go on.
            for claim in self.api.store.list(CLAIMS):
                if claim_class(claim) == event.name and not (claim.get("spec") or {}).get("volumeName"):
                    yield (CLAIMS, claim["metadata"]["namespace"], claim["metadata"]["name"])

    def _observe_volume(self, event: Event) -> Iterable[Key]:
        previous = self.claim_of.pop(event.name, None)
        if previous is not None:
            self.volumes_of[previous].discard(event.name)
            if not self.volumes_of[previous]:
                del self.volumes_of[previous]
        reference = (event.object.get("spec") or {}).get("claimRef") or {}
        if event.type != DELETED and reference.get("name"):
            claim = (str(reference.get("namespace", "")), str(reference["name"]))
            self.claim_of[event.name] = claim
            self.volumes_of[claim].add(event.name)
            yield (CLAIMS, *claim)
        yield (VOLUMES, "", event.name)

    async def reconcile(self, key: Key) -> float | None:
        obj = self.api.store.get(*key)
        if obj is None:
            return None
        if key[0] == VOLUMES:
            await self._sync_volume(obj)
            return None
        if BIND_COMPLETED in (obj["metadata"].get("annotations") or {}):
            await self._sync_bound_claim(obj)
            return None
        return await self._sync_unbound_claim(obj)

    # -- claims ------------------------------------------------------------------------------------------

    async def _sync_unbound_claim(self, claim: Obj) -> float | None:
        wanted = (claim.get("spec") or {}).get("volumeName")
        if wanted:
            return await self._sync_prebound_claim(claim, str(wanted))
        delayed = self._binding_delayed(claim)
        node_name = (claim["metadata"].get("annotations") or {}).get(SELECTED_NODE)
        volume = self._best_match(claim, delayed, node_name)
        if volume is not None:
            await self._bind(volume, claim)
            return None
        if delayed and not node_name:
            self._report_waiting_for_consumer(claim)
        elif claim_class(claim):
            await self._provision(claim)
            return RESYNC
        else:
            message = "no persistent volumes available for this claim and no storage class is set"
            self.events.normal(claim, "FailedBinding", message)
        await self._set_claim_phase(claim, "Pending", None)
        return RESYNC

    async def _sync_prebound_claim(self, claim: Obj, volume_name: str) -> float | None:
        """The user named the volume: bind it if it is free (or already names this claim) and fits."""
        volume = self.api.store.get(VOLUMES, "", volume_name)
        if volume is None:
            await self._set_claim_phase(claim, "Pending", None)
            return RESYNC
        reference = (volume.get("spec") or {}).get("claimRef")
        if reference is None:
            mismatch = _mismatch(volume, claim)
            if mismatch:
                message = f"Cannot bind to requested volume {go_quote(volume_name)}: {mismatch}"
                self.events.warning(claim, "VolumeMismatch", message)
                await self._set_claim_phase(claim, "Pending", None)
                return RESYNC
            await self._bind(volume, claim)
            return None
        if _bound_to(volume, claim):
            await self._bind(volume, claim)
            return None
        await self._set_claim_phase(claim, "Pending", None)
        return RESYNC

    async def _sync_bound_claim(self, claim: Obj) -> None:
        volume_name = (claim.get("spec") or {}).get("volumeName")
        volume = self.api.store.get(VOLUMES, "", str(volume_name)) if volume_name else None
        if not volume_name:
            message = "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"
            await self._lose(claim, "ClaimLost", message)
        elif volume is None:
            await self._lose(
                claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
            )
        elif _bound_to(volume, claim):
            await self._bind(volume, claim)
        else:
            await self._lose(
                claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly"
            )

    async def _lose(self, claim: Obj, reason: str, message: str) -> None:
        if (claim.get("status") or {}).get("phase") != "Lost":
            self.events.warning(claim, reason, message)
        await self._set_claim_phase(claim, "Lost", None)

    def _binding_delayed(self, claim: Obj) -> bool:
        """The claim's class binds only once a pod using the claim is scheduled (WaitForFirstConsumer)."""
        storage_class = self.api.store.get(STORAGE_CLASSES, "", claim_class(claim)) if claim_class(claim) else None
        return (storage_class or {}).get("volumeBindingMode") == "WaitForFirstConsumer"

    def _report_waiting_for_consumer(self, claim: Obj) -> None:
        namespace = claim["metadata"]["namespace"]
        pending = [
            name
            for name in self.users.pods(namespace, claim["metadata"]["name"])
            if not ((self.api.store.get(PODS, namespace, name) or {}).get("spec") or {}).get("nodeName")
        ]
        if not pending:
            self.events.normal(claim, "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
        elif len(pending) == 1:
            self.events.normal(claim, "WaitForPodScheduled", f"waiting for pod {pending[0]} to be scheduled")
        else:
            self.events.normal(claim, "WaitForPodScheduled", f"waiting for pods {','.join(pending)} to be scheduled")

    def _best_match(self, claim: Obj, delayed: bool, node_name: str | None) -> Obj | None:
        """findBestMatchForClaim: a volume already naming the claim, else the smallest Available one that fits.

        With delayed binding, only a volume usable on the node the scheduler chose may be taken."""
        node = self.api.store.get(NODES, "", node_name) if node_name else None
        fitting = []
        for volume in self.api.store.list(VOLUMES):
            if is_terminating(volume) or _volume_mode(volume) != _volume_mode(claim):
                continue
            usable_here = node is None or _usable_on(volume, node)
            if _bound_to(volume, claim):
                return volume if usable_here else None
            if delayed and node is None:
                continue
            if (
                (volume.get("status") or {}).get("phase") == "Available"
                and not (volume.get("spec") or {}).get("claimRef")
                and usable_here
                and _selected(volume, claim)
                and not _mismatch(volume, claim)
            ):
                fitting.append(volume)
        # Volumes with the fewest access modes first, then the smallest, so that bigger ones stay for bigger claims.
        fitting.sort(key=lambda volume: (len(_access_modes(volume)), _storage(volume.get("spec") or {}, "capacity")))
        return fitting[0] if fitting else None

    async def _provision(self, claim: Obj) -> None:
        """Ask the class's provisioner for a volume: annotate the claim with it, and say that it is awaited."""
        if is_terminating(claim):
            return
        class_name = claim_class(claim)
        storage_class = self.api.store.get(STORAGE_CLASSES, "", class_name)
        if storage_class is None:
            message = f"storageclass.storage.k8s.io {go_quote(class_name)} not found"
            self.events.warning(claim, "ProvisioningFailed", message)
            return
        provisioner = str(storage_class.get("provisioner", ""))
        if provisioner.startswith("kubernetes.io/"):  # an in-tree plugin: none provisions in kubesim
            self.events.warning(claim, "ProvisioningFailed", f"no volume plugin matched name: {provisioner}")
            return
        annotations = claim["metadata"].get("annotations") or {}
        if (
            annotations.get(STORAGE_PROVISIONER) != provisioner
            or annotations.get(BETA_STORAGE_PROVISIONER) != provisioner
        ):
            patch = {
                "metadata": {"annotations": {STORAGE_PROVISIONER: provisioner, BETA_STORAGE_PROVISIONER: provisioner}}
            }
            claim = await self._patch(CLAIMS, claim, patch) or claim
        message = (
            f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by "
            "the system administrator. If volume creation is delayed, please verify that the provisioner is running "
            "and correctly registered."
        )
        self.events.normal(claim, "ExternalProvisioning", message)

    # -- binding -----------------------------------------------------------------------------------------

    async def _bind(self, volume: Obj, claim: Obj) -> None:
        """The four writes of a binding, each skipped when already done: a failure midway is finished next time."""
        volume = await self._bind_volume_to_claim(volume, claim)
        volume = await self._set_volume_phase(volume, "Bound")
        claim = await self._bind_claim_to_volume(claim, volume)
        await self._set_claim_phase(claim, "Bound", volume)

    async def _bind_volume_to_claim(self, volume: Obj, claim: Obj) -> Obj:
        reference = (volume.get("spec") or {}).get("claimRef") or {}
        metadata = claim["metadata"]
        patch: Obj = {}
        if (reference.get("name"), reference.get("namespace"), reference.get("uid")) != (
            metadata["name"],
            metadata["namespace"],
            metadata["uid"],
        ):
            patch["spec"] = {"claimRef": _reference_to(claim)}
        annotations = volume["metadata"].get("annotations") or {}
        if not _bound_to(volume, claim) and BOUND_BY_CONTROLLER not in annotations:
            patch["metadata"] = {"annotations": {BOUND_BY_CONTROLLER: "yes"}}
        return await self._patch(VOLUMES, volume, patch) if patch else volume

    async def _bind_claim_to_volume(self, claim: Obj, volume: Obj) -> Obj:
        annotations = dict(claim["metadata"].get("annotations") or {})
        patch: Obj = {}
        if (claim.get("spec") or {}).get("volumeName") != volume["metadata"]["name"]:
            patch["spec"] = {"volumeName": volume["metadata"]["name"]}
            annotations.setdefault(BOUND_BY_CONTROLLER, "yes")
        annotations.setdefault(BIND_COMPLETED, "yes")
        if annotations != (claim["metadata"].get("annotations") or {}):
            patch["metadata"] = {"annotations": annotations}
        return await self._patch(CLAIMS, claim, patch) if patch else claim

    async def _set_claim_phase(self, claim: Obj, phase: str, volume: Obj | None) -> None:
        status = claim.get("status") or {}
        wanted: Obj = {"phase": phase, "accessModes": None, "capacity": None}
        if volume is not None:
            wanted["accessModes"] = _access_modes(volume) or None
            wanted["capacity"] = (volume.get("spec") or {}).get("capacity") or None
        if all(status.get(field) == value for field, value in wanted.items()):
            return
        await self._patch(CLAIMS, claim, {"status": wanted}, status=True)

    # -- volumes -----------------------------------------------------------------------------------------

    async def _sync_volume(self, volume: Obj) -> None:
        reference = (volume.get("spec") or {}).get("claimRef")
        if not reference or not reference.get("uid"):
            await self._set_volume_phase(volume, "Available")  # free, or kept for a claim not yet bound
            return
        claim = self.api.store.get(CLAIMS, str(reference.get("namespace", "")), str(reference.get("name", "")))
        if claim is not None and claim["metadata"].get("uid") != reference.get("uid"):
            claim = None  # deleted, and another claim of the same name made since
        if claim is None:
            if (volume.get("status") or {}).get("phase") not in ("Released", "Failed"):
                volume = await self._set_volume_phase(volume, "Released")
            await self._reclaim(volume)
            return
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            return  # the claim's sync finishes the binding
        if volume_name == volume["metadata"]["name"]:
            await self._set_volume_phase(volume, "Bound")
        elif PROVISIONED_BY in (volume["metadata"].get("annotations") or {}) and _reclaim_policy(volume) == "Delete":
            # Provisioned for this claim, which got bound elsewhere: not needed.
            if (volume.get("status") or {}).get("phase") not in ("Released", "Failed"):
                volume = await self._set_volume_phase(volume, "Released")
            await self._reclaim(volume)
        else:
            await self._unbind(volume)

    async def _unbind(self, volume: Obj) -> None:
        """A volume that names a claim bound elsewhere: forget the claim if we chose it, else keep it reserved."""
        if BOUND_BY_CONTROLLER in (volume["metadata"].get("annotations") or {}):
            patch: Obj = {"metadata": {"annotations": {BOUND_BY_CONTROLLER: None}}, "spec": {"claimRef": None}}
        else:
            patch = {"spec": {"claimRef": {"uid": None, "resourceVersion": None}}}
        volume = await self._patch(VOLUMES, volume, patch)
        await self._set_volume_phase(volume, "Available")

    async def _reclaim(self, volume: Obj) -> None:
        policy = _reclaim_policy(volume)
        if policy == "Retain" or is_terminating(volume):
            return
        if policy == "Recycle":
            await self._fail(volume, "VolumeFailedRecycle", "No recycler plugin found for the volume!")
        elif PROVISIONED_BY in (volume["metadata"].get("annotations") or {}):
            return  # its provisioner deletes it: it watches for Released volumes of its own
        elif _deletable_host_path(volume):
            await self._delete_volume(volume)
        else:
            await self._fail(volume, "VolumeFailedDelete", _no_deleter(volume))

    async def _delete_volume(self, volume: Obj) -> None:
        try:
            await self.client.delete(api_path("", "v1", "persistentvolumes", "", volume["metadata"]["name"]))
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    async def _fail(self, volume: Obj, reason: str, message: str) -> None:
        if (volume.get("status") or {}).get("phase") != "Failed":
            self.events.warning(volume, reason, message)
        await self._set_volume_phase(volume, "Failed", message)

    async def _set_volume_phase(self, volume: Obj, phase: str, message: str = "") -> Obj:
        status = volume.get("status") or {}
        if status.get("phase") == phase and (status.get("message") or "") == message:
            return volume
        wanted = {"phase": phase, "message": message or None}
        if status.get("phase") != phase:
            wanted["lastPhaseTransitionTime"] = meta.now()
        return await self._patch(VOLUMES, volume, {"status": wanted}, status=True) or volume

    async def _patch(self, resource: str, obj: Obj, patch: Obj, status: bool = False) -> Obj:
        """Merge-patch the object (or its status); the object as it was if it is gone meanwhile."""
        metadata = obj["metadata"]
        plural = resource.removeprefix("/")
        path = api_path("", "v1", plural, metadata.get("namespace", ""), metadata["name"]) + (
            "/status" if status else ""
        )
        try:
            return await self.client.patch_merge(path, patch)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise
            return obj


def _bound_to(volume: Obj, claim: Obj) -> bool:
    """The volume's claimRef names the claim (and its uid, once it carries one)."""
    reference = (volume.get("spec") or {}).get("claimRef") or {}
    metadata = claim["metadata"]
    if reference.get("name") != metadata["name"] or reference.get("namespace") != metadata["namespace"]:
        return False
    return not reference.get("uid") or reference.get("uid") == metadata.get("uid")


def _mismatch(volume: Obj, claim: Obj) -> str:
    """Why the volume cannot serve the claim ("" when it can): checkVolumeSatisfyClaim with the selector."""
    claim_spec = claim.get("spec") or {}
    if _storage(volume.get("spec") or {}, "capacity") < _storage(claim_spec, "resources"):
        return "requested PV is too small"
    if _volume_class(volume) != claim_class(claim):
        return "storageClassName does not match"
    if _volume_mode(volume) != _volume_mode(claim):
        return "incompatible volumeMode"
    if not set(claim_spec.get("accessModes") or []) <= set(_access_modes(volume)):
        return "incompatible accessMode"
    return ""


def _selected(volume: Obj, claim: Obj) -> bool:
    """The claim's selector, if it has one, accepts the volume's labels."""
    selector = (claim.get("spec") or {}).get("selector")
    if selector is None:
        return True
    try:
        return label_selector_from_object(selector).matches(volume["metadata"].get("labels") or {})
    except SelectorError:
        return False


def _storage(spec: Obj, member: str) -> Decimal:
    """The storage of a claim's requests (member "resources") or of a volume's capacity; 0 when it has none."""
    values = (spec.get(member) or {}) if member == "capacity" else ((spec.get(member) or {}).get("requests") or {})
    amount = quantity(values.get("storage"))
    return amount.value if amount is not None else Decimal(0)


def _usable_on(volume: Obj, node: Obj) -> bool:
    required = ((volume.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    if not isinstance(required, dict):
        return True
    # A volume's node affinity is the same NodeSelector as a pod's required node affinity.
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": required}}
    return fits_node_selection({"affinity": affinity}, node)


def _access_modes(volume: Obj) -> list[str]:
    return [str(mode) for mode in (volume.get("spec") or {}).get("accessModes") or []]


def _volume_mode(obj: Obj) -> str:
    return str((obj.get("spec") or {}).get("volumeMode") or "Filesystem")


def _volume_class(volume: Obj) -> str:
    annotations = volume["metadata"].get("annotations") or {}
    if BETA_CLASS in annotations:
        return str(annotations[BETA_CLASS])
    return str((volume.get("spec") or {}).get("storageClassName") or "")


def _reclaim_policy(volume: Obj) -> str:
    return str((volume.get("spec") or {}).get("persistentVolumeReclaimPolicy") or "Retain")


def _reference_to(claim: Obj) -> Obj:
    metadata = claim["metadata"]
    return {
        "kind": "PersistentVolumeClaim",
        "namespace": metadata["namespace"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "apiVersion": "v1",
        "resourceVersion": metadata.get("resourceVersion", ""),
    }


def _deletable_host_path(volume: Obj) -> bool:
    """The in-tree hostPath deleter removes only directories under /tmp."""
    path = ((volume.get("spec") or {}).get("hostPath") or {}).get("path")
    return isinstance(path, str) and re.fullmatch(r"/tmp/.+", path) is not None


def _no_deleter(volume: Obj) -> str:
    """Why a static volume with the Delete policy cannot be deleted."""
    path = ((volume.get("spec") or {}).get("hostPath") or {}).get("path")
    if path is not None:
        return f"host_path deleter only supports /tmp/.+ but received provided {path}"
    name = go_quote(volume["metadata"]["name"])
    return f"error getting deleter volume plugin for volume {name}: no deletable volume plugin matched"
