"""The service view: a Service, the endpoints behind it, and the pods those endpoints are.

A Service is a stable name and virtual IP; where its traffic goes is decided elsewhere (chapter 7): the endpoint
controllers put every pod matching the selector into the Service's EndpointSlices, as a *ready* endpoint when the
pod passes its readiness probe and a *not ready* one otherwise, and kube-proxy sends traffic to ready endpoints only.
This view makes that chain visible:

- the Service: its type, cluster IP (and external IP for a LoadBalancer), ports (`80→8080/TCP`, with the node
  port when there is one) and selector;
- each endpoint of its EndpointSlices (label `kubernetes.io/service-name`), ready or not ready (or terminating),
  with the pod it points to, that pod's node and state;
- the pods the selector matches that have no endpoint yet (not scheduled, no IP yet), and say so.

EndpointSlices rather than the older Endpoints object: Endpoints are deprecated since Kubernetes 1.33, and a slice
says per endpoint whether it is ready, serving and terminating.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client

from kuarlab.views.base import View
from kuarlab.views.pods import COLOURS, PodLook, box_html, look_at
from kuarlab.views.watching import Object

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class ServiceState:
    namespace: str
    name: str
    service: Object | None
    slices: list[Object]
    pods: list[Object]
    label: str = "color"
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Endpoint:
    address: str
    ports: str
    condition: str  # "ready", "not ready" or "terminating"
    pod: PodLook | None
    target: str  # the pod's name from the endpoint's targetRef, even when the pod is gone


def endpoints(state: ServiceState) -> list[Endpoint]:
    looks = {look.name: look for look in (look_at(pod, state.label) for pod in state.pods)}
    result = []
    for endpoint_slice in state.slices:
        ports = ",".join(str(port.get("port")) for port in endpoint_slice.get("ports") or [] if port.get("port"))
        for endpoint in endpoint_slice.get("endpoints") or []:
            target = str((endpoint.get("targetRef") or {}).get("name") or "")
            result.append(
                Endpoint(
                    address=", ".join(endpoint.get("addresses") or ["?"]),
                    ports=ports,
                    condition=_condition(endpoint.get("conditions") or {}),
                    pod=looks.get(target),
                    target=target,
                )
            )
    return sorted(result, key=lambda endpoint: (endpoint.condition != "ready", endpoint.target, endpoint.address))


def pods_without_endpoint(state: ServiceState) -> list[PodLook]:
    """Pods the Service's selector matches that none of its endpoints points to."""
    selector = ((state.service or {}).get("spec") or {}).get("selector") or {}
    if not selector:
        return []  # a Service without a selector gets its endpoints from elsewhere, not from pods
    targets = {endpoint.target for endpoint in endpoints(state)}
    matching = [pod for pod in state.pods if _matches(selector, pod)]
    return sorted(
        (look for look in (look_at(pod, state.label) for pod in matching) if look.name not in targets),
        key=lambda look: look.name,
    )


def render_text(state: ServiceState) -> str:
    lines = [_service_line(state)]
    found = endpoints(state)
    lines.append(f"endpoints: {_count(found)}")
    width = max((len(_address(endpoint)) for endpoint in found), default=0)
    lines.extend(
        f"  {_address(endpoint):<{width}}  {endpoint.condition:<11} → {_pod_text(endpoint)}" for endpoint in found
    )
    orphans = pods_without_endpoint(state)
    if orphans:
        lines.append("pods matching the selector without an endpoint:")
        lines.extend(f"  {look.name}  {look.status} {look.ready}" for look in orphans)
    lines.extend(state.errors)
    return "\n".join(lines)


def render_html(state: ServiceState) -> str:
    found = endpoints(state)
    rows = "".join(
        f'<tr><td><span style="color:{_endpoint_colour(endpoint)}">●</span> {html.escape(_address(endpoint))}</td>'
        f"<td>{html.escape(endpoint.condition)}</td><td>→</td>"
        f"<td>{box_html(endpoint.pod) if endpoint.pod else ''} {html.escape(_pod_text(endpoint))}</td></tr>"
        for endpoint in found
    )
    orphans = "".join(f"{box_html(look)} {html.escape(look.name)} " for look in pods_without_endpoint(state))
    if orphans:
        orphans = f"<div>pods matching the selector without an endpoint: {orphans}</div>"
    errors = "".join(f'<div style="color:#d32f2f">{html.escape(error)}</div>' for error in state.errors)
    return (
        f'<div style="font:12px sans-serif"><div style="font-weight:bold">{html.escape(_service_line(state))}</div>'
        f"<div>endpoints: {html.escape(_count(found))}</div>"
        f'<table style="font:12px monospace">{rows}</table>{orphans}{errors}</div>'
    )


