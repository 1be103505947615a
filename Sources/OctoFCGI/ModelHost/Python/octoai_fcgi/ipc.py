"""The framed IPC between the Swift responders and the model owner (``IPCFrame.swift``).

All integers little-endian; ``length`` counts the bytes after itself::

    call     = u32 length | u8 kind=1 | u64 id | u16 endpoint | u32 timeout ms | payload
    cancel   = u32 length=9 | u8 kind=2 | u64 id
    response = u32 length | u8 kind | u64 id | u16 HTTP status | u64 CPU ns | payload

For a Python service a call's payload is ``u32 content-type length |
content-type | raw body``: the responder forwards the request unvalidated and
pydantic decides here. Response kinds are in ``answers``.
"""
import io
import select
import socket
import struct

CALL = 1
CANCEL = 2
MAX_FRAME = 1 << 30

_PREFIX = struct.Struct("<IB")
_CALL_HEAD = struct.Struct("<QHII")
_ID = struct.Struct("<Q")
_RESPONSE = struct.Struct("<IBQHQ")


class Call:
    __slots__ = ("id", "endpoint", "timeout_ms", "content_type", "body")

    def __init__(self, id, endpoint, timeout_ms, content_type, body):
        self.id, self.endpoint, self.timeout_ms, self.content_type, self.body = id, endpoint, timeout_ms, content_type, body


class Cancel:
    __slots__ = ("id",)

    def __init__(self, id):
        self.id = id


class _PollingSocketReader(io.RawIOBase):
    """The raw reads under ``FrameReader``: ``recv_into`` that waits in ``poll`` when nothing is there.

    Why not the socket's own blocking ``recv``: a thread blocked in it on a Unix
    stream socket is woken too whenever the responder reads an answer sent on
    that socket (the kernel announces the freed send space on the same wait
    queue), finds nothing and sleeps again: a wake-up per call for nothing
    (``UnixSocket.receive`` on the Swift side says more). ``poll`` waits for input only.
    """

    def __init__(self, sock):
        self._sock = sock
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN)

    def readable(self):
        return True

    def readinto(self, buffer):
        while True:
            try:
                return self._sock.recv_into(buffer, 0, socket.MSG_DONTWAIT)
            except BlockingIOError:
                self._poll.poll()


class FrameReader:
    """Reads frames off one connection through one buffer, so a small frame is usually one ``recv``.

    A large body is read straight into its own ``bytes`` (``BufferedReader.read``
    does that past its buffer), the only copy of an upload the host makes.
    """

    def __init__(self, sock):
        self._file = io.BufferedReader(_PollingSocketReader(sock), buffer_size=64 * 1024)

    def read(self):
        """The next Call or Cancel; None on EOF or a malformed frame (then close the connection)."""
        read = self._file.read
        prefix = read(5)
        if len(prefix) < 5:
            return None
        length, kind = _PREFIX.unpack(prefix)
        if kind == CANCEL:
            if length != 9:
                return None
            raw = read(8)
            return Cancel(_ID.unpack(raw)[0]) if len(raw) == 8 else None
        if kind != CALL or length < 19 or length > MAX_FRAME:
            return None
        head = read(18)
        if len(head) < 18:
            return None
        request_id, endpoint, timeout_ms, type_length = _CALL_HEAD.unpack(head)
        body_length = length - 19 - type_length
        if body_length < 0:
            return None
        content_type = read(type_length) if type_length else b""
        body = read(body_length) if body_length else b""
        if len(content_type) < type_length or len(body) < body_length:
            return None
        return Call(request_id, endpoint, timeout_ms, content_type.decode("latin-1"), body)

    def close(self):
        self._file.close()


def encode_response(kind: int, request_id: int, status: int, cpu_ns: int, payload: bytes) -> bytes:
    return _RESPONSE.pack(19 + len(payload), kind, request_id, status, max(0, cpu_ns)) + payload


def encode_call(request_id: int, endpoint: int, timeout_ms: int, content_type: bytes, body: bytes) -> bytes:
    """A call frame, as the responder sends it (tests and tools)."""
    return (_PREFIX.pack(19 + len(content_type) + len(body), CALL) + _CALL_HEAD.pack(request_id, endpoint, timeout_ms, len(content_type))
            + content_type + body)


def encode_cancel(request_id: int) -> bytes:
    return _PREFIX.pack(9, CANCEL) + _ID.pack(request_id)


def decode_response(frame: bytes):
    """``(kind, id, status, cpu_ns, payload)`` of one whole response frame (tests and tools)."""
    length, kind, request_id, status, cpu = _RESPONSE.unpack_from(frame)
    return kind, request_id, status, cpu, frame[_RESPONSE.size:4 + length]
