"""SPDY/3.1 framing (kubesim/server/spdy.py): a client and a server session talking, and every way a peer can be wrong.

The module has no I/O, so these tests hand bytes from one session to the other. `RawPeer` writes frames with its own
encoder (struct and zlib, following the draft 3 layout), so a bug shared by the module's encoder and decoder cannot
hide, and so a test can send what a well-behaved session never would.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubesim.server.spdy import (
    CANCEL,
    GOAWAY,
    HEADER_DICTIONARY,
    HEADERS,
    INVALID_STREAM,
    MAX_CONTROL_FRAME,
    PING,
    PROTOCOL_ERROR,
    RST_STREAM,
    SETTINGS,
    SETTINGS_INITIAL_WINDOW_SIZE,
    STREAM_ALREADY_CLOSED,
    STREAM_IN_USE,
    SYN_REPLY,
    SYN_STREAM,
    WINDOW_UPDATE,
    DataReceived,
    GoAwayReceived,
    HeadersReceived,
    PingReceived,
    ReplyReceived,
    SettingsReceived,
    SpdyProtocolError,
    SpdySession,
    StreamError,
    StreamOpened,
    StreamReset,
    WindowUpdated,
)

PORT_FORWARD_HEADERS = {"streamtype": "data", "port": "8080", "requestid": "0"}


class RawPeer:
    """A SPDY/3 client written frame by frame, with one header compression context like a real one."""

    def __init__(self) -> None:
        self.deflate = zlib.compressobj(zdict=HEADER_DICTIONARY)

    def control(self, kind: int, payload: bytes, flags: int = 0, version: int = 3) -> bytes:
        return struct.pack(">HHI", 0x8000 | version, kind, flags << 24 | len(payload)) + payload

    def data(self, stream_id: int, payload: bytes, fin: bool = False) -> bytes:
        return struct.pack(">II", stream_id, int(fin) << 24 | len(payload)) + payload

    def block(self, raw: bytes) -> bytes:
        return self.deflate.compress(raw) + self.deflate.flush(zlib.Z_SYNC_FLUSH)

    def syn_stream(self, stream_id: int, headers: dict[str, str], fin: bool = False) -> bytes:
        payload = struct.pack(">IIBB", stream_id, 0, 0, 0) + self.block(header_block(headers))
        return self.control(SYN_STREAM, payload, flags=int(fin))

    def syn_reply(self, stream_id: int, headers: dict[str, str]) -> bytes:
        return self.control(SYN_REPLY, struct.pack(">I", stream_id) + self.block(header_block(headers)))


def header_block(headers: dict[str, str]) -> bytes:
    return struct.pack(">I", len(headers)) + b"".join(field(name) + field(value) for name, value in headers.items())


def field(text: str) -> bytes:
    return struct.pack(">I", len(text.encode())) + text.encode()


def connected() -> tuple[SpdySession, SpdySession]:
    return SpdySession(client=True), SpdySession()


def open_stream(client: SpdySession, server: SpdySession, headers: dict[str, str] | None = None) -> int:
    stream_id, frame = client.open(headers or PORT_FORWARD_HEADERS)
    (opened,) = server.receive(frame)
    assert isinstance(opened, StreamOpened)
    assert client.receive(server.reply(stream_id, {})) == [ReplyReceived(stream_id, {}, False)]
    return stream_id


# Talking


def test_the_header_dictionary_is_the_one_go_primes_zlib_with() -> None:
    assert len(HEADER_DICTIONARY) == 1423
    assert HEADER_DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert HEADER_DICTIONARY.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")
    # Go's zlib reader refuses a stream whose dictionary id (the Adler-32 of the dictionary) it does not know.
    _, frame = SpdySession().open({"a": "b"})
    assert frame[18:20] == b"\x78\xbb"  # zlib header: deflate, 32K window, with a preset dictionary
    assert frame[20:24] == struct.pack(">I", zlib.adler32(HEADER_DICTIONARY)) == bytes.fromhex("e3c6a7c2")


def test_a_stream_opens_is_replied_to_and_carries_data_both_ways_until_both_fins() -> None:
    client, server = connected()
    stream_id, frame = client.open({"streamtype": "error", "port": "80", "requestid": "1"})
    assert stream_id == 1
    assert server.receive(frame) == [StreamOpened(1, {"streamtype": "error", "port": "80", "requestid": "1"}, False)]
    assert client.receive(server.reply(1, {"x-ok": "yes"})) == [ReplyReceived(1, {"x-ok": "yes"}, False)]

    assert server.receive(client.data(1, b"GET / HTTP/1.1\r\n\r\n", fin=True)) == [
        DataReceived(1, b"GET / HTTP/1.1\r\n\r\n", True)
    ]
    assert client.receive(server.data(1, b"HTTP/1.1 200 OK\r\n")) == [DataReceived(1, b"HTTP/1.1 200 OK\r\n", False)]
    assert client.receive(server.data(1, b"", fin=True)) == [DataReceived(1, b"", True)]

    assert server.data(1, b"late") == b""  # both sides finished: the stream is gone
    assert client.data(1, b"late") == b""


def test_stream_ids_are_odd_for_the_client_and_even_for_the_server_and_increase() -> None:
    client, server = connected()
    assert [client.open({})[0] for _ in range(3)] == [1, 3, 5]
    assert [server.open({})[0] for _ in range(3)] == [2, 4, 6]


def test_a_stream_the_server_opens_reaches_the_client() -> None:
    client, server = connected()
    stream_id, frame = server.open({"streamtype": "stdout"}, fin=False)
    assert client.receive(frame) == [StreamOpened(2, {"streamtype": "stdout"}, False)]
    assert server.receive(client.reply(stream_id, {}, fin=True)) == [ReplyReceived(2, {}, True)]
    assert client.receive(server.data(2, b"out", fin=True)) == [DataReceived(2, b"out", True)]


def test_a_payload_above_the_frame_size_is_split_with_fin_on_the_last_frame_only() -> None:
    client, server = SpdySession(client=True), SpdySession(max_data_frame=1000)
    stream_id = open_stream(client, server)
    events = client.receive(server.data(stream_id, bytes(range(256)) * 10, fin=True))
    assert [(len(e.data), e.fin) for e in events if isinstance(e, DataReceived)] == [
        (1000, False),
        (1000, False),
        (560, True),
    ]
    assert b"".join(e.data for e in events if isinstance(e, DataReceived)) == bytes(range(256)) * 10


def test_a_reset_ends_the_stream_for_both_sides_and_is_never_answered() -> None:
    client, server = connected()
    stream_id = open_stream(client, server)
    assert server.receive(client.reset(stream_id, CANCEL)) == [StreamReset(stream_id, CANCEL)]
    assert server.data(stream_id, b"output after the reset") == b""
    assert server.reset(stream_id) == b""
    assert server.receive(client.data(stream_id, b"in flight")) == []  # the stream existed once: dropped quietly


def test_pings_from_the_peer_are_echoed_and_answers_to_ours_are_not() -> None:
    client, server = connected()
    (asked,) = server.receive(client.ping(1))
    assert isinstance(asked, PingReceived) and asked.ping_id == 1 and asked.echo
    assert client.receive(asked.echo) == [PingReceived(1, b"")]
    (server_ping,) = client.receive(server.ping(2))
    assert isinstance(server_ping, PingReceived) and server_ping.echo
    assert server.receive(server_ping.echo) == [PingReceived(2, b"")]


def test_goaway_names_the_last_stream_the_peer_opened() -> None:
    client, server = connected()
    open_stream(client, server)
    open_stream(client, server)
    assert client.receive(server.goaway()) == [GoAwayReceived(3, 0)]
    assert server.receive(client.goaway(1)) == [GoAwayReceived(0, 1)]


def test_settings_arrive_as_id_to_value() -> None:
    client, server = connected()
    assert server.receive(client.settings({SETTINGS_INITIAL_WINDOW_SIZE: 1 << 20, 4: 100})) == [
        SettingsReceived({SETTINGS_INITIAL_WINDOW_SIZE: 1 << 20, 4: 100})
    ]


def test_header_names_are_lower_cased_and_multiple_values_stay_joined() -> None:
    client, server = connected()
    _, frame = client.open({"X-Stream-Protocol-Version": "v4.channel.k8s.io\x00v3.channel.k8s.io"})
    (opened,) = server.receive(frame)
    assert isinstance(opened, StreamOpened)
    assert opened.headers == {"x-stream-protocol-version": "v4.channel.k8s.io\x00v3.channel.k8s.io"}


def test_header_compression_keeps_one_context_for_the_whole_session() -> None:
    client, server = connected()
    headers = {"streamtype": "data", "port": "8080", "requestid": "7", "x-long": "kubernetes " * 20}
    frames = [client.open(headers)[1] for _ in range(50)]
    opened = server.receive(b"".join(frames))
    assert [e.headers for e in opened if isinstance(e, StreamOpened)] == [headers] * 50
    assert len(frames[-1]) < len(frames[0]) // 2  # later blocks refer back to the earlier ones
    with pytest.raises(SpdyProtocolError, match="does not inflate"):
        SpdySession().receive(frames[1])  # ... so they mean nothing without them


def test_frames_delivered_one_byte_at_a_time_give_the_same_events() -> None:
    client, server = connected()
    stream_id, frame = client.open(PORT_FORWARD_HEADERS)
    traffic = frame + client.data(stream_id, b"hello " * 100) + client.ping(1) + client.data(stream_id, b"", fin=True)
    events = [event for byte in traffic for event in server.receive(bytes([byte]))]
    assert [type(e).__name__ for e in events] == ["StreamOpened", "DataReceived", "PingReceived", "DataReceived"]
    assert events[1] == DataReceived(stream_id, b"hello " * 100, False)
    server.receive_eof()  # nothing left over


# Flow control


def test_window_updates_come_once_more_than_half_the_window_is_consumed() -> None:
    client, server = connected()
    stream_id = open_stream(client, server)
    server.receive(client.data(stream_id, bytes(40_000)))
    assert server.consumed(stream_id, 32_768) == b""  # exactly half: not yet
    updates = client.receive(server.consumed(stream_id, 7_232))
    assert updates == [WindowUpdated(stream_id, 40_000), WindowUpdated(0, 40_000)]
    assert server.consumed(stream_id, 100) == b""  # counting starts again


def test_a_long_upload_from_a_client_that_waits_for_window_never_stalls() -> None:
    client, server = connected()
    stream_id = open_stream(client, server)
    upload, sent, received = bytes(1_000_000), 0, bytearray()
    stream_window = session_window = 65_536
    while sent < len(upload):
        chunk = min(16_384, stream_window, session_window, len(upload) - sent)
        assert chunk > 0, f"stalled after {sent} bytes"
        stream_window -= chunk
        session_window -= chunk
        for event in server.receive(client.data(stream_id, upload[sent : sent + chunk])):
            assert isinstance(event, DataReceived)
            received += event.data
            for update in client.receive(server.consumed(stream_id, len(event.data))):
                assert isinstance(update, WindowUpdated)
                if update.stream_id == 0:
                    session_window += update.delta
                else:
                    stream_window += update.delta
        sent += chunk
    assert bytes(received) == upload


def test_data_beyond_the_window_is_accepted_because_kubectl_never_counts() -> None:
    client, server = connected()
    stream_id = open_stream(client, server)
    big = bytes(200_000)  # spdystream sends a whole write in one frame, whatever the window
    assert server.receive(RawPeer().data(stream_id, big)) == [DataReceived(stream_id, big, False)]


def test_window_updates_from_the_peer_are_reported() -> None:
    client, server = connected()
    stream_id = open_stream(client, server)
    assert server.receive(client.window_update(stream_id, 1000) + client.window_update(0, 5)) == [
        WindowUpdated(stream_id, 1000),
        WindowUpdated(0, 5),
    ]


# Stream errors: the event carries the RST_STREAM to send


def rst(stream_id: int, status: int) -> bytes:
    return struct.pack(">HHIII", 0x8003, RST_STREAM, 8, stream_id, status)


def test_data_for_a_stream_never_opened_is_answered_with_invalid_stream() -> None:
    assert SpdySession().receive(RawPeer().data(7, b"x")) == [StreamError(7, INVALID_STREAM, rst(7, INVALID_STREAM))]


def test_headers_for_a_stream_never_opened_are_answered_with_invalid_stream() -> None:
    peer = RawPeer()
    frame = peer.control(HEADERS, struct.pack(">I", 9) + peer.block(header_block({"a": "b"})))
    assert SpdySession().receive(frame) == [StreamError(9, INVALID_STREAM, rst(9, INVALID_STREAM))]


def test_headers_on_an_open_stream_arrive() -> None:
    peer, server = RawPeer(), SpdySession()
    server.receive(peer.syn_stream(1, {"a": "b"}))
    frame = peer.control(HEADERS, struct.pack(">I", 1) + peer.block(header_block({"c": "d"})), flags=1)
    assert server.receive(frame) == [HeadersReceived(1, {"c": "d"}, True)]


def test_data_after_the_peers_fin_is_answered_with_stream_already_closed() -> None:
    peer, server = RawPeer(), SpdySession()
    server.receive(peer.syn_stream(1, PORT_FORWARD_HEADERS, fin=True))
    assert server.receive(peer.data(1, b"x")) == [StreamError(1, STREAM_ALREADY_CLOSED, rst(1, STREAM_ALREADY_CLOSED))]
    assert server.data(1, b"reply") == b""  # the stream was reset


def test_a_second_syn_reply_is_answered_with_stream_in_use() -> None:
    peer, server = RawPeer(), SpdySession()
    stream_id, _ = server.open({})
    assert server.receive(peer.syn_reply(stream_id, {})) == [ReplyReceived(stream_id, {}, False)]
    assert server.receive(peer.syn_reply(stream_id, {})) == [
        StreamError(stream_id, STREAM_IN_USE, rst(stream_id, STREAM_IN_USE))
    ]


def test_a_syn_reply_for_the_peers_own_stream_is_a_protocol_error() -> None:
    peer, server = RawPeer(), SpdySession()
    server.receive(peer.syn_stream(1, {}))
    assert server.receive(peer.syn_reply(1, {})) == [StreamError(1, PROTOCOL_ERROR, rst(1, PROTOCOL_ERROR))]


def test_a_rejected_frame_still_advances_the_header_context() -> None:
    peer, server = RawPeer(), SpdySession()
    server.receive(peer.syn_reply(5, {"lost": "stream"}))  # refused, but its block was inflated
    assert server.receive(peer.syn_stream(1, {"streamtype": "data"})) == [
        StreamOpened(1, {"streamtype": "data"}, False)
    ]


def test_unknown_control_frames_are_ignored_and_the_session_goes_on() -> None:
    peer, server = RawPeer(), SpdySession()
    frames = peer.control(10, b"credential") + peer.control(0xFFFF, b"") + peer.syn_stream(1, {})
    assert server.receive(frames) == [StreamOpened(1, {}, False)]


def test_a_reset_for_an_unknown_stream_is_ignored() -> None:
    assert SpdySession().receive(RawPeer().control(RST_STREAM, struct.pack(">II", 11, CANCEL))) == []


# Session errors: SpdyProtocolError, with a message that says what was wrong


def deflate_bomb() -> bytes:
    peer = RawPeer()
    return peer.control(SYN_STREAM, struct.pack(">IIBB", 1, 0, 0, 0) + peer.block(bytes(2 * 1024 * 1024)))


def finished_block() -> bytes:
    deflate = zlib.compressobj(zdict=HEADER_DICTIONARY)
    block = deflate.compress(header_block({"a": "b"})) + deflate.flush(zlib.Z_FINISH)
    return RawPeer().control(SYN_STREAM, struct.pack(">IIBB", 1, 0, 0, 0) + block)


def with_block(raw: bytes) -> bytes:
    peer = RawPeer()
    return peer.control(SYN_STREAM, struct.pack(">IIBB", 1, 0, 0, 0) + peer.block(raw))


MALFORMED = {
    "version 2": RawPeer().control(PING, struct.pack(">I", 1), version=2),
    "over the limit": struct.pack(">HHI", 0x8003, SYN_STREAM, MAX_CONTROL_FRAME + 1),
    "RST_STREAM frame with 4 bytes": RawPeer().control(RST_STREAM, struct.pack(">I", 1)),
    "PING frame with 8 bytes": RawPeer().control(PING, bytes(8)),
    "GOAWAY frame with 4 bytes": RawPeer().control(GOAWAY, bytes(4)),
    "WINDOW_UPDATE frame with 12 bytes": RawPeer().control(WINDOW_UPDATE, bytes(12)),
    "SETTINGS with 2 entries": RawPeer().control(SETTINGS, struct.pack(">III", 2, 7, 1000)),
    "SYN_STREAM frame with 6 bytes": RawPeer().control(SYN_STREAM, bytes(6)),
    "SYN_REPLY frame with 2 bytes": RawPeer().control(SYN_REPLY, bytes(2)),
    "does not inflate": RawPeer().control(SYN_STREAM, struct.pack(">IIBB", 1, 0, 0, 0) + b"not zlib at all"),
    "inflates to more than": deflate_bomb(),
    "ends the session's compression stream": finished_block(),
    "header block is truncated": with_block(b"\x00\x00"),
    "ends inside a 100-byte string": with_block(struct.pack(">II", 1, 100) + b"name"),
    "bytes after its 0 headers": with_block(struct.pack(">I", 0) + b"junk"),
    "repeated name 'a'": with_block(struct.pack(">I", 2) + field("a") + field("1") + field("A") + field("2")),
    "empty or repeated name ''": with_block(header_block({"": "x"})),
    "not UTF-8": with_block(struct.pack(">II", 1, 2) + b"\xff\xfe" + struct.pack(">I", 0)),
    "not one the peer may open": RawPeer().syn_stream(2, {}),
    "SYN_STREAM with stream id 0": RawPeer().syn_stream(0, {}),
    "DATA frame for stream 0": RawPeer().data(0, b"x"),
    "RST_STREAM with stream id 1 and status 0": RawPeer().control(RST_STREAM, struct.pack(">II", 1, 0)),
    "WINDOW_UPDATE of 0 bytes": RawPeer().control(WINDOW_UPDATE, struct.pack(">II", 1, 0)),
}


@pytest.mark.parametrize("message", MALFORMED)
def test_malformed_input_raises_a_protocol_error_that_says_why(message: str) -> None:
    with pytest.raises(SpdyProtocolError, match=message):
        SpdySession().receive(MALFORMED[message])


def test_stream_ids_from_the_peer_must_increase() -> None:
    peer, server = RawPeer(), SpdySession()
    server.receive(peer.syn_stream(5, {}))
    with pytest.raises(SpdyProtocolError, match="SYN_STREAM 5 after 5: ids must increase"):
        server.receive(peer.syn_stream(5, {}))  # a second SYN_STREAM for the same stream
    with pytest.raises(SpdyProtocolError, match="SYN_STREAM 3 after 7: ids must increase"):
        fresh = RawPeer()
        SpdySession().receive(fresh.syn_stream(7, {}) + fresh.syn_stream(3, {}))


def test_a_connection_that_ends_inside_a_frame_is_reported() -> None:
    server = SpdySession()
    server.receive(RawPeer().data(1, b"abc")[:5])
    with pytest.raises(SpdyProtocolError, match="closed inside a frame"):
        server.receive_eof()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_events_or_a_protocol_error(data: bytes) -> None:
    try:
        events = SpdySession().receive(data)
    except SpdyProtocolError:
        return
    assert isinstance(events, list)


FRAME_KINDS = [None, SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE, 10]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FRAME_KINDS), st.integers(min_value=0, max_value=255), st.binary(max_size=200))
def test_any_frame_body_after_a_valid_opening_gives_events_or_a_protocol_error(
    kind: int | None, flags: int, body: bytes
) -> None:
    """Random bytes rarely make a frame header that passes; here the header is right and the body is random."""
    client, server = connected()
    stream_id = open_stream(client, server)
    peer = RawPeer()
    frame = peer.data(stream_id, body) if kind is None else peer.control(kind, body, flags=flags)
    try:
        events = server.receive(frame)
    except SpdyProtocolError:
        return
    assert isinstance(events, list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=50), max_size=40))
def test_any_split_of_valid_traffic_gives_the_same_events(cuts: list[int]) -> None:
    client, server = connected()
    stream_id, frame = client.open(PORT_FORWARD_HEADERS)
    traffic = frame + client.data(stream_id, b"payload " * 20) + client.ping(3) + client.data(stream_id, b"", fin=True)
    whole = SpdySession().receive(traffic)
    pieces, position = [], 0
    for cut in cuts:
        pieces.append(traffic[position : position + cut])
        position += cut
    pieces.append(traffic[position:])
    assert [event for piece in pieces for event in server.receive(piece)] == whole
