"""Where the kubesim ingress controller sends a request, worked out from the Ingresses it serves and nothing else.

This is the routing half of the ingress add-on (the sockets are in host_listeners.py, the status and events in
controllers/ingress.py); it reads no store and opens no socket, so it can be checked on its own. It follows the
Ingress API's rules as ingress-nginx applies them:

* An Ingress is served when its `spec.ingressClassName` names a class of this controller (the IngressClass
  `kubesim`, controller `kubesim.io/ingress`) or, the old way, its annotation `kubernetes.io/ingress.class` does.
* The rules of all served Ingresses are merged into one table of hosts. The request's Host header (lower-cased,
  without its port) picks the host: an exact host first, then a wildcard `*.example.com`, which matches exactly one
  more label (`a.example.com`, neither `example.com` nor `a.b.example.com`); a host that no rule names goes to the
  rules without a host.
* Within the host, the longest matching path wins, counted in path elements; between two of the same length, an
  `Exact` path beats a `Prefix`. `Exact` matches the path exactly (case-sensitive, `/foo` is not `/foo/`);
  `Prefix` matches element by element (`/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`; a trailing
  slash makes no difference); `ImplementationSpecific` is taken as `Prefix`. Among equals, the oldest Ingress wins.
* No matching path: the `spec.defaultBackend` of an Ingress that names the host, else that of the oldest served
  Ingress that has one, else nothing (the controller's 404 page).
* A host listed under `spec.tls` is served over HTTPS with that entry's Secret (`*.example.com` entries match as
  rules do); plain HTTP requests for it are redirected to HTTPS (ingress-nginx's `ssl-redirect` default).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]
INGRESSES = "networking.k8s.io/ingresses"
INGRESS_CLASSES = "networking.k8s.io/ingressclasses"
CONTROLLER = "kubesim.io/ingress"
CLASS_NAME = "kubesim"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
PREFIX_TYPES = ("Prefix", "ImplementationSpecific")


@dataclass(frozen=True)
class Backend:
    """A Service port an Ingress sends requests to: `port` is its number or its name; an empty `service` is a
    backend this controller cannot serve (a `resource` backend), which answers as an unavailable one."""

    namespace: str
    service: str
    port: int | str
    ingress: str  # NAMESPACE/NAME of the Ingress that named it, for messages


@dataclass(frozen=True)
class SecretRef:
    namespace: str
    name: str


@dataclass(frozen=True)
class _Path:
    path: str
    exact: bool
    backend: Backend
    order: int  # the Ingress's age rank, then the path's place in it: the lower wins among equals

    def matches(self, request_path: str) -> bool:
        if self.exact:
            return request_path == self.path
        wanted = _elements(self.path)
        return _elements(request_path)[: len(wanted)] == wanted

    def rank(self) -> tuple[int, int, int]:
        return (-len(_elements(self.path)), 0 if self.exact else 1, self.order)


@dataclass
class _Host:
    paths: list[_Path] = field(default_factory=list)
    default: Backend | None = None  # the defaultBackend of the oldest Ingress that names this host


def serves(ingress: Obj, class_names: Iterable[str]) -> bool:
    """Whether an Ingress belongs to one of these IngressClasses, by spec or by the legacy annotation."""
    names = set(class_names)
    spec = _dict(ingress.get("spec"))
    annotations = _dict(_dict(ingress.get("metadata")).get("annotations"))
    return spec.get("ingressClassName") in names or annotations.get(LEGACY_CLASS_ANNOTATION) in names


def class_names(ingress_classes: Iterable[Obj]) -> set[str]:
    """The names of the IngressClasses this controller implements."""
    return {
        str(_dict(item.get("metadata")).get("name"))
        for item in ingress_classes
        if _dict(item.get("spec")).get("controller") == CONTROLLER
    }


def request_host(host_header: str) -> str:
    """The host a Host header names: lower-cased, without its port or a trailing dot (IPv6 in brackets kept)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.split(":")[0].rstrip(".")


def host_matches(pattern: str, host: str) -> bool:
    """A rule's host against a request's: equal, or `*.suffix` with exactly one label in place of the star."""
    if pattern.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return pattern == host


