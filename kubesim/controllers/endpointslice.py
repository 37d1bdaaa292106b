"""The EndpointSlice controller: the discovery.k8s.io/v1 EndpointSlices of each Service with a selector.

Slices are named `<service>-<random>`, owned by the Service (so they go with it), labelled with the Service's
labels plus `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io` (and `service.kubernetes.io/headless` for a headless Service), of addressType
IPv4. Every selected pod with an IP is an endpoint, terminating ones included, with its conditions: `serving`
is the pod's readiness, `terminating` its deletion, `ready` serving and not terminating (always true with
publishNotReadyAddresses); with its node, zone (from the node's topology.kubernetes.io/zone label, which kind
nodes lack), hostname (a pod whose subdomain is this Service) and targetRef. Pods whose ports differ (a named
targetPort numbered differently) go to different slices, one port set per slice.

Like the real reconciler, a change keeps endpoints where they are: endpoints no longer wanted leave their slice
(an emptied slice is deleted, or reused for a new one), changed ones are updated in place, new ones fill the
slices being updated anyway, then the fullest slice they fit in, then new slices of at most 100 endpoints
(maxEndpointsPerSlice). A Service with no endpoint keeps one empty placeholder slice. A pod on a node that does
not exist is left out and reported in a FailedToUpdateEndpointSlices event, and the Service looked at again.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, controller_reference, is_pod_ready, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.controllers.service_pods import (
    ENDPOINT_SLICES,
    HEADLESS_LABEL,
    LAST_CHANGE_TRIGGER_TIME,
    NODES,
    SERVICES,
    Obj,
    Place,
    PodCache,
    ServiceIndex,
    TriggerTimeTracker,
    find_port,
    hostname_for,
    is_headless,
    pod_ips,
    selector_of,
    should_be_endpoint,
    target_ref,
)
from kubesim.store.store import DELETED, Event, Key

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL, CONTROLLER_NAME = "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"
EVENT_SOURCE = "endpoint-slice-controller"  # the component its events name, spelled as kube-controller-manager does
ZONE_LABEL = "topology.kubernetes.io/zone"
MAX_ENDPOINTS_PER_SLICE = 100
ADDRESS_TYPE = "IPv4"
MISSING_NODE_RETRY = 5.0  # simulated seconds: the node may yet appear
YIELD_EVERY = 500  # pods looked at between two chances for the event loop to serve others

PortSet = tuple[tuple[str, int, str, str], ...]  # (name, port, protocol, appProtocol) of each port, sorted
EndpointKey = tuple[tuple[str, ...], str, str, str]  # (addresses, hostname, pod namespace, pod name)


@dataclass
class Plan:
    """What one reconcile writes: slices to create, update and delete."""

    create: list[Obj] = field(default_factory=list)
    update: list[Obj] = field(default_factory=list)
    delete: list[Obj] = field(default_factory=list)


class EndpointSliceController(Controller):
    name = "endpointslice-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api = context.api
        self.client, self.events = context.client(self.name), context.recorder(EVENT_SOURCE)
        self.index = ServiceIndex()
        self.trigger_times = TriggerTimeTracker()
        self.made: PodCache[tuple[PortSet, EndpointKey, Obj] | None] = PodCache()
        self.slices_of: defaultdict[Place, set[str]] = defaultdict(set)  # a Service's slices, by name
        self.written: dict[Place, str] = {}  # (namespace, slice) -> the resourceVersion of our last write

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == ENDPOINT_SLICES:
            return self._observe_slice(event)
        return [(SERVICES, *place) for place in self.index.observe(event)]

    def _observe_slice(self, event: Event) -> list[Key]:
        labels = event.object.get("metadata", {}).get("labels") or {}
        service = labels.get(SERVICE_NAME_LABEL)
        if not service or labels.get(MANAGED_BY_LABEL) != CONTROLLER_NAME:
            return []
        place, slice_place = (event.namespace, service), (event.namespace, event.name)
        ours = self.written.get(slice_place) == event.object["metadata"].get("resourceVersion")
        if event.type == DELETED:
            self.slices_of[place].discard(event.name)
            if not self.slices_of[place]:
                del self.slices_of[place]
            self.written.pop(slice_place, None)
        else:
            self.slices_of[place].add(event.name)
        # Our own writes need no second look; anybody else's (or a deletion) gets the slices put right.
        return [] if ours and event.type != DELETED else [(SERVICES, *place)]

    async def reconcile(self, key: Key) -> float | None:
        _, namespace, name = key
        place = (namespace, name)
        service = self.api.store.get(SERVICES, namespace, name)
        if service is None:
            for memory in (self.trigger_times, self.made):  # the garbage collector deletes its slices
                memory.forget(place)
            return None
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or selector_of(service) is None or is_terminating(service):
            return None
        missing_nodes = await self._sync(service)
        if missing_nodes:
            message = "; ".join(
                f"skipping Pod {pod} for Service {namespace}/{name}: Node {node} Not Found"
                for pod, node in missing_nodes
            )
            self.events.warning(
                service,
                "FailedToUpdateEndpointSlices",
                f"Error updating Endpoint Slices for Service {namespace}/{name}: {message}",
            )
            return MISSING_NODE_RETRY
        return None

    async def _sync(self, service: Obj) -> list[tuple[str, str]]:
        """Write the slices the Service's pods call for; return the pods left out for want of their node."""
        namespace = service["metadata"]["namespace"]
        place = (namespace, service["metadata"]["name"])
        pods = self.index.pods(self.api.store, place)
        trigger_time = self.trigger_times.compute(service, pods)
        desired, missing_nodes = await self._desired(service, pods)
        existing = [
            found
            for found in (
                self.api.store.get(ENDPOINT_SLICES, namespace, slice_name) for slice_name in self._slices(place)
            )
            if found is not None and not is_terminating(found)
        ]
        await self._apply(service, _plan(service, desired, existing), trigger_time)
        return missing_nodes

    def _slices(self, place: Place) -> list[str]:
        return sorted(self.slices_of.get(place, ()))

    async def _desired(
        self, service: Obj, pods: list[Obj]
    ) -> tuple[dict[PortSet, dict[EndpointKey, Obj]], list[tuple[str, str]]]:
        """The endpoints each port set should have, and the pods left out for want of their node."""
        publish_not_ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
        desired: defaultdict[PortSet, dict[EndpointKey, Obj]] = defaultdict(dict)
        missing: list[tuple[str, str]] = []
        made = self.made.made(service, pods, lambda pod: self._endpoint_of(service, pod))
        for count, (pod, entry) in enumerate(made, 1):
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if entry is None:
                continue
            ports, endpoint_key, endpoint = entry
            node_name = endpoint.get("nodeName") or ""
            if not publish_not_ready and self.api.store.get(NODES, "", node_name) is None:
                missing.append((pod["metadata"]["name"], node_name))
                continue
            desired[ports][endpoint_key] = endpoint
        return desired, missing

    def _endpoint_of(self, service: Obj, pod: Obj) -> tuple[PortSet, EndpointKey, Obj] | None:
        """The pod's port set and endpoint, or None when it is no endpoint (no IP yet, or finished)."""
        if not should_be_endpoint(pod, include_terminating=True):
            return None
        node = self.api.store.get(NODES, "", (pod.get("spec") or {}).get("nodeName") or "")
        endpoint = _endpoint(pod, node, service)
        return _endpoint_ports(service, pod), _endpoint_key(endpoint), endpoint

    async def _apply(self, service: Obj, plan: Plan, trigger_time: str | None) -> None:
        """finalize: creates become updates of slices that would be deleted, then each write is made."""
        reusable = [old for old in plan.delete if _owned_by(old, service) and old.get("addressType") == ADDRESS_TYPE]
        while plan.create and reusable:
            reused = reusable.pop()
            plan.delete.remove(reused)
            replacement = plan.create.pop()
            replacement["metadata"] = _relabelled(reused, replacement["metadata"]["labels"])
            plan.update.append(replacement)
        namespace = service["metadata"]["namespace"]
        collection = api_path("discovery.k8s.io", "v1", "endpointslices", namespace)
        try:
            for new_slice in plan.create:
                _set_trigger_time(new_slice, trigger_time)
                self._remember(namespace, await self.client.create(collection, new_slice))
            for changed in plan.update:
                _set_trigger_time(changed, trigger_time)
                path = f"{collection}/{changed['metadata']['name']}"
                self._remember(namespace, await self.client.put(path, changed))
            for unwanted in plan.delete:
                await self._delete(f"{collection}/{unwanted['metadata']['name']}")
        except ApiRequestFailed as error:
            if error.status == 403 and not plan.update and not plan.delete:
                return  # the namespace is being terminated: nothing more may be created in it
            place = f"{namespace}/{service['metadata']['name']}"
            message = f"Error updating Endpoint Slices for Service {place}: {error.body.get('message', '')}"
            self.events.warning(service, "FailedToUpdateEndpointSlices", message)
            raise

    def _remember(self, namespace: str, written: Obj) -> None:
        metadata = written["metadata"]
        self.written[(namespace, metadata["name"])] = metadata["resourceVersion"]

    async def _delete(self, path: str) -> None:
        try:
            await self.client.delete(path)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _endpoint_ports(service: Obj, pod: Obj) -> PortSet:
    """getEndpointPorts: each Service port this pod serves, with the number it serves it on."""
    ports = []
    for service_port in (service.get("spec") or {}).get("ports") or []:
        number = find_port(pod, service_port)
        if number is not None:
            ports.append(
                (
                    str(service_port.get("name") or ""),
                    number,
                    str(service_port.get("protocol") or "TCP"),
                    str(service_port.get("appProtocol") or ""),
                )
            )
    return tuple(sorted(ports))


