"""The streams of `kubectl exec` and `attach` (Kubernetes' remotecommand protocols), whatever carries them.

An exec has up to five streams: stdin, stdout, stderr, resize (terminal sizes as JSON `{"Width": W, "Height":
H}`) and error, on which the server writes the final metav1.Status (Success, or Failure with reason
NonZeroExitCode and the exit code as the cause of type ExitCode) before it closes the connection.

Over WebSocket (`v4.channel.k8s.io`, `v5.channel.k8s.io`) every message is one stream's data, prefixed by the
stream's number: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize. v5 adds 255: `[255, N]` says the peer
closed stream N (kubectl closes stdin when its input ends, which is how `kubectl cp` into a pod ends `tar`).
Over SPDY/3.1 (`v4.channel.k8s.io` after `Upgrade: SPDY/3.1`), kubectl opens one SPDY stream per stream, named
by its `streamtype` header; stdin ends with a FIN.

`RemoteStreams` is what the exec sees either way: a queue of stdin data (None at its end), the latest
terminal size, writers for stdout and stderr, `finish(status)`, and `gone`, set when the client leaves.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from typing import Any

from kubesim.server.spdy import REFUSED_STREAM
from kubesim.server.spdy_connection import SpdyConnection, SpdyStream
from kubesim.server.websocket import WebSocket

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
STREAM_TYPES = {"stdin": STDIN, "stdout": STDOUT, "stderr": STDERR, "error": ERROR, "resize": RESIZE}
STREAM_WAIT = 30.0  # seconds the kubelet waits for the client to open its streams
WEBSOCKET_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
SPDY_PROTOCOL = "v4.channel.k8s.io"
SUCCESS: dict[str, Any] = {"metadata": {}, "status": "Success"}


def exit_status(argv: list[str], code: int) -> dict[str, Any]:
    """The Status the kubelet writes for a command's exit code; kubectl exits with that code."""
    if code == 0:
        return SUCCESS
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command {_go_list(argv)}, "
        f"exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def exit_code(status: dict[str, Any]) -> int | None:
    """The exit code a final Status reports; None when the command could not run."""
    if status.get("status") == "Success":
        return 0
    if status.get("reason") == "NonZeroExitCode":
        return int(status["details"]["causes"][0]["message"])
    return None


def failure(message: str) -> dict[str, Any]:
    """The Status of an exec that could not run at all (kubectl prints `error: MESSAGE` and exits 1)."""
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"Internal error occurred: {message}",
        "reason": "InternalError",
        "details": {"causes": [{"message": message}]},
        "code": 500,
    }


def _go_list(argv: list[str]) -> str:
    return "[" + " ".join(argv) + "]"


