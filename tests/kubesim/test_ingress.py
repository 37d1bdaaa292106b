"""The ingress add-on end to end (chapter 8): Ingresses applied with the real kubectl from fixtures/book/ch08-ingress,
requests sent from here over HTTP and HTTPS to the controller's ports on 127.0.0.1, answered by the kuard pods."""

from __future__ import annotations

import datetime
import http.client
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "ingress-test"
CHAPTER = Path(__file__).resolve().parents[2] / "fixtures" / "book" / "ch08-ingress"


@pytest.fixture(scope="module")
def ingress(cluster: Cluster) -> Iterator[Cluster]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    for name in ("alpaca", "bandicoot", "host-ingress", "path-ingress"):
        cluster.kubectl("apply", "-n", NAMESPACE, "-f", str(CHAPTER / f"{name}.yaml"))
    for service in ("alpaca", "bandicoot"):
        assert eventually(lambda service=service: len(_ready_addresses(cluster, service)) == 3), f"{service} not ready"
    yield cluster


def _json(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl(*args, "-o", "json").stdout)


def _ready_addresses(cluster: Cluster, service: str) -> list[str]:
    endpoints = _json(cluster, "get", "endpoints", service, "-n", NAMESPACE)
    return [a["ip"] for subset in endpoints.get("subsets") or [] for a in subset.get("addresses") or []]


def _ports(cluster: Cluster) -> dict[str, int]:
    """The ingress listeners' host ports as the IngressClass publishes them: {"80/TCP": ..., "443/TCP": ...}."""
    annotations = _json(cluster, "get", "ingressclass", "kubesim")["metadata"]["annotations"]
    entries = (entry.split("=") for entry in annotations["kubesim.io/host-ports"].split(","))
    return {port: int(address.rsplit(":", 1)[1]) for port, address in entries}


def _get(cluster: Cluster, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", _ports(cluster)["80/TCP"], timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _get_tls(cluster: Cluster, host: str, path: str, context: ssl.SSLContext) -> tuple[int, bytes, x509.Certificate]:
    """A GET over HTTPS with `host` as SNI and Host header: the status, the body and the certificate served."""
    port = _ports(cluster)["443/TCP"]
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        certificate = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True) or b"")
        response = http.client.HTTPResponse(tls)  # type: ignore[arg-type]
        response.begin()
        return response.status, response.read(), certificate


def _hostname(body: bytes) -> str:
    """The pod that answered kuard's /env/api."""
    return str(json.loads(body)["env"]["HOSTNAME"])


def _answered_by(cluster: Cluster, host: str, path: str) -> str:
    status, _, body = _get(cluster, host, path)
    assert status == 200, (host, path, status, body[:200])
    return _hostname(body)


def _events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    selector = f"involvedObject.name={name},involvedObject.kind=Ingress"
    items = _json(cluster, "get", "events", "-n", NAMESPACE, "--field-selector", selector)["items"]
    return [(item["type"], item["reason"], item["message"]) for item in items]


def test_served_ingresses_show_the_local_address_and_a_sync_event(ingress: Cluster) -> None:
    def address() -> str:
        return ingress.kubectl("get", "ingress", "host-ingress", "-n", NAMESPACE, "--no-headers").stdout.split()[3]

    assert eventually(lambda: address() == "127.0.0.1"), address()
    status = _json(ingress, "get", "ingress", "host-ingress", "-n", NAMESPACE)["status"]["loadBalancer"]["ingress"]
    ports = _ports(ingress)
    assert status == [
        {"ip": "127.0.0.1", "ports": [{"port": ports[p], "protocol": "TCP"} for p in ("80/TCP", "443/TCP")]}
    ]
    assert ("Normal", "Sync", "Scheduled for sync") in _events(ingress, "host-ingress")