def _endpoint(pod: Obj, node: Obj | None, service: Obj) -> Obj:
    """podToEndpoint."""
    serving = is_pod_ready(pod)
    terminating = is_terminating(pod)
    publish_not_ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    endpoint: Obj = {
        "addresses": pod_ips(pod),
        "conditions": {
            "ready": publish_not_ready or (serving and not terminating),
            "serving": serving,
            "terminating": terminating,
        },
    }
    hostname = hostname_for(pod, service)
    if hostname:
        endpoint["hostname"] = hostname
    endpoint["targetRef"] = target_ref(pod)
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        endpoint["nodeName"] = node_name
    zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
    if zone:
        endpoint["zone"] = zone
    return endpoint


def _endpoint_key(endpoint: Obj) -> EndpointKey:
    """What identifies an endpoint across syncs (hashEndpoint): its addresses, hostname and pod."""
    reference = endpoint.get("targetRef") or {}
    return (
        tuple(sorted(endpoint.get("addresses") or [])),
        str(endpoint.get("hostname") or ""),
        str(reference.get("namespace") or ""),
        str(reference.get("name") or ""),
    )


def _same_beyond_key(wanted: Obj, existing: Obj) -> bool:
    """EndpointsEqualBeyondHash: node, zone, conditions and pod (its resourceVersion aside) unchanged."""
    reference = {k: v for k, v in (existing.get("targetRef") or {}).items() if k != "resourceVersion"}
    return (
        wanted.get("nodeName") == existing.get("nodeName")
        and wanted.get("zone") == existing.get("zone")
        and wanted["conditions"] == {k: v for k, v in (existing.get("conditions") or {}).items() if k != "hints"}
        and wanted.get("targetRef") == reference
    )


