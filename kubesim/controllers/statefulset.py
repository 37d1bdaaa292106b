"""The StatefulSet controller: pods with stable names, hostnames and claims, made and replaced in order.

It follows kube-controller-manager's StatefulSet controller (events from "statefulset-controller"):

- The pods are `<set>-<ordinal>` for the ordinals spec.ordinals.start (0) onwards, with hostname = pod name,
  subdomain = serviceName, and the labels statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index
  and controller-revision-hash (the name of the revision they were made from).
- Each volumeClaimTemplate gives a pod the claim `<template>-<set>-<ordinal>`, created before the pod and kept
  when the pod goes. persistentVolumeClaimRetentionPolicy Delete (whenDeleted, whenScaled) works as the real
  controller does it, through owner references for the garbage collector: the claim is owned by the set
  (deleted with it) or, once its pod is scaled away, by the pod (deleted with it). Until a claim left by an
  earlier pod of the same name is gone, the pod is not made again.
- OrderedReady makes ordinal i only when every lower one is Running and Ready (and available for
  minReadySeconds), and scales down from the highest ordinal, one pod at a time, each once the one before is
  gone. Parallel creates and deletes them all at once. A failed or succeeded pod is deleted and made again.
- Updates: the template history is kept as ControllerRevisions (revisions.py). RollingUpdate replaces pods
  from the highest ordinal down to `partition`, each once the pods are healthy again (at most maxUnavailable,
  default 1, unhealthy at a time); pods below the partition keep, and are made again from, the current
  revision. OnDelete replaces a pod only when someone deletes it. When every pod is updated and ready the
  update revision becomes the current one.
- Status: replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas, currentRevision,
  updateRevision, collisionCount, observedGeneration.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubesim.api.selectors import LabelSelector, label_selector_from_object
from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import (
    OwnerIndex,
    api_path,
    controller_of,
    controller_reference,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    pod_from_template,
    pod_path,
    seconds_until_available,
)
from kubesim.controllers.revisions import (
    HASH_LABEL,
    REVISIONS,
    History,
    number,
    recorded_template,
    records,
    template_patch,
)
from kubesim.controllers.rollout import scaled_value
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

Obj = dict[str, Any]
STATEFUL_SETS, PODS, CLAIMS = "apps/statefulsets", "/pods", "/persistentvolumeclaims"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
RETAIN, DELETE = "Retain", "Delete"
_MEMBER_NAME = re.compile(r"^(.*)-([0-9]+)$")


@dataclass
class _Pass:
    """What one reconcile of a set works with: the set, its two revisions and the templates they restore."""

    stateful_set: Obj
    current: Obj
    update: Obj
    collisions: int

    @property
    def spec(self) -> Obj:
        return self.stateful_set.get("spec") or {}

    @property
    def name(self) -> str:
        return str(self.stateful_set["metadata"]["name"])

    @property
    def namespace(self) -> str:
        return str(self.stateful_set["metadata"]["namespace"])

    @property
    def start(self) -> int:
        return int((self.spec.get("ordinals") or {}).get("start") or 0)

    @property
    def replicas(self) -> int:
        return int(self.spec.get("replicas", 1))

    @property
    def ordered(self) -> bool:
        """OrderedReady: one pod at a time, each after its predecessors are ready."""
        return self.spec.get("podManagementPolicy") != "Parallel"

    @property
    def min_ready(self) -> int:
        return int(self.spec.get("minReadySeconds") or 0)


class StatefulSetController(Controller):
    name = "statefulset-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.history = History(self.api.store, self.client)
        self.pods = OwnerIndex()  # owner uid -> its pods
        self.orphans: defaultdict[str, set[str]] = defaultdict(set)  # namespace -> pods without a controller

    # -- following the cluster -----------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == STATEFUL_SETS:
            yield (STATEFUL_SETS, event.namespace, event.name)
        elif event.resource == PODS:
            yield from self._observe_pod(event)
        elif event.resource == REVISIONS:
            owner = controller_of(event.object)
            if owner is not None and owner.get("kind") == "StatefulSet":
                yield (STATEFUL_SETS, event.namespace, str(owner.get("name")))
        elif event.resource == CLAIMS:
            # A claim that goes or changes hands may unblock a pod waiting for a claim of an earlier pod to go.
            for reference in (event.object.get("metadata") or {}).get("ownerReferences") or []:
                if reference.get("kind") == "StatefulSet":
                    yield (STATEFUL_SETS, event.namespace, str(reference.get("name")))
                elif reference.get("kind") == "Pod" and _parent_and_ordinal(str(reference.get("name")))[1] >= 0:
                    yield (STATEFUL_SETS, event.namespace, _parent_and_ordinal(str(reference.get("name")))[0])

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        self.pods.forget(place)
        self.orphans[event.namespace].discard(event.name)
        owner = controller_of(event.object)
        if owner is not None and owner.get("kind") == "StatefulSet":
            if event.type != DELETED:
                self.pods.add(place, str(owner.get("uid")))
            yield (STATEFUL_SETS, event.namespace, str(owner.get("name")))
        elif owner is None and event.type != DELETED:
            self.orphans[event.namespace].add(event.name)
            parent, ordinal = _parent_and_ordinal(event.name)
            if ordinal >= 0:  # only the set its name points to may adopt it
                yield (STATEFUL_SETS, event.namespace, parent)

    # -- reconciling ---------------------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        stateful_set = self.api.store.get(*key)
        if stateful_set is None or is_terminating(stateful_set):
            return None
        selector = label_selector_from_object((stateful_set.get("spec") or {}).get("selector"))
        pods = await self._claim_pods(stateful_set, selector)
        revisions = await self.history.claim(stateful_set, selector)
        current, update, collisions = await self._revisions(stateful_set, revisions)
        work = _Pass(stateful_set, current, update, collisions)
        replicas, condemned = _partition(work, pods)
        status = await self._update(work, replicas, condemned)
        await self._report(work, status)
        await self._truncate_history(work, revisions, pods)
        waits = (seconds_until_available(pod, work.min_ready, self.clock) for pod in pods)
        return min((wait for wait in waits if wait is not None), default=None)

    async def _claim_pods(self, stateful_set: Obj, selector: LabelSelector) -> list[Obj]:
        """Owned member pods the selector matches, after releasing the others and adopting matching orphans."""
        metadata = stateful_set["metadata"]
        namespace, uid, set_name = metadata["namespace"], metadata["uid"], metadata["name"]

        def belongs(pod: Obj) -> bool:
            labels = pod["metadata"].get("labels") or {}
            return _parent_and_ordinal(pod["metadata"]["name"])[0] == set_name and selector.matches(labels)

        claimed = []
        for place in self.pods.owned_by(uid):
            pod = self.api.store.get(PODS, *place)
            if pod is None:
                continue
            if belongs(pod):
                claimed.append(pod)
            else:
                kept = [ref for ref in pod["metadata"].get("ownerReferences") or [] if ref.get("uid") != uid]
                await self._patch(pod_path(pod), {"metadata": {"ownerReferences": kept or None}})
        for name in sorted(self.orphans.get(namespace, ())):
            pod = self.api.store.get(PODS, namespace, name)
            if pod is not None and controller_of(pod) is None and not is_terminating(pod) and belongs(pod):
                references = [*(pod["metadata"].get("ownerReferences") or []), controller_reference(stateful_set)]
                adopted = await self._patch(pod_path(pod), {"metadata": {"ownerReferences": references}})
                if adopted is not None:
                    claimed.append(adopted)
        return claimed

    async def _revisions(self, stateful_set: Obj, revisions: list[Obj]) -> tuple[Obj, Obj, int]:
        """The current revision (status.currentRevision, or the update revision at first), the update revision
        (of the template as it is now: the newest, renumbered if it is an earlier one), the collision count."""
        template = (stateful_set.get("spec") or {}).get("template") or {}
        status = stateful_set.get("status") or {}
        collisions = int(status.get("collisionCount") or 0)
        newest = max((number(revision) for revision in revisions), default=0) + 1
        equal = [revision for revision in revisions if records(revision, template)]
        if equal and equal[-1] is revisions[-1]:
            update = revisions[-1]
        elif equal:
            update = await self.history.renumber(equal[-1], newest)
        else:
            update, collisions = await self.history.create(
                stateful_set, template_patch(stateful_set), newest, collisions
            )
        named = status.get("currentRevision")
        current = next((revision for revision in revisions if revision["metadata"]["name"] == named), update)
        return current, update, collisions

    async def _update(self, work: _Pass, replicas: list[Obj | None], condemned: list[Obj]) -> Obj:
        """updateStatefulSet: create, fix and delete pods in the set's order; the status it leaves."""
        unhealthy = [pod for pod in [*replicas, *reversed(condemned)] if not _is_healthy(pod)]
        first_unhealthy = unhealthy[0] if unhealthy else None
        for index in range(len(replicas)):
            if await self._process_replica(work, replicas, index) and work.ordered:
                return self._status(work, replicas, condemned)
        for pod in condemned:
            await self._apply_retention(work, pod)
        for pod in condemned:
            if await self._process_condemned(work, pod, first_unhealthy) and work.ordered:
                return self._status(work, replicas, condemned)
        status = self._status(work, replicas, condemned)
        strategy = work.spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            status["currentReplicas"] -= await self._roll(work, replicas)
        return status

    async def _process_replica(self, work: _Pass, replicas: list[Obj | None], index: int) -> bool:
        """Bring the pod at this index along; True when the set must wait for it before going further."""
        pod = replicas[index]
        ordinal = work.start + index
        if pod is not None and _phase(pod) in ("Failed", "Succeeded"):
            if not is_terminating(pod):
                await self._delete_pod(work, pod)
            return True  # made again once it is gone
        if pod is None:
            if self._claims_are_stale(work, ordinal):
                return True
            pod = replicas[index] = await self._create_pod(work, ordinal)
            if work.ordered:
                return True
        if _phase(pod) == "Pending":
            await self._create_claims(work, pod["metadata"]["name"], ordinal)
            await self._apply_retention(work, pod)
        if work.ordered and not _is_available(pod, work.min_ready, self.clock):
            return True  # the next ordinal waits for this one to be running, ready and available
        await self._fix_identity(work, pod)
        await self._apply_retention(work, pod)
        return False

    async def _process_condemned(self, work: _Pass, pod: Obj, first_unhealthy: Obj | None) -> bool:
        """Scale down past this pod; True when the set must wait (always so in order: one at a time)."""
        if is_terminating(pod):
            return True
        if work.ordered and pod is not first_unhealthy and not _is_available(pod, work.min_ready, self.clock):
            return True  # its predecessors in the scale down must be healthy first
        await self._delete_pod(work, pod)
        return True

    async def _roll(self, work: _Pass, replicas: list[Obj | None]) -> int:
        """RollingUpdate once every pod is in place: delete old pods from the highest ordinal down to the
        partition, while fewer than maxUnavailable pods are unhealthy; how many were deleted."""
        rolling = (work.spec.get("updateStrategy") or {}).get("rollingUpdate") or {}
        partition = int(rolling.get("partition") or 0)
        max_unavailable = max(1, scaled_value(rolling.get("maxUnavailable", 1), work.replicas, round_up=False))
        unavailable = sum(1 for pod in replicas if not _is_available(pod, work.min_ready, self.clock))
        room = max_unavailable - unavailable
        deleted = 0
        for index in range(len(replicas) - 1, partition - 1, -1):
            pod = replicas[index]
            if deleted >= room:
                break
            if pod is not None and _revision_of(pod) != work.update["metadata"]["name"] and not is_terminating(pod):
                await self._delete_pod(work, pod)
                deleted += 1
        return deleted

    # -- pods and claims ---------------------------------------------------------------------------------------------

    async def _create_pod(self, work: _Pass, ordinal: int) -> Obj:
        """CreateStatefulPod: its claims first, then the pod, then the claims' owners for the retention policy."""
        revision = work.current if _from_current(work, ordinal) else work.update
        pod = stateful_pod(work.stateful_set, recorded_template(revision), ordinal, revision["metadata"]["name"])
        name = pod["metadata"]["name"]
        try:
            await self._create_claims(work, name, ordinal)
        except ApiRequestFailed as error:
            self._pod_event(work, "create", name, error)
            raise
        try:
            made = await self.client.create(api_path("", "v1", "pods", work.namespace), pod)
        except ApiRequestFailed as error:
            if error.status != 409:
                self._pod_event(work, "create", name, error)
            raise
        await self._apply_retention(work, made)
        self._pod_event(work, "create", name)
        await asyncio.sleep(0)  # let the API answer others between the creates of a Parallel set
        return made

    async def _create_claims(self, work: _Pass, pod_name: str, ordinal: int) -> None:
        """Each missing claim of the pod, with a SuccessfulCreate event; a claim being deleted is an error."""
        failure: ApiRequestFailed | None = None
        for claim in claims_for(work.stateful_set, ordinal).values():
            claim_name = claim["metadata"]["name"]
            existing = self.api.store.get(CLAIMS, work.namespace, claim_name)
            if existing is not None:
                if is_terminating(existing):
                    failure = ApiRequestFailed(409, {"message": f"pvc {claim_name} is being deleted"})
                continue
            try:
                await self.client.create(api_path("", "v1", "persistentvolumeclaims", work.namespace), claim)
            except ApiRequestFailed as error:
                if error.status != 409:
                    message = f"create Claim {claim_name} for Pod {pod_name} in StatefulSet {work.name} failed error: "
                    self.events.warning(work.stateful_set, "FailedCreate", message + error.body.get("message", ""))
                    failure = ApiRequestFailed(
                        error.status, {"message": f"failed to create PVC {claim_name}: {error.body.get('message', '')}"}
                    )
                continue
            message = f"create Claim {claim_name} Pod {pod_name} in StatefulSet {work.name} success"
            self.events.normal(work.stateful_set, "SuccessfulCreate", message)
        if failure is not None:
            raise failure

    def _claims_are_stale(self, work: _Pass, ordinal: int) -> bool:
        """PodClaimIsStale: a claim still owned by an earlier pod of this name (whenScaled Delete) must go first."""
        if _retention(work.stateful_set)[1] == RETAIN:
            return False
        pod_name = f"{work.name}-{ordinal}"
        for claim in claims_for(work.stateful_set, ordinal).values():
            existing = self.api.store.get(CLAIMS, work.namespace, claim["metadata"]["name"])
            if existing is not None and any(
                _names(reference, "v1", "Pod", pod_name) for reference in _owner_references(existing)
            ):
                return True
        return False

    async def _apply_retention(self, work: _Pass, pod: Obj) -> None:
        """Give the pod's claims the owners the retention policy asks for (none for Retain, Retain)."""
        ordinal = _parent_and_ordinal(pod["metadata"]["name"])[1]
        in_range = work.start <= ordinal < work.start + work.replicas
        for claim in claims_for(work.stateful_set, ordinal).values():
            existing = self.api.store.get(CLAIMS, work.namespace, claim["metadata"]["name"])
            if existing is None:
                continue
            wanted = self._claim_owners(work, existing, pod, in_range)
            if wanted is not None and wanted != _owner_references(existing):
                path = api_path("", "v1", "persistentvolumeclaims", work.namespace, existing["metadata"]["name"])
                await self._patch(path, {"metadata": {"ownerReferences": wanted or None}})

    def _claim_owners(self, work: _Pass, claim: Obj, pod: Obj, in_range: bool) -> list[Obj] | None:
        """The claim's owner references under the set's retention policy; None to leave the claim alone (its
        references to the set or pod are from an earlier object of that name)."""
        stateful_set = work.stateful_set
        references = _owner_references(claim)
        ours = [(stateful_set, "apps/v1", "StatefulSet"), (pod, "v1", "Pod")]
        if any(
            _names(reference, api_version, kind, owner["metadata"]["name"])
            and reference.get("uid") != owner["metadata"].get("uid")
            for owner, api_version, kind in ours
            for reference in references
        ):
            return None
        when_deleted, when_scaled = _retention(stateful_set)
        kept = [ref for ref in references if not any(_names(ref, v, k, o["metadata"]["name"]) for o, v, k in ours)]
        if (when_deleted, when_scaled) != (RETAIN, RETAIN) and any(ref.get("controller") for ref in kept):
            claim_name = claim["metadata"]["name"]
            message = (
                f"PersistentVolumeClaim {claim_name} has a conflicting OwnerReference that acts as a manging "
                "controller, the retention policy is ignored for this claim"
            )
            self.events.warning(stateful_set, "ConflictingController", message)
            return kept
        if when_deleted == DELETE and (when_scaled == RETAIN or in_range):
            kept.append(controller_reference(stateful_set))
        if when_scaled == DELETE and not in_range:
            kept.append(controller_reference(pod))
        return kept

    async def _fix_identity(self, work: _Pass, pod: Obj) -> None:
        """UpdateStatefulPod: a pod that lost its pod-name label gets its identity labels back."""
        name = pod["metadata"]["name"]
        if (pod["metadata"].get("labels") or {}).get(POD_NAME_LABEL) == name:
            return
        wanted = {POD_NAME_LABEL: name, POD_INDEX_LABEL: str(_parent_and_ordinal(name)[1])}
        try:
            await self.client.patch_merge(pod_path(pod), {"metadata": {"labels": wanted}})
        except ApiRequestFailed as error:
            if error.status != 404:
                self._pod_event(work, "update", name, error)
                raise
            return
        self._pod_event(work, "update", name)

    async def _delete_pod(self, work: _Pass, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        try:
            await self.client.delete(pod_path(pod))
        except ApiRequestFailed as error:
            if error.status == 404:
                return
            self._pod_event(work, "delete", name, error)
            raise
        self._pod_event(work, "delete", name)

    def _pod_event(self, work: _Pass, verb: str, pod_name: str, error: ApiRequestFailed | None = None) -> None:
        """recordPodEvent: "create Pod web-0 in StatefulSet web successful", or FailedCreate with the error."""
        if error is None:
            message = f"{verb} Pod {pod_name} in StatefulSet {work.name} successful"
            self.events.normal(work.stateful_set, f"Successful{verb.title()}", message)
        else:
            message = f"{verb} Pod {pod_name} in StatefulSet {work.name} failed error: {error.body.get('message', '')}"
            self.events.warning(work.stateful_set, f"Failed{verb.title()}", message)

    # -- status and history --------------------------------------------------------------------------------------------

    def _status(self, work: _Pass, replicas: list[Obj | None], condemned: list[Obj]) -> Obj:
        status = {
            "observedGeneration": work.stateful_set["metadata"].get("generation", 1),
            "replicas": 0,
            "readyReplicas": 0,
            "availableReplicas": 0,
            "currentReplicas": 0,
            "updatedReplicas": 0,
            "currentRevision": work.current["metadata"]["name"],
            "updateRevision": work.update["metadata"]["name"],
            "collisionCount": work.collisions,
        }
        for pod in [*replicas, *condemned]:
            if pod is None:
                continue
            status["replicas"] += 1
            if _is_running_and_ready(pod):
                status["readyReplicas"] += 1
                status["availableReplicas"] += 1 if is_pod_available(pod, work.min_ready, self.clock) else 0
            if not is_terminating(pod):
                revision = _revision_of(pod)
                status["currentReplicas"] += 1 if revision == status["currentRevision"] else 0
                status["updatedReplicas"] += 1 if revision == status["updateRevision"] else 0
        return status

    async def _report(self, work: _Pass, status: Obj) -> None:
        """Complete a finished rolling update, then write the status if it changed."""
        strategy = work.spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "RollingUpdate" and (
            status["updatedReplicas"] == status["readyReplicas"] == status["replicas"] == work.replicas
        ):
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        known = work.stateful_set.get("status") or {}
        # Go leaves out the counts that are 0 (availableReplicas and collisionCount are always written).
        written = {
            field: value if value or field in ("replicas", "availableReplicas", "collisionCount") else None
            for field, value in status.items()
        }
        if all(known.get(field) == value for field, value in written.items()):
            return
        path = object_path(self.api, STATEFUL_SETS, work.namespace, work.name)
        if path is not None:
            await self._patch(path + "/status", {"status": written})

    async def _truncate_history(self, work: _Pass, revisions: list[Obj], pods: list[Obj]) -> None:
        """Revisions no pod and neither the current nor the update revision use go beyond revisionHistoryLimit,
        lowest number first."""
        live = {work.current["metadata"]["name"], work.update["metadata"]["name"], *map(_revision_of, pods)}
        unused = [revision for revision in revisions if revision["metadata"]["name"] not in live]
        limit = int(work.spec.get("revisionHistoryLimit", 10))
        for revision in sorted(unused, key=number)[: max(0, len(unused) - limit)]:
            await self.history.delete(revision)

    async def _patch(self, path: str, patch: Obj) -> Obj | None:
        try:
            return await self.client.patch_merge(path, patch)
        except ApiRequestFailed as error:
            if error.status == 404:
                return None
            raise


def stateful_pod(stateful_set: Obj, template: Obj, ordinal: int, revision_name: str) -> Obj:
    """The pod of an ordinal, from the template of the given revision."""
    pod = pod_from_template(template, stateful_set)
    name = f"{stateful_set['metadata']['name']}-{ordinal}"
    metadata = pod["metadata"]
    metadata["name"], metadata["namespace"] = name, stateful_set["metadata"]["namespace"]
    metadata["labels"] = {
        **(metadata.get("labels") or {}),
        POD_NAME_LABEL: name,
        POD_INDEX_LABEL: str(ordinal),
        HASH_LABEL: revision_name,
    }
    spec = pod["spec"]
    spec["hostname"] = name
    service = (stateful_set.get("spec") or {}).get("serviceName")
    if service:
        spec["subdomain"] = service
    claims = claims_for(stateful_set, ordinal)
    volumes = [
        {"name": template_name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
        for template_name, claim in claims.items()
    ]
    volumes += [volume for volume in spec.get("volumes") or [] if volume.get("name") not in claims]
    if volumes:
        spec["volumes"] = volumes
    return pod


def claims_for(stateful_set: Obj, ordinal: int) -> dict[str, Obj]:
    """The claims of an ordinal's pod by template name: `<template>-<set>-<ordinal>`, with the selector's labels."""
    spec = stateful_set.get("spec") or {}
    metadata = stateful_set["metadata"]
    selector_labels = (spec.get("selector") or {}).get("matchLabels") or {}
    claims = {}
    for template in spec.get("volumeClaimTemplates") or []:
        claim_metadata = copy.deepcopy(template.get("metadata") or {})
        template_name = str(claim_metadata.get("name", ""))
        claim_metadata["name"] = f"{template_name}-{metadata['name']}-{ordinal}"
        claim_metadata["namespace"] = metadata["namespace"]
        labels = {**(claim_metadata.get("labels") or {}), **selector_labels}
        if labels:
            claim_metadata["labels"] = labels
        claims[template_name] = {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": claim_metadata,
            "spec": copy.deepcopy(template.get("spec") or {}),
        }
    return claims


def _partition(work: _Pass, pods: list[Obj]) -> tuple[list[Obj | None], list[Obj]]:
    """The pods in the ordinal range at their index (None where missing) and the condemned ones, highest
    ordinal first; pods whose names carry no ordinal are left alone."""
    replicas: list[Obj | None] = [None] * work.replicas
    condemned = []
    for pod in pods:
        ordinal = _parent_and_ordinal(pod["metadata"]["name"])[1]
        if work.start <= ordinal < work.start + work.replicas:
            replicas[ordinal - work.start] = pod
        elif ordinal >= 0:
            condemned.append(pod)
    condemned.sort(key=lambda pod: _parent_and_ordinal(pod["metadata"]["name"])[1], reverse=True)
    return replicas, condemned


def _from_current(work: _Pass, ordinal: int) -> bool:
    """newVersionedStatefulSetPod: below the partition a pod is made from the current revision."""
    strategy = work.spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        return ordinal < work.start + int(rolling.get("partition") or 0)
    current_replicas = int((work.stateful_set.get("status") or {}).get("currentReplicas") or 0)
    return strategy.get("type", "RollingUpdate") == "RollingUpdate" and ordinal < work.start + current_replicas


def _retention(stateful_set: Obj) -> tuple[str, str]:
    """(whenDeleted, whenScaled)."""
    policy = (stateful_set.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenDeleted") or RETAIN, policy.get("whenScaled") or RETAIN


def _parent_and_ordinal(pod_name: str) -> tuple[str, int]:
    """The set a pod's name says it belongs to and its ordinal, or ("", -1)."""
    match = _MEMBER_NAME.match(pod_name)
    if match is None or int(match.group(2)) >= 2**31:
        return "", -1
    return match.group(1), int(match.group(2))


def _names(reference: Obj, api_version: str, kind: str, name: str) -> bool:
    return (
        reference.get("apiVersion") == api_version and reference.get("kind") == kind and reference.get("name") == name
    )


def _owner_references(obj: Obj) -> list[Obj]:
    return [ref for ref in (obj.get("metadata") or {}).get("ownerReferences") or [] if isinstance(ref, dict)]


def _phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def _revision_of(pod: Obj) -> str:
    return str((pod["metadata"].get("labels") or {}).get(HASH_LABEL, ""))


def _is_running_and_ready(pod: Obj) -> bool:
    return _phase(pod) == "Running" and is_pod_ready(pod)


def _is_healthy(pod: Obj | None) -> bool:
    return pod is not None and _is_running_and_ready(pod) and not is_terminating(pod)


def _is_available(pod: Obj | None, min_ready: int, clock: Any) -> bool:
    return _is_healthy(pod) and pod is not None and is_pod_available(pod, min_ready, clock)
