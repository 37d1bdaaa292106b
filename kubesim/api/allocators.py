"""Service IPs and node ports, allocated by the API server as the real one does.

On create, a Service gets a cluster IP (unless it is an ExternalName), node ports for NodePort and LoadBalancer
Services (unless `allocateLoadBalancerNodePorts` is false), and a health check node port for a LoadBalancer with
`externalTrafficPolicy: Local`. On update, a change of type first drops what the old type had allocated and the
user left as it was (dropTypeDependentFields), then allocates what the new type needs: `kubectl patch` of
ClusterIP to NodePort gets node ports, NodePort to ClusterIP frees them, ExternalName has no cluster IP. What is
in use is read from the stored Services, so whatever an update drops is free again at once.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable
from typing import Any

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")
NODE_PORTS = range(30000, 32768)
# 10.96.0.1 (kubernetes) and 10.96.0.10 (kube-dns) are the addresses kind reserves.
_RESERVED = {int(SERVICE_CIDR.network_address) + offset for offset in (0, 1, 10)}


class AllocationError(ValueError):
    """(field, message) of a 422 cause: the address or port asked for is taken or outside the range."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def allocate(service: dict[str, Any], existing: Iterable[dict[str, Any]]) -> None:
    """Fill spec.clusterIP(s) and node ports of a new Service in place."""
    spec = service.setdefault("spec", {})
    services = list(existing)
    if spec.get("type", "ClusterIP") != "ExternalName":
        _allocate_cluster_ip(spec, {s.get("spec", {}).get("clusterIP") for s in services})
    _allocate_node_ports(spec, _node_ports_in_use(services), kept=set())


def allocate_update(old: dict[str, Any], new: dict[str, Any], existing: Iterable[dict[str, Any]]) -> None:
    """An updated Service in place: what its new type no longer needs dropped, what it now needs allocated."""
    spec, old_spec = new.setdefault("spec", {}), old.get("spec") or {}
    _drop_type_dependent_fields(new, old_spec)
    place = _place(old)
    others = [service for service in existing if _place(service) != place]
    if spec.get("type", "ClusterIP") != "ExternalName" and not spec.get("clusterIP"):
        _allocate_cluster_ip(spec, {s.get("spec", {}).get("clusterIP") for s in others})
    kept = {port.get("nodePort") for port in old_spec.get("ports") or []} | {old_spec.get("healthCheckNodePort")}
    _allocate_node_ports(spec, _node_ports_in_use(others), kept - {None, 0})


def _place(service: dict[str, Any]) -> tuple[str, str]:
    metadata = service.get("metadata") or {}
    return metadata.get("namespace", ""), metadata.get("name", "")


def _node_ports_in_use(services: list[dict[str, Any]]) -> set[Any]:
    used = {port.get("nodePort") for s in services for port in s.get("spec", {}).get("ports") or []}
    return used | {s.get("spec", {}).get("healthCheckNodePort") for s in services}


def _allocate_node_ports(spec: dict[str, Any], used: set[Any], kept: set[Any]) -> None:
    """Node ports (and the health check port) the type needs; those in `kept` are the Service's own already."""
    kind = spec.get("type", "ClusterIP")
    every_port = kind == "NodePort" or (
        kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is not False
    )
    for index, port in enumerate(spec.get("ports") or []):
        if port.get("nodePort") in kept:
            used.add(port["nodePort"])
        elif every_port or (kind == "LoadBalancer" and port.get("nodePort")):
            _allocate_node_port(port, used, "nodePort", f"spec.ports[{index}].nodePort")
    if kind == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
        if spec.get("healthCheckNodePort") in kept:
            used.add(spec["healthCheckNodePort"])
        else:
            _allocate_node_port(spec, used, "healthCheckNodePort", "spec.healthCheckNodePort")


def _drop_type_dependent_fields(new: dict[str, Any], old_spec: dict[str, Any]) -> None:
    """What a change of type leaves behind is dropped, unless the user changed it too (then validation speaks)."""
    spec = new["spec"]
    kind, old_kind = spec.get("type", "ClusterIP"), old_spec.get("type", "ClusterIP")
    if old_kind != "ExternalName" and kind == "ExternalName":
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            if field in spec and spec[field] == old_spec.get(field):
                del spec[field]
    if old_kind in ("NodePort", "LoadBalancer") and kind not in ("NodePort", "LoadBalancer"):
        old_ports = [port.get("nodePort") for port in old_spec.get("ports") or []]
        if [port.get("nodePort") for port in spec.get("ports") or []] == old_ports:
            for port in spec.get("ports") or []:
                port.pop("nodePort", None)
    if old_kind == "LoadBalancer" and kind != "LoadBalancer":
        for field in ("healthCheckNodePort", "allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if field in spec and spec[field] == old_spec.get(field):
                del spec[field]
    policy_kept = spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy")
    if _externally_accessible(old_spec) and not _externally_accessible(spec) and policy_kept:
        spec.pop("externalTrafficPolicy", None)
    if kind != "LoadBalancer" and isinstance(new.get("status"), dict):
        # The load balancer goes asynchronously, but its address leaves the status at once.
        new["status"]["loadBalancer"] = {}


def _externally_accessible(spec: dict[str, Any]) -> bool:
    kind = spec.get("type", "ClusterIP")
    return kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def _allocate_cluster_ip(spec: dict[str, Any], used: set[str | None]) -> None:
    wanted = spec.get("clusterIP")
    if wanted == "None":
        spec["clusterIPs"] = ["None"]
        return
    if wanted:
        try:
            address = ipaddress.ip_address(wanted)
        except ValueError:
            raise AllocationError(
                "spec.clusterIPs[0]", f'Invalid value: "{wanted}": must be a valid IP address'
            ) from None
        if address not in SERVICE_CIDR:
            message = (
                f'Invalid value: "{wanted}": failed to allocate IP {wanted}: the provided IP ({wanted}) '
                f"is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
            )
            raise AllocationError("spec.clusterIPs", message)
        if wanted in used:
            message = f'Invalid value: ["{wanted}"]: failed to allocate IP {wanted}: provided IP is already allocated'
            raise AllocationError("spec.clusterIPs", message)
    else:
        taken = {int(ipaddress.ip_address(ip)) for ip in used if ip and ip != "None"} | _RESERVED
        first, last = int(SERVICE_CIDR.network_address) + 1, int(SERVICE_CIDR.broadcast_address) - 1
        candidate = random.randint(first, last)
        while candidate in taken:
            candidate = first if candidate >= last else candidate + 1
        wanted = str(ipaddress.ip_address(candidate))
    spec["clusterIP"] = wanted
    spec["clusterIPs"] = [wanted]


def _allocate_node_port(owner: dict[str, Any], used: set[Any], field: str, path: str) -> None:
    """owner[field]: the port asked for if it is free and in range, else a free one picked at random."""
    wanted = owner.get(field)
    if wanted:
        if wanted not in NODE_PORTS:
            message = (
                f"Invalid value: {wanted}: provided port is not in the valid range. "
                "The range of valid ports is 30000-32767"
            )
            raise AllocationError(path, message)
        if wanted in used:
            raise AllocationError(path, f"Invalid value: {wanted}: provided port is already allocated")
    else:
        free = [candidate for candidate in NODE_PORTS if candidate not in used]
        if not free:
            raise AllocationError(path, "Internal error: range is full")
        wanted = random.choice(free)
        owner[field] = wanted
    used.add(wanted)