class ServiceView(View):
    """A Service, its endpoints (ready or not) and their pods, live."""

    def __init__(self, api_client: Any, namespace: str, service: str, label: str = "color"):
        super().__init__(api_client, namespace)
        self.service = service.rpartition("/")[2]  # "svc/kuard" as kubectl spells it, or just "kuard"
        self.label = label
        core = client.CoreV1Api(api_client)
        discovery = client.DiscoveryV1Api(api_client)
        self._follow(
            "service", core.list_namespaced_service, namespace=namespace, field_selector=f"metadata.name={self.service}"
        )
        self._follow(
            "endpointslices",
            discovery.list_namespaced_endpoint_slice,
            namespace=namespace,
            label_selector=f"{SERVICE_NAME_LABEL}={self.service}",
        )
        self._follow("pods", core.list_namespaced_pod, namespace=namespace)
        self._started()

    def state(self) -> ServiceState:
        services = self._objects("service")
        return ServiceState(
            self.namespace,
            self.service,
            services[0] if services else None,
            self._objects("endpointslices"),
            self._objects("pods"),
            label=self.label,
            errors=self._errors(),
        )

    def text(self) -> str:
        return render_text(self.state())

    def html(self) -> str:
        return render_html(self.state())


def _service_line(state: ServiceState) -> str:
    if state.service is None:
        return f"service {state.name}: not found in namespace {state.namespace}"
    spec = state.service.get("spec") or {}
    kind = str(spec.get("type") or "ClusterIP")
    parts = [f"service {state.name}", f"{kind} {spec.get('clusterIP') or '<none>'}"]
    ingress = ((state.service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if kind == "LoadBalancer":
        external = ", ".join(str(each.get("ip") or each.get("hostname")) for each in ingress) or "<pending>"
        parts.append(f"external {external}")
    if kind == "ExternalName":
        parts.append(f"→ {spec.get('externalName')}")
    ports = ", ".join(_port_text(port) for port in spec.get("ports") or [])
    if ports:
        parts.append(ports)
    selector = spec.get("selector") or {}
    parts.append("selector " + (",".join(f"{key}={value}" for key, value in sorted(selector.items())) or "<none>"))
    return " · ".join(parts)


def _port_text(port: Object) -> str:
    text = f"{port.get('port')}→{port.get('targetPort', port.get('port'))}/{port.get('protocol') or 'TCP'}"
    if port.get("nodePort"):
        text += f" (node port {port['nodePort']})"
    return f"{port['name']} {text}" if port.get("name") else text


def _condition(conditions: Object) -> str:
    if conditions.get("terminating"):
        return "terminating"
    return "not ready" if conditions.get("ready") is False else "ready"  # unset means ready, as the API documents


def _matches(selector: dict[str, str], pod: Object) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return all(labels.get(key) == value for key, value in selector.items())


def _count(found: list[Endpoint]) -> str:
    if not found:
        return "none"
    counts = Counter(endpoint.condition for endpoint in found)
    text = f"{counts['ready']} ready, {counts['not ready']} not ready"
    return text + (f", {counts['terminating']} terminating" if counts["terminating"] else "")


def _address(endpoint: Endpoint) -> str:
    return f"{endpoint.address}:{endpoint.ports}" if endpoint.ports else endpoint.address


def _pod_text(endpoint: Endpoint) -> str:
    if endpoint.pod is None:
        return f"pod {endpoint.target}" if endpoint.target else "(no pod)"
    look = endpoint.pod
    where = f" on {look.node}" if look.node else ""
    return f"pod {look.name}{where} ({look.status} {look.ready})"


def _endpoint_colour(endpoint: Endpoint) -> str:
    return {"ready": COLOURS["ready"], "not ready": COLOURS["not-ready"]}.get(endpoint.condition, COLOURS["pending"])
