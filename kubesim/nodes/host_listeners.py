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

HTTP itself is server/http.py's, as for the API server, with nginx's answers where they differ: a request that is
not HTTP gets nginx's 400 and the connection is closed; a body above MAX_BODY gets 413. Which port a Service got,
and when it is closed, is the business of controllers/host_ports.py.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from http import HTTPStatus

from kubesim.nodes.network import Network, Target, Unreachable
from kubesim.server.http import Request, Response, SocketTransport, serve_http
from kubesim.store.store import Store

HOST = "127.0.0.1"
MAX_BODY = 1024 * 1024  # nginx's client_max_body_size default
NGINX_PAGE = "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n" + (
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NGINX_REASONS = {413: "Request Entity Too Large", 503: "Service Temporarily Unavailable"}  # nginx's own words

log = logging.getLogger("kubesim.host")

# What serves one connection: called once it is accepted, it gives the function that answers each request on it
# (None: close the connection at once). That function raises ConnectionError to close the connection unanswered.
Answerer = Callable[[Request], Response]
Connector = Callable[[], Answerer | None]


def nginx_page(status: int, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """An error page as nginx writes it, such as `404 Not Found`."""
    reason = NGINX_REASONS.get(status) or HTTPStatus(status).phrase
    page = NGINX_PAGE.format(f"{status} {reason}").encode()
    return Response(status, page, "text/html", [("Server", "nginx"), *headers], reason=reason)


def forward(network: Network, target: Target, request: Request) -> Response:
    """The answer of the process at target to a request from the host; raises Unreachable when none can answer."""
    query = {name: values[-1] for name, values in request.query.items()}
    answer = network.http(target, request.method, request.path or "/", query, request.body)
    return Response(answer.status, answer.body, answer.content_type)


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
            transport = SocketTransport(reader, writer)
            try:
                await serve_connection(transport, connect)
            except Exception:  # a bug of ours: the client sees the connection close, the server goes on
                log.exception("a host connection failed")
            finally:
                accepted.discard(writer)
                transport.close()

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
    def answer(request: Request) -> Response:
        try:
            return forward(network, target, request)
        except Unreachable:
            raise ConnectionResetError("nothing answers HTTP on the endpoint") from None

    return answer


async def serve_connection(transport: SocketTransport, connect: Connector) -> None:
    """Answer the requests of one connection, all from what it was connected to when accepted, until either side
    closes it."""
    answer = connect()
    if answer is None:
        return

    async def handle(request: Request) -> Response:
        return answer(request)

    await serve_http(transport, handle, _too_large, MAX_BODY, _bad_request)


def _too_large(_: int) -> Response:
    return nginx_page(413)


def _bad_request() -> Response:
    return nginx_page(400)
