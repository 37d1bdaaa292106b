"""The ingress controller's control loop, as ingress-nginx runs in a kind cluster: status, events, its address.

The add-on has two halves. Its data plane (nodes/ingress_proxy.py, routing by nodes/ingress_routes.py) listens on
the host, HTTP on one port and HTTPS on another (`kubesim serve --ingress-port N --ingress-tls-port M`; 0, the
default, reuses the ports of the last run when they are free, else takes free ones). This loop tells the cluster
about it:

* The IngressClass `kubesim` (controller `kubesim.io/ingress`, the default class, created at bootstrap) carries the
  annotation `kubesim.io/host-ports: "80/TCP=127.0.0.1:HTTP,443/TCP=127.0.0.1:HTTPS"`, the format of Services'
  host ports (controllers/host_ports.py), so `kubesim ports` and learners find the listeners.
* Every Ingress it serves (its class, or the legacy annotation `kubernetes.io/ingress.class: kubesim`) gets
  `status.loadBalancer.ingress: [{ip: 127.0.0.1, ports: [HTTP, HTTPS]}]`, so `kubectl get ingress` shows the
  ADDRESS, and the event `Sync` "Scheduled for sync" for each new generation, as ingress-nginx writes it.
* What would make it answer differently from what the Ingress asks is a Warning event, once per problem: a backend
  Service or port that does not exist (`ServiceNotFound`, `ServicePortNotFound`; requests get 503) and a TLS
  Secret that is missing or holds no usable key pair (`SecretNotFound`, `InvalidCertificate`; the default
  certificate is served instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, LoopbackClient
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.host_ports import ANNOTATION, host_ports_annotation, parse_host_ports
from kubesim.controllers.objects import api_path
from kubesim.controllers.runtime import Controller
from kubesim.nodes.host_listeners import HOST, HostListeners
from kubesim.nodes.ingress_proxy import CertificateProblem, IngressProxy, secret_context, service_port_of
from kubesim.nodes.ingress_routes import (
    CLASS_NAME,
    INGRESS_CLASSES,
    INGRESSES,
    Backend,
    RoutingTable,
    SecretRef,
    class_names,
    serves,
)
from kubesim.store.store import DELETED, Event, Key, Store

COMPONENT = "kubesim-ingress-controller"
HTTP_LISTENER, HTTPS_LISTENER = "ingress/http", "ingress/https"
HTTP_PORT, HTTPS_PORT = 80, 443  # the ports the add-on would have on a node, named in the annotation

Obj = dict[str, Any]
Place = tuple[str, str]


async def open_ingress(
    listeners: HostListeners, proxy: IngressProxy, store: Store, http_port: int, https_port: int
) -> None:
    """Open the add-on's listeners: on the ports asked for (raising OSError when taken), else on last run's."""
    last = remembered_ports(store)
    for key, port, remembered, connector, context in (
        (HTTP_LISTENER, http_port, last.get(HTTP_PORT, 0), proxy.plain, None),
        (HTTPS_LISTENER, https_port, last.get(HTTPS_PORT, 0), proxy.secure, proxy.tls_context),
    ):
        if port:
            await listeners.open(key, connector, port, context)
        else:
            await listeners.open_or_any(key, connector, remembered, context)
    proxy.https_port = listeners.port(HTTPS_LISTENER) or proxy.https_port


def remembered_ports(store: Store) -> dict[int, int]:
    """The host ports the IngressClass `kubesim` published last run, by the add-on's port (80, 443)."""
    ingress_class = store.get(INGRESS_CLASSES, "", CLASS_NAME) or {}
    value = ((ingress_class.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION) or ""
    found = {}
    for port, address in parse_host_ports(value):
        number, host_port = port.partition("/")[0], address.rpartition(":")[2]
        if number.isdigit() and host_port.isdigit():
            found[int(number)] = int(host_port)
    return found


class IngressController(Controller):
    name = COMPONENT

    def __init__(self, context: ControllerContext, listeners: HostListeners) -> None:
        self.store, self.listeners = context.api.store, listeners
        self.client = LoopbackClient(context.api, context.token, COMPONENT)
        self.events = context.recorder(COMPONENT)
        self.synced: dict[Place, Any] = {}  # the generation of each Ingress last announced with Sync
        self.problems: dict[Place, set[tuple[str, str]]] = {}  # the Warnings each Ingress was last given

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == INGRESSES:
            if event.type == DELETED:
                self.synced.pop((event.namespace, event.name), None)
                self.problems.pop((event.namespace, event.name), None)
                return []
            return [(INGRESSES, event.namespace, event.name)]
        if event.resource == INGRESS_CLASSES:
            own = [(INGRESS_CLASSES, "", event.name)] if _is_ours(event.object) and event.type != DELETED else []
            return own + self._ingresses_in("")
        if event.resource in ("/services", "/secrets"):
            return self._ingresses_in(event.namespace)
        return []

    def _ingresses_in(self, namespace: str) -> list[Key]:
        """The Ingresses of a namespace (of all, for ""), whose answers a change there may alter."""
        return [
            (INGRESSES, ingress["metadata"].get("namespace") or "", ingress["metadata"]["name"])
            for ingress in self.store.list(INGRESSES, namespace or None)
        ]

    async def reconcile(self, key: Key) -> float | None:
        resource, namespace, name = key
        if resource == INGRESS_CLASSES:
            await self._publish_ports(name)
            return None
        ingress = self.store.get(INGRESSES, namespace, name)
        if ingress is None or not serves(ingress, class_names(self.store.list(INGRESS_CLASSES))):
            return None
        place = (namespace, name)
        generation = ingress["metadata"].get("generation")
        if self.synced.get(place) != generation:
            self.synced[place] = generation
            self.events.normal(ingress, "Sync", "Scheduled for sync")
        self._warn(ingress, place)
        await self.client.patch_status(INGRESSES, ingress, {"loadBalancer": {"ingress": self._addresses()}})
        return None

    def _addresses(self) -> list[Obj]:
        ports = [self.listeners.port(HTTP_LISTENER), self.listeners.port(HTTPS_LISTENER)]
        return [{"ip": HOST, "ports": [{"port": port, "protocol": "TCP"} for port in ports if port]}]

    def _warn(self, ingress: Obj, place: Place) -> None:
        table = RoutingTable([ingress])
        problems = {problem for backend in table.backends() if (problem := self._backend_problem(backend))}
        problems |= {problem for secret in table.secrets() if (problem := self._secret_problem(secret))}
        for reason, message in sorted(problems - self.problems.get(place, set())):
            self.events.warning(ingress, reason, message)
        self.problems[place] = problems

    def _backend_problem(self, backend: Backend) -> tuple[str, str] | None:
        if not backend.service:
            return ("ServiceNotFound", f"{backend.ingress}: only Service backends are served")
        service = self.store.get("/services", backend.namespace, backend.service)
        name = f'service "{backend.namespace}/{backend.service}"'
        if service is None:
            return ("ServiceNotFound", f"{name} not found: its requests get 503")
        if service_port_of(service, backend.port) is None:
            return ("ServicePortNotFound", f"{name} has no port {backend.port}: its requests get 503")
        return None

    def _secret_problem(self, ref: SecretRef) -> tuple[str, str] | None:
        secret = self.store.get("/secrets", ref.namespace, ref.name)
        name = f'secret "{ref.namespace}/{ref.name}"'
        if secret is None:
            return ("SecretNotFound", f"{name} not found: the default certificate is served")
        try:
            secret_context(secret)
        except CertificateProblem as problem:
            return ("InvalidCertificate", f"{name}: {problem}: the default certificate is served")
        return None

    async def _publish_ports(self, name: str) -> None:
        ingress_class = self.store.get(INGRESS_CLASSES, "", name)
        http_port, https_port = self.listeners.port(HTTP_LISTENER), self.listeners.port(HTTPS_LISTENER)
        if ingress_class is None or http_port is None or https_port is None:
            return
        value = host_ports_annotation({HTTP_PORT: http_port, HTTPS_PORT: https_port})
        if ((ingress_class["metadata"].get("annotations") or {}).get(ANNOTATION)) == value:
            return
        path = api_path("networking.k8s.io", "v1", "ingressclasses", "", name)
        try:
            await self.client.patch_merge(path, {"metadata": {"annotations": {ANNOTATION: value}}})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _is_ours(ingress_class: Obj) -> bool:
    return bool(class_names([ingress_class]))
