"""The DaemonSet controller: a pod of the template on every node the DaemonSet may run on, and only there.

It follows kube-controller-manager's DaemonSet controller (events from "daemonset-controller"):

- A node should run the pod when the template's nodeName (if any), nodeSelector and required node affinity
  match it and the pod tolerates its NoSchedule and NoExecute taints. A pod keeps running on a node that
  only gained a NoSchedule taint; any other change that rules the node out deletes its pod. New nodes and
  label changes (`kubectl label nodes X ssd=true`) are followed.
- The pods are the template plus what the real controller adds: tolerations of not-ready and unreachable
  (NoExecute, no time limit), disk, memory and PID pressure and unschedulable (NoSchedule), and
  network-unavailable for host-network pods; a required node affinity `metadata.name In [<node>]`, which the
  scheduler honours when it binds them; the labels controller-revision-hash and pod-template-generation.
- A failed pod is deleted and replaced (warning FailedDaemonPod, with a back-off per node doubling from 1 s
  to 15 min), a succeeded one too; of several pods on a node the oldest stays.
- Pods that match the selector and have no controller are adopted, owned pods that stop matching released.
- The template history is kept as ControllerRevisions (revisions.py). RollingUpdate with maxSurge 0
  deletes old pods, never leaving more than maxUnavailable nodes without an available pod, and lets the
  node get a new one; with maxSurge it starts a new pod beside an old one (at most maxSurge at a time, at
  once where the old one is not available) and deletes the old one once the new one is available.
  OnDelete replaces a pod only when someone deletes it.
- Status: desired, current, ready, available, up-to-date and misscheduled counts, observedGeneration.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.api.selectors import LabelSelector, label_selector_from_object
from kubesim.api.template_generation import generation_of
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import (
    OwnerIndex,
    api_path,
    controller_of,
    controller_reference,
    fits_node_selection,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    pod_from_template,
    pod_path,
    seconds_until_available,
    untolerated_taint,
)
from kubesim.controllers.revisions import (
    HASH_LABEL,
    REVISIONS,
    History,
    hash_of,
    number,
    records,
    template_patch,
)
from kubesim.controllers.rollout import scaled_value
from kubesim.controllers.runtime import Controller
from kubesim.store.store import ADDED, DELETED, Event, Key

Obj = dict[str, Any]
Eligibility = dict[str, tuple[bool, bool]]  # node name -> (a daemon pod should start there, one may keep running)
DAEMON_SETS, PODS, NODES = "apps/daemonsets", "/pods", "/nodes"
GENERATION_LABEL = "pod-template-generation"
BURST = 250  # pods created or deleted in one pass (the controller's burstReplicas)
FAILED_POD_BACKOFF = (1.0, 900.0)  # first and longest wait before killing another failed pod on a node
NO_SCHEDULE, NO_EXECUTE = "NoSchedule", "NoExecute"
DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", NO_EXECUTE),
    ("node.kubernetes.io/unreachable", NO_EXECUTE),
    ("node.kubernetes.io/disk-pressure", NO_SCHEDULE),
    ("node.kubernetes.io/memory-pressure", NO_SCHEDULE),
    ("node.kubernetes.io/pid-pressure", NO_SCHEDULE),
    ("node.kubernetes.io/unschedulable", NO_SCHEDULE),
)
HOST_NETWORK_TOLERATION = ("node.kubernetes.io/network-unavailable", NO_SCHEDULE)


class DaemonSetController(Controller):
    name = "daemonset-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.history = History(self.api.store, self.client)
        self.daemon_sets: set[Key] = set()
        self.pods = OwnerIndex()  # owner uid -> its pods
        self.orphans: defaultdict[str, set[str]] = defaultdict(set)  # namespace -> pods without a controller
        self.node_signatures: dict[str, Any] = {}
        self.failed_pod_backoff: dict[tuple[str, str], tuple[float, float]] = {}  # (uid, node) -> (delay, since)

    # -- following the cluster -----------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == DAEMON_SETS:
            key = (DAEMON_SETS, event.namespace, event.name)
            if event.type == DELETED:
                self.daemon_sets.discard(key)
            else:
                self.daemon_sets.add(key)
            yield key
        elif event.resource == PODS:
            yield from self._observe_pod(event)
        elif event.resource == NODES:
            if self._node_changed(event):
                yield from list(self.daemon_sets)
        elif event.resource == REVISIONS:
            owner = controller_of(event.object)
            if owner is not None and owner.get("kind") == "DaemonSet":
                yield (DAEMON_SETS, event.namespace, str(owner.get("name")))

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        self.pods.forget(place)
        self.orphans[event.namespace].discard(place[1])
        owner = controller_of(event.object)
        if event.type == DELETED:
            pass
        elif owner is None:
            self.orphans[event.namespace].add(place[1])
        elif owner.get("kind") == "DaemonSet":
            self.pods.add(place, str(owner.get("uid")))
        if owner is not None and owner.get("kind") == "DaemonSet":
            yield (DAEMON_SETS, event.namespace, str(owner.get("name")))
        elif owner is None and event.type != DELETED:  # an orphan may be adopted by a DaemonSet of its namespace
            yield from (key for key in self.daemon_sets if key[1] == event.namespace)

    def _node_changed(self, event: Event) -> bool:
        """Only what decides where daemon pods run counts: labels and spec (taints), not heartbeats."""
        if event.type == DELETED:
            self.node_signatures.pop(event.name, None)
            return True
        node = event.object
        signature = ((node.get("metadata") or {}).get("labels"), node.get("spec"))
        changed = event.type == ADDED or self.node_signatures.get(event.name) != signature
        self.node_signatures[event.name] = signature
        return changed

    # -- reconciling ---------------------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        daemon_set = self.api.store.get(*key)
        if daemon_set is None or is_terminating(daemon_set):
            return None
        selector = label_selector_from_object((daemon_set.get("spec") or {}).get("selector"))
        pod_spec = daemon_pod_spec(daemon_set)
        eligibility = {node["metadata"]["name"]: should_run_on(pod_spec, node) for node in self.api.store.list(NODES)}
        current, old, collisions = await self._construct_history(daemon_set, selector)
        revision_hash = hash_of(current)
        by_node = self._by_node(await self._claim_pods(daemon_set, selector))
        waits: list[float] = []
        changed = await self._manage(daemon_set, eligibility, by_node, revision_hash, waits)
        if not changed and _strategy(daemon_set).get("type", "RollingUpdate") == "RollingUpdate":
            await self._rolling_update(daemon_set, eligibility, by_node, revision_hash)
        await self._cleanup_history(daemon_set, old, by_node)
        await self._report(daemon_set, eligibility, by_node, revision_hash, collisions)
        min_ready = int((daemon_set.get("spec") or {}).get("minReadySeconds") or 0)
        for pods in by_node.values():
            waits.extend(
                wait for pod in pods if (wait := seconds_until_available(pod, min_ready, self.clock)) is not None
            )
        return 0.0 if changed > BURST else min(waits, default=None)

    async def _construct_history(self, daemon_set: Obj, selector: LabelSelector) -> tuple[Obj, list[Obj], int]:
        """The revision of the current template (made or renumbered as the newest), the older ones, and the
        collision count that naming it needed."""
        revisions = await self.history.claim(daemon_set, selector)
        template = (daemon_set.get("spec") or {}).get("template") or {}
        current = [revision for revision in revisions if records(revision, template)]
        old = [revision for revision in revisions if not records(revision, template)]
        newest = max((number(revision) for revision in old), default=0) + 1
        collisions = int((daemon_set.get("status") or {}).get("collisionCount") or 0)
        if not current:
            revision, collisions = await self.history.create(daemon_set, template_patch(daemon_set), newest, collisions)
            return revision, old, collisions
        revision = max(current, key=number)
        if number(revision) < newest:
            revision = await self.history.renumber(revision, newest)
        return revision, old, collisions

    async def _claim_pods(self, daemon_set: Obj, selector: LabelSelector) -> list[Obj]:
        """Owned pods the selector matches, after releasing the others and adopting matching orphans."""
        metadata = daemon_set["metadata"]
        namespace, uid = metadata["namespace"], metadata["uid"]
        claimed = []
        for place in self.pods.owned_by(uid):
            pod = self.api.store.get(PODS, *place)
            if pod is None:
                continue
            if selector.matches(pod["metadata"].get("labels") or {}):
                claimed.append(pod)
            else:
                kept = [ref for ref in pod["metadata"].get("ownerReferences") or [] if ref.get("uid") != uid]
                await self._patch_pod(pod, {"metadata": {"ownerReferences": kept or None}})
        for name in sorted(self.orphans.get(namespace, ())):
            pod = self.api.store.get(PODS, namespace, name)
            if (
                pod is not None
                and controller_of(pod) is None
                and not is_terminating(pod)
                and selector.matches(pod["metadata"].get("labels") or {})
            ):
                references = [*(pod["metadata"].get("ownerReferences") or []), controller_reference(daemon_set)]
                adopted = await self._patch_pod(pod, {"metadata": {"ownerReferences": references}})
                if adopted is not None:
                    claimed.append(adopted)
        return claimed

    @staticmethod
    def _by_node(pods: list[Obj]) -> dict[str, list[Obj]]:
        """The pods per node they run or are meant to run on; finished pods already being deleted are left out."""
        by_node: dict[str, list[Obj]] = defaultdict(list)
        for pod in pods:
            if is_terminating(pod) and (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            node = _target_node(pod)
            if node:
                by_node[node].append(pod)
        return by_node

    # -- one pod per eligible node ---------------------------------------------------------------------------------

    async def _manage(
        self,
        daemon_set: Obj,
        eligibility: Eligibility,
        by_node: dict[str, list[Obj]],
        revision_hash: str,
        waits: list[float],
    ) -> int:
        """Create the missing pods and delete the ones that should go; how many changes were made."""
        creating: list[str] = []
        deleting: list[Obj] = []
        for name, (should_run, should_continue) in eligibility.items():
            pods = by_node.get(name, [])
            if should_run and not pods:
                creating.append(name)
            elif should_continue:
                wanted, surplus = self._pods_for_node(daemon_set, name, pods, should_run, revision_hash, waits)
                creating.extend([name] if wanted else [])
                deleting.extend(surplus)
            else:
                deleting.extend(pod for pod in pods if not is_terminating(pod))
        # A pod for a node that is gone can never be scheduled, nor removed by the pod garbage collector.
        deleting.extend(
            pod
            for name, pods in by_node.items()
            if name not in eligibility
            for pod in pods
            if not (pod.get("spec") or {}).get("nodeName") and not is_terminating(pod)
        )
        return await self._sync_nodes(daemon_set, deleting, creating, revision_hash)

    def _pods_for_node(
        self, daemon_set: Obj, node: str, pods: list[Obj], should_run: bool, revision_hash: str, waits: list[float]
    ) -> tuple[bool, list[Obj]]:
        """On a node that keeps its daemon pod: whether it needs a new one, and which of its pods must go."""
        running: list[Obj] = []
        surplus: list[Obj] = []
        for pod in pods:
            phase = (pod.get("status") or {}).get("phase")
            if is_terminating(pod):
                continue
            if phase == "Failed":
                wait = self._failed_pod_wait(daemon_set, node)
                if wait is not None:
                    waits.append(wait)
                    continue
                metadata = pod["metadata"]
                where = f"{metadata['namespace']}/{metadata['name']} on node {node}"
                self.events.warning(
                    daemon_set, "FailedDaemonPod", f"Found failed daemon pod {where}, will try to kill it"
                )
                surplus.append(pod)
            elif phase == "Succeeded":
                surplus.append(pod)
            else:
                running.append(pod)
        running.sort(key=_scheduled_then_oldest)
        if not _allows_surge(daemon_set):
            return False, surplus + running[1:]
        if not running:
            return should_run, surplus
        # Surging: an old pod and a new one may share the node until the new one is available.
        newest = [pod for pod in running if _labels(pod).get(HASH_LABEL) == revision_hash]
        oldest = [pod for pod in running if _labels(pod).get(HASH_LABEL) != revision_hash]
        surplus += newest[1:] + oldest[1:]
        min_ready = int((daemon_set.get("spec") or {}).get("minReadySeconds") or 0)
        if newest and oldest and (not is_pod_ready(oldest[0]) or is_pod_available(newest[0], min_ready, self.clock)):
            surplus.append(oldest[0])
        return False, surplus

    def _failed_pod_wait(self, daemon_set: Obj, node: str) -> float | None:
        """Simulated seconds before another failed pod may be killed on this node, or None (then the wait
        doubles for the next one)."""
        key = (daemon_set["metadata"]["uid"], node)
        first, longest = FAILED_POD_BACKOFF
        delay, since = self.failed_pod_backoff.get(key, (0.0, 0.0))
        elapsed = (time.monotonic() - since) * self.clock.speed
        if delay and elapsed < delay:
            return delay - elapsed
        delay = first if not delay or elapsed > 2 * longest else min(2 * delay, longest)
        self.failed_pod_backoff[key] = (delay, time.monotonic())
        return None

    async def _sync_nodes(self, daemon_set: Obj, deleting: list[Obj], creating: list[str], revision_hash: str) -> int:
        """Delete and create pods, at most a burst of each; the larger of the numbers asked for."""
        generation = generation_of(daemon_set)
        namespace = daemon_set["metadata"]["namespace"]
        failure: ApiRequestFailed | None = None
        for node in creating[:BURST]:
            pod = daemon_pod(daemon_set, node, revision_hash, generation)
            try:
                made = await self.client.create(api_path("", "v1", "pods", namespace), pod)
            except ApiRequestFailed as error:
                self.events.warning(daemon_set, "FailedCreate", f"Error creating: {error.body.get('message', '')}")
                failure = error
                continue
            self.events.normal(daemon_set, "SuccessfulCreate", f"Created pod: {made['metadata']['name']}")
            await asyncio.sleep(0)  # let the API answer others between creates of a big burst
        for pod in deleting[:BURST]:
            try:
                await self.client.delete(pod_path(pod))
            except ApiRequestFailed as error:
                if error.status != 404:
                    self.events.warning(daemon_set, "FailedDelete", f"Error deleting: {error.body.get('message', '')}")
                    failure = error
                continue
            self.events.normal(daemon_set, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")
        if failure is not None:
            raise failure
        return max(len(creating), len(deleting))

    # -- rolling updates -------------------------------------------------------------------------------------------

    async def _rolling_update(
        self, daemon_set: Obj, eligibility: Eligibility, by_node: dict[str, list[Obj]], revision_hash: str
    ) -> None:
        eligible = {name for name, (should_run, _) in eligibility.items() if should_run}
        placed = {name: by_node.get(name, []) for name in {*by_node, *eligible}}
        rolling = _strategy(daemon_set).get("rollingUpdate") or {}
        max_surge = scaled_value(rolling.get("maxSurge", 0), len(eligible), round_up=True)
        max_unavailable = scaled_value(rolling.get("maxUnavailable", 1), len(eligible), round_up=True)
        if eligible and max_surge == 0 and max_unavailable == 0:
            max_unavailable = 1  # an impossible configuration: the controller allows one
        min_ready = int((daemon_set.get("spec") or {}).get("minReadySeconds") or 0)
        generation = generation_of(daemon_set)

        def available(pod: Obj) -> bool:
            return is_pod_available(pod, min_ready, self.clock)

        if max_surge == 0:
            deleting = self._replacements(placed, revision_hash, generation, max_unavailable, available)
            await self._sync_nodes(daemon_set, deleting, [], revision_hash)
            return
        deleting, creating = self._surges(placed, eligible, revision_hash, generation, max_surge, available)
        await self._sync_nodes(daemon_set, deleting, creating, revision_hash)

    @staticmethod
    def _replacements(
        placed: dict[str, list[Obj]], revision_hash: str, generation: int | None, max_unavailable: int, available: Any
    ) -> list[Obj]:
        """Old pods to delete so that their nodes get new ones, within maxUnavailable."""
        unavailable = 0
        replaceable: list[Obj] = []
        candidates: list[Obj] = []
        for name in sorted(placed):
            found = _new_and_old(placed[name], revision_hash, generation)
            if found is None:
                unavailable += 1  # several pods: the manage pass prunes them first
                continue
            new, old = found
            if (new is None) == (old is None):
                unavailable += 1
            elif new is not None:
                unavailable += 0 if available(new) else 1
            elif old is not None and not available(old):
                replaceable.append(old)
            elif old is not None and unavailable < max_unavailable:
                candidates.append(old)
        room = max(0, min(max_unavailable - unavailable, len(candidates)))
        return replaceable + candidates[:room]

    @staticmethod
    def _surges(
        placed: dict[str, list[Obj]],
        eligible: set[str],
        revision_hash: str,
        generation: int | None,
        max_surge: int,
        available: Any,
    ) -> tuple[list[Obj], list[str]]:
        """Old pods to delete and nodes to get a new pod beside their old one, within maxSurge."""
        surging = 0
        deleting: list[Obj] = []
        replacing: list[str] = []
        candidates: list[str] = []
        for name in sorted(placed):
            found = _new_and_old(placed[name], revision_hash, generation)
            if found is None:
                surging += 1
                continue
            new, old = found
            if old is None:
                continue
            if new is not None:
                if available(new):
                    deleting.append(old)
                else:
                    surging += 1
            elif not available(old):
                if name in eligible:
                    replacing.append(name)
                else:
                    deleting.append(old)
            elif name in eligible and surging < max_surge:
                candidates.append(name)
        room = max(0, min(max_surge - surging, len(candidates)))
        return deleting, replacing + candidates[:room]

    # -- history and status ------------------------------------------------------------------------------------------

    async def _cleanup_history(self, daemon_set: Obj, old: list[Obj], by_node: dict[str, list[Obj]]) -> None:
        """Old revisions beyond revisionHistoryLimit go, oldest first, unless a live pod still has their hash."""
        limit = int((daemon_set.get("spec") or {}).get("revisionHistoryLimit", 10))
        excess = len(old) - limit
        if excess <= 0:
            return
        live = {_labels(pod).get(HASH_LABEL) for pods in by_node.values() for pod in pods}
        for revision in sorted(old, key=number):
            if excess <= 0:
                break
            if hash_of(revision) in live:
                continue
            await self.history.delete(revision)
            excess -= 1

    async def _report(
        self,
        daemon_set: Obj,
        eligibility: Eligibility,
        by_node: dict[str, list[Obj]],
        revision_hash: str,
        collisions: int,
    ) -> None:
        min_ready = int((daemon_set.get("spec") or {}).get("minReadySeconds") or 0)
        generation = generation_of(daemon_set)
        desired = current = misscheduled = ready = available = updated = 0
        for name, (should_run, _) in eligibility.items():
            pods = sorted(by_node.get(name, []), key=_scheduled_then_oldest)
            if not should_run:
                misscheduled += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = pods[0]
            ready += 1 if is_pod_ready(pod) else 0
            available += 1 if is_pod_available(pod, min_ready, self.clock) else 0
            updated += 1 if _is_updated(pod, revision_hash, generation) else 0
        status = {
            "currentNumberScheduled": current,
            "numberMisscheduled": misscheduled,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": daemon_set["metadata"].get("generation", 1),
            "updatedNumberScheduled": updated or None,
            "numberAvailable": available or None,
            "numberUnavailable": (desired - available) or None,
            "collisionCount": collisions or None,
        }
        await self.client.patch_status(DAEMON_SETS, daemon_set, status)

    async def _patch_pod(self, pod: Obj, patch: Obj) -> Obj | None:
        try:
            return await self.client.patch_merge(pod_path(pod), patch)
        except ApiRequestFailed as error:
            if error.status == 404:
                return None
            raise


def daemon_pod_spec(daemon_set: Obj) -> Obj:
    """The template's pod spec with the tolerations the controller adds to every daemon pod."""
    spec = copy.deepcopy(((daemon_set.get("spec") or {}).get("template") or {}).get("spec") or {})
    wanted = [*DAEMON_TOLERATIONS, *([HOST_NETWORK_TOLERATION] if spec.get("hostNetwork") else [])]
    tolerations = [toleration for toleration in spec.get("tolerations") or [] if isinstance(toleration, dict)]
    for key, effect in wanted:
        added = {"key": key, "operator": "Exists", "effect": effect}
        same = next((i for i, toleration in enumerate(tolerations) if _same_toleration(toleration, added)), None)
        if same is None:
            tolerations.append(added)
        else:
            tolerations[same] = added  # replaces a tolerationSeconds the template gave
    spec["tolerations"] = tolerations
    return spec


