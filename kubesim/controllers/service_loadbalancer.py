"""Load balancers for LoadBalancer Services, as cloud-provider-kind provides them to a kind cluster.

cloud-provider-kind runs the cloud provider's service controller (events from "service-controller") and gives
each load balancer an address on kind's docker network. kubesim hands out the addresses of a documented
simulated range of that network, LOAD_BALANCER_RANGE (172.18.255.200 - 172.18.255.254, kind's 172.18.0.0/16
above the nodes), the lowest free one first, or `spec.loadBalancerIP` when the Service asks for a free address
of the network. A LoadBalancer Service (without a loadBalancerClass) gets the cleanup finalizer
`service.kubernetes.io/load-balancer-cleanup`, the events EnsuringLoadBalancer and EnsuredLoadBalancer, and
`status.loadBalancer.ingress: [{ip, ipMode: Proxy, ports}]` as cloud-provider-kind reports its envoy proxy;
`kubectl get svc` then shows that address as EXTERNAL-IP instead of <pending>. When the type changes away or the
Service is deleted, the address is released (DeletingLoadBalancer, DeletedLoadBalancer) and the finalizer
removed. Which address a Service holds is read from the Services' status, so it survives a restart.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

SERVICES = "/services"
FINALIZER = "service.kubernetes.io/load-balancer-cleanup"
KIND_NETWORK = ipaddress.ip_network("172.18.0.0/16")
LOAD_BALANCER_RANGE = (ipaddress.IPv4Address("172.18.255.200"), ipaddress.IPv4Address("172.18.255.254"))
EXHAUSTED_RETRY = 30.0  # simulated seconds before trying again for an address when all are taken

Obj = dict[str, Any]
Place = tuple[str, str]


class ServiceLoadBalancerController(Controller):
    name = "service-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api = context.api
        self.client, self.events = context.client("cloud-provider-kind"), context.recorder(self.name)
        self.addresses: dict[Place, str] = {}  # each Service's load balancer address, from its status
        self.seen: dict[Place, tuple[Any, ...]] = {}  # what of each Service its load balancer depends on
        self.type_changes: dict[Place, str] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource != SERVICES:
            return []
        place = (event.namespace, event.name)
        if event.type == DELETED:
            self.addresses.pop(place, None)
            self.seen.pop(place, None)
            return []
        service = event.object
        address = _status_address(service)
        if address is not None:
            self.addresses[place] = address
        elif not _wants_load_balancer(service):
            self.addresses.pop(place, None)
        before, now = self.seen.get(place), _balancer_facts(service)
        self.seen[place] = now
        if before is None:
            return [(SERVICES, *place)] if now[0] or FINALIZER in _finalizers(service) else []
        if before == now:
            return []
        if before[0] != now[0]:
            self.type_changes[place] = f"{before[1]} -> {now[1]}"  # needsUpdate's "Type" event
        return [(SERVICES, *place)] if before[0] or now[0] else []

    async def reconcile(self, key: Key) -> float | None:
        _, namespace, name = key
        place = (namespace, name)
        service = self.api.store.get(SERVICES, namespace, name)
        if service is None:
            self.addresses.pop(place, None)
            return None
        change = self.type_changes.pop(place, None)
        if change is not None:
            self.events.normal(service, "Type", change)
        if not _wants_load_balancer(service) or is_terminating(service):
            if FINALIZER in _finalizers(service):
                await self._delete_load_balancer(service)
            return None
        return await self._ensure_load_balancer(service)

    async def _ensure_load_balancer(self, service: Obj) -> float | None:
        place = _place(service)
        self.events.normal(service, "EnsuringLoadBalancer", "Ensuring load balancer")
        if FINALIZER not in _finalizers(service):
            await self._set_finalizers(service, [*_finalizers(service), FINALIZER])
        try:
            address = self._address_for(service)
        except LookupError as error:
            message = f"Error syncing load balancer: failed to ensure load balancer: {error}"
            self.events.warning(service, "SyncLoadBalancerFailed", message)
            return EXHAUSTED_RETRY
        self.addresses[place] = address
        self.events.normal(service, "EnsuredLoadBalancer", "Ensured load balancer")
        ports = [
            {"port": port.get("port"), "protocol": port.get("protocol") or "TCP"}
            for port in (service.get("spec") or {}).get("ports") or []
        ]
        ingress = [{"ip": address, "ipMode": "Proxy", "ports": ports}]
        if ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") != ingress:
            await self._patch_status(service, {"ingress": ingress})
        return None

    async def _delete_load_balancer(self, service: Obj) -> None:
        place = _place(service)
        self.events.normal(service, "DeletingLoadBalancer", "Deleting load balancer")
        self.addresses.pop(place, None)
        if (service.get("status") or {}).get("loadBalancer"):
            await self._patch_status(service, None)
        await self._set_finalizers(service, [f for f in _finalizers(service) if f != FINALIZER])
        self.events.normal(service, "DeletedLoadBalancer", "Deleted load balancer")

    def _address_for(self, service: Obj) -> str:
        """The Service's address: the one it holds, the one it asks for, or the lowest free one of the range."""
        place = _place(service)
        taken = {address for holder, address in self.addresses.items() if holder != place}
        asked = str((service.get("spec") or {}).get("loadBalancerIP") or "")
        if asked:
            if _on_kind_network(asked) and asked not in taken:
                return asked
            raise LookupError(f"the load balancer IP {asked} is taken or not on the kind network {KIND_NETWORK}")
        held = self.addresses.get(place)
        if held is not None and _in_range(held) and held not in taken:
            return held
        first, last = (int(bound) for bound in LOAD_BALANCER_RANGE)
        for candidate in range(first, last + 1):
            address = str(ipaddress.ip_address(candidate))
            if address not in taken:
                return address
        raise LookupError(f"no free address left in {LOAD_BALANCER_RANGE[0]}-{LOAD_BALANCER_RANGE[1]}")

    async def _set_finalizers(self, service: Obj, finalizers: list[str]) -> None:
        metadata = service["metadata"]
        patch = {"metadata": {"finalizers": finalizers or None, "resourceVersion": metadata["resourceVersion"]}}
        try:
            await self.client.patch_merge(
                api_path("", "v1", "services", metadata["namespace"], metadata["name"]), patch
            )
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    async def _patch_status(self, service: Obj, load_balancer: Obj | None) -> None:
        metadata = service["metadata"]
        path = api_path("", "v1", "services", metadata["namespace"], metadata["name"]) + "/status"
        balancer = load_balancer if load_balancer is not None else {"ingress": None}
        try:
            await self.client.patch_merge(path, {"status": {"loadBalancer": balancer}})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _place(service: Obj) -> Place:
    return service["metadata"]["namespace"], service["metadata"]["name"]


