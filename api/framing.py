"""Whether the bytes a client has sent so far hold a whole HTTP/1.1 request (its head and
its body, by Content-Length or chunked framing), read without parsing more than it takes to
find where the request ends. The worker (worker.py) buffers a connection in its event loop
until this says the request is whole, or cannot say (then gunicorn's parser answers), so
that no thread waits on a client that sends slowly."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD_END = re.compile(rb"\r?\n\r?\n")
MAX_HEAD = 64 * 1024  # a head this long without its blank line is refused (431)


@dataclass(frozen=True)
class Framing:
    """What the buffer holds: `whole` (dispatch it), `head_too_large` (no end of head
    within MAX_HEAD), `body_too_large` (a declared or chunked body over `max_body`),
    `continue_expected` (the head is whole and asks for 100 Continue)."""

    whole: bool = False
    head_too_large: bool = False
    line_too_long: bool = False
    body_too_large: bool = False
    continue_expected: bool = False


def _headers(head: bytes) -> dict[bytes, bytes]:
    fields: dict[bytes, bytes] = {}
    for line in head.split(b"\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            key = name.strip().lower()
            fields[key] = (fields[key] + b"," if key in fields else b"") + value.strip()
    return fields


def framing(buf: bytes | bytearray, max_body: int) -> Framing:
    """How far the request in `buf` (from its first byte) has arrived."""
    end = HEAD_END.search(buf, 0, MAX_HEAD + 4)
    if end is None:
        if len(buf) <= MAX_HEAD:
            return Framing()
        return Framing(head_too_large=True, line_too_long=b"\n" not in buf[:MAX_HEAD])
    fields = _headers(bytes(buf[:end.start()]))
    body = len(buf) - end.end()
    expects = fields.get(b"expect", b"").lower() == b"100-continue"
    coding = fields.get(b"transfer-encoding", b"").lower()
    if coding:
        if not coding.replace(b" ", b"").endswith(b"chunked"):
            return Framing(whole=True)  # gunicorn refuses what it cannot frame
        done, size = _chunked(bytes(buf[end.end():]))
        if size > max_body:
            return Framing(body_too_large=True)
        return Framing(whole=done, continue_expected=expects and not done)
    length = fields.get(b"content-length", b"0")
    if not length.isdigit() or len(length) > 18:
        return Framing(whole=True)  # malformed: gunicorn's parser answers 400
    if int(length) > max_body:
        return Framing(body_too_large=True)
    done = body >= int(length)
    return Framing(whole=done, continue_expected=expects and not done)


def _chunked(data: bytes) -> tuple[bool, int]:
    """(whether the chunked body in `data` has ended, the body bytes it has so far). A
    malformed chunk counts as ended: gunicorn's parser then refuses it."""
    pos, size = 0, 0
    while True:
        line_end = data.find(b"\n", pos)
        if line_end < 0:
            return len(data) - pos > 1024, size  # a size line this long is malformed
        text = data[pos:line_end].split(b";", 1)[0].strip()
        try:
            chunk = int(text, 16)
        except ValueError:
            return True, size
        pos = line_end + 1
        if chunk == 0:  # trailers, then a blank line
            while True:
                line_end = data.find(b"\n", pos)
                if line_end < 0:
                    return len(data) - pos > MAX_HEAD, size
                if not data[pos:line_end].strip():
                    return True, size
                pos = line_end + 1
        size += chunk
        pos += chunk
        if pos > len(data):
            return False, size - (pos - len(data))
        line_end = data.find(b"\n", pos)  # the CRLF after the chunk's data
        if line_end < 0:
            return False, size
        pos = line_end + 1
