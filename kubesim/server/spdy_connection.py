"""A SPDY/3.1 server connection on asyncio: the streams a client opens, each read and written like a pipe.

spdy.py does the framing without I/O; this module runs it over a byte transport: the switched HTTP connection
itself (`Upgrade: SPDY/3.1`) or a WebSocket whose binary messages carry the SPDY bytes (kubectl's port-forward
tunnel, `SPDY/3.1+portforward.k8s.io`). Every stream the client opens is accepted with a SYN_REPLY and queued
for `accept()`; pings are answered; a frame the client gets wrong resets its stream (StreamError) or, when the
session itself is broken, ends it with GOAWAY PROTOCOL_ERROR. Writes go out one at a time under a lock. Only the
reading task sends header blocks (SYN_REPLY), so they leave in the order they were compressed, as the one shared
compression context requires; data frames carry no headers and may come from any task.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from kubesim.server.http import Request
from kubesim.server.spdy import (
    GOAWAY_PROTOCOL_ERROR,
    DataReceived,
    GoAwayReceived,
    PingReceived,
    SpdyProtocolError,
    SpdySession,
    StreamError,
    StreamOpened,
    StreamReset,
)
from kubesim.server.websocket import WebSocket

PROTOCOL_HEADER = "x-stream-protocol-version"


class ByteStream(Protocol):
    """What SPDY runs over: a switched connection (http.Transport) or a WebSocketTunnel."""

    async def read(self) -> bytes: ...

    async def write(self, data: bytes) -> None: ...


class WebSocketTunnel:
    """A WebSocket seen as a byte stream: each binary message is the next piece of the SPDY connection."""

    def __init__(self, socket: WebSocket) -> None:
        self.socket = socket

    async def read(self) -> bytes:
        while (message := await self.socket.receive()) is not None:
            if message:
                return message
        return b""

    async def write(self, data: bytes) -> None:
        await self.socket.send(data)


class UpgradeRefused(Exception):
    """The client asked for SPDY without offering a stream protocol this endpoint speaks."""


def spdy_upgrade(request: Request, protocol: str) -> list[tuple[str, str]]:
    """The 101 headers switching to SPDY/3.1 with `protocol`, which the client must have offered."""
    if request.headers.get("upgrade", "").lower() != "spdy/3.1":
        raise UpgradeRefused("Upgrade request required")
    offered = [value.strip() for value in request.headers.get(PROTOCOL_HEADER, "").split(",") if value.strip()]
    if offered and protocol not in offered:
        raise UpgradeRefused(
            f"unable to upgrade: unable to negotiate protocol: client supports {offered}, server supports [{protocol}]"
        )
    return [("Connection", "Upgrade"), ("Upgrade", "SPDY/3.1"), ("X-Stream-Protocol-Version", protocol)]


class SpdyStream:
    """One stream the client opened: its headers, what it sends (None once it finished), what we send back."""

    def __init__(self, connection: SpdyConnection, stream_id: int, headers: dict[str, str]) -> None:
        self.connection, self.id, self.headers = connection, stream_id, headers
        self.incoming: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.finished = False  # no more data from the client

    async def read(self) -> bytes | None:
        data = await self.incoming.get()
        if data is None:
            self.incoming.put_nowait(None)  # end of stream stays the end for every later read
        return data

    async def write(self, data: bytes) -> None:
        await self.connection.send(self.connection.session.data(self.id, data))

    async def close(self) -> None:
        """Half-close: FIN on our side."""
        with contextlib.suppress(SpdyProtocolError, ValueError, KeyError):
            await self.connection.send(self.connection.session.data(self.id, b"", fin=True))

    async def reset(self, status: int) -> None:
        with contextlib.suppress(SpdyProtocolError, ValueError, KeyError):
            await self.connection.send(self.connection.session.reset(self.id, status))

    def _ended(self) -> None:
        if not self.finished:
            self.finished = True
            self.incoming.put_nowait(None)


class SpdyConnection:
    def __init__(self, transport: ByteStream) -> None:
        self.transport = transport
        self.session = SpdySession()
        self.streams: dict[int, SpdyStream] = {}
        self.opened: asyncio.Queue[SpdyStream | None] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    def start(self) -> None:
        self._reader = asyncio.ensure_future(self._read_all())

    async def accept(self) -> SpdyStream | None:
        """The next stream the client opened; None once the connection has ended."""
        stream = await self.opened.get()
        if stream is None:
            self.opened.put_nowait(None)
        return stream

    async def send(self, data: bytes) -> None:
        if self.closed.is_set() or not data:
            return
        async with self._lock:
            try:
                await self.transport.write(data)
            except (ConnectionError, OSError):
                self._end()

    async def close(self) -> None:
        with contextlib.suppress(SpdyProtocolError):
            await self.send(self.session.goaway())
        self._end()
        if self._reader is not None:
            self._reader.cancel()

    async def _read_all(self) -> None:
        try:
            while data := await self.transport.read():
                for event in self.session.receive(data):
                    await self._dispatch(event)
        except SpdyProtocolError:
            with contextlib.suppress(SpdyProtocolError):
                await self.send(self.session.goaway(GOAWAY_PROTOCOL_ERROR))
        finally:
            self._end()

    async def _dispatch(self, event: object) -> None:
        if isinstance(event, StreamOpened):
            opened = SpdyStream(self, event.stream_id, event.headers)
            self.streams[event.stream_id] = opened
            await self.send(self.session.reply(event.stream_id, {}))
            if event.fin:
                opened._ended()
            self.opened.put_nowait(opened)
        elif isinstance(event, DataReceived):
            stream = self.streams.get(event.stream_id)
            if stream is not None:
                if event.data:
                    stream.incoming.put_nowait(event.data)
                    await self.send(self.session.consumed(event.stream_id, len(event.data)))
                if event.fin:
                    stream._ended()
        elif isinstance(event, StreamReset | StreamError):
            if isinstance(event, StreamError):
                await self.send(event.reset)
            gone = self.streams.pop(event.stream_id, None)
            if gone is not None:
                gone._ended()
        elif isinstance(event, PingReceived) and event.echo:
            await self.send(event.echo)
        elif isinstance(event, GoAwayReceived):
            self._end()

    def _end(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for stream in self.streams.values():
            stream._ended()
        self.opened.put_nowait(None)
