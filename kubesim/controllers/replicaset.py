"""The ReplicaSet controller: keep `spec.replicas` pods that match the selector, and say so in status.

It creates pods from the template (named `<replicaset>-<random>`, owned by the ReplicaSet), deletes the
surplus (pods not yet scheduled first, then the newest), adopts matching pods that no controller owns,
and releases owned pods whose labels stopped matching (the book's quarantine trick).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from kubesim.api.handlers import Api
from kubesim.api.selectors import label_selector_from_object
from kubesim.controllers.client import LoopbackClient, object_path
from kubesim.controllers.runtime import Controller
from kubesim.store.store import Event, Key

REPLICASETS, PODS = "apps/replicasets", "/pods"


def controller_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    references = obj.get("metadata", {}).get("ownerReferences") or []
    return next((ref for ref in references if isinstance(ref, dict) and ref.get("controller")), None)


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, api: Api, client: LoopbackClient) -> None:
        self.api, self.client = api, client

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == REPLICASETS:
            yield (REPLICASETS, event.namespace, event.name)
        elif event.resource == PODS:
            owner = controller_of(event.object)
            if owner is not None and owner.get("kind") == "ReplicaSet":
                yield (REPLICASETS, event.namespace, str(owner.get("name")))
            else:  # an orphan may be adopted by any ReplicaSet of its namespace
                for replicaset in self.api.store.list(REPLICASETS, event.namespace):
                    yield (REPLICASETS, event.namespace, replicaset["metadata"]["name"])

    async def reconcile(self, key: Key) -> None:
        replicaset = self.api.store.get(*key)
        if replicaset is None or replicaset["metadata"].get("deletionTimestamp"):
            return
        namespace = key[1]
        selector = label_selector_from_object((replicaset.get("spec") or {}).get("selector"))
        uid = replicaset["metadata"]["uid"]
        owned: list[dict[str, Any]] = []
        for pod in self.api.store.list(PODS, namespace):
            if pod["metadata"].get("deletionTimestamp"):
                continue
            labels = pod["metadata"].get("labels") or {}
            owner = controller_of(pod)
            if owner is not None and owner.get("uid") == uid:
                if selector.matches(labels):
                    owned.append(pod)
                else:
                    await self._release(pod, uid)
            elif owner is None and selector.matches(labels):
                owned.append(await self._adopt(pod, replicaset))
        wanted = int((replicaset.get("spec") or {}).get("replicas", 1))
        if len(owned) < wanted:
            for _ in range(wanted - len(owned)):
                owned.append(await self._create_pod(replicaset))
        elif len(owned) > wanted:
            for pod in _deletion_order(owned)[: len(owned) - wanted]:
                await self.client.delete(self._pod_path(pod))
                owned.remove(pod)
        await self._report(replicaset, owned)

    async def _create_pod(self, replicaset: dict[str, Any]) -> dict[str, Any]:
        template = copy.deepcopy((replicaset.get("spec") or {}).get("template") or {})
        metadata = template.get("metadata") or {}
        metadata["generateName"] = replicaset["metadata"]["name"] + "-"
        metadata["ownerReferences"] = [_reference(replicaset)]
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template.get("spec") or {}}
        return await self.client.create(f"/api/v1/namespaces/{replicaset['metadata']['namespace']}/pods", pod)

    async def _adopt(self, pod: dict[str, Any], replicaset: dict[str, Any]) -> dict[str, Any]:
        references = [*(pod["metadata"].get("ownerReferences") or []), _reference(replicaset)]
        return await self.client.patch_merge(self._pod_path(pod), {"metadata": {"ownerReferences": references}})

    async def _release(self, pod: dict[str, Any], uid: str) -> None:
        kept = [ref for ref in pod["metadata"].get("ownerReferences") or [] if ref.get("uid") != uid]
        await self.client.patch_merge(self._pod_path(pod), {"metadata": {"ownerReferences": kept or None}})

    async def _report(self, replicaset: dict[str, Any], pods: list[dict[str, Any]]) -> None:
        ready = sum(1 for pod in pods if _is_ready(pod))
        status = {
            "replicas": len(pods),
            "fullyLabeledReplicas": len(pods),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": replicaset["metadata"].get("generation", 1),
        }
        current = replicaset.get("status") or {}
        if any(current.get(name, 0) != value for name, value in status.items()):
            metadata = replicaset["metadata"]
            path = object_path(self.api, REPLICASETS, metadata["namespace"], metadata["name"])
            if path is not None:
                await self.client.patch_merge(path + "/status", {"status": status})

    def _pod_path(self, pod: dict[str, Any]) -> str:
        return f"/api/v1/namespaces/{pod['metadata']['namespace']}/pods/{pod['metadata']['name']}"


def _reference(replicaset: dict[str, Any]) -> dict[str, Any]:
    metadata = replicaset["metadata"]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _is_ready(pod: dict[str, Any]) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions if isinstance(c, dict))


def _deletion_order(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unscheduled pods go first, then not-ready ones; among equals, the newest."""
    newest_first = sorted(pods, key=lambda pod: pod["metadata"].get("creationTimestamp", ""), reverse=True)
    return sorted(newest_first, key=lambda pod: (bool((pod.get("spec") or {}).get("nodeName")), _is_ready(pod)))
