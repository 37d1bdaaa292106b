"""The endpoints controller: the v1 Endpoints of each Service with a selector, as kube-controller-manager keeps it.

The Endpoints object has the Service's name, its labels (plus `endpoints.kubernetes.io/managed-by:
endpoint-controller`, and `service.kubernetes.io/headless` for a headless Service) and one address per selected
pod that has an IP: ready pods under `addresses`, the others under `notReadyAddresses` (all under `addresses`
with publishNotReadyAddresses), terminating pods left out unless publishNotReadyAddresses says otherwise. Each
address names its pod (targetRef), node and, for a pod whose subdomain is this Service, its hostname. Ports come
from the Service's targetPorts, a named one resolved in each pod, and addresses that share the same ports share
a subset (RepackSubsets), so pods that number a named port differently land in subsets of their own. Past 1000
addresses the object is truncated and annotated `endpoints.kubernetes.io/over-capacity: truncated`.

Services without a selector and ExternalName Services are left alone: their Endpoints, if any, are the user's.
When a Service goes, the Endpoints this controller made go with it. The API is deprecated since 1.33
(EndpointSlices replace it); the API server warns about every request to it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, is_pod_ready
from kubesim.controllers.runtime import Controller
from kubesim.controllers.service_pods import (
    ENDPOINTS,
    HEADLESS_LABEL,
    LAST_CHANGE_TRIGGER_TIME,
    SERVICES,
    Obj,
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
from kubesim.store.store import ADDED, DELETED, Event, Key

MANAGED_BY_LABEL, CONTROLLER_NAME = "endpoints.kubernetes.io/managed-by", "endpoint-controller"
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
MAX_CAPACITY = 1000

AddressKey = tuple[str, str]  # (ip, pod uid)
PortKey = tuple[str, int, str, str] | None  # (name, port, protocol, appProtocol); None: a headless Service's none
Offer = tuple[Obj, bool, PortKey]  # an address, whether it is ready, and a port it serves


class EndpointsController(Controller):
    name = "endpoint-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api = context.api
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.index = ServiceIndex()
        self.trigger_times = TriggerTimeTracker()
        self.offers: PodCache[list[Offer]] = PodCache()

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == ENDPOINTS:
            # A deleted Endpoints comes back if its Service has a selector; one of ours met at start (or made) goes
            # if its Service went meanwhile (checkLeftoverEndpoints).
            labels = event.object.get("metadata", {}).get("labels") or {}
            leftover = event.type == ADDED and labels.get(MANAGED_BY_LABEL) == CONTROLLER_NAME
            return [(SERVICES, event.namespace, event.name)] if event.type == DELETED or leftover else []
        return [(SERVICES, *place) for place in self.index.observe(event)]

    async def reconcile(self, key: Key) -> float | None:
        _, namespace, name = key
        place = (namespace, name)
        service = self.api.store.get(SERVICES, namespace, name)
        current = self.api.store.get(ENDPOINTS, namespace, name)
        if service is None:
            for memory in (self.trigger_times, self.offers):
                memory.forget(place)
            if current is not None and (current["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL):
                await self._delete(current)
            return None
        if (service.get("spec") or {}).get("type") == "ExternalName" or selector_of(service) is None:
            return None
        await self._sync(service, current)
        return None

    async def _sync(self, service: Obj, current: Obj | None) -> None:
        pods = self.index.pods(self.api.store, (service["metadata"]["namespace"], service["metadata"]["name"]))
        trigger_time = self.trigger_times.compute(service, pods)
        made = self.offers.made(service, pods, partial(_offers, service))
        subsets = _repack([offer for _, offers in made for offer in offers])
        over_capacity = _truncate(subsets)
        labels = _labels(service)
        if current is None or not _up_to_date(current, subsets, labels, over_capacity):
            await self._write(service, current, subsets, labels, trigger_time, over_capacity)

    async def _write(
        self,
        service: Obj,
        current: Obj | None,
        subsets: list[Obj],
        labels: dict[str, str],
        trigger_time: str | None,
        over_capacity: bool,
    ) -> None:
        metadata = service["metadata"]
        # A new top and metadata: what is changed is replaced whole, so the stored object is never touched.
        endpoints = {**current, "metadata": {**current["metadata"]}} if current is not None else _new_endpoints(service)
        endpoints["metadata"]["labels"] = labels
        annotations = dict(endpoints["metadata"].get("annotations") or {})
        annotations.pop(LAST_CHANGE_TRIGGER_TIME, None)
        if trigger_time:
            annotations[LAST_CHANGE_TRIGGER_TIME] = trigger_time
        annotations.pop(OVER_CAPACITY, None)
        if over_capacity:
            annotations[OVER_CAPACITY] = "truncated"
        if annotations:
            endpoints["metadata"]["annotations"] = annotations
        else:
            endpoints["metadata"].pop("annotations", None)
        if subsets:
            endpoints["subsets"] = subsets
        else:
            endpoints.pop("subsets", None)
        path = api_path("", "v1", "endpoints", metadata["namespace"])
        try:
            if current is None:
                await self.client.create(path, endpoints)
            else:
                await self.client.put(f"{path}/{metadata['name']}", endpoints)
        except ApiRequestFailed as error:
            if current is None and error.status == 403:
                return  # the namespace is being terminated: nothing more may be created in it
            place = f"{metadata['namespace']}/{metadata['name']}"
            if current is None:
                reason, message = "FailedToCreateEndpoint", f"Failed to create endpoint for service {place}"
            else:
                reason, message = "FailedToUpdateEndpoint", f"Failed to update endpoint {place}"
            self.events.warning(endpoints, reason, f"{message}: {error.body.get('message', '')}")
            raise

    async def _delete(self, endpoints: Obj) -> None:
        metadata = endpoints["metadata"]
        try:
            await self.client.delete(api_path("", "v1", "endpoints", metadata["namespace"], metadata["name"]))
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _new_endpoints(service: Obj) -> Obj:
    metadata = service["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": metadata["name"], "namespace": metadata["namespace"]},
    }


def _labels(service: Obj) -> dict[str, str]:
    labels = {**(service["metadata"].get("labels") or {}), MANAGED_BY_LABEL: CONTROLLER_NAME}
    if is_headless(service):
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    return labels


def _up_to_date(current: Obj, subsets: list[Obj], labels: dict[str, str], over_capacity: bool) -> bool:
    """Same addresses (a pod's resourceVersion aside), same labels, and the capacity annotation as it should be."""
    metadata = current["metadata"]
    marked_over_capacity = OVER_CAPACITY in (metadata.get("annotations") or {})
    if (metadata.get("labels") or {}) != labels or marked_over_capacity != over_capacity:
        return False
    return _without_versions(current.get("subsets") or []) == subsets


def _without_versions(subsets: list[Obj]) -> list[Obj]:
    def plain(address: Obj) -> Obj:
        reference = {k: v for k, v in (address.get("targetRef") or {}).items() if k != "resourceVersion"}
        return {**address, "targetRef": reference} if "targetRef" in address else address

    return [
        {
            **subset,
            **{
                field: [plain(address) for address in subset[field]]
                for field in ("addresses", "notReadyAddresses")
                if field in subset
            },
        }
        for subset in subsets
    ]


def _offers(service: Obj, pod: Obj) -> list[Offer]:
    """The pod's address under each port it serves the Service on; nothing if it is no endpoint of it."""
    spec = service.get("spec") or {}
    publish_not_ready = bool(spec.get("publishNotReadyAddresses"))
    if not should_be_endpoint(pod, include_terminating=publish_not_ready):
        return []
    address = _address(pod, service)
    ready = publish_not_ready or is_pod_ready(pod)
    service_ports = spec.get("ports") or []
    if not service_ports:  # a headless Service may have no ports: the addresses alone
        return [(address, ready, None)] if is_headless(service) else []
    numbers = ((service_port, find_port(pod, service_port)) for service_port in service_ports)
    return [(address, ready, _port_key(port, number)) for port, number in numbers if number is not None]


def _address(pod: Obj, service: Obj) -> Obj:
    address: Obj = {"ip": pod_ips(pod)[0]}
    hostname = hostname_for(pod, service)
    if hostname:
        address["hostname"] = hostname
    address["nodeName"] = (pod.get("spec") or {}).get("nodeName", "")
    address["targetRef"] = target_ref(pod)
    return address


def _port_key(service_port: Obj, number: int) -> PortKey:
    return (
        str(service_port.get("name") or ""),
        number,
        str(service_port.get("protocol") or "TCP"),
        str(service_port.get("appProtocol") or ""),
    )


def _port(key: PortKey) -> Obj:
    assert key is not None
    name, number, protocol, app_protocol = key
    port: Obj = {"name": name} if name else {}
    port.update({"port": number, "protocol": protocol})
    if app_protocol:
        port["appProtocol"] = app_protocol
    return port


def _repack(offered: list[Offer]) -> list[Obj]:
    """RepackSubsets: the ports offered by exactly the same addresses make one subset with those addresses."""
    addresses: dict[AddressKey, Obj] = {}
    by_port: defaultdict[PortKey, dict[AddressKey, bool]] = defaultdict(dict)
    for address, ready, port in offered:
        key = (address["ip"], address["targetRef"]["uid"])
        addresses[key] = address
        by_port[port][key] = by_port[port].get(key, False) or ready
    ports_by_group: defaultdict[frozenset[tuple[AddressKey, bool]], list[PortKey]] = defaultdict(list)
    for port, members in by_port.items():
        ports_by_group[frozenset(members.items())].append(port)
    subsets = []
    for group, ports in ports_by_group.items():
        subset: Obj = {}
        ready_keys = sorted(key for key, is_ready in group if is_ready)
        not_ready_keys = sorted(key for key, is_ready in group if not is_ready)
        if ready_keys:
            subset["addresses"] = [addresses[key] for key in ready_keys]
        if not_ready_keys:
            subset["notReadyAddresses"] = [addresses[key] for key in not_ready_keys]
        named_ports = sorted(port for port in ports if port is not None)
        if named_ports:
            subset["ports"] = [_port(port) for port in named_ports]
        subsets.append(subset)
    return sorted(subsets, key=_subset_order)


def _subset_order(subset: Obj) -> tuple[Any, ...]:
    first = (subset.get("addresses") or subset.get("notReadyAddresses") or [{}])[0]
    return (first.get("ip", ""), [(port.get("name", ""), port["port"]) for port in subset.get("ports") or []])


def _truncate(subsets: list[Obj]) -> bool:
    """truncateEndpoints: past MAX_CAPACITY, not-ready addresses go first, each subset keeping its share."""
    ready = sum(len(subset.get("addresses") or []) for subset in subsets)
    not_ready = sum(len(subset.get("notReadyAddresses") or []) for subset in subsets)
    if ready + not_ready <= MAX_CAPACITY:
        return False
    cutting_ready = ready > MAX_CAPACITY
    room, total = (MAX_CAPACITY, ready) if cutting_ready else (MAX_CAPACITY - ready, not_ready)
    field = "addresses" if cutting_ready else "notReadyAddresses"
    left = room
    for subset in subsets:
        share = min(math.ceil(len(subset.get(field) or []) / total * room), left)
        kept = (subset.get(field) or [])[:share]
        if kept:
            subset[field] = kept
        else:
            subset.pop(field, None)
        if cutting_ready:
            subset.pop("notReadyAddresses", None)
        left -= len(kept)
    return True