def _finalizers(service: Obj) -> list[str]:
    return list(service["metadata"].get("finalizers") or [])


def _wants_load_balancer(service: Obj) -> bool:
    spec = service.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")


def _balancer_facts(service: Obj) -> tuple[Any, ...]:
    """What a load balancer depends on (needsUpdate): a change elsewhere in the Service leaves it alone."""
    spec = service.get("spec") or {}
    ports = tuple((p.get("port"), p.get("protocol"), p.get("nodePort")) for p in spec.get("ports") or [])
    return (
        _wants_load_balancer(service),
        spec.get("type", "ClusterIP"),
        ports,
        spec.get("sessionAffinity"),
        spec.get("loadBalancerIP"),
        tuple(spec.get("externalIPs") or ()),
        spec.get("externalTrafficPolicy"),
        spec.get("healthCheckNodePort"),
        service["metadata"].get("uid"),
        is_terminating(service),
    )


def _status_address(service: Obj) -> str | None:
    for point in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        if isinstance(point, dict) and point.get("ip") and _on_kind_network(str(point["ip"])):
            return str(point["ip"])
    return None


def _on_kind_network(address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in KIND_NETWORK
    except ValueError:
        return False


def _in_range(address: str) -> bool:
    return LOAD_BALANCER_RANGE[0] <= ipaddress.IPv4Address(address) <= LOAD_BALANCER_RANGE[1]
