"""HTTP/1.1 over TLS on asyncio, with h11 doing the protocol: requests in, responses or streams out.

Handlers are plain coroutines `Request -> Response | StreamingResponse`; this module knows nothing
about Kubernetes. A streaming response (a watch, `logs -f`) ends when its iterator ends or when the
client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
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


Handler = Callable[[Request], Awaitable[Response | StreamingResponse]]
TooLarge = Callable[[int], Response]


class _Connection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler, too_large: TooLarge
    ):
        self.reader, self.writer, self.handler, self.too_large = reader, writer, handler, too_large
        self.h11 = h11.Connection(h11.SERVER)

    async def run(self) -> None:
        try:
            while True:
                request = await self._read_request()
                if request is None:
                    return
                await self._respond(await self._dispatch(request))
                if self.h11.our_state is h11.MUST_CLOSE:
                    return
                self.h11.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            return
        finally:
            with contextlib.suppress(Exception):
                self.writer.close()

    async def _dispatch(self, request: Request | Response) -> Response | StreamingResponse:
        if isinstance(request, Response):
            return request
        return await self.handler(request)

    async def _next_event(self) -> Any:
        """The next h11 event (or h11.PAUSED), reading from the socket when h11 needs more data."""
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ_SIZE)
            self.h11.receive_data(data)

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
                if len(body) > MAX_BODY:
                    return self._refuse_large_body(len(body))
            elif isinstance(part, h11.EndOfMessage):
                break
        return Request(event.method.decode(), event.target.decode("latin-1"), headers, bytes(body))

    def _refuse_large_body(self, size: int) -> Response:
        self.h11 = h11.Connection(h11.SERVER)  # what is left of the body is not read: close after answering
        response = self.too_large(size)
        response.headers.append(("Connection", "close"))
        return response

    async def _respond(self, response: Response | StreamingResponse) -> None:
        headers = [("Content-Type", response.content_type), *response.headers]
        if isinstance(response, Response):
            body = response.encoded()
            headers.append(("Content-Length", str(len(body))))
            self._send(h11.Response(status_code=response.status, headers=headers))
            if body:
                self._send(h11.Data(data=body))
            self._send(h11.EndOfMessage())
            await self.writer.drain()
            return
        await self._stream(response, headers)

    async def _stream(self, response: StreamingResponse, headers: list[tuple[str, str]]) -> None:
        self._send(h11.Response(status_code=response.status, headers=[*headers, ("Transfer-Encoding", "chunked")]))
        await self.writer.drain()
        closed = asyncio.ensure_future(self.reader.read(READ_SIZE))  # a read that returns means the client left
        try:
            async for chunk in _until_closed(response.chunks, closed):
                self._send(h11.Data(data=chunk))
                await self.writer.drain()
            self._send(h11.EndOfMessage())
            await self.writer.drain()
        finally:
            closed.cancel()
            with contextlib.suppress(Exception):
                await response.chunks.aclose()  # type: ignore[attr-defined]
        if closed.done() and not closed.cancelled():
            raise ConnectionError("client closed the stream")

    def _send(self, event: h11.Event) -> None:
        data = self.h11.send(event)
        if data:
            self.writer.write(data)


async def _until_closed(chunks: AsyncIterator[bytes], closed: asyncio.Future[bytes]) -> AsyncIterator[bytes]:
    iterator = chunks.__aiter__()
    while True:
        following = asyncio.ensure_future(iterator.__anext__())
        done, _ = await asyncio.wait({following, closed}, return_when=asyncio.FIRST_COMPLETED)
        if following not in done:
            following.cancel()
            return
        try:
            yield following.result()
        except StopAsyncIteration:
            return


async def start_server(
    handler: Handler, too_large: TooLarge, host: str, port: int, context: ssl.SSLContext | None
) -> asyncio.Server:
    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _Connection(reader, writer, handler, too_large).run()

    return await asyncio.start_server(on_connection, host, port, ssl=context, limit=MAX_BODY)
