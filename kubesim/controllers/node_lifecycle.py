"""The node lifecycle controller: a node whose kubelet went silent is marked Unknown, tainted, its pods not ready.

It follows kube-controller-manager's node lifecycle controller (its events come from "node-controller"):

- Health: a node is lost once neither its Lease in kube-node-lease nor its Ready heartbeat has been renewed for
  the node monitor grace period (50 s since Kubernetes 1.32; 60 s for a node that never posted its status).
  Its Ready, MemoryPressure, DiskPressure and PIDPressure conditions become Unknown ("Kubelet stopped posting
  node status."), the node gets the event NodeNotReady, and each of its pods gets Ready=False and a NodeNotReady
  warning. Only the kubelet makes a node Ready again.
- NoSchedule taints follow the conditions (Ready False: not-ready, Unknown: unreachable; memory, disk and PID
  pressure; network unavailable) and spec.unschedulable (node.kubernetes.io/unschedulable, what `kubectl
  cordon` sets), so that the scheduler keeps new pods off such nodes.
- NoExecute taints (not-ready or unreachable) ask the taint eviction controller to move a node's pods away.
  A ready node loses them at once. They are added by a pass rate-limited per zone: one node per 10 s
  (--node-eviction-rate 0.1); in a zone where more than two nodes and at least 55 % are down, none if the
  zone has 50 nodes or fewer (--secondary-node-eviction-rate is 0 for such zones) and one per 100 s in bigger
  ones. When no zone has a ready node left the controller suspects itself rather than every node: it lifts
  the NoExecute taints everywhere until some node is ready again, which then gets a fresh grace period.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubesim.api import meta
from kubesim.clock import micro_time, parse_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, condition, pod_path
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

NODES, LEASES, PODS = "/nodes", "coordination.k8s.io/leases", "/pods"
NODE_LEASE_NAMESPACE = "kube-node-lease"
MONITOR_GRACE_SECONDS = 50.0  # --node-monitor-grace-period
STARTUP_GRACE_SECONDS = 60.0  # --node-startup-grace-period: for a node that never posted its status
# Real seconds of silence before a node is called lost, whatever the speed: heartbeats come at most once a real
# second (nodes/heartbeat.py), so a fast clock must not turn a busy second of the simulation into a dead node.
GRACE_FLOOR_REAL_SECONDS = 5.0
EVICTION_INTERVAL = 10.0  # 1 / --node-eviction-rate
SECONDARY_EVICTION_INTERVAL = 100.0  # 1 / --secondary-node-eviction-rate
LARGE_ZONE = 50  # --large-cluster-size-threshold
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold

NOT_READY, UNREACHABLE = "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
NO_SCHEDULE, NO_EXECUTE = "NoSchedule", "NoExecute"
EXCLUDED_FROM_DISRUPTION = "node.kubernetes.io/exclude-disruption"
# (condition, status) -> the NoSchedule taint it brings
CONDITION_TAINTS = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
}
CONTROLLED_NO_SCHEDULE = frozenset((*CONDITION_TAINTS.values(), UNSCHEDULABLE))
NO_EXECUTE_FOR = {"False": NOT_READY, "Unknown": UNREACHABLE}  # Ready status -> its NoExecute taint
KUBELET_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")  # not NetworkUnavailable
TAINTING_PASS: Key = ("node-lifecycle/no-execute-tainting", "", "")

Obj = dict[str, Any]
Zone = tuple[str, str]  # (region, zone) from the topology labels


@dataclass(frozen=True)
class _Seen:
    """What the controller keeps of a node between events."""

    zone: Zone
    counted: bool  # counts towards its zone's health (not excluded from disruption checks)
    ready: bool
    signature: tuple[Any, ...]  # conditions' statuses, taints, unschedulable: a change calls for a reconcile


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder("node-controller")
        self.nodes: dict[str, _Seen] = {}
        self.registered: dict[str, str] = {}  # node name -> uid, as announced by RegisteredNode
        self.ready_in: defaultdict[Zone, int] = defaultdict(int)
        self.size_of: defaultdict[Zone, int] = defaultdict(int)
        self.pods_on: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        self.node_of: dict[tuple[str, str], str] = {}
        self.last_tainted: dict[Zone, str] = {}  # when the zone last got a NoExecute taint
        # A node's grace period runs from the controller's start at the earliest (and again from the end of a
        # full disruption): silence before that is the controller's, not the node's.
        self.fresh_from = micro_time()
        self.everything_down = False

    # -- the index -----------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == PODS:
            self._observe_pod(event)
        elif event.resource == NODES:
            yield from self._observe_node(event)

    def _observe_pod(self, event: Event) -> None:
        place = (event.namespace, event.name)
        previous = self.node_of.pop(place, None)
        if previous is not None:
            self.pods_on[previous].discard(place)
            if not self.pods_on[previous]:
                del self.pods_on[previous]
        node = (event.object.get("spec") or {}).get("nodeName")
        if event.type != DELETED and node:
            self.node_of[place] = node
            self.pods_on[node].add(place)

    def _observe_node(self, event: Event) -> Iterable[Key]:
        previous = self.nodes.pop(event.name, None)
        if previous is not None and previous.counted:
            self.size_of[previous.zone] -= 1
            self.ready_in[previous.zone] -= previous.ready
        seen = None
        if event.type != DELETED:
            seen = self.nodes[event.name] = _seen(event.object)
            if seen.counted:
                self.size_of[seen.zone] += 1
                self.ready_in[seen.zone] += seen.ready
        if previous is not None and seen is not None and previous.signature == seen.signature:
            return
        yield (NODES, "", event.name)
        everything_down = self._everything_down()
        if self.everything_down and not everything_down:
            self.fresh_from = micro_time()
        self.everything_down = everything_down
        yield TAINTING_PASS

    def _everything_down(self) -> bool:
        zones = [zone for zone, size in self.size_of.items() if size > 0]
        return bool(zones) and all(self._zone_state(zone) == "FullDisruption" for zone in zones)

    def _zone_state(self, zone: Zone) -> str:
        ready = self.ready_in[zone]
        not_ready = self.size_of[zone] - ready
        if ready == 0 and not_ready > 0:
            return "FullDisruption"
        if not_ready > 2 and not_ready / (ready + not_ready) >= UNHEALTHY_ZONE_THRESHOLD:
            return "PartialDisruption"
        return "Normal"

    # -- reconciling ---------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        if key == TAINTING_PASS:
            return await self._no_execute_tainting_pass()
        name = key[2]
        node = self.api.store.get(NODES, "", name)
        if node is None:
            self._unregister(name)
            return None
        self._register(node)
        node, silence_left = await self._monitor_health(node)
        node = await self._set_no_schedule_taints(node)
        await self._follow_readiness(node)
        return silence_left

    def _register(self, node: Obj) -> None:
        name, uid = node["metadata"]["name"], node["metadata"].get("uid", "")
        if self.registered.get(name) != uid:
            self.registered[name] = uid
            self.events.normal(node, "RegisteredNode", f"Node {name} event: Registered Node {name} in Controller")

    def _unregister(self, name: str) -> None:
        uid = self.registered.pop(name, None)
        if uid is not None:
            reference = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": uid}}
            self.events.normal(reference, "RemovingNode", f"Node {name} event: Removing Node {name} from Controller")

    # -- health --------------------------------------------------------------------------------------

    async def _monitor_health(self, node: Obj) -> tuple[Obj, float | None]:
        """The node, marked Unknown once silent for too long; and the simulated seconds until it would be."""
        ready = condition(node, "Ready")
        grace = MONITOR_GRACE_SECONDS if ready is not None else STARTUP_GRACE_SECONDS
        grace = max(grace, GRACE_FLOOR_REAL_SECONDS * self.clock.speed)
        left = grace - self.clock.since(self._last_sign_of_life(node, ready))
        if left > 0:
            return node, left + 0.5  # look again just after the deadline
        if all((condition(node, kind) or {}).get("status") == "Unknown" for kind in KUBELET_CONDITIONS):
            return node, None
        node = await self._mark_unknown(node)
        if ready is not None and ready.get("status") == "True":
            name = node["metadata"]["name"]
            self.events.normal(node, "NodeNotReady", f"Node {name} status is now: NodeNotReady")
            await self._mark_pods_not_ready(name)
        return node, None

    def _last_sign_of_life(self, node: Obj, ready: Obj | None) -> str:
        lease = self.api.store.get(LEASES, NODE_LEASE_NAMESPACE, node["metadata"]["name"]) or {}
        heartbeat = ready.get("lastHeartbeatTime") if ready is not None else node["metadata"].get("creationTimestamp")
        signs = [(lease.get("spec") or {}).get("renewTime"), heartbeat, self.fresh_from]
        return str(max((sign for sign in signs if parse_time(sign) is not None), key=lambda s: parse_time(s) or 0.0))

    async def _mark_unknown(self, node: Obj) -> Obj:
        now = meta.now()
        conditions = [
            {**c, "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.",
             "lastTransitionTime": now}
            if c.get("type") in KUBELET_CONDITIONS and c.get("status") != "Unknown" else c
            for c in (node.get("status") or {}).get("conditions") or []
        ]  # fmt: skip
        present = {c.get("type") for c in conditions}
        conditions += [_never_posted(kind, node, now) for kind in KUBELET_CONDITIONS if kind not in present]
        return await self._patch(node, "/status", {"status": {"conditions": conditions}})

    async def _mark_pods_not_ready(self, node_name: str) -> None:
        for place in list(self.pods_on.get(node_name, ())):
            pod = self.api.store.get(PODS, *place)
            ready = condition(pod, "Ready") if pod is not None else None
            if pod is None or ready is None or ready.get("status") == "False":
                continue
            now = meta.now()
            conditions = [
                {**c, "status": "False", "lastTransitionTime": now} if c.get("type") == "Ready" else c
                for c in pod["status"]["conditions"]
            ]
            try:
                await self.client.patch_merge(pod_path(pod) + "/status", {"status": {"conditions": conditions}})
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise
                continue
            self.events.warning(pod, "NodeNotReady", "Node is not ready")
            await asyncio.sleep(0)

    # -- taints --------------------------------------------------------------------------------------

    async def _set_no_schedule_taints(self, node: Obj) -> Obj:
        conditions = (node.get("status") or {}).get("conditions") or []
        wanted = [CONDITION_TAINTS.get((c.get("type"), c.get("status"))) for c in conditions]
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append(UNSCHEDULABLE)
        keys = [key for key in dict.fromkeys(wanted) if key is not None]
        have = {str(t["key"]) for t in _taints(node, NO_SCHEDULE) if t.get("key") in CONTROLLED_NO_SCHEDULE}
        added = [(key, NO_SCHEDULE) for key in keys if key not in have]
        removed = {(key, NO_SCHEDULE) for key in have if key not in keys}
        return await self._swap_taints(node, added, removed) if added or removed else node

    async def _follow_readiness(self, node: Obj) -> None:
        """A ready node loses its NoExecute taints at once; a not-ready one swaps not-ready and unreachable."""
        wanted = NO_EXECUTE_FOR.get((condition(node, "Ready") or {}).get("status") or "")
        target = {wanted} if wanted is not None and not self.everything_down else set()
        have = {str(t["key"]) for t in _taints(node, NO_EXECUTE) if t.get("key") in (NOT_READY, UNREACHABLE)}
        if not have or have == target:
            return
        added = [(key, NO_EXECUTE) for key in target - have]
        await self._swap_taints(node, added, {(key, NO_EXECUTE) for key in have - target})

    async def _no_execute_tainting_pass(self) -> float | None:
        """Taint not-ready nodes NoExecute as each zone's rate allows (or lift all the taints in a full
        disruption); the simulated seconds until the next node may be tainted."""
        waits = []
        for name in self._tainting_order():
            node = self.api.store.get(NODES, "", name)
            if node is None:
                continue
            if self.everything_down:
                await self._follow_readiness(node)
                continue
            wanted = NO_EXECUTE_FOR.get((condition(node, "Ready") or {}).get("status") or "")
            if wanted is None or _taints(node, NO_EXECUTE, NOT_READY) or _taints(node, NO_EXECUTE, UNREACHABLE):
                continue
            zone = self.nodes[name].zone
            wait = self._rate_limit_wait(zone)
            if wait is None:
                continue
            if wait > 0:
                waits.append(wait)
                continue
            self.last_tainted[zone] = micro_time()
            await self._swap_taints(node, [(wanted, NO_EXECUTE)], set())
        return min(waits, default=None)

    def _tainting_order(self) -> list[str]:
        """Not-ready nodes, those that went not ready first in front (the real one queues them)."""
        not_ready = []
        for name, seen in self.nodes.items():
            node = self.api.store.get(NODES, "", name) if not seen.ready else None
            if node is not None:
                not_ready.append(((condition(node, "Ready") or {}).get("lastTransitionTime") or "", name))
        return [name for _, name in sorted(not_ready)]

    def _rate_limit_wait(self, zone: Zone) -> float | None:
        """Simulated seconds before the zone may taint another node NoExecute; None while it may not at all."""
        interval = EVICTION_INTERVAL
        if self._zone_state(zone) == "PartialDisruption":
            if self.size_of[zone] <= LARGE_ZONE:
                return None
            interval = SECONDARY_EVICTION_INTERVAL
        last = self.last_tainted.get(zone)
        return 0.0 if last is None else max(0.0, interval - self.clock.since(last))

    async def _swap_taints(self, node: Obj, added: list[tuple[str, str]], removed: set[tuple[str, str]]) -> Obj:
        now = meta.now()
        kept = [t for t in _taints(node) if (t.get("key"), t.get("effect")) not in removed]
        taints = kept + [{"key": key, "effect": effect, "timeAdded": now} for key, effect in added]
        return await self._patch(node, "", {"spec": {"taints": taints or None}})

    async def _patch(self, node: Obj, subresource: str, patch: Obj) -> Obj:
        """A merge patch that fails with a conflict, to be retried, if the node changed since it was read."""
        metadata = node["metadata"]
        precondition = {"metadata": {"resourceVersion": metadata["resourceVersion"]}}
        return await self.client.patch_merge(api_path("", "v1", "nodes", "", metadata["name"]) + subresource,
                                             {**precondition, **patch})  # fmt: skip


def _seen(node: Obj) -> _Seen:
    labels = node["metadata"].get("labels") or {}
    zone = (labels.get("topology.kubernetes.io/region", ""), labels.get("topology.kubernetes.io/zone", ""))
    conditions = (node.get("status") or {}).get("conditions") or []
    statuses = tuple(sorted((str(c.get("type")), str(c.get("status"))) for c in conditions))
    taints = tuple(sorted((str(t.get("key")), str(t.get("effect"))) for t in _taints(node)))
    unschedulable = bool((node.get("spec") or {}).get("unschedulable"))
    ready = (condition(node, "Ready") or {}).get("status") == "True"
    return _Seen(zone, EXCLUDED_FROM_DISRUPTION not in labels, ready, (statuses, taints, unschedulable, zone))


def _taints(node: Obj, effect: str = "", key: str = "") -> list[Obj]:
    taints = (node.get("spec") or {}).get("taints") or []
    return [
        taint
        for taint in taints
        if isinstance(taint, dict)
        and (not effect or taint.get("effect") == effect)
        and (not key or taint.get("key") == key)
    ]


def _never_posted(kind: str, node: Obj, now: str) -> Obj:
    return {
        "type": kind,
        "status": "Unknown",
        "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
        "lastTransitionTime": now,
        "reason": "NodeStatusNeverUpdated",
        "message": "Kubelet never posted node status.",
    }
