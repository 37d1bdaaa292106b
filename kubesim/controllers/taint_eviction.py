"""The taint eviction controller: pods leave nodes tainted NoExecute, at once or after their tolerationSeconds.

It follows kube-controller-manager's taint-eviction-controller (the former taint manager):

- A pod on a node with a NoExecute taint it does not tolerate is deleted at once.
- A pod that tolerates every such taint of its node, with a tolerationSeconds on the tolerations used, is
  deleted once the smallest of them has passed (simulated) since the node was tainted; the
  DefaultTolerationSeconds admission gives every pod 300 s for not-ready and unreachable. A toleration without
  tolerationSeconds tolerates forever (DaemonSet pods, the control plane's static pods).
- Before deleting, it records TaintManagerEviction "Marking for deletion Pod NS/NAME" and gives the pod the
  condition DisruptionTarget (DeletionByTaintManager); the deletion is graceful, like any DELETE. A pending
  eviction whose taints go away is cancelled ("Cancelling deletion of Pod NS/NAME").

The clock of a taint starts at its timeAdded (the node lifecycle controller sets it; a taint added by hand has
none and starts when this controller first sees it), and not before the pod existed.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.api import meta
from kubesim.clock import micro_time, parse_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import pod_path, tolerates
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

NODES, PODS = "/nodes", "/pods"
NO_EXECUTE = "NoExecute"
FOREVER = None

Obj = dict[str, Any]
Place = tuple[str, str]  # a pod's (namespace, name)
TaintId = tuple[str, str, str]  # (key, value, effect)


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.taints: dict[str, tuple[TaintId, ...]] = {}  # node -> its NoExecute taints, for nodes having some
        self.tainted_since: dict[tuple[str, TaintId], str] = {}  # when a taint without timeAdded was first seen
        self.pods_on: defaultdict[str, set[Place]] = defaultdict(set)
        self.seen_pods: dict[Place, tuple[str, str]] = {}  # pod -> (its node, its tolerations as JSON-ish text)
        self.scheduled: set[Place] = set()  # pods waiting for their tolerationSeconds

    # -- the index -----------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == NODES:
            yield from self._observe_node(event)
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_node(self, event: Event) -> Iterable[Key]:
        before = self.taints.get(event.name, ())
        after = () if event.type == DELETED else tuple(_identity(t) for t in _no_execute_taints(event.object))
        if after:
            self.taints[event.name] = after
        else:
            self.taints.pop(event.name, None)
        for taint in after:
            self.tainted_since.setdefault((event.name, taint), micro_time())
        for taint in set(before) - set(after):
            self.tainted_since.pop((event.name, taint), None)
        if before != after:
            yield (NODES, "", event.name)

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        previous = self.seen_pods.pop(place, None)
        if previous is not None:
            self.pods_on[previous[0]].discard(place)
            if not self.pods_on[previous[0]]:
                del self.pods_on[previous[0]]
        spec = event.object.get("spec") or {}
        node = spec.get("nodeName")
        if event.type == DELETED or not node:
            self.scheduled.discard(place)
            return
        seen = (node, repr(spec.get("tolerations")))
        self.seen_pods[place] = seen
        self.pods_on[node].add(place)
        if seen != previous and (node in self.taints or place in self.scheduled):
            yield (NODES, "", node)

    # -- reconciling ---------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        """Decide for every pod of the node; the simulated seconds until the next pending eviction is due."""
        node_name = key[2]
        node = self.api.store.get(NODES, "", node_name)
        taints = _no_execute_taints(node) if node is not None else []
        soonest: float | None = None
        for count, place in enumerate(list(self.pods_on.get(node_name, ()))):
            pod = self.api.store.get(PODS, *place)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                self.scheduled.discard(place)
                continue
            wait = self._time_left(node_name, pod, taints)
            if wait is FOREVER:
                self._cancel(pod)
            elif wait <= 0:
                self.scheduled.discard(place)
                await self._evict(pod)
            else:
                self.scheduled.add(place)
                soonest = wait if soonest is None else min(soonest, wait)
            if count % 100 == 99:
                await asyncio.sleep(0)
        return soonest

    def _time_left(self, node_name: str, pod: Obj, taints: list[Obj]) -> float | None:
        """Simulated seconds until the pod must go: 0 now, None never (no taint, or tolerated forever)."""
        if not taints:
            return FOREVER
        tolerations = [t for t in (pod.get("spec") or {}).get("tolerations") or [] if isinstance(t, dict)]
        used = []
        for taint in taints:
            toleration = next((t for t in tolerations if tolerates(t, taint)), None)
            if toleration is None:
                return 0.0
            used.append(toleration)
        seconds = [t["tolerationSeconds"] for t in used if isinstance(t.get("tolerationSeconds"), int)]
        if not seconds:
            return FOREVER
        if min(seconds) <= 0:
            return 0.0
        start = max(
            [self._tainted_at(node_name, taint) for taint in taints] + [pod["metadata"].get("creationTimestamp")],
            key=lambda moment: parse_time(moment) or 0.0,
        )
        return min(seconds) - self.clock.since(start)

    def _tainted_at(self, node_name: str, taint: Obj) -> str | None:
        return taint.get("timeAdded") or self.tainted_since.get((node_name, _identity(taint)))

    def _cancel(self, pod: Obj) -> None:
        place = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        if place in self.scheduled:
            self.scheduled.discard(place)
            self.events.normal(pod, "TaintManagerEviction", f"Cancelling deletion of Pod {place[0]}/{place[1]}")

    async def _evict(self, pod: Obj) -> None:
        metadata = pod["metadata"]
        self.events.normal(
            pod, "TaintManagerEviction", f"Marking for deletion Pod {metadata['namespace']}/{metadata['name']}"
        )
        conditions = [
            c for c in (pod.get("status") or {}).get("conditions") or [] if c.get("type") != "DisruptionTarget"
        ]
        target = {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": meta.now(),
            "reason": "DeletionByTaintManager",
            "message": "Taint manager: deleting due to NoExecute taint",
        }
        try:
            await self.client.patch_merge(pod_path(pod) + "/status", {"status": {"conditions": [*conditions, target]}})
            await self.client.delete(pod_path(pod))
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _no_execute_taints(node: Obj) -> list[Obj]:
    taints = (node.get("spec") or {}).get("taints") or []
    return [taint for taint in taints if isinstance(taint, dict) and taint.get("effect") == NO_EXECUTE]


def _identity(taint: Obj) -> TaintId:
    return (str(taint.get("key", "")), str(taint.get("value", "")), str(taint.get("effect", "")))
