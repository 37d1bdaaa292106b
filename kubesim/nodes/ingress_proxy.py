"""The ingress controller's data plane: what its HTTP and HTTPS listeners on the host answer, as ingress-nginx would.

Each request is routed afresh from the store (ingress_routes.py decides where it goes), so a change to an Ingress
applies to the next request. The chosen Service port sends it to one of its ready endpoints in turn (the same
choice kube-proxy makes, network.py), and the process there answers. What the client sees otherwise, in
ingress-nginx's words:

* no rule and no default backend: `404 Not Found`, nginx's page;
* a backend whose Service or port does not exist, or that has no ready endpoint: `503 Service Temporarily
  Unavailable`; nothing listening on the pod's port: `502 Bad Gateway`;
* plain HTTP for a host listed under an Ingress's `spec.tls`: `308 Permanent Redirect` to the same URL on the HTTPS
  listener (ssl-redirect).

Over HTTPS the certificate is chosen by SNI: the one in the Secret (type kubernetes.io/tls, keys `tls.crt` and
`tls.key`) that the matching `spec.tls` entry names, else, like ingress-nginx, a self-signed default certificate
(`Kubernetes Ingress Controller Fake Certificate`, made at start). A missing or unusable Secret falls back to the
default certificate; controllers/ingress.py reports it as a Warning event on the Ingress.

The backend does not see the client's headers: the simulated processes answer from method, path, query and body.
"""

from __future__ import annotations

import base64
import binascii
import ssl
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from kubesim.nodes.host_listeners import Answerer, forward, nginx_page
from kubesim.nodes.ingress_routes import (
    INGRESS_CLASSES,
    INGRESSES,
    Backend,
    RoutingTable,
    SecretRef,
    class_names,
    request_host,
    serves,
)
from kubesim.nodes.network import Network, Unreachable
from kubesim.server.http import Request, Response
from kubesim.server.tls import context_from_pem, self_signed
from kubesim.store.store import Store

Obj = dict[str, Any]
FAKE_CERTIFICATE_NAME = "Kubernetes Ingress Controller Fake Certificate"
DEFAULT_HTTPS_PORT = 443


class CertificateProblem(Exception):
    """A TLS Secret that cannot serve: missing, of the wrong shape, or holding no usable key pair."""


class IngressProxy:
    def __init__(self, store: Store, network: Network) -> None:
        self.store, self.network = store, network
        self.https_port = DEFAULT_HTTPS_PORT  # where redirects send HTTP requests for TLS hosts; set once it listens
        self._contexts: dict[tuple[SecretRef, str], ssl.SSLContext | None] = {}  # by Secret and resourceVersion
        self.tls_context = _server_context(*_fake_certificate())
        self.tls_context.sni_callback = self._choose_certificate

    def routing_table(self) -> RoutingTable:
        """The rules of every Ingress this controller serves, as they are now."""
        classes = class_names(self.store.list(INGRESS_CLASSES))
        return RoutingTable(ingress for ingress in self.store.list(INGRESSES) if serves(ingress, classes))

    def plain(self) -> Answerer:
        """What answers the requests of a connection to the HTTP listener."""
        return lambda request: self.answer(request, secure=False)

    def secure(self) -> Answerer:
        return lambda request: self.answer(request, secure=True)

    def answer(self, request: Request, secure: bool) -> Response:
        host = request_host(request.headers.get("host", ""))
        table = self.routing_table()
        if not secure and table.is_tls_host(host):
            port = "" if self.https_port == DEFAULT_HTTPS_PORT else f":{self.https_port}"
            return nginx_page(308, (("Location", f"https://{host}{port}{request.target}"),))
        backend = table.backend(host, request.path or "/")
        if backend is None:
            return nginx_page(404)
        return self._forward(backend, request)

    def _forward(self, backend: Backend, request: Request) -> Response:
        service = self.store.get("/services", backend.namespace, backend.service) if backend.service else None
        service_port = service_port_of(service, backend.port) if service is not None else None
        target = self.network.to_service(service, service_port) if service and service_port else None
        if target is None:
            return nginx_page(503)
        try:
            return forward(self.network, target, request)
        except Unreachable:
            return nginx_page(502)

    def _choose_certificate(self, connection: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
        if not server_name:
            return
        secret = self.routing_table().secret_for(server_name.lower())
        if secret is None:
            return
        context = self._context_for(secret)
        if context is not None:
            connection.context = context

    def _context_for(self, ref: SecretRef) -> ssl.SSLContext | None:
        secret = self.store.get("/secrets", ref.namespace, ref.name)
        version = str(((secret or {}).get("metadata") or {}).get("resourceVersion") or "")
        key = (ref, version)
        if key not in self._contexts:
            for stale in [known for known in self._contexts if known[0] == ref]:  # an older version of the Secret
                del self._contexts[stale]
            try:
                self._contexts[key] = secret_context(secret)
            except CertificateProblem:
                self._contexts[key] = None
        return self._contexts[key]


def service_port_of(service: Obj, port: int | str) -> Obj | None:
    """The Service's port that an Ingress backend names, by number or by name."""
    for candidate in (service.get("spec") or {}).get("ports") or []:
        if (isinstance(port, int) and candidate.get("port") == port) or (port and candidate.get("name") == port):
            return dict(candidate)
    return None


def secret_context(secret: Obj | None) -> ssl.SSLContext:
    """A server context with the certificate and key of a TLS Secret; raises CertificateProblem saying why not."""
    if secret is None:
        raise CertificateProblem("secret not found")
    data = secret.get("data") or {}
    try:
        certificate, key = (base64.b64decode(data[name], validate=True) for name in ("tls.crt", "tls.key"))
    except KeyError as missing:
        raise CertificateProblem(f"the secret has no {missing.args[0]} key") from None
    except (binascii.Error, TypeError):
        raise CertificateProblem("the secret's data is not base64") from None
    return _server_context(certificate, key)


def _server_context(certificate: bytes, key: bytes) -> ssl.SSLContext:
    try:
        return context_from_pem(certificate, key)
    except (ssl.SSLError, ValueError) as error:
        raise CertificateProblem(f"the certificate and key do not load: {error}") from None


def _fake_certificate() -> tuple[bytes, bytes]:
    """ingress-nginx's default certificate: self-signed, for `ingress.local`, made anew at each start."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme Co"),
            x509.NameAttribute(NameOID.COMMON_NAME, FAKE_CERTIFICATE_NAME),
        ]
    )
    return self_signed(subject, ["ingress.local"])
