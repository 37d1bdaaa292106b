"""HTTP/1.1 over TLS on asyncio, with h11 doing the protocol: requests in, responses or streams out.

Handlers are plain coroutines `Request -> Response | StreamingResponse | Upgrade`; this module knows nothing
about Kubernetes. A streaming response (a watch, `logs -f`) ends when its iterator ends or when the
client goes away. An Upgrade answers 101 Switching Protocols and hands the connection, as a RawStream, to
its session (WebSocket, SPDY: `kubectl exec` and `port-forward`); the connection closes when the session ends.

A body above the server's limit is answered by its `too_large` response and the connection closed. Input that is
not HTTP closes the connection, after the server's `bad_request` answer when it has one (nginx answers 400; the API
server just closes). A HEAD request gets the status and headers its GET would get, Content-Length included, and no
body. The status line carries the standard reason phrase unless a Response names its own (nginx has some).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import h11

MAX_BODY = 3 * 1024 * 1024  # the API server's default --max-request-body-bytes
READ_SIZE = 65536


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    path: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)
    payload: Any = None  # the body as an object already, from an in-process caller (the controllers)

    def __post_init__(self) -> None:
        parts = urlsplit(self.target)
        self.path = parts.path
        self.query = parse_qs(parts.query, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    payload: Any = None  # the object a JSON body holds: encoded only when the answer leaves the process
    reason: str = ""  # the status line's words when not the standard phrase

    def encoded(self) -> bytes:
        if self.payload is not None and not self.body:
            self.body = json.dumps(self.payload, separators=(",", ":")).encode()
        return self.body


@dataclass
class StreamingResponse:
    status: int
    chunks: AsyncIterator[bytes]
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


class Transport(Protocol):
    """A connection's bytes both ways: a socket, or a stream inside another protocol (port-forward's SPDY)."""

    async def read(self) -> bytes:
        """The next bytes the peer sent; b"" once it has closed its side."""
        ...

    async def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class SocketTransport:
    """An accepted TCP (or TLS) connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._unread = b""

    def unread(self, data: bytes) -> None:
        """Give back bytes read too early (what followed an upgrade request), to be read first."""
        self._unread = data + self._unread

    async def read(self) -> bytes:
        if self._unread:
            data, self._unread = self._unread, b""
            return data
        try:
            return await self._reader.read(READ_SIZE)
        except (ConnectionError, ssl.SSLError):
            return b""

    async def write(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()


@dataclass
class Upgrade:
    """A switch away from HTTP: 101 with these headers, then `session` owns the connection until it returns."""

    headers: list[tuple[str, str]]
    session: Callable[[Transport], Awaitable[None]]


Answer = Response | StreamingResponse | Upgrade
Handler = Callable[[Request], Awaitable[Answer]]
TooLarge = Callable[[int], Response]
BadRequest = Callable[[], Response]


class _Connection:
    def __init__(
        self,
        transport: SocketTransport | Transport,
        handler: Handler,
        too_large: TooLarge,
        max_body: int,
        bad_request: BadRequest | None,
    ):
        self.transport, self.handler, self.too_large = transport, handler, too_large
        self.max_body, self.bad_request = max_body, bad_request
        self.h11 = h11.Connection(h11.SERVER)
        self._output = bytearray()

    async def run(self) -> None:
        try:
            while True:
                request = await self._read_request()
                if request is None:
                    return
                answer = await self._dispatch(request)
                if isinstance(answer, Upgrade):
                    await self._switch(answer)
                    return
                await self._respond(answer, head=isinstance(request, Request) and request.method == "HEAD")
                if self.h11.our_state is h11.MUST_CLOSE:
                    return
                self.h11.start_next_cycle()
        except h11.RemoteProtocolError:
            await self._refuse_bad_request()
        except (h11.ProtocolError, ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            return
        finally:
            self.transport.close()

    async def _dispatch(self, request: Request | Response) -> Answer:
        if isinstance(request, Response):
            return request
        return await self.handler(request)

    async def _next_event(self) -> Any:
        """The next h11 event (or h11.PAUSED), reading from the socket when h11 needs more data."""
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            self.h11.receive_data(await self.transport.read())

    async def _read_request(self) -> Request | Response | None:
        event = await self._next_event()
        if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None
        assert isinstance(event, h11.Request)
        headers: dict[str, str] = {}
        for name, value in event.headers:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]},{text}" if key in headers else text
        body = bytearray()
        while True:
            part = await self._next_event()
            if isinstance(part, h11.Data):
                body += part.data
                if len(body) > self.max_body:
                    return self._refuse_large_body(len(body))
            elif isinstance(part, h11.EndOfMessage):
                break
        return Request(event.method.decode(), event.target.decode("latin-1"), headers, bytes(body))

    async def _switch(self, upgrade: Upgrade) -> None:
        if self.h11.their_state is not h11.MIGHT_SWITCH_PROTOCOL:
            await self._respond(Response(400, b"Upgrade request required\n", "text/plain"))
            return
        if not isinstance(self.transport, SocketTransport):
            await self._respond(Response(400, b"protocol upgrades are not served here\n", "text/plain"))
            return
        self._send(h11.InformationalResponse(status_code=101, headers=upgrade.headers))
        await self._flush()
        leftover, _ = self.h11.trailing_data
        self.transport.unread(bytes(leftover))
        await upgrade.session(self.transport)

    def _refuse_large_body(self, size: int) -> Response:
        self.h11 = h11.Connection(h11.SERVER)  # what is left of the body is not read: close after answering
        response = self.too_large(size)
        response.headers.append(("Connection", "close"))
        return response

    async def _refuse_bad_request(self) -> None:
        """Say what was wrong with input that is not HTTP, if the server answers it; h11 then closes."""
        if self.bad_request is None or self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        response = self.bad_request()
        response.headers.append(("Connection", "close"))
        with contextlib.suppress(h11.ProtocolError, OSError):  # the client may be gone already
            await self._respond(response)

    async def _respond(self, response: Response | StreamingResponse, head: bool = False) -> None:
        headers = [("Content-Type", response.content_type), *response.headers]
        if isinstance(response, Response):
            body = response.encoded()
            headers.append(("Content-Length", str(len(body))))
            self._send(h11.Response(status_code=response.status, headers=headers, reason=_reason(response)))
            if body and not head:  # h11 holds HEAD to its promise: the length of what a GET gets, no bytes
                self._send(h11.Data(data=body))
            self._send(h11.EndOfMessage())
            await self._flush()
            return
        await self._stream(response, headers, head)

    async def _stream(self, response: StreamingResponse, headers: list[tuple[str, str]], head: bool) -> None:
        headers = [*headers, ("Transfer-Encoding", "chunked")]
        self._send(h11.Response(status_code=response.status, headers=headers, reason=_reason(response)))
        await self._flush()
        early = bytearray()  # the client's next request, when it comes before this stream has ended

        async def client_leaves() -> None:
            while data := await self.transport.read():
                early.extend(data)

        closed = asyncio.ensure_future(client_leaves())
        try:
            if not head:  # HEAD is told that a stream would follow, and gets none of it
                await self._relay(_until_closed(response.chunks, closed))
            self._send(h11.EndOfMessage())
            await self._flush()
        finally:
            closed.cancel()
            with contextlib.suppress(Exception):
                await response.chunks.aclose()  # type: ignore[attr-defined]
        if closed.done() and not closed.cancelled():
            raise ConnectionError("client closed the stream")
        if early:
            self.h11.receive_data(bytes(early))  # kept for the next cycle, as h11 keeps pipelined requests

    async def _relay(self, chunks: AsyncIterator[bytes]) -> None:
        async for chunk in chunks:
            self._send(h11.Data(data=chunk))
            await self._flush()

    def _send(self, event: h11.Event) -> None:
        data = self.h11.send(event)
        if data:
            self._output += data

    async def _flush(self) -> None:
        data, self._output = bytes(self._output), bytearray()
        if data:
            await self.transport.write(data)


