"""The API server's health endpoints: /livez, /readyz and the older /healthz, as kubectl and load balancers read them.

Each answers `ok`; with `?verbose` it lists its checks as `[+]NAME ok` and ends with `livez check passed` (or
readyz, healthz), as kube-apiserver does, so `kubectl get --raw='/readyz?verbose'` (the modern form of `kubectl get
componentstatuses`) shows the same shape. `/readyz/NAME` answers one check; `?exclude=NAME` leaves one out.
Everything kubesim runs lives in its one process: when it answers at all, every check passes.
"""

from __future__ import annotations

from kubesim.server.http import Request, Response

_POST_START_HOOKS = (
    "start-apiserver-admission-initializer", "generic-apiserver-start-informers",
    "priority-and-fairness-config-consumer", "priority-and-fairness-filter", "storage-object-count-tracker-hook",
    "start-system-namespaces-controller", "bootstrap-controller", "start-service-ip-repair-controllers",
    "rbac/bootstrap-roles", "scheduling/bootstrap-system-priority-classes",
    "start-kube-apiserver-admission-initializer", "apiservice-registration-controller",
    "apiservice-status-available-controller", "aggregator-reload-proxy-client-cert",
)  # fmt: skip
_CHECKS = {
    "livez": ("ping", "log", "etcd", *(f"poststarthook/{hook}" for hook in _POST_START_HOOKS)),
    "readyz": ("ping", "log", "etcd", "etcd-readiness", "informer-sync",
               *(f"poststarthook/{hook}" for hook in _POST_START_HOOKS), "shutdown"),
    "healthz": ("ping", "log", "etcd", *(f"poststarthook/{hook}" for hook in _POST_START_HOOKS)),
}  # fmt: skip


def is_health(path: str) -> bool:
    return path.strip("/").split("/")[0] in _CHECKS


def answer(request: Request) -> Response:
    endpoint, _, check = request.path.strip("/").partition("/")
    checks = _CHECKS[endpoint]
    if check:
        if check not in checks:
            return Response(404, b"404 page not found\n", "text/plain; charset=utf-8")
        return Response(200, b"ok", "text/plain; charset=utf-8")
    if "verbose" not in request.query:
        return Response(200, b"ok", "text/plain; charset=utf-8")
    excluded = set(request.query.get("exclude") or [])
    lines = [f"[+]{name} ok" for name in checks if name not in excluded]
    lines += [f"{endpoint} check passed", ""]
    return Response(200, "\n".join(lines).encode(), "text/plain; charset=utf-8")
