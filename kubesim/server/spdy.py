"""SPDY/3.1 sessions without I/O: bytes in, events out; method calls in, bytes out.

kubectl speaks SPDY/3.1 for `port-forward` (after `Upgrade: SPDY/3.1`, or tunnelled in WebSocket binary messages
under the subprotocol `SPDY/3.1+portforward.k8s.io`) and for `exec`/`attach` when WebSockets are turned off. Its
side is moby/spdystream over Go's SPDY framer; this module is the other side. It does no I/O and knows nothing of
asyncio, so the HTTP upgrade and the WebSocket tunnel feed it the same bytes, and the tests drive a client and a
server session against each other without sockets.

Every frame starts with 8 bytes, big-endian:

    control: 1 | version (15 bits, 3) | type (16 bits)  ||  flags (8 bits) | length (24 bits)
    data:    0 | stream id (31 bits)                    ||  flags (8 bits) | length (24 bits)

then `length` bytes. SYN_STREAM, SYN_REPLY and HEADERS carry a header block: a count, then length-prefixed names and
values (32-bit lengths), deflated with one zlib context per direction for the whole session, primed with the SPDY/3
dictionary and sync-flushed after every frame. So every header block must be inflated in order, even for a stream
that is about to be refused, or all later ones become garbage.

Streams the client opens have odd ids, the server's even ones. `receive()` returns events; a peer that breaks the
protocol for the whole session raises `SpdyProtocolError` (answer with `goaway(GOAWAY_PROTOCOL_ERROR)` and close).
A frame for a stream that was never opened, or one that misuses an open stream (DATA after the peer's FIN, a second
SYN_REPLY), is a stream error: the `StreamError` event carries the RST_STREAM to send. Frames for streams that were
open once and have closed since are dropped, since the peer may have sent them before it saw our FIN or RST_STREAM.
Writes to a closed or reset stream return no bytes, as the spec forbids frames after a RST_STREAM. A DATA frame
becomes one event once all of it has arrived (spdystream sends each write as one frame, at most 16 MiB).

Flow control: spdystream neither sends WINDOW_UPDATE nor honours it (its reader drops them), so a sender that waited
for window would stall every kubectl download after 64 KiB: `data()` ignores the peer's window (its updates still
arrive as `WindowUpdated`), and frames beyond our receive window are accepted. For peers that do count, `consumed()`
returns the stream and session (stream 0, new in 3.1) WINDOW_UPDATEs once more than half a window has been read.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01
FLAG_UNIDIRECTIONAL = 0x02  # SYN_STREAM: the receiver may not send on the stream

# RST_STREAM status codes (10, INVALID_CREDENTIALS, belongs to CREDENTIAL frames, which kubectl never sends)
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL, INTERNAL_ERROR = 1, 2, 3, 4, 5, 6
FLOW_CONTROL_ERROR, STREAM_IN_USE, STREAM_ALREADY_CLOSED, FRAME_TOO_LARGE = 7, 8, 9, 11
GOAWAY_OK, GOAWAY_PROTOCOL_ERROR, GOAWAY_INTERNAL_ERROR = 0, 1, 2
SETTINGS_MAX_CONCURRENT_STREAMS, SETTINGS_INITIAL_WINDOW_SIZE = 4, 7

DEFAULT_WINDOW = 64 * 1024  # the initial stream and session window of SPDY/3.1
MAX_DATA_FRAME = 64 * 1024  # what data() puts in one frame; larger payloads are split
MAX_CONTROL_FRAME = 1024 * 1024  # kubectl's header blocks are a few hundred bytes
MAX_HEADER_BLOCK = 1024 * 1024  # inflated, so a small deflate bomb cannot take the server's memory
MAX_STREAM_ID = 0x7FFFFFFF

_DICTIONARY_WORDS = (  # each goes in with a 32-bit length before it
    "options,head,post,put,delete,trace,accept,accept-charset,accept-encoding,accept-language,accept-ranges,age,"
    "allow,authorization,cache-control,connection,content-base,content-encoding,content-language,content-length,"
    "content-location,content-md5,content-range,content-type,date,etag,expect,expires,from,host,if-match,"
    "if-modified-since,if-none-match,if-range,if-unmodified-since,last-modified,location,max-forwards,pragma,"
    "proxy-authenticate,proxy-authorization,range,referer,retry-after,server,te,trailer,transfer-encoding,upgrade,"
    "user-agent,vary,via,warning,www-authenticate,method,get,status,200 OK,version,HTTP/1.1,url,public,set-cookie,"
    "keep-alive,origin"
)
_DICTIONARY_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)


def _dictionary() -> bytes:
    """The SPDY/3 header dictionary (draft 3, section 2.6.10.1): length-prefixed words, then a run of text."""
    words = [word.encode() for word in _DICTIONARY_WORDS.split(",")]
    return b"".join(struct.pack(">I", len(word)) + word for word in words) + _DICTIONARY_TAIL.encode()


HEADER_DICTIONARY = _dictionary()


class SpdyProtocolError(Exception):
    """The peer broke SPDY/3.1 in a way that ends the session; the message says how."""


@dataclass(frozen=True)
class StreamOpened:
    stream_id: int
    headers: dict[str, str]
    fin: bool
    associated_id: int = 0


@dataclass(frozen=True)
class _HeaderBlockReceived:
    stream_id: int
    headers: dict[str, str]
    fin: bool


class ReplyReceived(_HeaderBlockReceived):
    """The peer accepted a stream we opened (SYN_REPLY)."""


class HeadersReceived(_HeaderBlockReceived):
    """More headers on an open stream (HEADERS)."""


@dataclass(frozen=True)
class DataReceived:
    stream_id: int
    data: bytes
    fin: bool


@dataclass(frozen=True)
class StreamReset:
    stream_id: int
    status: int


@dataclass(frozen=True)
class StreamError:
    """The peer misused one stream; send `reset` (a RST_STREAM with `status`) and forget the stream."""

    stream_id: int
    status: int
    reset: bytes


@dataclass(frozen=True)
class PingReceived:
    """`echo` is the PING to send back when the peer asked, empty when this answers one of our pings."""

    ping_id: int
    echo: bytes


@dataclass(frozen=True)
class SettingsReceived:
    values: dict[int, int]


@dataclass(frozen=True)
class GoAwayReceived:
    last_good_stream_id: int
    status: int


@dataclass(frozen=True)
class WindowUpdated:
    stream_id: int  # 0 for the session window
    delta: int


StreamEvent = StreamOpened | ReplyReceived | HeadersReceived | DataReceived | StreamReset | StreamError
Event = StreamEvent | PingReceived | SettingsReceived | GoAwayReceived | WindowUpdated


class _StreamFailure(Exception):
    def __init__(self, stream_id: int, status: int) -> None:
        self.stream_id, self.status = stream_id, status


@dataclass
class _Stream:
    local_open: bool  # we may still send
    remote_open: bool  # the peer may still send
    replied: bool = False  # SYN_REPLY sent (peer's streams) or received (ours)
    unacknowledged: int = 0  # bytes consumed since our last WINDOW_UPDATE for this stream


class SpdySession:
    """One SPDY/3.1 connection, as the server (or, for tests, as the client with `client=True`)."""

    def __init__(self, *, client: bool = False, max_data_frame: int = MAX_DATA_FRAME) -> None:
        self.client = client
        self.max_data_frame = max_data_frame
        self._buffer = bytearray()
        self._deflate = zlib.compressobj(zdict=HEADER_DICTIONARY)
        self._inflate = zlib.decompressobj(zdict=HEADER_DICTIONARY)
        self._streams: dict[int, _Stream] = {}
        self._next_stream_id = 1 if client else 2
        self._last_peer_stream_id = 0
        self._session_unacknowledged = 0

    # Receiving

    def receive(self, data: bytes) -> list[Event]:
        """The events of every frame that `data` completes; a partial frame waits for the next call.

        After a SpdyProtocolError the session is over: send a GOAWAY and close rather than call this again.
        """
        self._buffer += data
        events: list[Event] = []
        while (frame := self._next_frame()) is not None:
            try:
                event = self._handle_frame(*frame)
            except _StreamFailure as failure:
                self._streams.pop(failure.stream_id, None)
                event = StreamError(failure.stream_id, failure.status, _rst_frame(failure.stream_id, failure.status))
            if event is not None:
                events.append(event)
        return events

    def receive_eof(self) -> None:
        """The peer closed the connection: complain if it stopped in the middle of a frame."""
        if self._buffer:
            raise SpdyProtocolError(f"connection closed inside a frame ({len(self._buffer)} bytes of it arrived)")

    def _next_frame(self) -> tuple[int, int, bytes] | None:
        if len(self._buffer) < 8:
            return None
        first, flags_and_length = struct.unpack_from(">II", self._buffer)
        length = flags_and_length & 0xFFFFFF
        if first & 0x80000000 and length > MAX_CONTROL_FRAME:
            raise SpdyProtocolError(f"control frame of {length} bytes is over the limit of {MAX_CONTROL_FRAME}")
        if len(self._buffer) < 8 + length:
            return None
        payload = bytes(self._buffer[8 : 8 + length])
        del self._buffer[: 8 + length]
        return first, flags_and_length >> 24, payload

    def _handle_frame(self, first: int, flags: int, payload: bytes) -> Event | None:
        if not first & 0x80000000:
            return self._on_data(first, flags, payload)
        version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
        if version != VERSION:
            raise SpdyProtocolError(f"control frame of SPDY version {version}; this session speaks version {VERSION}")
        handler = self._control_handlers.get(kind)
        # Unknown control frame types are ignored (draft 3, section 2.2.1); so is CREDENTIAL (10), unused here.
        return handler(self, flags, payload) if handler is not None else None

    def _on_data(self, stream_id: int, flags: int, payload: bytes) -> Event | None:
        if stream_id == 0:
            raise SpdyProtocolError("DATA frame for stream 0")
        stream = self._receiving_stream(stream_id, len(payload))
        if stream is None:
            return None
        return DataReceived(stream_id, payload, self._remote_fin(stream_id, stream, flags))

    def _on_syn_stream(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 10, "SYN_STREAM", exact=False)
        stream_id, associated_id = struct.unpack_from(">II", payload)
        stream_id &= MAX_STREAM_ID
        headers = self._inflate_headers(payload[10:])
        if stream_id == 0 or self._is_own_stream(stream_id):
            raise SpdyProtocolError(f"SYN_STREAM with stream id {stream_id}, not one the peer may open")
        if stream_id <= self._last_peer_stream_id:
            raise SpdyProtocolError(f"SYN_STREAM {stream_id} after {self._last_peer_stream_id}: ids must increase")
        self._last_peer_stream_id = stream_id
        fin = bool(flags & FLAG_FIN)
        stream = _Stream(local_open=not flags & FLAG_UNIDIRECTIONAL, remote_open=not fin)
        self._streams[stream_id] = stream
        self._forget_if_closed(stream_id, stream)
        return StreamOpened(stream_id, headers, fin, associated_id & MAX_STREAM_ID)

    def _on_syn_reply(self, flags: int, payload: bytes) -> Event | None:
        stream_id, headers = self._stream_headers(payload, "SYN_REPLY")
        stream = self._receiving_stream(stream_id)
        if stream is None:
            return None
        if not self._is_own_stream(stream_id):
            raise _StreamFailure(stream_id, PROTOCOL_ERROR)
        if stream.replied:
            raise _StreamFailure(stream_id, STREAM_IN_USE)
        stream.replied = True
        return ReplyReceived(stream_id, headers, self._remote_fin(stream_id, stream, flags))

    def _on_headers(self, flags: int, payload: bytes) -> Event | None:
        stream_id, headers = self._stream_headers(payload, "HEADERS")
        stream = self._receiving_stream(stream_id)
        return (
            None if stream is None else HeadersReceived(stream_id, headers, self._remote_fin(stream_id, stream, flags))
        )

    def _on_rst_stream(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 8, "RST_STREAM")
        stream_id, status = struct.unpack(">II", payload)
        stream_id &= MAX_STREAM_ID
        if stream_id == 0 or status == 0:
            raise SpdyProtocolError(f"RST_STREAM with stream id {stream_id} and status {status}: neither may be 0")
        # Never answered with another RST_STREAM, even for a stream we do not know (draft 3, section 2.4.2).
        return StreamReset(stream_id, status) if self._streams.pop(stream_id, None) is not None else None

    def _on_settings(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 4, "SETTINGS", exact=False)
        (count,) = struct.unpack_from(">I", payload)
        _require_length(payload, 4 + 8 * count, f"SETTINGS with {count} entries")
        entries = struct.iter_unpack(">II", payload[4:])
        return SettingsReceived({flags_and_id & 0xFFFFFF: value for flags_and_id, value in entries})

    def _on_ping(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 4, "PING")
        (ping_id,) = struct.unpack(">I", payload)
        peer_asked = (ping_id % 2 == 1) != self.client
        return PingReceived(ping_id, self.ping(ping_id) if peer_asked else b"")

    def _on_goaway(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 8, "GOAWAY")
        last_good, status = struct.unpack(">II", payload)
        return GoAwayReceived(last_good & MAX_STREAM_ID, status)

    def _on_window_update(self, flags: int, payload: bytes) -> Event | None:
        _require_length(payload, 8, "WINDOW_UPDATE")
        stream_id, delta = (word & MAX_STREAM_ID for word in struct.unpack(">II", payload))
        if delta == 0:
            raise SpdyProtocolError(f"WINDOW_UPDATE of 0 bytes for stream {stream_id}")
        # Updates for streams closed since are ordinary: the peer sent them before it knew.
        return WindowUpdated(stream_id, delta) if stream_id == 0 or stream_id in self._streams else None

    _control_handlers: ClassVar[dict[int, Callable[[SpdySession, int, bytes], Event | None]]] = {
        SYN_STREAM: _on_syn_stream,
        SYN_REPLY: _on_syn_reply,
        RST_STREAM: _on_rst_stream,
        SETTINGS: _on_settings,
        PING: _on_ping,
        GOAWAY: _on_goaway,
        HEADERS: _on_headers,
        WINDOW_UPDATE: _on_window_update,
    }

    def _receiving_stream(self, stream_id: int, discarded: int = 0) -> _Stream | None:
        """The stream a frame from the peer belongs to; None when it closed since (drop the frame)."""
        stream = self._streams.get(stream_id)
        if stream is None:
            # Dropped data still counts against the session window; acknowledge it with the next consumed().
            self._session_unacknowledged += discarded
            if self._was_opened(stream_id):
                return None
            raise _StreamFailure(stream_id, INVALID_STREAM)
        if not stream.remote_open:
            raise _StreamFailure(stream_id, STREAM_ALREADY_CLOSED)
        return stream

    def _stream_headers(self, payload: bytes, frame: str) -> tuple[int, dict[str, str]]:
        _require_length(payload, 4, frame, exact=False)
        stream_id = struct.unpack_from(">I", payload)[0] & MAX_STREAM_ID
        headers = self._inflate_headers(payload[4:])
        if stream_id == 0:
            raise SpdyProtocolError(f"{frame} frame for stream 0")
        return stream_id, headers

    def _remote_fin(self, stream_id: int, stream: _Stream, flags: int) -> bool:
        """Whether the frame carries the peer's FIN, which half-closes the stream."""
        fin = bool(flags & FLAG_FIN)
        if fin:
            stream.remote_open = False
            self._forget_if_closed(stream_id, stream)
        return fin

    def _inflate_headers(self, block: bytes) -> dict[str, str]:
        try:
            raw = self._inflate.decompress(block, MAX_HEADER_BLOCK + 1)
        except zlib.error as error:
            raise SpdyProtocolError(f"header block does not inflate: {error}") from None
        if len(raw) > MAX_HEADER_BLOCK:
            raise SpdyProtocolError(f"header block inflates to more than {MAX_HEADER_BLOCK} bytes")
        if self._inflate.eof:
            raise SpdyProtocolError("header block ends the session's compression stream")
        return _parse_header_block(raw)

    # Sending

    def open(self, headers: dict[str, str], fin: bool = False) -> tuple[int, bytes]:
        """A new stream of ours: its id and the SYN_STREAM that opens it."""
        stream_id = self._next_stream_id
        self._next_stream_id += 2
        self._streams[stream_id] = _Stream(local_open=not fin, remote_open=True)
        fixed = struct.pack(">IIBB", stream_id, 0, 0, 0)  # no associated stream, highest priority, no slot
        return stream_id, _control_frame(SYN_STREAM, FLAG_FIN if fin else 0, fixed + self._deflate_headers(headers))

    def reply(self, stream_id: int, headers: dict[str, str], fin: bool = False) -> bytes:
        """The SYN_REPLY that accepts a stream the peer opened (nothing when it has been reset meanwhile)."""
        stream = self._streams.get(stream_id)
        if stream is None or self._is_own_stream(stream_id) or stream.replied or not stream.local_open:
            return b""
        stream.replied = True
        frame = _control_frame(
            SYN_REPLY, FLAG_FIN if fin else 0, struct.pack(">I", stream_id) + self._deflate_headers(headers)
        )
        if fin:
            self._close_local(stream_id, stream)
        return frame

    def data(self, stream_id: int, payload: bytes, fin: bool = False) -> bytes:
        """DATA frames carrying `payload`, split at max_data_frame; FIN on the last one when `fin`."""
        stream = self._streams.get(stream_id)
        if stream is None or not stream.local_open:
            return b""
        chunks = [payload[i : i + self.max_data_frame] for i in range(0, len(payload), self.max_data_frame)] or [b""]
        frames = [_data_frame(stream_id, 0, chunk) for chunk in chunks[:-1]]
        frames.append(_data_frame(stream_id, FLAG_FIN if fin else 0, chunks[-1]))
        if fin:
            self._close_local(stream_id, stream)
        return b"".join(frames)

    def reset(self, stream_id: int, status: int = CANCEL) -> bytes:
        """The RST_STREAM that ends a stream at once (nothing for a stream that is already gone)."""
        return _rst_frame(stream_id, status) if self._streams.pop(stream_id, None) is not None else b""

    def ping(self, ping_id: int) -> bytes:
        """A PING; ours should have the parity of our stream ids, an echo keeps the peer's id."""
        return _control_frame(PING, 0, struct.pack(">I", ping_id))

    def goaway(self, status: int = GOAWAY_OK) -> bytes:
        """The GOAWAY that ends the session, naming the last stream the peer opened as the last one handled."""
        return _control_frame(GOAWAY, 0, struct.pack(">II", self._last_peer_stream_id, status))

    def settings(self, values: dict[int, int]) -> bytes:
        entries = b"".join(struct.pack(">II", setting_id, value) for setting_id, value in values.items())
        return _control_frame(SETTINGS, 0, struct.pack(">I", len(values)) + entries)

    def window_update(self, stream_id: int, delta: int) -> bytes:
        return _control_frame(WINDOW_UPDATE, 0, struct.pack(">II", stream_id, delta))

    def consumed(self, stream_id: int, size: int) -> bytes:
        """The application has read `size` bytes of the stream: the WINDOW_UPDATEs due, if any."""
        updates = b""
        stream = self._streams.get(stream_id)
        if stream is not None and stream.remote_open:
            stream.unacknowledged += size
            if stream.unacknowledged > DEFAULT_WINDOW // 2:
                updates += self.window_update(stream_id, stream.unacknowledged)
                stream.unacknowledged = 0
        self._session_unacknowledged += size
        if self._session_unacknowledged > DEFAULT_WINDOW // 2:
            updates += self.window_update(0, self._session_unacknowledged)
            self._session_unacknowledged = 0
        return updates

    def _deflate_headers(self, headers: dict[str, str]) -> bytes:
        fields = [struct.pack(">I", len(headers))]
        for name, value in headers.items():
            for text in (name.lower(), value):
                encoded = text.encode()
                fields.append(struct.pack(">I", len(encoded)) + encoded)
        return self._deflate.compress(b"".join(fields)) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    # Stream bookkeeping

    def _is_own_stream(self, stream_id: int) -> bool:
        return (stream_id % 2 == 1) == self.client

    def _was_opened(self, stream_id: int) -> bool:
        if self._is_own_stream(stream_id):
            return stream_id < self._next_stream_id
        return stream_id <= self._last_peer_stream_id

    def _close_local(self, stream_id: int, stream: _Stream) -> None:
        stream.local_open = False
        self._forget_if_closed(stream_id, stream)

    def _forget_if_closed(self, stream_id: int, stream: _Stream) -> None:
        if not stream.local_open and not stream.remote_open:
            del self._streams[stream_id]