def _port_set(slice_: Obj) -> PortSet:
    return tuple(
        sorted(
            (
                str(port.get("name") or ""),
                int(port.get("port") or 0),
                str(port.get("protocol") or "TCP"),
                str(port.get("appProtocol") or ""),
            )
            for port in slice_.get("ports") or []
        )
    )


def _labels(service: Obj) -> dict[str, str]:
    """setEndpointSliceLabels: the Service's labels, the reserved ones set by the controller."""
    reserved = (SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL)
    labels = {k: v for k, v in (service["metadata"].get("labels") or {}).items() if k not in reserved}
    if is_headless(service):
        labels[HEADLESS_LABEL] = ""
    labels[SERVICE_NAME_LABEL] = service["metadata"]["name"]
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    return labels


def _new_slice(service: Obj, ports: PortSet) -> Obj:
    metadata = service["metadata"]
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "generateName": f"{metadata['name']}-",
            "namespace": metadata["namespace"],
            "labels": _labels(service),
            "ownerReferences": [controller_reference(service)],
        },
        "addressType": ADDRESS_TYPE,
        "endpoints": [],
        "ports": [_port(port) for port in ports],
    }


def _port(port: tuple[str, int, str, str]) -> Obj:
    name, number, protocol, app_protocol = port
    entry: Obj = {"name": name, "protocol": protocol, "port": number}
    if app_protocol:
        entry["appProtocol"] = app_protocol
    return entry


def _owned_by(slice_: Obj, service: Obj) -> bool:
    uid = service["metadata"]["uid"]
    return any(
        ref.get("uid") == uid and ref.get("kind") == "Service" and ref.get("apiVersion") == "v1"
        for ref in slice_["metadata"].get("ownerReferences") or []
    )


