"""The pods/proxy and services/proxy subresources: HTTP requests relayed to the simulated processes.

`/api/v1/namespaces/NS/pods/[SCHEME:]NAME[:PORT]/proxy/PATH` reaches the pod's IP on PORT (without one, the
first port a container declares, else 80), as the API server does: the process listening there answers
(kuard through its model, kuard.py; the HTTP servers of processes.py with 200 on their pages and 404
elsewhere); no running container listening there is 'dial tcp IP:PORT: connect: connection refused', as a
503 "error trying to reach service". `/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH` picks one of
the Service's ready endpoints for that port (by its name or number) as kube-proxy would (network.py: in turn,
never a not-ready one); with none, 503 'no endpoints available for
service "NAME"'. `kubectl proxy` and `kubectl get --raw` use these URLs.
"""

from __future__ import annotations

from typing import Any

from kubesim.api.errors import ApiError, not_found
from kubesim.nodes.network import Network, Target, Unreachable
from kubesim.server.http import Request, Response
from kubesim.store.store import Store

Obj = dict[str, Any]


def is_proxy(parts: list[str]) -> bool:
    """Whether the parts of a path after /api (v1/namespaces/NS/KIND/NAME/proxy/...) name a proxy subresource."""
    return (
        len(parts) >= 6
        and parts[:2] == ["v1", "namespaces"]
        and parts[3] in ("pods", "services")
        and parts[5] == "proxy"
    )


class Proxy:
    def __init__(self, store: Store, network: Network) -> None:
        self.store, self.network = store, network

    def handle(self, request: Request) -> Response:
        parts = request.path.split("/")
        # ["", "api", "v1", "namespaces", NS, KIND, NAME, "proxy", ...]
        namespace, kind, target = parts[4], parts[5], parts[6]
        path = "/" + "/".join(parts[8:])
        if kind == "pods":
            return self._to_pod(request, namespace, target, path)
        return self._to_service(request, namespace, target, path)

    def _to_pod(self, request: Request, namespace: str, target: str, path: str) -> Response:
        pieces = target.split(":")
        name, port = (pieces[1], pieces[2]) if len(pieces) == 3 else (pieces[0], pieces[1] if len(pieces) > 1 else "")
        pod = self.store.get("/pods", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        number = _pod_port(pod, port)
        if number is None:
            raise ApiError(503, "ServiceUnavailable", f"error trying to reach service: invalid port {port!r}")
        return self._relay(request, pod, number, path)

    def _to_service(self, request: Request, namespace: str, target: str, path: str) -> Response:
        pieces = target.split(":")
        name, port = (pieces[1], pieces[2]) if len(pieces) == 3 else (pieces[0], pieces[1] if len(pieces) > 1 else "")
        service = self.store.get("/services", namespace, name)
        if service is None:
            raise not_found("services", name)
        no_endpoints = ApiError(503, "ServiceUnavailable", f'no endpoints available for service "{name}"')
        service_port = _service_port(service, port)
        if service_port is None:
            raise no_endpoints
        endpoint = self.network.to_service(service, service_port)
        if endpoint is None:
            raise no_endpoints
        return self._relay(request, endpoint.pod, endpoint.port, path)

    def _relay(self, request: Request, pod: Obj, port: int, path: str) -> Response:
        query = {key: values[-1] for key, values in request.query.items() if values}
        try:
            answer = self.network.http(Target(pod, port), request.method, path, query, request.body)
        except Unreachable as unreachable:
            ip = (pod.get("status") or {}).get("podIP") or ""
            reason = f"dial tcp {ip}:{port}: connect: connection refused" if unreachable.refused else "EOF"
            raise ApiError(503, "ServiceUnavailable", f"error trying to reach service: {reason}") from None
        return Response(answer.status, answer.body, answer.content_type)


def _pod_port(pod: Obj, port: str) -> int | None:
    if port.isdigit():
        return int(port)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for declared in container.get("ports") or []:
            if not port or declared.get("name") == port:
                return int(declared.get("containerPort") or 0)
    return 80 if not port else None


def _service_port(service: Obj, port: str) -> Obj | None:
    ports = (service.get("spec") or {}).get("ports") or []
    for candidate in ports:
        if str(candidate.get("name") or "") == port or str(candidate.get("port")) == port:
            return candidate
    return ports[0] if not port and len(ports) == 1 else None