def should_run_on(pod_spec: Obj, node: Obj) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should a daemon pod start here, may one already here keep running)."""
    node_name = node["metadata"]["name"]
    if pod_spec.get("nodeName") and pod_spec["nodeName"] != node_name:
        return False, False
    if not fits_node_selection(pod_spec, node):
        return False, False
    taints = (node.get("spec") or {}).get("taints")
    tolerations = pod_spec.get("tolerations")
    if untolerated_taint(taints, tolerations, (NO_SCHEDULE, NO_EXECUTE)) is None:
        return True, True
    return False, untolerated_taint(taints, tolerations, (NO_EXECUTE,)) is None


def daemon_pod(daemon_set: Obj, node: str, revision_hash: str, generation: int | None) -> Obj:
    """A new daemon pod for a node: the template, its tolerations, and an affinity to that node alone."""
    template = {**((daemon_set.get("spec") or {}).get("template") or {}), "spec": daemon_pod_spec(daemon_set)}
    pod = pod_from_template(template, daemon_set)
    labels = pod["metadata"].setdefault("labels", {})
    if generation is not None:
        labels[GENERATION_LABEL] = str(generation)
    labels[HASH_LABEL] = revision_hash
    affinity = pod["spec"].setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    # The real controller replaces every required term: the pod belongs on this node whatever else they said.
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]
    }
    return pod


def _target_node(pod: Obj) -> str:
    """The node a daemon pod runs on, or the one its node affinity names while it waits for the scheduler."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for requirement in (term or {}).get("matchFields") or []:
            values = requirement.get("values") or []
            if requirement.get("key") == "metadata.name" and requirement.get("operator") == "In" and len(values) == 1:
                return str(values[0])
    return ""


