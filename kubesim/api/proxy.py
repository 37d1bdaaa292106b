"""The pods/proxy and services/proxy subresources: HTTP requests relayed to the simulated processes.

`/api/v1/namespaces/NS/pods/[SCHEME:]NAME[:PORT]/proxy/PATH` reaches the pod's IP on PORT (without one, the
first port a container declares, else 80), as the API server does: the process listening there answers
(kuard through its model, kuard.py; the HTTP servers of processes.py with 200 on their pages and 404
elsewhere); no running container listening there is 'dial tcp IP:PORT: connect: connection refused', as a
503 "error trying to reach service". `/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH` picks one of
the Service's ready endpoints for that port (by its name or number) from its Endpoints, taking them in turn
as kube-proxy spreads connections, and never a not-ready one: with none, 503 'no endpoints available for
service "NAME"'. `kubectl proxy` and `kubectl get --raw` use these URLs.
"""

from __future__ import annotations

import itertools
from typing import Any

from kubesim.api.errors import ApiError, not_found
from kubesim.nodes.images import KUARD, ImagePullError, InvalidImageName, resolve
from kubesim.nodes.kuard import HttpAnswer, Kuards
from kubesim.nodes.processes import Process
from kubesim.server.http import Request, Response
from kubesim.store.store import Store

Obj = dict[str, Any]
NGINX_WELCOME = (
    b"<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
    b"<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n"
    b"working. Further configuration is required.</p>\n</body>\n</html>\n"
)
NOT_FOUND_PAGE = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    b"<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n"
)


def is_proxy(parts: list[str]) -> bool:
    """Whether the parts of a path after /api (v1/namespaces/NS/KIND/NAME/proxy/...) name a proxy subresource."""
    return (
        len(parts) >= 6
        and parts[:2] == ["v1", "namespaces"]
        and parts[3] in ("pods", "services")
        and parts[5] == "proxy"
    )


class Proxy:
    def __init__(self, store: Store, kuards: Kuards) -> None:
        self.store, self.kuards = store, kuards
        self.turns: dict[tuple[str, str, str], itertools.count[int]] = {}  # service port -> its next turn

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
        choices = self._ready_endpoints(namespace, name, str(service_port.get("name") or ""))
        if not choices:
            raise no_endpoints
        turn = next(self.turns.setdefault((namespace, name, port), itertools.count()))
        pod_name, number = choices[turn % len(choices)]
        pod = self.store.get("/pods", namespace, pod_name)
        if pod is None:
            raise no_endpoints
        return self._relay(request, pod, number, path)

    def _ready_endpoints(self, namespace: str, name: str, port_name: str) -> list[tuple[str, int]]:
        endpoints = self.store.get("/endpoints", namespace, name) or {}
        choices = []
        for subset in endpoints.get("subsets") or []:
            numbers = [p.get("port") for p in subset.get("ports") or [] if str(p.get("name") or "") == port_name]
            for address in subset.get("addresses") or []:  # notReadyAddresses are never chosen
                ref = address.get("targetRef") or {}
                if ref.get("kind") == "Pod" and numbers:
                    choices.append((str(ref.get("name")), int(numbers[0])))
        return sorted(choices)

    def _relay(self, request: Request, pod: Obj, port: int, path: str) -> Response:
        ip = (pod.get("status") or {}).get("podIP") or ""
        refused = ApiError(
            503,
            "ServiceUnavailable",
            f"error trying to reach service: dial tcp {ip}:{port}: connect: connection refused",
        )
        found = self._listener(pod, port)
        if found is None or not ip:
            raise refused
        container, container_id, process = found
        query = {key: values[-1] for key, values in request.query.items() if values}
        if process.program == KUARD:
            kuard = self.kuards.of(self.store, pod, container, container_id, process)
            return _response(kuard.handle(request.method, path, query, request.body))
        pages = process.http_paths.get(port)
        if pages is None:
            raise ApiError(503, "ServiceUnavailable", "error trying to reach service: EOF")
        if path not in pages:
            return Response(404, NOT_FOUND_PAGE, "text/html")
        body = NGINX_WELCOME if "nginx" in process.argv[0:1] or "nginx" in str(container.get("image")) else b"ok\n"
        return Response(200, body, "text/html")

    def _listener(self, pod: Obj, port: int) -> tuple[Obj, str, Process] | None:
        """The running container whose process listens on the port, its container ID and its process."""
        statuses = {s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or []}
        for container in (pod.get("spec") or {}).get("containers") or []:
            status = statuses.get(container.get("name")) or {}
            if "running" not in (status.get("state") or {}):
                continue
            try:
                image = resolve(str(container.get("image") or "")).image
            except (InvalidImageName, ImagePullError):
                continue
            process = Process.of(container, image)
            if port in process.ports:
                return container, str(status.get("containerID") or ""), process
        return None


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


def _response(answer: HttpAnswer) -> Response:
    return Response(answer.status, answer.body, answer.content_type)