def _control_frame(kind: int, flags: int, payload: bytes) -> bytes:
    return struct.pack(">HHI", 0x8000 | VERSION, kind, flags << 24 | len(payload)) + payload


def _data_frame(stream_id: int, flags: int, payload: bytes) -> bytes:
    return struct.pack(">II", stream_id, flags << 24 | len(payload)) + payload


def _rst_frame(stream_id: int, status: int) -> bytes:
    return _control_frame(RST_STREAM, 0, struct.pack(">II", stream_id, status))


def _require_length(payload: bytes, size: int, frame: str, exact: bool = True) -> None:
    if len(payload) < size or (exact and len(payload) != size):
        expected = f"{size}" if exact else f"at least {size}"
        raise SpdyProtocolError(f"{frame} frame with {len(payload)} bytes of payload, expected {expected}")


def _parse_header_block(raw: bytes) -> dict[str, str]:
    """Names (lower-cased) to values; a value with several parts keeps them joined by NUL, as sent."""
    (count,), offset = _unpack(">I", raw, 0)
    headers: dict[str, str] = {}
    for _ in range(count):
        name, offset = _read_string(raw, offset)
        value, offset = _read_string(raw, offset)
        name = name.lower()
        if not name or name in headers:
            raise SpdyProtocolError(f"header block has an empty or repeated name {name!r}")
        headers[name] = value
    if offset != len(raw):
        raise SpdyProtocolError(f"header block has {len(raw) - offset} bytes after its {count} headers")
    return headers


def _read_string(raw: bytes, offset: int) -> tuple[str, int]:
    (length,), offset = _unpack(">I", raw, offset)
    if offset + length > len(raw):
        raise SpdyProtocolError(f"header block ends inside a {length}-byte string")
    try:
        return raw[offset : offset + length].decode(), offset + length
    except UnicodeDecodeError:
        raise SpdyProtocolError("header block has a name or value that is not UTF-8") from None


def _unpack(layout: str, raw: bytes, offset: int) -> tuple[tuple[int, ...], int]:
    size = struct.calcsize(layout)
    if offset + size > len(raw):
        raise SpdyProtocolError("header block is truncated")
    return struct.unpack_from(layout, raw, offset), offset + size
