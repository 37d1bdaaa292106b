"""The ReplicaSet controller: keep `spec.replicas` pods that match the selector, and say so in status.

It creates pods from the template (named `<replicaset>-<random>`, owned by the ReplicaSet), deletes the
surplus (pods not yet scheduled first, then not ready ones, then the newest), adopts matching pods that
no controller owns, and releases owned pods whose labels stopped matching (the book's quarantine trick).
A ready pod counts as available once it has been ready for `minReadySeconds`.
"""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.api.selectors import label_selector_from_object
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import (
    REPLICA_FAILURE,
    OwnerIndex,
    api_path,
    controller_of,
    controller_reference,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    pod_path,
    seconds_until_available,
    with_condition,
)
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

REPLICASETS, PODS = "apps/replicasets", "/pods"
BURST = 500  # pods created or deleted in one pass, as kube-controller-manager's burstReplicas
YIELD_EVERY = 25  # creates between turns given to the rest of the cluster (about 30 ms)


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.pods = OwnerIndex()  # owner uid -> its pods
        self.orphans: defaultdict[str, set[str]] = defaultdict(set)  # namespace -> pods no controller owns

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == REPLICASETS:
            yield (REPLICASETS, event.namespace, event.name)
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        self.pods.forget(place)
        owner = controller_of(event.object)
        if event.type != DELETED and owner is None:
            self.orphans[event.namespace].add(event.name)
        else:
            self.orphans[event.namespace].discard(event.name)
        if event.type != DELETED and owner is not None and owner.get("kind") == "ReplicaSet":
            self.pods.add(place, str(owner.get("uid")))
        if owner is not None and owner.get("kind") == "ReplicaSet":
            yield (REPLICASETS, event.namespace, str(owner.get("name")))
        elif event.type != DELETED:  # an orphan may be adopted by any ReplicaSet of its namespace
            for replicaset in self.api.store.list(REPLICASETS, event.namespace):
                yield (REPLICASETS, event.namespace, replicaset["metadata"]["name"])

    async def reconcile(self, key: Key) -> float | None:
        replicaset = self.api.store.get(*key)
        if replicaset is None or replicaset["metadata"].get("deletionTimestamp"):
            return None
        spec = replicaset.get("spec") or {}
        selector = label_selector_from_object(spec.get("selector"))
        uid = replicaset["metadata"]["uid"]
        owned: list[dict[str, Any]] = []
        terminating = 0
        for pod in self._pods_owned_by(uid):
            if not selector.matches(pod["metadata"].get("labels") or {}):
                await self._release(pod, uid)
            elif is_pod_active(pod):
                owned.append(pod)
            elif (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                terminating += 1  # being deleted, its containers not stopped yet
        for pod in self._orphans(key[1], selector):
            adopted = await self._adopt(pod, replicaset)
            if adopted is not None and is_pod_active(adopted):
                owned.append(adopted)
        wanted = int(spec.get("replicas", 1))
        unfinished = False
        failure: ApiRequestFailed | None = None
        if len(owned) < wanted:
            missing = wanted - len(owned)
            unfinished = missing > BURST
            try:
                await self._create_pods(replicaset, min(missing, BURST), owned)
            except ApiRequestFailed as error:
                failure = error
        elif len(owned) > wanted:
            surplus = _deletion_order(owned)[: min(len(owned) - wanted, BURST)]
            unfinished = len(owned) - wanted > BURST
            await self._delete_pods(replicaset, surplus)
            owned = [pod for pod in owned if pod not in surplus]
        await self._report(replicaset, owned, terminating, failure)
        if failure is not None:
            raise failure  # retried with back-off, as the controller's work queue does
        if unfinished:
            return 0.0
        min_ready = int(spec.get("minReadySeconds") or 0)
        waits = [seconds_until_available(pod, min_ready, self.clock) for pod in owned]
        return min((wait for wait in waits if wait is not None), default=None)

    def _pods_owned_by(self, uid: str) -> list[dict[str, Any]]:
        pods = (self.api.store.get(PODS, *place) for place in self.pods.owned_by(uid))
        return [pod for pod in pods if pod is not None]

    def _orphans(self, namespace: str, selector: Any) -> list[dict[str, Any]]:
        pods = (self.api.store.get(PODS, namespace, name) for name in list(self.orphans.get(namespace, ())))
        return [
            pod
            for pod in pods
            if pod is not None
            and controller_of(pod) is None
            and is_pod_active(pod)
            and selector.matches(pod["metadata"].get("labels") or {})
        ]

    async def _create_pods(self, replicaset: dict[str, Any], count: int, created: list[dict[str, Any]]) -> None:
        """Create `count` pods from the template, adding each to `created`; raise at the first the API refuses."""
        template = (replicaset.get("spec") or {}).get("template") or {}
        namespace = replicaset["metadata"]["namespace"]
        for made_here in range(1, count + 1):
            metadata = copy.deepcopy(template.get("metadata") or {})
            metadata["generateName"] = replicaset["metadata"]["name"] + "-"
            metadata["ownerReferences"] = [controller_reference(replicaset)]
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": copy.deepcopy(template.get("spec"))}
            try:
                made = await self.client.create(api_path("", "v1", "pods", namespace), pod)
            except ApiRequestFailed as error:
                self.events.warning(replicaset, "FailedCreate", f"Error creating: {error.body.get('message', '')}")
                raise
            self.events.normal(replicaset, "SuccessfulCreate", f"Created pod: {made['metadata']['name']}")
            created.append(made)
            if made_here % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the API answer others within a big burst

    async def _delete_pods(self, replicaset: dict[str, Any], pods: list[dict[str, Any]]) -> None:
        for pod in pods:
            try:
                await self.client.delete(pod_path(pod))
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise
            self.events.normal(replicaset, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")

    async def _adopt(self, pod: dict[str, Any], replicaset: dict[str, Any]) -> dict[str, Any] | None:
        references = [*(pod["metadata"].get("ownerReferences") or []), controller_reference(replicaset)]
        try:
            return await self.client.patch_merge(pod_path(pod), {"metadata": {"ownerReferences": references}})
        except ApiRequestFailed as error:
            if error.status == 404:
                return None
            raise

    async def _release(self, pod: dict[str, Any], uid: str) -> None:
        kept = [ref for ref in pod["metadata"].get("ownerReferences") or [] if ref.get("uid") != uid]
        try:
            await self.client.patch_merge(pod_path(pod), {"metadata": {"ownerReferences": kept or None}})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    async def _report(
        self,
        replicaset: dict[str, Any],
        pods: list[dict[str, Any]],
        terminating: int,
        failure: ApiRequestFailed | None = None,
    ) -> None:
        """The status, with the ReplicaFailure condition (reason FailedCreate) while creating pods fails."""
        spec = replicaset.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        status = {
            "replicas": len(pods),
            "fullyLabeledReplicas": sum(1 for pod in pods if _has_labels(pod, template_labels)),
            "readyReplicas": sum(1 for pod in pods if is_pod_ready(pod)),
            "availableReplicas": sum(1 for pod in pods if is_pod_available(pod, min_ready, self.clock)),
            "terminatingReplicas": terminating,
            "observedGeneration": replicaset["metadata"].get("generation", 1),
        }
        conditions = [dict(c) for c in (replicaset.get("status") or {}).get("conditions") or []]
        if failure is not None:
            message = str(failure.body.get("message", ""))
            conditions = with_condition(conditions, REPLICA_FAILURE, "True", "FailedCreate", message)
        else:
            conditions = [c for c in conditions if c.get("type") != REPLICA_FAILURE]
        if conditions or (replicaset.get("status") or {}).get("conditions"):
            status["conditions"] = conditions or None
        await self.client.patch_status(REPLICASETS, replicaset, status)


def _has_labels(pod: dict[str, Any], labels: dict[str, str]) -> bool:
    own = pod["metadata"].get("labels") or {}
    return all(own.get(name) == value for name, value in labels.items())


def _deletion_order(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unscheduled pods go first, then pending, then not-ready ones; among equals, the newest."""
    newest_first = sorted(pods, key=lambda pod: pod["metadata"].get("creationTimestamp", ""), reverse=True)
    return sorted(
        newest_first,
        key=lambda pod: (
            bool((pod.get("spec") or {}).get("nodeName")),
            (pod.get("status") or {}).get("phase") == "Running",
            is_pod_ready(pod),
        ),
    )
