"""The cluster's own certificate authority and the server certificate it signs, kept in the data dir; and the TLS
helpers the simulated servers share: a server context from a PEM pair held in memory (a Secret's), and a
self-signed certificate (ingress-nginx's default one)."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALIDITY = datetime.timedelta(days=3650)


@dataclass(frozen=True)
class Certificates:
    ca_cert: Path
    server_cert: Path
    server_key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.server_cert, self.server_key)
        context.set_alpn_protocols(["http/1.1"])  # kubectl falls back from HTTP/2 when it is not offered
        return context


def ensure_certificates(folder: Path) -> Certificates:
    """Create the CA and the server certificate once; later starts reuse them, so kubeconfigs stay valid."""
    paths = Certificates(folder / "ca.crt", folder / "server.crt", folder / "server.key")
    if all(path.exists() for path in (paths.ca_cert, paths.server_cert, paths.server_key)):
        return paths
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubesim-ca")])
    now = datetime.datetime.now(datetime.UTC)
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(*_CA_USAGE), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in ("localhost", "kubernetes", "kubernetes.default")]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    server_cert = (
        _builder(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]),
            ca_name,
            server_key.public_key(),
            now,
        )
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    _write(paths.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(paths.server_cert, server_cert.public_bytes(serialization.Encoding.PEM))
    _write(paths.server_key, _key_bytes(server_key))
    _write(folder / "ca.key", _key_bytes(ca_key))
    return paths


_CA_USAGE = (True, False, False, False, False, True, True, False, False)  # digital signature, cert and CRL signing


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePublicKey,
    now: datetime.datetime,
    validity: datetime.timedelta = VALIDITY,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + validity)
    )


def _key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes) -> None:
    """Written readable by the owner alone: these files are the keys to the cluster."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def context_from_pem(certificate: bytes, key: bytes) -> ssl.SSLContext:
    """A server context for a PEM certificate (chain) and key held in memory. ssl loads key pairs from files only,
    so they pass through a private temporary directory and are gone once loaded; raises ssl.SSLError or ValueError
    when they do not load."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.set_alpn_protocols(["http/1.1"])
    with tempfile.TemporaryDirectory(prefix="kubesim-tls-") as folder:
        chain, secret = Path(folder) / "tls.crt", Path(folder) / "tls.key"
        _write(chain, certificate)
        _write(secret, key)
        context.load_cert_chain(chain, secret)
    return context


def self_signed(subject: x509.Name, dns_names: list[str], days: int = 365) -> tuple[bytes, bytes]:
    """A self-signed certificate for these names and its key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        _builder(subject, subject, key.public_key(), now, datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM), _key_bytes(key)
