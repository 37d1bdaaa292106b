"""Storage object in use protection: a claim a pod uses, and a volume a claim is bound to, outlive their deletion.

Admission gives every new claim the finalizer kubernetes.io/pvc-protection and every new volume
kubernetes.io/pv-protection (kubesim/api/admission.py); these controllers add them to objects that lack them
and take them off objects being deleted once nothing needs them any more, so that the deletion completes:

- pvc-protection-controller: a claim stays Terminating while a pod scheduled to a node names it (whatever the
  pod's phase: only its removal frees the claim);
- pv-protection-controller: a volume stays Terminating while it is Bound.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.api.admission import PV_PROTECTION, PVC_PROTECTION
from kubesim.controllers.client import ApiRequestFailed, LoopbackClient
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, is_terminating
from kubesim.controllers.persistentvolume import ClaimUsers
from kubesim.controllers.runtime import Controller
from kubesim.store.store import Event, Key

Obj = dict[str, Any]
CLAIMS, VOLUMES, PODS = "/persistentvolumeclaims", "/persistentvolumes", "/pods"


class PVCProtectionController(Controller):
    name = "pvc-protection-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)
        self.users = ClaimUsers()

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == CLAIMS:
            yield (CLAIMS, event.namespace, event.name)
        elif event.resource == PODS:
            yield from ((CLAIMS, event.namespace, claim) for claim in sorted(self.users.observe(event)))

    async def reconcile(self, key: Key) -> None:
        claim = self.api.store.get(*key)
        if claim is not None:
            await _keep_finalizer(self.client, claim, PVC_PROTECTION, self._in_use(claim))

    def _in_use(self, claim: Obj) -> bool:
        """A pod bound to a node names the claim: the kubelet may be using it."""
        namespace = claim["metadata"]["namespace"]
        return any(
            ((self.api.store.get(PODS, namespace, pod) or {}).get("spec") or {}).get("nodeName")
            for pod in self.users.pods(namespace, claim["metadata"]["name"])
        )


class PVProtectionController(Controller):
    name = "pv-protection-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == VOLUMES:
            yield (VOLUMES, "", event.name)

    async def reconcile(self, key: Key) -> None:
        volume = self.api.store.get(*key)
        if volume is not None:
            bound = (volume.get("status") or {}).get("phase") == "Bound"
            await _keep_finalizer(self.client, volume, PV_PROTECTION, bound)


async def _keep_finalizer(client: LoopbackClient, obj: Obj, finalizer: str, in_use: bool) -> None:
    """The finalizer on a live object; off a terminating one that nothing uses any more."""
    metadata = obj["metadata"]
    finalizers = list(metadata.get("finalizers") or [])
    if is_terminating(obj):
        if finalizer not in finalizers or in_use:
            return
        finalizers.remove(finalizer)
    elif finalizer in finalizers:
        return
    else:
        finalizers.append(finalizer)
    plural = "persistentvolumeclaims" if metadata.get("namespace") else "persistentvolumes"
    path = api_path("", "v1", plural, metadata.get("namespace", ""), metadata["name"])
    patch = {"metadata": {"finalizers": finalizers or None, "resourceVersion": metadata["resourceVersion"]}}
    try:
        await client.patch_merge(path, patch)
    except ApiRequestFailed as error:
        if error.status != 404:
            raise
