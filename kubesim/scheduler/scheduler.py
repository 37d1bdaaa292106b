"""The scheduler, default-scheduler: gives every pod that has no node one, as kube-scheduler does.

Pods whose spec.schedulerName is default-scheduler (the default), with no spec.nodeName, not being deleted and
without scheduling gates, wait in the scheduling queue (queue.py). For each in turn the plugins (plugins.py)
filter and score the nodes, reading an index of nodes and bound pods (cache.py)
that observe() keeps from the cluster's events. The pod is then bound through pods/NAME/binding, which sets
spec.nodeName and PodScheduled=True, and the event Scheduled is recorded. Unbound claims of a
WaitForFirstConsumer class are first annotated with the chosen node (volume.kubernetes.io/selected-node) for
their provisioner.

A pod that fits nowhere gets PodScheduled=False (reason Unschedulable) with the reasons, and a FailedScheduling
warning; it is tried again after its back-off once the cluster changes in a way that may help, or after five
minutes. If evicting lower-priority pods would make room, they are preempted and the pod is nominated there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, condition, pod_path, with_condition
from kubesim.controllers.runtime import Controller
from kubesim.scheduler.cache import PodFacts, PodKey, SchedulerCache, is_finished
from kubesim.scheduler.plugins import Decision, Framework
from kubesim.scheduler.queue import SchedulingQueue
from kubesim.store.store import DELETED, Event, Key

Obj = dict[str, Any]
SCHEDULER_NAME = "default-scheduler"
QUEUE: Key = ("", "", "scheduling-queue")  # the one key reconciled: the queue hands out the pods
PODS, NODES = "/pods", "/nodes"
VOLUME_RESOURCES = frozenset({"/persistentvolumeclaims", "/persistentvolumes", "storage.k8s.io/storageclasses"})
SELECTED_NODE = "volume.kubernetes.io/selected-node"
# The plugins whose verdict a pod leaving its node (or finishing) may change.
FREED_BY_LEAVING = frozenset({"NodeResourcesFit", "NodePorts", "InterPodAffinity"})


class Scheduler(Controller):
    name = SCHEDULER_NAME

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client = context.client("kube-scheduler")
        self.events = context.recorder(SCHEDULER_NAME)
        self.cache = SchedulerCache()
        self.queue = SchedulingQueue()
        self.framework = Framework(self.cache, self.api.store)
        self._tried: dict[PodKey, tuple[Any, ...]] = {}  # the version of each waiting pod the queue knows

    def _now(self) -> float:
        """A steady clock in simulated seconds, for back-offs."""
        return time.monotonic() * self.clock.speed

    # -- observing ---------------------------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == PODS:
            changed = self._observe_pod(event)
        elif event.resource == NODES:
            changed = self._observe_node(event)
        elif event.resource in VOLUME_RESOURCES:
            changed = self.queue.retry(lambda rejectors: "VolumeBinding" in rejectors, self._now())
        else:
            return ()
        return (QUEUE,) if changed else ()

    def _observe_node(self, event: Event) -> bool:
        if event.type == DELETED:
            self.cache.remove_node(event.name)
            return False
        return self.cache.set_node(event.object) and self.queue.retry(lambda rejectors: True, self._now())

    def _observe_pod(self, event: Event) -> bool:
        key, pod = (event.namespace, event.name), event.object
        if event.type == DELETED:
            self._forget(key)
            return self._count(key, None)
        if (pod.get("spec") or {}).get("nodeName"):
            self._forget(key)
            return self._count(key, pod)
        self.cache.set_pod(key, None)
        if not _wants(pod):
            self._forget(key)
            return False
        version = (pod["metadata"].get("generation"), tuple(sorted((pod["metadata"].get("labels") or {}).items())))
        if key not in self.queue:
            self.queue.add(key, int(pod["spec"].get("priority") or 0), pod["metadata"].get("creationTimestamp", ""))
            self._tried[key] = version
            return True
        if self._tried.get(key) != version:
            self._tried[key] = version
            return self.queue.retry_pod(key, self._now())
        return False

    def _count(self, key: PodKey, pod: Obj | None) -> bool:
        """Count a bound pod on its node (None, or finished: no longer); whether waiting pods may now fit."""
        previous = self.cache.pods.get(key)
        if pod is None or is_finished(pod):
            if self.cache.set_pod(key, None) is None:
                return False
            return self.queue.retry(lambda rejectors: not FREED_BY_LEAVING.isdisjoint(rejectors), self._now())
        if previous is not None and previous.still_describes(pod):
            return False
        self.cache.set_pod(key, PodFacts.of(pod))
        # A pod arriving (or relabelled) may be the one another pod's affinity waits for.
        return self.queue.retry(lambda rejectors: "InterPodAffinity" in rejectors, self._now())

    def _forget(self, key: PodKey) -> None:
        self.queue.forget(key)
        self._tried.pop(key, None)

    # -- scheduling --------------------------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        while (pod_key := self.queue.pop(self._now())) is not None:
            await self._schedule(pod_key)
            await asyncio.sleep(0)  # let the API and the events in between pods
        return self.queue.next_due(self._now())

    async def _schedule(self, key: PodKey) -> None:
        pod = self.api.store.get(PODS, *key)
        if pod is None or not _wants(pod):
            self._forget(key)
            return
        decision = self.framework.schedule(pod)
        if decision.node:
            self._forget(key)
            self.cache.set_pod(key, PodFacts.of(pod, decision.node))  # assumed until the API's event confirms it
            await self._bind(key, pod, decision)
            return
        self.queue.failed(key, decision.rejectors, self._now())
        self.events.warning(pod, "FailedScheduling", decision.message)
        await self._report_unschedulable(pod, decision)
        if decision.victims:
            await self._preempt(pod, decision)

    async def _bind(self, key: PodKey, pod: Obj, decision: Decision) -> None:
        metadata = pod["metadata"]
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": metadata["name"], "namespace": metadata["namespace"], "uid": metadata["uid"]},
            "target": {"kind": "Node", "name": decision.node},
        }
        try:
            for claim in decision.claims_to_provision:
                await self._select_node(claim, decision.node)
            await self.client.create(pod_path(pod) + "/binding", binding)
        except ApiRequestFailed as error:
            self._binding_failed(key, pod, error)
            return
        self.events.normal(
            pod, "Scheduled", f"Successfully assigned {metadata['namespace']}/{metadata['name']} to {decision.node}"
        )

    def _binding_failed(self, key: PodKey, pod: Obj, error: ApiRequestFailed) -> None:
        """Undo the assumption; a pod still waiting backs off and is tried again."""
        self.cache.set_pod(key, None)
        current = self.api.store.get(PODS, *key)
        if current is None or not _wants(current) or current["metadata"].get("uid") != pod["metadata"]["uid"]:
            return
        self.queue.add(key, int(current["spec"].get("priority") or 0), current["metadata"].get("creationTimestamp", ""))
        self.queue.failed(key, None, self._now())
        message = f'running Bind plugin "DefaultBinder": {error.body.get("message", "")}'
        self.events.warning(current, "FailedScheduling", message)

    async def _select_node(self, claim: Obj, node: str) -> None:
        """Tell the claim's provisioner where the pod goes (the VolumeBinding plugin's PreBind)."""
        metadata = claim["metadata"]
        if (metadata.get("annotations") or {}).get(SELECTED_NODE) == node:
            return
        path = api_path("", "v1", "persistentvolumeclaims", metadata["namespace"], metadata["name"])
        await self.client.patch_merge(path, {"metadata": {"annotations": {SELECTED_NODE: node}}})

    async def _report_unschedulable(self, pod: Obj, decision: Decision) -> None:
        """PodScheduled=False with the reasons, and the nominated node if preemption chose one."""
        status = pod.get("status") or {}
        current = condition(pod, "PodScheduled") or {}
        nominated = decision.nominated or status.get("nominatedNodeName")
        if (
            current.get("status") == "False"
            and current.get("reason") == "Unschedulable"
            and current.get("message") == decision.message
            and nominated == status.get("nominatedNodeName")
        ):
            return
        conditions = with_condition(
            list(status.get("conditions") or []), "PodScheduled", "False", "Unschedulable", decision.message
        )
        await self._put_status(pod, conditions, nominatedNodeName=nominated)

    async def _preempt(self, pod: Obj, decision: Decision) -> None:
        """Evict the victims, each told why (the DisruptionTarget condition and a Preempted event)."""
        reason = f"{SCHEDULER_NAME}: preempting to accommodate a higher priority pod"
        for victim in decision.victims:
            target = self.api.store.get(PODS, victim.namespace, victim.name)
            if target is None or target["metadata"].get("uid") != victim.uid:
                continue
            self.events.normal(
                target, "Preempted", f"Preempted by pod {pod['metadata']['uid']} on node {decision.nominated}"
            )
            conditions = with_condition(
                list((target.get("status") or {}).get("conditions") or []),
                "DisruptionTarget",
                "True",
                "PreemptionByScheduler",
                reason,
            )
            await self._put_status(target, conditions)
            try:
                await self.client.delete(pod_path(target))
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise

    async def _put_status(self, pod: Obj, conditions: list[Obj], **fields: Any) -> None:
        """Write the pod's conditions (and other status fields given a value) as read, never over a newer pod."""
        # A PodCondition always carries lastProbeTime, null when never probed.
        conditions = [c if "lastProbeTime" in c else {**c, "lastProbeTime": None} for c in conditions]
        status = {**(pod.get("status") or {}), "conditions": conditions}
        status.update((name, value) for name, value in fields.items() if value)
        try:
            await self.client.put(pod_path(pod) + "/status", {**pod, "status": status})
        except ApiRequestFailed as error:
            if error.status not in (404, 409):  # gone, or changed meanwhile: its own events bring it back
                raise


def _wants(pod: Obj) -> bool:
    """Whether the pod waits for this scheduler."""
    spec = pod.get("spec") or {}
    return (
        (spec.get("schedulerName") or SCHEDULER_NAME) == SCHEDULER_NAME
        and not spec.get("nodeName")
        and not pod["metadata"].get("deletionTimestamp")
        and not spec.get("schedulingGates")
        and not is_finished(pod)
    )
