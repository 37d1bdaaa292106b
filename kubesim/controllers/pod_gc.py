"""PodGC: pods no kubelet will ever finish are force-deleted, as kube-controller-manager's pod garbage collector does.

- Orphaned pods: a pod bound to a node that no longer exists (after a quarantine of 40 s, in case the node
  shows up again) is marked Failed with the condition DisruptionTarget (DeletionByPodGC, "PodGC: node no longer
  exists") and deleted with a grace period of 0.
- Terminating pods on out-of-service nodes: a pod being deleted on a node that is not ready and carries the
  taint node.kubernetes.io/out-of-service (what an administrator sets on a node known to be shut down) is
  marked Failed and force-deleted; elsewhere such a pod waits for its kubelet, and stays Terminating while its
  node is down, as on a real cluster.
- Unscheduled terminating pods: a pod being deleted that was never bound to a node is force-deleted.

The real one looks every 20 s; this one acts on the events that make a pod collectable.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.api import meta
from kubesim.clock import micro_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import condition, pod_path
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

NODES, PODS = "/nodes", "/pods"
QUARANTINE_SECONDS = 40.0  # how long a missing node may take to show up before its pods go
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"

Obj = dict[str, Any]
Place = tuple[str, str]


class PodGarbageCollector(Controller):
    name = "pod-garbage-collector-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client = context.client(self.name)
        self.pods_on: defaultdict[str, set[Place]] = defaultdict(set)
        self.node_of: dict[Place, str] = {}
        self.missing_since: dict[str, str] = {}  # node name -> when its absence was noticed

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == NODES:
            gone_or_out = event.type == DELETED or _out_of_service(event.object)
            if gone_or_out and event.name in self.pods_on:
                yield (NODES, "", event.name)
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        previous = self.node_of.pop(place, None)
        if previous is not None:
            self.pods_on[previous].discard(place)
            if not self.pods_on[previous]:
                del self.pods_on[previous]
        if event.type == DELETED:
            return
        node = (event.object.get("spec") or {}).get("nodeName")
        terminating = bool(event.object["metadata"].get("deletionTimestamp"))
        if not node:
            if terminating:
                yield (PODS, event.namespace, event.name)
            return
        self.node_of[place] = node
        self.pods_on[node].add(place)
        if previous != node or terminating:
            yield (NODES, "", node)

    async def reconcile(self, key: Key) -> float | None:
        if key[0] == PODS:
            pod = self.api.store.get(*key)
            if pod is not None and pod["metadata"].get("deletionTimestamp") and not pod["spec"].get("nodeName"):
                await self._force_delete(pod)
            return None
        name = key[2]
        node = self.api.store.get(NODES, "", name)
        if node is not None:
            self.missing_since.pop(name, None)
            if _out_of_service(node):
                for pod in self._pods_on(name):
                    if pod["metadata"].get("deletionTimestamp"):
                        await self._force_delete(pod)
            return None
        if name not in self.pods_on:
            self.missing_since.pop(name, None)
            return None
        left = QUARANTINE_SECONDS - self.clock.since(self.missing_since.setdefault(name, micro_time()))
        if left > 0:
            return left
        for pod in self._pods_on(name):
            await self._force_delete(pod, _node_gone())
        self.missing_since.pop(name, None)
        return None

    def _pods_on(self, node_name: str) -> list[Obj]:
        pods = (self.api.store.get(PODS, *place) for place in list(self.pods_on.get(node_name, ())))
        return [pod for pod in pods if pod is not None]

    async def _force_delete(self, pod: Obj, reason: Obj | None = None) -> None:
        """Failed first (no kubelet will say so), then deleted without a grace period."""
        status = pod.get("status") or {}
        try:
            if status.get("phase") not in ("Succeeded", "Failed"):
                conditions = list(status.get("conditions") or [])
                if reason is not None:
                    conditions = [c for c in conditions if c.get("type") != reason["type"]] + [reason]
                patch = {"status": {"phase": "Failed", "conditions": conditions or None}}
                await self.client.patch_merge(pod_path(pod) + "/status", patch)
            await self.client.delete(pod_path(pod), grace_period_seconds=0)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise
        await asyncio.sleep(0)


def _out_of_service(node: Obj) -> bool:
    ready = condition(node, "Ready")
    taints = (node.get("spec") or {}).get("taints") or []
    return (ready is None or ready.get("status") != "True") and any(
        isinstance(taint, dict) and taint.get("key") == OUT_OF_SERVICE for taint in taints
    )


def _node_gone() -> Obj:
    return {
        "type": "DisruptionTarget",
        "status": "True",
        "lastProbeTime": None,
        "lastTransitionTime": meta.now(),
        "reason": "DeletionByPodGC",
        "message": "PodGC: node no longer exists",
    }
