"""Service IPs and node ports, allocated by the API server when a Service is created, as the real one does."""

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
    kind = spec.get("type", "ClusterIP")
    services = list(existing)
    if kind != "ExternalName":
        _allocate_cluster_ip(spec, {s.get("spec", {}).get("clusterIP") for s in services})
    if kind in ("NodePort", "LoadBalancer"):
        used = {port.get("nodePort") for s in services for port in s.get("spec", {}).get("ports") or []}
        for index, port in enumerate(spec.get("ports") or []):
            _allocate_node_port(port, index, used)


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


def _allocate_node_port(port: dict[str, Any], index: int, used: set[Any]) -> None:
    wanted = port.get("nodePort")
    if wanted:
        if wanted not in NODE_PORTS:
            message = (
                f"Invalid value: {wanted}: provided port is not in the valid range. "
                "The range of valid ports is 30000-32767"
            )
            raise AllocationError(f"spec.ports[{index}].nodePort", message)
        if wanted in used:
            raise AllocationError(
                f"spec.ports[{index}].nodePort", f"Invalid value: {wanted}: provided port is already allocated"
            )
    else:
        free = [candidate for candidate in NODE_PORTS if candidate not in used]
        if not free:
            raise AllocationError(f"spec.ports[{index}].nodePort", "Internal error: range is full")
        wanted = random.choice(free)
        port["nodePort"] = wanted
    used.add(wanted)