def test_an_ingress_routed_by_host_and_path(ingress: Cluster) -> None:
    assert _answered_by(ingress, "alpaca.example.com", "/env/api").startswith("alpaca-")
    assert _answered_by(ingress, "ALPACA.example.com:80", "/env/api").startswith("alpaca-")
    assert _answered_by(ingress, "bandicoot.example.com", "/env/api").startswith("bandicoot-")
    # /a/ goes to alpaca unrewritten: kuard has no page there, and says so itself (not nginx's 404 page)
    status, _, body = _get(ingress, "bandicoot.example.com", "/a/env/api")
    assert (status, body) == (404, b"404 page not found\n")


def test_the_longest_path_wins_and_exact_beats_prefix(ingress: Cluster) -> None:
    paths = [
        ("/env/api", "Prefix", "bandicoot"),
        ("/", "Prefix", "alpaca"),
        ("/env", "Prefix", "alpaca"),
        ("/env/api", "Exact", "alpaca"),
    ]
    rules = [
        {"path": path, "pathType": kind, "backend": {"service": {"name": to, "port": {"number": 8080}}}}
        for path, kind, to in paths
    ]
    manifest = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "precedence", "namespace": NAMESPACE},
        "spec": {"rules": [{"host": "paths.example.com", "http": {"paths": rules}}]},
    }
    ingress.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    assert eventually(lambda: _get(ingress, "paths.example.com", "/env/api")[0] == 200)
    assert _answered_by(ingress, "paths.example.com", "/env/api").startswith("alpaca-")
    assert _answered_by(ingress, "paths.example.com", "/env/api/").startswith("bandicoot-")
    ingress.kubectl("delete", "ingress", "precedence", "-n", NAMESPACE)


def test_unknown_hosts_get_404_until_a_default_backend_takes_them(ingress: Cluster) -> None:
    status, headers, body = _get(ingress, "nobody.example.com", "/env/api")
    assert status == 404 and b"<center><h1>404 Not Found</h1></center>" in body and headers["Server"] == "nginx"
    ingress.kubectl("apply", "-n", NAMESPACE, "-f", str(CHAPTER / "simple-ingress.yaml"))
    try:
        created = _json(ingress, "get", "ingress", "simple-ingress", "-n", NAMESPACE)
        assert created["spec"]["ingressClassName"] == "kubesim"  # the DefaultIngressClass admission
        assert eventually(lambda: _get(ingress, "nobody.example.com", "/env/api")[0] == 200)
        assert _answered_by(ingress, "nobody.example.com", "/env/api").startswith("alpaca-")
        assert _answered_by(ingress, "bandicoot.example.com", "/env/api").startswith("bandicoot-")  # rules first
    finally:
        ingress.kubectl("delete", "-n", NAMESPACE, "-f", str(CHAPTER / "simple-ingress.yaml"))


def test_backends_without_ready_endpoints_get_503_and_missing_services_a_warning(ingress: Cluster) -> None:
    ingress.kubectl("create", "service", "clusterip", "nobody", "--tcp=8080", "-n", NAMESPACE)
    routes = [("/empty", "nobody"), ("/missing", "no-such-service")]
    manifest = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        # the legacy way to pick a class, still served
        "metadata": {
            "name": "broken",
            "namespace": NAMESPACE,
            "annotations": {"kubernetes.io/ingress.class": "kubesim"},
        },
        "spec": {
            "rules": [
                {
                    "host": "broken.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": path,
                                "pathType": "Prefix",
                                "backend": {"service": {"name": to, "port": {"number": 8080}}},
                            }
                            for path, to in routes
                        ]
                    },
                }
            ]
        },
    }
    ingress.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    assert eventually(lambda: _get(ingress, "broken.example.com", "/empty")[0] == 503)
    status, _, body = _get(ingress, "broken.example.com", "/missing")
    assert status == 503 and b"503 Service Temporarily Unavailable" in body
    warning = ("Warning", "ServiceNotFound", f'service "{NAMESPACE}/no-such-service" not found: its requests get 503')
    assert eventually(lambda: warning in _events(ingress, "broken")), _events(ingress, "broken")


