"""The pods `portforward` subresource: `kubectl port-forward` to a simulated pod, over SPDY/3.1.

kubectl listens on a local port; for each connection it accepts, it opens two SPDY streams to the pod, `error`
and `data`, with the same `requestid` and the pod's `port` in their headers. kubectl 1.31+ carries that SPDY
connection inside a WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`); older ones (and kubectl with
KUBECTL_PORT_FORWARD_WEBSOCKETS=false) switch the HTTP connection to SPDY/3.1 itself (`portforward.k8s.io`).
`kubectl port-forward svc/NAME` picks one of the Service's pods itself and forwards to it.

What listens on the pod's port answers on the data stream as it would over TCP: kuard and the servers of
processes.py speak HTTP/1.1 (keep-alive included) through network.py, so `curl localhost:8080/healthy` after
`kubectl port-forward pod/kuard 8080:8080` reaches the simulated kuard. When nothing listens on the port, the
kubelet's error ("... connect: connection refused") goes on the error stream, and kubectl reports it. A
listener that does not speak HTTP (redis, mysql) accepts the connection and closes it at the first request.
kuard with a certificate in /tls (kuard.crt and kuard.key, from a Secret) also serves HTTPS on 8443, so
`kubectl port-forward kuard-tls 8443:8443` then `curl -k https://localhost:8443/` works as in chapter 13.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any

from kubesim.api.errors import bad_request, not_found
from kubesim.api.upgrades import switch_protocols
from kubesim.nodes.network import Network, Target, Unreachable
from kubesim.server.http import Request, Response, Transport, Upgrade, serve_http
from kubesim.server.spdy import REFUSED_STREAM
from kubesim.server.spdy_connection import (
    ByteStream,
    SpdyConnection,
    SpdyStream,
    WebSocketTunnel,
)
from kubesim.server.tls import context_from_pem
from kubesim.server.tls_stream import TlsStream
from kubesim.server.websocket import WebSocket
from kubesim.store.store import Store

Obj = dict[str, Any]
PROTOCOL = "portforward.k8s.io"
TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"
PAIR_WAIT = 30.0  # seconds the kubelet waits for the second stream of a pair


@dataclass
class _Pair:
    """The streams of one forwarded connection, as they arrive."""

    port: int
    error: SpdyStream | None = None
    data: SpdyStream | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class PodPortForward:
    def __init__(self, store: Store, network: Network) -> None:
        self.store, self.network = store, network

    def handle(self, request: Request, namespace: str, name: str) -> Upgrade:
        pod = self.store.get("/pods", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        if (pod.get("status") or {}).get("phase") != "Running":
            raise bad_request(f"pod {name} is not running and cannot be port-forwarded")
        key = (namespace, name)

        async def tunnelled(_: str, transport: Transport) -> None:
            socket = WebSocket(transport)
            await self._serve(WebSocketTunnel(socket), key)
            await socket.close()

        async def raw(transport: Transport) -> None:
            await self._serve(transport, key)

        return switch_protocols(request, (TUNNEL_PROTOCOL,), PROTOCOL, tunnelled, raw)

    async def _serve(self, transport: ByteStream, key: tuple[str, str]) -> None:
        connection = SpdyConnection(transport)
        connection.start()
        pairs: dict[str, _Pair] = {}
        forwards: set[asyncio.Task[None]] = set()
        try:
            while (stream := await connection.accept()) is not None:
                pair = await self._join(stream, pairs)
                if pair is not None and pair.error is not None and pair.data is not None:
                    task = asyncio.ensure_future(self._forward(key, pair.port, pair.data, pair.error))
                    forwards.add(task)
                    task.add_done_callback(forwards.discard)
        finally:
            for task in list(forwards):
                task.cancel()
            await connection.close()

    async def _join(self, stream: SpdyStream, pairs: dict[str, _Pair]) -> _Pair | None:
        """Add the stream to its pair, returned once complete; a stream without a usable port is refused, and
        a pair whose second stream does not come in time is reset."""
        kind, request_id = stream.headers.get("streamtype", ""), stream.headers.get("requestid", "")
        port = _port(stream.headers.get("port", ""))
        if kind not in ("error", "data") or port is None:
            await stream.reset(REFUSED_STREAM)
            return None
        pair = pairs.setdefault(request_id, _Pair(port))
        if getattr(pair, kind) is not None or pair.port != port:
            await stream.reset(REFUSED_STREAM)
            return None
        setattr(pair, kind, stream)
        if pair.error is not None and pair.data is not None:
            del pairs[request_id]
            if pair.timer is not None:
                pair.timer.cancel()
            return pair
        pair.timer = asyncio.get_running_loop().call_later(
            PAIR_WAIT, lambda: asyncio.ensure_future(_abandon(pairs.pop(request_id, None)))
        )
        return None

    async def _forward(self, key: tuple[str, str], port: int, data: SpdyStream, error: SpdyStream) -> None:
        pod = self.store.get("/pods", *key)
        transport: Transport | None = None
        if pod is not None and self.network.listens(pod, port):
            transport = self._connection(pod, port, data)
        if transport is None:
            await error.write(_refused(pod, port).encode())
            await error.close()
            await data.close()
            return

        async def relay(request: Request) -> Response:
            current = self.store.get("/pods", *key)
            if current is None:
                raise ConnectionResetError("the pod is gone")
            query = {name: values[-1] for name, values in request.query.items() if values}
            try:
                answer = self.network.http(Target(current, port), request.method, request.path, query, request.body)
            except Unreachable:
                raise ConnectionResetError("not an HTTP server") from None
            return Response(answer.status, answer.body, answer.content_type)

        await serve_http(transport, relay, _too_large)
        await error.close()

    def _connection(self, pod: Obj, port: int, data: SpdyStream) -> Transport | None:
        """The data stream as the process sees the connection: plain, or inside TLS when it serves HTTPS there;
        None when its certificate does not load (the real process would not have started serving)."""
        plain = StreamTransport(data)
        certificate = self.network.tls_certificate(pod, port)
        if certificate is None:
            return plain
        try:
            return TlsStream(plain, context_from_pem(*certificate))
        except (ssl.SSLError, ValueError):
            return None


class StreamTransport:
    """A port-forward data stream as a connection: what the pod's process reads and writes."""

    def __init__(self, stream: SpdyStream) -> None:
        self.stream = stream
        self.closing: asyncio.Future[None] | None = None

    async def read(self) -> bytes:
        return await self.stream.read() or b""

    async def write(self, data: bytes) -> None:
        await self.stream.write(data)

    def close(self) -> None:
        if self.closing is None:
            self.closing = asyncio.ensure_future(self.stream.close())


async def _abandon(pair: _Pair | None) -> None:
    if pair is not None:
        for stream in (pair.error, pair.data):
            if stream is not None:
                await stream.reset(REFUSED_STREAM)


def _port(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def _refused(pod: Obj | None, port: int) -> str:
    """The kubelet's error when nothing listens on the port inside the pod's network namespace."""
    uid = ((pod or {}).get("metadata") or {}).get("uid", "")
    sandbox = uid.replace("-", "") * 2
    return (
        f"error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network namespace "
        f'"/var/run/netns/cni-{uid}": failed to connect to localhost:{port} inside namespace "{sandbox}", '
        f"IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: "
        "connect: connection refused "
    )


def _too_large(size: int) -> Response:
    return Response(413, b"Request Entity Too Large\n", "text/plain")