def _reason(response: Response | StreamingResponse) -> bytes:
    if isinstance(response, Response) and response.reason:
        return response.reason.encode()
    try:
        return HTTPStatus(response.status).phrase.encode()
    except ValueError:
        return b""


async def _until_closed(chunks: AsyncIterator[bytes], closed: asyncio.Future[Any]) -> AsyncIterator[bytes]:
    iterator = chunks.__aiter__()
    while True:
        following: asyncio.Future[Any] = asyncio.ensure_future(iterator.__anext__())
        done, _ = await asyncio.wait({following, closed}, return_when=asyncio.FIRST_COMPLETED)
        if following not in done:
            following.cancel()
            return
        try:
            yield following.result()
        except StopAsyncIteration:
            return


async def serve_http(
    transport: SocketTransport | Transport,
    handler: Handler,
    too_large: TooLarge,
    max_body: int = MAX_BODY,
    bad_request: BadRequest | None = None,
) -> None:
    """Serve HTTP/1.1 requests on one connection until either side closes it."""
    await _Connection(transport, handler, too_large, max_body, bad_request).run()


async def start_server(
    handler: Handler, too_large: TooLarge, host: str, port: int, context: ssl.SSLContext | None
) -> asyncio.Server:
    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_http(SocketTransport(reader, writer), handler, too_large)

    return await asyncio.start_server(on_connection, host, port, ssl=context, limit=MAX_BODY)