def _plan(service: Obj, desired: dict[PortSet, dict[EndpointKey, Obj]], existing: list[Obj]) -> Plan:
    """reconcileByAddressType: the writes that bring the existing slices to the desired endpoints."""
    plan = Plan()
    by_ports: defaultdict[PortSet, list[Obj]] = defaultdict(list)
    for slice_ in existing:
        if _owned_by(slice_, service) and slice_.get("addressType") == ADDRESS_TYPE:
            by_ports[_port_set(slice_)].append(slice_)
        else:
            plan.delete.append(slice_)  # left by an older Service of the same name
    for ports, wanted in sorted(desired.items()):
        _plan_port_set(service, ports, wanted, by_ports.get(ports, []), plan)
    for ports, slices in by_ports.items():
        if ports not in desired:
            plan.delete.extend(slices)
    if len(existing) == len(plan.delete) and not plan.create:
        placeholder = _new_slice(service, ())
        if len(plan.delete) == 1 and _is_placeholder(plan.delete[0], placeholder):
            plan.delete.clear()
        else:
            plan.create.append(placeholder)
    return plan


def _is_placeholder(slice_: Obj, placeholder: Obj) -> bool:
    return (
        not slice_.get("endpoints")
        and not slice_.get("ports")
        and slice_.get("addressType") == placeholder["addressType"]
        and (slice_["metadata"].get("labels") or {}) == placeholder["metadata"]["labels"]
        and slice_["metadata"].get("ownerReferences") == placeholder["metadata"]["ownerReferences"]
    )


def _plan_port_set(service: Obj, ports: PortSet, wanted: dict[EndpointKey, Obj], slices: list[Obj], plan: Plan) -> None:
    """reconcileByPortMapping: keep endpoints where they are, fill slices being written, then open new ones."""
    wanted = dict(wanted)
    labels = _labels(service)
    to_update: list[Obj] = []
    unchanged: list[Obj] = []
    for slice_ in slices:
        kept, changed = [], False
        for endpoint in slice_.get("endpoints") or []:
            want = wanted.pop(_endpoint_key(endpoint), None)
            if want is not None:
                kept.append(want)
                changed = changed or not _same_beyond_key(want, endpoint)
        if changed or len(kept) != len(slice_.get("endpoints") or []):
            if kept:
                to_update.append({**slice_, "endpoints": kept, "metadata": _relabelled(slice_, labels)})
            else:
                plan.delete.append(slice_)
        elif (slice_["metadata"].get("labels") or {}) != labels:
            to_update.append({**slice_, "metadata": _relabelled(slice_, labels)})
        else:
            unchanged.append(slice_)
    remaining = [wanted[key] for key in sorted(wanted)]
    for slice_ in sorted(to_update, key=lambda s: -len(s["endpoints"])):
        room = MAX_ENDPOINTS_PER_SLICE - len(slice_["endpoints"])
        slice_["endpoints"] = slice_["endpoints"] + remaining[:room]
        remaining = remaining[max(room, 0) :]
    while remaining:
        target = None
        if len(remaining) < MAX_ENDPOINTS_PER_SLICE:
            target = _slice_to_fill(unchanged, len(remaining))
        if target is None:
            target = _new_slice(service, ports)
            plan.create.append(target)
        else:
            unchanged.remove(target)
            target = {**target, "metadata": _relabelled(target, labels)}
            to_update.append(target)
        room = MAX_ENDPOINTS_PER_SLICE - len(target["endpoints"])
        target["endpoints"] = list(target["endpoints"]) + remaining[:room]
        remaining = remaining[room:]
    plan.update.extend(to_update)


def _relabelled(slice_: Obj, labels: dict[str, str]) -> Obj:
    """The slice's metadata with these labels, a copy: the stored slice itself is never changed."""
    return {**slice_["metadata"], "labels": labels}


def _slice_to_fill(slices: list[Obj], count: int) -> Obj | None:
    """getSliceToFill: the slice that `count` more endpoints would bring closest to full."""
    best, best_room = None, MAX_ENDPOINTS_PER_SLICE
    for slice_ in slices:
        room = MAX_ENDPOINTS_PER_SLICE - (count + len(slice_.get("endpoints") or []))
        if 0 <= room < best_room:
            best, best_room = slice_, room
    return best


def _set_trigger_time(slice_: Obj, trigger_time: str | None) -> None:
    annotations = dict(slice_["metadata"].get("annotations") or {})
    annotations.pop(LAST_CHANGE_TRIGGER_TIME, None)
    if trigger_time:
        annotations[LAST_CHANGE_TRIGGER_TIME] = trigger_time
    if annotations:
        slice_["metadata"]["annotations"] = annotations
    else:
        slice_["metadata"].pop("annotations", None)
