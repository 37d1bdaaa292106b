"""The cluster's doors on the host: sockets on 127.0.0.1 that lead into the simulated network.

Docker Desktop's Kubernetes publishes every NodePort on localhost, and kind clusters map ingress-nginx's ports to
the host; kubesim does both, so a browser or `curl` on the learner's machine reaches what runs in the pods. All
listeners speak HTTP/1.1, the only protocol the simulated processes speak (network.py answers as they would).

* A Service port (type NodePort or LoadBalancer): each connection is kube-proxy's, sent to one of the Service's
  ready endpoints taken in turn (Network.to_service); every request on that connection is answered by the process
  on that endpoint. With no ready endpoint, or nothing listening on the pod's port, the connection is closed
  without a word, which clients report as a reset or an empty reply: on a node kube-proxy would refuse it, but a
  socket that has accepted can no longer refuse.
* The ingress controller's HTTP and HTTPS listeners (ingress_proxy.py answers their requests).

A request that is not HTTP gets nginx's 400 and the connection is closed; a body above MAX_BODY gets 413. Which
port a Service got, and when it is closed, is the business of controllers/host_ports.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import h11

from kubesim.nodes.network import Network, Target, Unreachable
from kubesim.store.store import Store

HOST = "127.0.0.1"
MAX_BODY = 1024 * 1024  # nginx's client_max_body_size default
READ_SIZE = 65536
NGINX_PAGE = "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n" + (
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

log = logging.getLogger("kubesim.host")


@dataclass(frozen=True)
class HostRequest:
    method: str
    target: str  # as sent: the path and the query string
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query))


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()


# What serves one connection: called once it is accepted, it gives the function that answers each request on it
# (None: close the connection at once); that function's None closes the connection without an answer.
Answerer = Callable[[HostRequest], Reply | None]
Connector = Callable[[], Answerer | None]


def nginx_page(status: int, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    """An error page as nginx writes it, such as `404 Not Found`."""
    title = f"{status} {_reason(status)}"
    return Reply(status, NGINX_PAGE.format(title).encode(), "text/html", (("Server", "nginx"), *headers))


class HostListeners:
    """The listeners kubesim has open on the host, each under a key that says what it serves."""

    def __init__(self) -> None:
        self.servers: dict[str, asyncio.Server] = {}
        self.connections: dict[str, set[asyncio.StreamWriter]] = {}

    async def open(self, key: str, connect: Connector, port: int, context: ssl.SSLContext | None = None) -> int:
        """Listen on HOST:port for key (on a free port when port is 0); raises OSError when the port is taken."""
        await self.close(key)
        accepted: set[asyncio.StreamWriter] = set()

        async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.add(writer)
            try:
                await serve_connection(reader, writer, connect)
            finally:
                accepted.discard(writer)

        server = await asyncio.start_server(on_connection, HOST, port, ssl=context)
        self.servers[key], self.connections[key] = server, accepted
        return int(server.sockets[0].getsockname()[1])

    async def open_or_any(self, key: str, connect: Connector, port: int, context: ssl.SSLContext | None = None) -> int:
        """Listen on port for key, or on a free port when that one is taken (another kubesim, another program)."""
        try:
            return await self.open(key, connect, port, context)
        except OSError:
            return await self.open(key, connect, 0, context)

    def port(self, key: str) -> int | None:
        server = self.servers.get(key)
        return int(server.sockets[0].getsockname()[1]) if server is not None and server.sockets else None

    async def close(self, key: str) -> None:
        server = self.servers.pop(key, None)
        if server is not None:
            server.close()
        for writer in self.connections.pop(key, set()):
            writer.close()  # a closed Service port drops its connections too, as when kube-proxy's rules go

    async def close_all(self) -> None:
        for key in list(self.servers):
            await self.close(key)


def service_connector(store: Store, network: Network, namespace: str, name: str, port: int) -> Connector:
    """kube-proxy for one port of a Service: each connection goes to the endpoint whose turn it is."""

    def connect() -> Answerer | None:
        service = store.get("/services", namespace, name)
        ports = ((service or {}).get("spec") or {}).get("ports") or []
        service_port = next((each for each in ports if each.get("port") == port), None)
        if service is None or service_port is None:
            return None
        target = network.to_service(service, service_port)
        return None if target is None else _process_at(network, target)

    return connect


def _process_at(network: Network, target: Target) -> Answerer:
    def answer(request: HostRequest) -> Reply | None:
        try:
            reply = network.http(target, request.method, request.path, request.query, request.body)
        except Unreachable:
            return None
        return Reply(reply.status, reply.body, reply.content_type)

    return answer


async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connect: Connector) -> None:
    """Answer the requests of one connection until either side closes it."""
    connection = h11.Connection(h11.SERVER)
    try:
        answer = connect()
        while answer is not None:
            request = await _read_request(connection, reader)
            if request is None:
                return
            reply = answer(request) if isinstance(request, HostRequest) else request
            if reply is None:
                return
            _send_reply(connection, writer, reply, request.method if isinstance(request, HostRequest) else "")
            await writer.drain()
            if connection.our_state is not h11.DONE or connection.their_state is not h11.DONE:
                return
            connection.start_next_cycle()
    except h11.RemoteProtocolError:
        with contextlib.suppress(Exception):
            _send_reply(connection, writer, nginx_page(400), "")
            await writer.drain()
    except (h11.LocalProtocolError, ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
        return
    except Exception:  # a bug of ours: the client sees the connection close, the server goes on
        log.exception("a host connection failed")
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _read_request(connection: h11.Connection, reader: asyncio.StreamReader) -> HostRequest | Reply | None:
    """The next request, a Reply that refuses it (too large), or None when the client has gone."""
    event = await _next_event(connection, reader)
    if not isinstance(event, h11.Request):
        return None
    headers: dict[str, str] = {}
    for name, value in event.headers:
        key = name.decode("latin-1").lower()
        headers[key] = f"{headers[key]},{value.decode('latin-1')}" if key in headers else value.decode("latin-1")
    body = bytearray()
    while True:
        part = await _next_event(connection, reader)
        if isinstance(part, h11.Data):
            body += part.data
            if len(body) > MAX_BODY:
                return nginx_page(413, (("Connection", "close"),))
        elif isinstance(part, h11.EndOfMessage):
            return HostRequest(event.method.decode(), event.target.decode("latin-1"), headers, bytes(body))
        else:
            return None


async def _next_event(connection: h11.Connection, reader: asyncio.StreamReader) -> Any:
    while True:
        event = connection.next_event()
        if event is not h11.NEED_DATA:
            return event
        connection.receive_data(await reader.read(READ_SIZE))


def _send_reply(connection: h11.Connection, writer: asyncio.StreamWriter, reply: Reply, method: str) -> None:
    headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body))), *reply.headers]
    body = b"" if method == "HEAD" else reply.body  # HEAD is told the length of what it would get, not the bytes
    for event in (
        h11.Response(status_code=reply.status, headers=headers, reason=_reason(reply.status).encode()),
        h11.Data(data=body),
        h11.EndOfMessage(),
    ):
        data = connection.send(event)
        if data:
            writer.write(data)


def _reason(status: int) -> str:
    if status == 503:
        return "Service Temporarily Unavailable"  # nginx's wording
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