class RoutingTable:
    """The merged rules of the served Ingresses, oldest first."""

    def __init__(self, ingresses: Iterable[Obj]) -> None:
        self.hosts: dict[str, _Host] = {}
        self.default: Backend | None = None
        self.tls: list[tuple[str, SecretRef | None]] = []  # (host pattern, its Secret; None: the default one)
        for rank, ingress in enumerate(sorted(ingresses, key=_age)):
            self._add(ingress, rank)

    def backend(self, host: str, path: str) -> Backend | None:
        """Where a request for host and path goes; None when nothing is there (404)."""
        chosen = self._host(host)
        if chosen is None:
            return self.default
        matching = [candidate for candidate in chosen.paths if candidate.matches(path)]
        if matching:
            return min(matching, key=_Path.rank).backend
        return chosen.default or self.default

    def secret_for(self, host: str) -> SecretRef | None:
        """The Secret whose certificate is served for this host (SNI); None: the default certificate."""
        secrets = [secret for _, secret in self._tls_entries(host) if secret is not None]
        return secrets[0] if secrets else None

    def is_tls_host(self, host: str) -> bool:
        """Whether the host is served over HTTPS, so plain HTTP requests for it are redirected."""
        return any(True for _ in self._tls_entries(host))

    def backends(self) -> list[Backend]:
        """Every backend the rules and default backends name, once each."""
        named = [path.backend for host in self.hosts.values() for path in host.paths]
        named += [host.default for host in self.hosts.values() if host.default is not None]
        return list(dict.fromkeys([*named, *([self.default] if self.default else [])]))

    def secrets(self) -> set[SecretRef]:
        return {secret for _, secret in self.tls if secret is not None}

    def _tls_entries(self, host: str) -> list[tuple[str, SecretRef | None]]:
        exact = [entry for entry in self.tls if entry[0] == host]
        return exact or [entry for entry in self.tls if entry[0].startswith("*.") and host_matches(entry[0], host)]

    def _host(self, host: str) -> _Host | None:
        if host in self.hosts and host:
            return self.hosts[host]
        for pattern, rules in self.hosts.items():
            if pattern.startswith("*.") and host_matches(pattern, host):
                return rules
        return self.hosts.get("")

    def _add(self, ingress: Obj, rank: int) -> None:
        metadata, spec = _dict(ingress.get("metadata")), _dict(ingress.get("spec"))
        namespace = str(metadata.get("namespace") or "")
        name = f"{namespace}/{metadata.get('name')}"
        default = _backend(spec.get("defaultBackend"), namespace, name)
        if self.default is None:
            self.default = default
        for number, rule in enumerate(_list(spec.get("rules"))):
            rule = _dict(rule)
            host = self.hosts.setdefault(str(rule.get("host") or "").lower(), _Host())
            if host.default is None:
                host.default = default
            for place, http_path in enumerate(_list(_dict(rule.get("http")).get("paths"))):
                http_path = _dict(http_path)
                backend = _backend(http_path.get("backend"), namespace, name)
                if backend is None:
                    continue
                exact = http_path.get("pathType") not in PREFIX_TYPES
                order = (rank * 1000 + number) * 1000 + place
                host.paths.append(_Path(str(http_path.get("path") or "/"), exact, backend, order))
        for entry in _list(spec.get("tls")):
            entry = _dict(entry)
            secret = SecretRef(namespace, str(entry["secretName"])) if entry.get("secretName") else None
            self.tls += [(str(host).lower(), secret) for host in _list(entry.get("hosts"))]


def _backend(backend: Any, namespace: str, ingress: str) -> Backend | None:
    backend = _dict(backend)
    if not backend:
        return None
    service = _dict(backend.get("service"))
    port = _dict(service.get("port"))
    number = port.get("number")
    chosen: int | str = number if isinstance(number, int) else str(port.get("name") or "")
    return Backend(namespace, str(service.get("name") or ""), chosen, ingress)


def _elements(path: str) -> list[str]:
    return [element for element in path.split("/") if element]


def _age(ingress: Obj) -> tuple[str, str, str]:
    metadata = _dict(ingress.get("metadata"))
    return (str(metadata.get("creationTimestamp") or ""), str(metadata.get("namespace")), str(metadata.get("name")))


def _dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