class RemoteStreams(ABC):
    """The client's streams of one exec or attach."""

    def __init__(self) -> None:
        self.stdin: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.size: tuple[int, int] | None = None  # (rows, columns)
        self.gone = asyncio.Event()
        self._outgoing: asyncio.Queue[tuple[int, bytes] | None] = asyncio.Queue()

    def write(self, stream: int, data: bytes) -> None:
        """Queue data for stdout or stderr; it leaves in order, without the writer waiting on the network."""
        if data and not self.gone.is_set():
            self._outgoing.put_nowait((stream, data))

    def resized(self, payload: bytes) -> None:
        try:
            size = json.loads(payload)
            self.size = (int(size["Height"]), int(size["Width"]))
        except (ValueError, KeyError, TypeError):
            pass  # a resize that does not parse is ignored, as the kubelet logs and ignores it

    async def run(self, command: Any) -> None:
        """Serve the streams while `command` (a coroutine returning the final Status) runs; the connection is
        done when it has returned and its output has left, or when the client has gone (the command is then
        cancelled)."""
        task = asyncio.ensure_future(command)
        reader = asyncio.ensure_future(self._read_all())
        sender = asyncio.ensure_future(self._send_all())
        try:
            await asyncio.wait({task, reader}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():  # the client went away first
                self.gone.set()
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                return
            status = task.result()
            self._outgoing.put_nowait(None)
            await sender
            await self.finish(status)
        finally:
            for pending in (task, reader, sender):
                pending.cancel()

    async def _send_all(self) -> None:
        while (item := await self._outgoing.get()) is not None:
            await self.send(*item)

    @abstractmethod
    async def _read_all(self) -> None:
        """Read what the client sends until it goes away."""

    @abstractmethod
    async def send(self, stream: int, data: bytes) -> None: ...

    @abstractmethod
    async def finish(self, status: dict[str, Any]) -> None:
        """Write the final Status on the error stream and close."""


class WebSocketChannels(RemoteStreams):
    """v4/v5.channel.k8s.io: one WebSocket, each message prefixed by its stream's number."""

    def __init__(self, socket: WebSocket, protocol: str) -> None:
        super().__init__()
        self.socket = socket
        self.closes_streams = protocol == "v5.channel.k8s.io"

    async def _read_all(self) -> None:
        while (message := await self.socket.receive()) is not None:
            if not message:
                continue
            stream, data = message[0], message[1:]
            if stream == STDIN:
                if data:
                    self.stdin.put_nowait(data)
            elif stream == RESIZE:
                self.resized(data)
            elif stream == CLOSE and self.closes_streams and data[:1] == bytes([STDIN]):
                self.stdin.put_nowait(None)
            # data on other streams is not the client's to send: ignored, as the API server ignores it
        self.stdin.put_nowait(None)

    async def send(self, stream: int, data: bytes) -> None:
        await self.socket.send(bytes([stream]) + data)

    async def finish(self, status: dict[str, Any]) -> None:
        await self.socket.send(bytes([ERROR]) + json.dumps(status).encode())
        await self.socket.close()


class SpdyChannels(RemoteStreams):
    """v4.channel.k8s.io over SPDY/3.1: one SPDY stream per stream, named by its `streamtype` header."""

    def __init__(self, connection: SpdyConnection, wanted: set[int]) -> None:
        super().__init__()
        self.connection, self.wanted = connection, wanted | {ERROR}
        self.streams: dict[int, SpdyStream] = {}

    async def wait_for_streams(self) -> bool:
        """Accept the client's streams until each wanted one is open; False when it gives up or takes too long."""
        try:
            async with asyncio.timeout(STREAM_WAIT):
                while not self.wanted <= set(self.streams):
                    stream = await self.connection.accept()
                    if stream is None:
                        return False
                    kind = STREAM_TYPES.get(stream.headers.get("streamtype", ""))
                    if kind is None:
                        await stream.reset(REFUSED_STREAM)
                    else:
                        self.streams[kind] = stream
        except TimeoutError:
            await self.connection.close()
            return False
        return True

    async def _read_all(self) -> None:
        readers = [asyncio.ensure_future(self._pump_stdin()), asyncio.ensure_future(self._pump_resize())]
        try:
            await self.connection.closed.wait()
        finally:
            for reader in readers:
                reader.cancel()
            self.stdin.put_nowait(None)

    async def _pump_stdin(self) -> None:
        stream = self.streams.get(STDIN)
        if stream is None:
            return
        while (data := await stream.read()) is not None:
            self.stdin.put_nowait(data)
        self.stdin.put_nowait(None)

    async def _pump_resize(self) -> None:
        stream = self.streams.get(RESIZE)
        if stream is None:
            return
        decoder, pending = json.JSONDecoder(), ""
        while (data := await stream.read()) is not None:
            pending += data.decode(errors="replace")
            while pending.strip():  # sizes arrive as JSON objects one after another, not framed
                try:
                    _, end = decoder.raw_decode(pending.lstrip())
                except ValueError:
                    break
                text = pending.lstrip()
                self.resized(text[:end].encode())
                pending = text[end:]

    async def send(self, stream: int, data: bytes) -> None:
        target = self.streams.get(stream)
        if target is not None:
            await target.write(data)

    async def finish(self, status: dict[str, Any]) -> None:
        await self.streams[ERROR].write(json.dumps(status).encode())
        for stream in self.streams.values():
            await stream.close()
        await self.connection.close()
