"""The kubelets' heartbeats: each powered-on node renews its Lease and posts its conditions.

As the real kubelet's node lease controller and node status loop, and apart from its pod workers (kubelet.py),
so that a node's heartbeat never waits behind thousands of pods starting:

- the Lease in kube-node-lease is renewed every 10 simulated seconds (a quarter of its 40 s duration), but at
  most once a real second per node: at --speed 100 that is every 100 simulated seconds, so the node lifecycle
  controller waits at least 5 real seconds of silence before it calls a node lost. Renewals are written to the
  store directly, as events are: a hundred nodes renewing a hundred times a second would cost more than the
  full API path can carry beside the pods;
- the node status (MemoryPressure, DiskPressure, PIDPressure, Ready) is posted when it changed, or every
  5 minutes with a fresh lastHeartbeatTime (nodeStatusReportFrequency);
- a node annotated `kubesim.io/power: "off"` is a dead machine: nothing at all. When its power returns it boots:
  a new boot ID, the events Starting and Rebooted, its Lease renewed and its status posted at once (Ready again,
  NodeReady).
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Iterable
from typing import Any

from kubesim.clock import micro_time
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.events import EventRecorder
from kubesim.controllers.objects import api_path
from kubesim.controllers.runtime import Controller
from kubesim.nodes.power import powered_off
from kubesim.store.store import DELETED, Event, Key

NODES, LEASES = "/nodes", "coordination.k8s.io/leases"
NODE_LEASE_NAMESPACE = "kube-node-lease"
COMPONENT = "kubelet"
LEASE_RENEW_SECONDS = 10.0  # simulated: a quarter of the lease's duration
MIN_RENEW_REAL_SECONDS = 1.0  # real: what a fast clock cannot make shorter
LEASE_DURATION_SECONDS = 40
NODE_STATUS_REPORT_SECONDS = 300.0  # nodeStatusReportFrequency, when nothing changed
HEALTHY = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)
_KUBELET_CONDITIONS = frozenset(kind for kind, *_ in HEALTHY)

Obj = dict[str, Any]


class NodeHeartbeat(Controller):
    name = "kubelet-heartbeat"  # a work queue of its own; it writes and records as "kubelet"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client = context.client(COMPONENT)
        self.context = context
        self.powered: dict[str, bool] = {}
        self.booting: set[str] = set()  # nodes whose power came back and whose kubelet has yet to say so
        self.recorders: dict[str, EventRecorder] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource != NODES:
            return
        if event.type == DELETED:
            self.powered.pop(event.name, None)
            return
        on = not powered_off(event.object)
        before = self.powered.get(event.name)
        self.powered[event.name] = on
        if before is None or on != before:
            if on and before is False:
                self.booting.add(event.name)
            yield (NODES, "", event.name)

    async def reconcile(self, key: Key) -> float | None:
        name = key[2]
        node = self.api.store.get(NODES, "", name)
        if node is None or powered_off(node):
            return None
        await self._renew_lease(node)
        await self._post_status(node)
        return self._renew_interval()

    def _renew_interval(self) -> float:
        """Simulated seconds between renewals."""
        return max(LEASE_RENEW_SECONDS, MIN_RENEW_REAL_SECONDS * self.clock.speed)

    async def _renew_lease(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        store = self.api.store
        lease = store.get(LEASES, NODE_LEASE_NAMESPACE, name)
        if lease is None:
            owner = {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"]["uid"]}
            body = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": name, "namespace": NODE_LEASE_NAMESPACE, "ownerReferences": [owner]},
                "spec": {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                         "renewTime": micro_time()},
            }  # fmt: skip
            await self.client.create(api_path("coordination.k8s.io", "v1", "leases", NODE_LEASE_NAMESPACE), body)
            return
        spec = lease.get("spec") or {}
        if name not in self.booting and self.clock.since(spec.get("renewTime")) < self._renew_interval() / 2:
            return  # asked early (the node changed): the last renewal still stands
        renewed = {**lease, "spec": {**spec, "holderIdentity": name, "renewTime": micro_time()}}
        store.update(LEASES, NODE_LEASE_NAMESPACE, name, renewed)

    async def _post_status(self, node: Obj) -> None:
        """The node's conditions: on change, on boot, else every nodeStatusReportFrequency."""
        name = node["metadata"]["name"]
        status = node.get("status") or {}
        stored = {entry.get("type"): entry for entry in status.get("conditions") or []}
        ready = stored.get("Ready") or {}
        changed = any((stored.get(kind) or {}).get("status") != state for kind, state, _, _ in HEALTHY)
        stale = self.clock.since(ready.get("lastHeartbeatTime")) >= NODE_STATUS_REPORT_SECONDS
        booting = name in self.booting
        if not (changed or stale or booting):
            return
        now = datetime.datetime.fromtimestamp(time.time(), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        conditions = []
        for kind, state, reason, message in HEALTHY:
            previous = stored.get(kind) or {}
            moved = previous.get("status") != state or not previous.get("lastTransitionTime")
            conditions.append({
                "type": kind, "status": state, "lastHeartbeatTime": now,
                "lastTransitionTime": now if moved else previous["lastTransitionTime"],
                "reason": reason, "message": message,
            })  # fmt: skip
        conditions.extend(entry for kind, entry in stored.items() if kind not in _KUBELET_CONDITIONS)
        patch: Obj = {"status": {"conditions": conditions}}
        events = self.recorders.get(name) or self.recorders.setdefault(name, self.context.recorder(COMPONENT, name))
        if booting:
            boot_id = str(uuid.uuid4())
            patch["status"]["nodeInfo"] = {"bootID": boot_id}
            events.normal(node, "Starting", "Starting kubelet.")
            events.warning(node, "Rebooted", f"Node {name} has been rebooted, boot id: {boot_id}")
        await self.client.patch_merge(api_path("", "v1", "nodes", "", name) + "/status", patch)
        self.booting.discard(name)
        if ready.get("status") != "True":
            events.normal(node, "NodeReady", f"Node {name} status is now: NodeReady")
