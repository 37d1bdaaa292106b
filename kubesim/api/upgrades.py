"""Switching an API request to a streaming protocol, as exec, attach and port-forward all do.

A client asks either for WebSocket (`Upgrade: websocket`, with the subprotocols it speaks) or for SPDY/3.1
(`Upgrade: SPDY/3.1`, with X-Stream-Protocol-Version). The first the endpoint speaks wins; one it cannot speak is a
400 before anything switches, as the API server answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from kubesim.api.errors import bad_request
from kubesim.server.http import Request, Transport, Upgrade
from kubesim.server.spdy_connection import UpgradeRefused, spdy_upgrade
from kubesim.server.websocket import HandshakeError, handshake, is_websocket

WebSocketSession = Callable[[str, Transport], Awaitable[None]]  # (the subprotocol chosen, the connection)
SpdySession = Callable[[Transport], Awaitable[None]]


def switch_protocols(
    request: Request,
    websocket_protocols: Sequence[str],
    spdy_protocol: str,
    over_websocket: WebSocketSession,
    over_spdy: SpdySession,
) -> Upgrade:
    """The 101 answer that hands the connection to the session for the protocol the client asked for."""
    if is_websocket(request):
        try:
            protocol, headers = handshake(request, websocket_protocols)
        except HandshakeError as error:
            raise bad_request(str(error)) from None

        async def session(transport: Transport) -> None:
            await over_websocket(protocol, transport)

        return Upgrade(headers, session)
    try:
        headers = spdy_upgrade(request, spdy_protocol)
    except UpgradeRefused as refused:
        raise bad_request(str(refused)) from None
    return Upgrade(headers, over_spdy)
