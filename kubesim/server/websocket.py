"""WebSocket (RFC 6455) on a switched HTTP connection: the handshake answer, then whole messages in and out.

kubectl 1.30+ runs `exec`, `attach` and `cp` over WebSocket (subprotocols `v5.channel.k8s.io` and
`v4.channel.k8s.io`) and tunnels `port-forward`'s SPDY through it (`SPDY/3.1+portforward.k8s.io`). The framing is
wsproto's; this module adds what the server needs around it: choosing a subprotocol the client offered, the
101 headers, whole messages (fragments joined, pings answered) and a clean close. Anything the client gets wrong
(unmasked or malformed frames, a message over MAX_MESSAGE) closes this one connection with the code RFC 6455
gives for it; it never raises into the server.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

from wsproto.connection import Connection, ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Message, Ping, TextMessage
from wsproto.frame_protocol import CloseReason

from kubesim.server.http import Request, Transport

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
MAX_MESSAGE = 16 * 1024 * 1024


class HandshakeError(Exception):
    """The request cannot become a WebSocket (no key, another version, no subprotocol in common)."""


def is_websocket(request: Request) -> bool:
    return request.headers.get("upgrade", "").lower() == "websocket"


def offered_protocols(request: Request) -> list[str]:
    return [p.strip() for p in request.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]


def handshake(request: Request, supported: Sequence[str]) -> tuple[str, list[tuple[str, str]]]:
    """The subprotocol chosen (the client's first that the server supports) and the headers of the 101 answer."""
    key = request.headers.get("sec-websocket-key", "")
    if not key:
        raise HandshakeError("missing Sec-WebSocket-Key header")
    if request.headers.get("sec-websocket-version", "") != "13":
        raise HandshakeError("unsupported WebSocket version: only version 13 is supported")
    chosen = next((protocol for protocol in offered_protocols(request) if protocol in supported), None)
    if chosen is None:
        raise HandshakeError(f"none of the requested subprotocols is supported; supported: {', '.join(supported)}")
    accept = base64.b64encode(hashlib.sha1(key.encode() + ACCEPT_GUID).digest()).decode()
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", accept),
        ("Sec-WebSocket-Protocol", chosen),
    ]
    return chosen, headers


class WebSocket:
    """One server-side WebSocket over a switched connection."""

    def __init__(self, stream: Transport) -> None:
        self._stream = stream
        self._connection = Connection(ConnectionType.SERVER)
        self._pending: list[bytes] = []
        self._fragments: list[bytes] = []
        self._closed = False

    async def receive(self) -> bytes | None:
        """The next whole message (text as UTF-8 bytes); None once the connection is closed, by either side."""
        while not self._pending:
            if self._closed:
                return None
            data = await self._stream.read()
            if not data:
                self._closed = True
                return None
            self._connection.receive_data(data)
            await self._handle_events()
        return self._pending.pop(0)

    async def send(self, data: bytes) -> None:
        if self._closed or self._connection.state is not ConnectionState.OPEN:
            return
        await self._stream.write(self._connection.send(BytesMessage(data=data)))

    async def close(self, code: int = CloseReason.NORMAL_CLOSURE, reason: str = "") -> None:
        if not self._closed and self._connection.state is ConnectionState.OPEN:
            self._closed = True
            await self._stream.write(self._connection.send(CloseConnection(code=code, reason=reason[:120])))
        self._closed = True

    async def _handle_events(self) -> None:
        for event in self._connection.events():
            if isinstance(event, Message):
                await self._collect(event)
            elif isinstance(event, Ping):
                await self._stream.write(self._connection.send(event.response()))
            elif isinstance(event, CloseConnection):
                if self._connection.state is ConnectionState.REMOTE_CLOSING:
                    await self._stream.write(self._connection.send(event.response()))
                else:  # wsproto could not parse a frame: the close is ours to send, with its reason
                    await self.close(event.code, event.reason or "")
                self._closed = True

    async def _collect(self, event: Message[Any]) -> None:
        data = event.data.encode() if isinstance(event, TextMessage) else bytes(event.data)
        self._fragments.append(data)
        if sum(len(part) for part in self._fragments) > MAX_MESSAGE:
            self._fragments.clear()
            await self.close(CloseReason.MESSAGE_TOO_BIG, f"message larger than {MAX_MESSAGE} bytes")
            return
        if event.message_finished:
            self._pending.append(b"".join(self._fragments))
            self._fragments.clear()
