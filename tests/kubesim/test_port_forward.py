"""`kubectl port-forward` to simulated pods and Services (kubesim/api/port_forward.py), over the WebSocket tunnel
kubectl uses by default and over raw SPDY/3.1, and what a client that breaks the protocols gets."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from kubesim.server.tls import self_signed
from tests.kubesim.conftest import KUBECTL, Cluster

NAMESPACE = "forward-test"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
SETUP = f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {NAMESPACE}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: alpaca, namespace: {NAMESPACE}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: alpaca}}}}
  template:
    metadata: {{labels: {{app: alpaca}}}}
    spec:
      containers: [{{name: kuard, image: {KUARD}, ports: [{{containerPort: 8080, name: http}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: alpaca, namespace: {NAMESPACE}}}
spec:
  selector: {{app: alpaca}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: kuard, image: {KUARD}, ports: [{{containerPort: 8080}}]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: redis, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: redis, image: redis}}]
"""
FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")


@pytest.fixture(scope="module")
def ready(cluster: Cluster) -> Cluster:
    cluster.kubectl("apply", "-f", "-", stdin=SETUP)
    cluster.kubectl("wait", "-n", NAMESPACE, "--for=condition=Ready", "pod", "--all", "--timeout=90s")
    return cluster


@contextmanager
def forwarded(cluster: Cluster, target: str, remote: int, websockets: bool = True) -> Iterator[int]:
    """Run `kubectl port-forward TARGET :REMOTE` and give the local port it listens on."""
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig)}
    env["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "true" if websockets else "false"
    process = subprocess.Popen(
        [str(KUBECTL), "-n", NAMESPACE, "port-forward", target, f":{remote}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = FORWARDING.search(first)
        assert match, f"kubectl port-forward said {first!r}; stderr: {process.stderr.read() if process.stderr else ''}"
        yield int(match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("websockets", [True, False], ids=["websocket-tunnel", "spdy"])
def test_port_forward_to_a_pod_reaches_kuard(ready: Cluster, websockets: bool) -> None:
    with forwarded(ready, "pod/kuard", 8080, websockets) as port:
        assert get(port, "/healthy") == (200, b"ok")
        status, body = get(port, "/env/api")
        assert status == 200 and json.loads(body)["env"]["HOSTNAME"] == "kuard"
        assert get(port, "/no-such-page")[0] == 404


def test_one_connection_carries_many_requests_and_bodies(ready: Cluster) -> None:
    with forwarded(ready, "pod/kuard", 8080) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request("GET", "/mem/api")
            before = json.loads(connection.getresponse().read())["memStats"]["Alloc"]
            connection.request("POST", "/mem/api/alloc?size=5000000", body=b"")
            assert connection.getresponse().read() is not None
            connection.request("GET", "/mem/api")
            after = json.loads(connection.getresponse().read())["memStats"]["Alloc"]
        finally:
            connection.close()
        assert after >= before + 5_000_000


def test_two_connections_at_once_are_two_stream_pairs(ready: Cluster) -> None:
    with forwarded(ready, "pod/kuard", 8080) as port:
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        second = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            first.request("GET", "/healthy")
            second.request("GET", "/ready")
            assert second.getresponse().read() == b"ok"
            assert first.getresponse().read() == b"ok"
        finally:
            first.close()
            second.close()


def test_port_forward_to_a_service_goes_to_one_of_its_pods(ready: Cluster) -> None:
    pods = set(ready.kubectl("get", "pods", "-n", NAMESPACE, "-l", "app=alpaca", "-o", "name").stdout.split())
    with forwarded(ready, "svc/alpaca", 80) as port:
        status, body = get(port, "/env/api")
    assert status == 200
    assert f"pod/{json.loads(body)['env']['HOSTNAME']}" in pods


def test_nothing_listening_is_the_kubelets_connection_refused(ready: Cluster) -> None:
    env = {**os.environ, "KUBECONFIG": str(ready.kubeconfig)}
    process = subprocess.Popen(
        [str(KUBECTL), "-n", NAMESPACE, "port-forward", "pod/kuard", ":9999"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    port = int(FORWARDING.search(process.stdout.readline()).group(1))  # type: ignore[union-attr]
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        get(port, "/")
    _, stderr = process.communicate(timeout=30)
    assert "dial tcp4 127.0.0.1:9999: connect: connection refused" in stderr
    assert "lost connection to pod" in stderr
    assert process.returncode != 0


def test_a_server_that_does_not_speak_http_closes_the_connection(ready: Cluster) -> None:
    with forwarded(ready, "pod/redis", 6379) as port:
        for _ in range(2):
            with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
                get(port, "/")
        socket.create_connection(("127.0.0.1", port), timeout=5).close()  # kubectl still forwards


def test_kuard_serves_https_on_8443_with_the_certificate_in_tls(ready: Cluster, tmp_path: Path) -> None:
    certificate, key = self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kuard")]), ["kuard"])
    (tmp_path / "kuard.crt").write_bytes(certificate)
    (tmp_path / "kuard.key").write_bytes(key)
    ready.kubectl(
        "create", "secret", "generic", "kuard-tls", "-n", NAMESPACE,
        f"--from-file={tmp_path / 'kuard.crt'}", f"--from-file={tmp_path / 'kuard.key'}",
    )  # fmt: skip
    ready.kubectl("apply", "-f", "-", stdin=KUARD_TLS)
    ready.kubectl("wait", "-n", NAMESPACE, "--for=condition=Ready", "pod/kuard-tls", "--timeout=90s")
    context = ssl.create_default_context(cadata=certificate.decode())
    context.check_hostname = False
    with forwarded(ready, "pod/kuard-tls", 8443) as port:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=context)
        try:
            connection.request("GET", "/healthy")
            assert connection.getresponse().read() == b"ok"
            served = connection.sock.getpeercert(binary_form=True)
        finally:
            connection.close()
    assert x509.load_der_x509_certificate(served or b"") == x509.load_pem_x509_certificate(certificate)
    without = forwarded(ready, "pod/kuard", 8443)  # no certificate in /tls: nothing listens on 8443
    with without as port, pytest.raises((ConnectionError, http.client.HTTPException)):
        get(port, "/healthy")


KUARD_TLS = f"""
apiVersion: v1
kind: Pod
metadata: {{name: kuard-tls, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    volumeMounts: [{{name: tls, mountPath: /tls, readOnly: true}}]
  volumes: [{{name: tls, secret: {{secretName: kuard-tls}}}}]
"""


# -- clients that break the protocols -------------------------------------------------------------------


def _upgrade(cluster: Cluster, path: str, headers: dict[str, str]) -> tuple[ssl.SSLSocket, bytes]:
    """A raw TLS connection that sent an upgrade request; returns it and the answer's head."""
    host, port = re.search(r"https://([\d.]+):(\d+)", cluster.kubeconfig.read_text()).groups()  # type: ignore[union-attr]
    token = (cluster.data_dir / "admin-token").read_text().strip()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    raw = socket.create_connection((host, int(port)), timeout=20)
    sock = context.wrap_socket(raw, server_hostname=host)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}", "Connection: Upgrade"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return sock, head


def _read_until_closed(sock: ssl.SSLSocket) -> bytes:
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (ConnectionError, ssl.SSLError, TimeoutError):
        pass
    return received


SPDY_HEADERS = {"Upgrade": "SPDY/3.1", "X-Stream-Protocol-Version": "portforward.k8s.io"}
WEBSOCKET_HEADERS = {
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(),
    "Sec-WebSocket-Protocol": "SPDY/3.1+portforward.k8s.io",
}


def _still_serving(cluster: Cluster) -> None:
    assert "kuard" in cluster.kubectl("get", "pods", "-n", NAMESPACE).stdout
    with forwarded(cluster, "pod/kuard", 8080) as port:
        assert get(port, "/healthy") == (200, b"ok")


def test_garbage_after_a_spdy_upgrade_ends_that_session_with_goaway(ready: Cluster) -> None:
    sock, head = _upgrade(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/portforward", SPDY_HEADERS)
    assert head.startswith(b"HTTP/1.1 101")
    sock.sendall(b"\x80\x02\x00\x01" + b"\x00\x00\x00\x04" + b"junk")  # a SYN_STREAM of SPDY version 2
    answer = _read_until_closed(sock)
    assert answer[:4] == b"\x80\x03\x00\x07"  # GOAWAY
    assert answer[-4:] == b"\x00\x00\x00\x01"  # PROTOCOL_ERROR
    _still_serving(ready)


def test_an_unmasked_websocket_frame_closes_with_protocol_error(ready: Cluster) -> None:
    sock, head = _upgrade(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/portforward", WEBSOCKET_HEADERS)
    assert head.startswith(b"HTTP/1.1 101")
    assert b"Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io" in head
    sock.sendall(b"\x82\x03abc")  # a binary frame a client must mask but did not
    answer = _read_until_closed(sock)
    assert answer[:1] == b"\x88"  # a close frame
    assert int.from_bytes(answer[2:4], "big") == 1002  # protocol error
    _still_serving(ready)


def test_a_stream_for_a_port_that_is_not_a_number_is_refused(ready: Cluster) -> None:
    from kubesim.server.spdy import REFUSED_STREAM, SpdySession, StreamReset

    sock, head = _upgrade(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/portforward", SPDY_HEADERS)
    assert head.startswith(b"HTTP/1.1 101")
    client = SpdySession(client=True)
    stream_id, frame = client.open({"streamtype": "data", "port": "http", "requestid": "0"})
    sock.sendall(frame)
    events: list[object] = []
    while not any(isinstance(event, StreamReset) for event in events):
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection instead of resetting the stream"
        events += client.receive(chunk)
    reset = next(event for event in events if isinstance(event, StreamReset))
    assert (reset.stream_id, reset.status) == (stream_id, REFUSED_STREAM)
    sock.close()
    _still_serving(ready)


def test_upgrades_are_refused_cleanly_before_switching(ready: Cluster) -> None:
    path = f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/portforward"
    _, head = _upgrade(ready, path, {**WEBSOCKET_HEADERS, "Sec-WebSocket-Protocol": "v1.bogus"})
    assert head.startswith(b"HTTP/1.1 400")
    _, head = _upgrade(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/ghost/portforward", SPDY_HEADERS)
    assert head.startswith(b"HTTP/1.1 404")
    _still_serving(ready)