def _new_and_old(pods: list[Obj], revision_hash: str, generation: int | None) -> tuple[Obj | None, Obj | None] | None:
    """findUpdatedPodsOnNode: the node's one new and one old pod (not being deleted), or None if it has more."""
    new = old = None
    for pod in pods:
        if is_terminating(pod):
            continue
        if _is_updated(pod, revision_hash, generation):
            if new is not None:
                return None
            new = pod
        else:
            if old is not None:
                return None
            old = pod
    return new, old


def _is_updated(pod: Obj, revision_hash: str, generation: int | None) -> bool:
    labels = _labels(pod)
    by_generation = generation is not None and labels.get(GENERATION_LABEL) == str(generation)
    return by_generation or bool(revision_hash and labels.get(HASH_LABEL) == revision_hash)


def _allows_surge(daemon_set: Obj) -> bool:
    strategy = _strategy(daemon_set)
    rolling = strategy.get("rollingUpdate") or {}
    return strategy.get("type") == "RollingUpdate" and scaled_value(rolling.get("maxSurge", 0), 1, True) > 0


def _strategy(daemon_set: Obj) -> Obj:
    return (daemon_set.get("spec") or {}).get("updateStrategy") or {}


def _same_toleration(one: Obj, other: Obj) -> bool:
    """Toleration.MatchToleration: the same key, operator, value and effect."""
    return all((one.get(field) or "") == (other.get(field) or "") for field in ("key", "operator", "value", "effect"))


def _scheduled_then_oldest(pod: Obj) -> tuple[bool, str, str]:
    metadata = pod["metadata"]
    return (not (pod.get("spec") or {}).get("nodeName"), metadata.get("creationTimestamp", ""), metadata["name"])


def _labels(pod: Obj) -> dict[str, str]:
    return pod["metadata"].get("labels") or {}