def _certificate(host: str) -> tuple[bytes, bytes, bytes]:
    """A CA, and a certificate for host that it signs, with the certificate's key: (CA PEM, cert PEM, key PEM)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")])

    def builder(subject: x509.Name, public_key: Any) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    ca = (
        builder(ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    certificate = (
        builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]), key.public_key())
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = serialization.Encoding.PEM
    return ca.public_bytes(pem), certificate.public_bytes(pem), key_pem


def _common_name(certificate: x509.Certificate) -> str:
    return str(certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_tls_hosts_are_served_with_their_secret_by_sni_and_http_is_redirected(ingress: Cluster, tmp_path: Path) -> None:
    host = "secure.example.com"
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    ingress.kubectl("apply", "-n", NAMESPACE, "-f", str(CHAPTER / "tls-ingress.yaml"))

    # before its Secret exists: the default certificate, and a Warning saying so
    secret_missing = ("Warning", "SecretNotFound")
    assert eventually(lambda: any(event[:2] == secret_missing for event in _events(ingress, "tls-ingress")))
    status, _, served = _get_tls(ingress, host, "/env/api", unverified)
    assert _common_name(served) == "Kubernetes Ingress Controller Fake Certificate"

    ca, certificate, key = _certificate(host)
    (tmp_path / "tls.crt").write_bytes(certificate)
    (tmp_path / "tls.key").write_bytes(key)
    ingress.kubectl(
        "create", "secret", "tls", "secure-example-tls", "-n", NAMESPACE,
        f"--cert={tmp_path / 'tls.crt'}", f"--key={tmp_path / 'tls.key'}",
    )  # fmt: skip
    trusting = ssl.create_default_context(cadata=ca.decode())

    def verified() -> tuple[int, bytes, x509.Certificate] | None:
        try:
            return _get_tls(ingress, host, "/env/api", trusting)
        except ssl.SSLCertVerificationError:
            return None

    answer = eventually(verified)
    assert answer is not None, "the Secret's certificate was never served"
    assert answer[0] == 200 and _hostname(answer[1]).startswith("alpaca-")
    assert _common_name(_get_tls(ingress, "other.example.com", "/", unverified)[2]).startswith("Kubernetes Ingress")

    status, headers, _ = _get(ingress, host, "/env/api?x=1")
    assert status == 308
    assert headers["Location"] == f"https://{host}:{_ports(ingress)['443/TCP']}/env/api?x=1"
    assert _get(ingress, "alpaca.example.com", "/env/api")[0] == 200  # hosts without TLS stay on HTTP


def test_a_bad_certificate_falls_back_to_the_default_one_with_a_warning(ingress: Cluster) -> None:
    bad = {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/tls",
        "metadata": {"name": "broken-tls", "namespace": NAMESPACE},
        "stringData": {"tls.crt": "not a certificate", "tls.key": "not a key"},
    }
    ingress.kubectl("apply", "-f", "-", stdin=json.dumps(bad))  # the API checks the keys are there, not what they hold
    manifest = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "bad-cert", "namespace": NAMESPACE},
        "spec": {
            "tls": [{"hosts": ["bad.example.com"], "secretName": "broken-tls"}],
            "rules": [
                {
                    "host": "bad.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "alpaca", "port": {"number": 8080}}},
                            }
                        ]
                    },
                }
            ],
        },
    }
    ingress.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    assert eventually(lambda: any(e[:2] == ("Warning", "InvalidCertificate") for e in _events(ingress, "bad-cert")))
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    status, body, served = _get_tls(ingress, "bad.example.com", "/env/api", unverified)
    assert status == 200 and _hostname(body).startswith("alpaca-")
    assert _common_name(served) == "Kubernetes Ingress Controller Fake Certificate"


def test_requests_that_are_not_http_get_400_and_the_controller_goes_on(ingress: Cluster) -> None:
    with socket.create_connection(("127.0.0.1", _ports(ingress)["80/TCP"]), timeout=10) as raw:
        raw.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400 Bad Request")
    assert _answered_by(ingress, "alpaca.example.com", "/env/api").startswith("alpaca-")
