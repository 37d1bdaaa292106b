"""NodePort and LoadBalancer Services reachable from the host, as Docker Desktop's Kubernetes makes them.

For every TCP port of a Service of type NodePort or LoadBalancer, kubesim listens on 127.0.0.1 at the port's
nodePort (a LoadBalancer Service without node ports gets a free port), and relays each connection to the Service as
kube-proxy would (nodes/host_listeners.py). When the node port is taken on the host, by another program or another
kubesim, a free port is used instead and the Service gets a Warning event `NodePortUnavailable`.

Where each port can be reached is published on the Service in the annotation `kubesim.io/host-ports`: one entry per
port, comma-separated, `PORT/PROTOCOL=127.0.0.1:HOSTPORT`, such as `80/TCP=127.0.0.1:30080,443/TCP=127.0.0.1:30443`
(PORT is the Service's port, HOSTPORT where to connect on the host). The listeners close when the Service is
deleted or stops asking for them (another type, other ports), and open again from the store when kubesim restarts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, LoopbackClient
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.nodes.host_listeners import HOST, HostListeners, service_connector
from kubesim.store.store import Event, Key

SERVICES = "/services"
ANNOTATION = "kubesim.io/host-ports"
COMPONENT = "kubesim-host-ports"

Obj = dict[str, Any]
Place = tuple[str, str]


def host_ports_annotation(ports: dict[int, int], protocol: str = "TCP") -> str:
    """The annotation's value for these (service port -> host port), in port order."""
    return ",".join(f"{port}/{protocol}={HOST}:{host_port}" for port, host_port in sorted(ports.items()))


def parse_host_ports(value: str) -> list[tuple[str, str]]:
    """The annotation's entries as (PORT/PROTOCOL, HOST:PORT); entries of another shape are left out."""
    entries = [entry.strip().partition("=") for entry in value.split(",")]
    return [(port, address) for port, sign, address in entries if sign and port and address]


class HostPortsController(Controller):
    name = COMPONENT

    def __init__(self, context: ControllerContext, listeners: HostListeners) -> None:
        self.store, self.network, self.listeners = context.api.store, context.network, listeners
        self.client = LoopbackClient(context.api, context.token, COMPONENT)
        self.events = context.recorder(COMPONENT)
        self.opened: dict[Place, dict[int, tuple[int, int]]] = {}  # Service -> its port -> (node port, host port)

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource != SERVICES:
            return []
        place = (event.namespace, event.name)
        wanted = _wanted_ports(event.object) if event.type != "DELETED" else {}
        if wanted or place in self.opened or ANNOTATION in _annotations(event.object):
            return [(SERVICES, *place)]
        return []

    async def reconcile(self, key: Key) -> float | None:
        _, namespace, name = key
        place = (namespace, name)
        service = self.store.get(SERVICES, namespace, name)
        wanted = _wanted_ports(service) if service is not None and not is_terminating(service) else {}
        opened = self.opened.pop(place, {})
        for port, (node_port, _) in opened.items():
            if wanted.get(port) != node_port:
                await self.listeners.close(_listener_key(place, port))
        now = {port: found for port, found in opened.items() if wanted.get(port) == found[0]}
        for port, node_port in wanted.items():
            if port not in now:
                now[port] = (node_port, await self._open(service or {}, place, port, node_port))
        if now:
            self.opened[place] = now
        if service is not None:
            await self._publish(service, {port: host_port for port, (_, host_port) in now.items()})
        return None

    async def _open(self, service: Obj, place: Place, port: int, node_port: int) -> int:
        connector = service_connector(self.store, self.network, place[0], place[1], port)
        host_port = await self.listeners.open_or_any(_listener_key(place, port), connector, node_port)
        if node_port and host_port != node_port:
            message = f"node port {node_port} is taken on the host: port {port}/TCP listens on {HOST}:{host_port}"
            self.events.warning(service, "NodePortUnavailable", message)
        return host_port

    async def _publish(self, service: Obj, ports: dict[int, int]) -> None:
        value = host_ports_annotation(ports) if ports else None
        if _annotations(service).get(ANNOTATION) == value:
            return
        metadata = service["metadata"]
        path = api_path("", "v1", "services", metadata["namespace"], metadata["name"])
        try:
            await self.client.patch_merge(path, {"metadata": {"annotations": {ANNOTATION: value}}})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _wanted_ports(service: Obj) -> dict[int, int]:
    """The TCP ports of a NodePort or LoadBalancer Service and their node ports (0 when it has none)."""
    spec = service.get("spec") or {}
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return {}
    return {
        int(port["port"]): int(port.get("nodePort") or 0)
        for port in spec.get("ports") or []
        if isinstance(port, dict) and isinstance(port.get("port"), int) and (port.get("protocol") or "TCP") == "TCP"
    }


def _annotations(obj: Obj) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("annotations") or {})


def _listener_key(place: Place, port: int) -> str:
    return f"service/{place[0]}/{place[1]}/{port}"
