"""The request body as JSON, read once per request (bounded in size, depth and count by
ccrules.proposal.reading.parse_json) and kept for whoever asks next."""

from __future__ import annotations

from typing import Any

from flask import g, request

from ccrules.errors import CcrulesError
from ccrules.proposal.reading import MAX_BYTES, TooLarge, parse_json

from .errors import ApiError


def json_body() -> Any:
    """The body, parsed; ApiError 415 unless it is sent as JSON, MalformedInput (400) or
    TooLarge (413) when it cannot be read."""
    if "json_body" not in g:  # the body can be read once: keep what came of it, or the fault
        try:
            if request.mimetype != "application/json":
                raise ApiError(415, "Unsupported Media Type",
                               "Send the body as JSON with Content-Type: application/json.")
            g.json_body = parse_json(_read_bounded(), "request body")
        except (ApiError, CcrulesError) as exc:
            g.json_body = exc
    if isinstance(g.json_body, (ApiError, CcrulesError)):
        raise g.json_body
    return g.json_body


def _read_bounded() -> bytes:
    """The body, read to one byte past the limit: a chunked body (no Content-Length) over
    the limit is refused (413), never read short and taken as a smaller one."""
    if request.content_length is not None:
        return request.get_data()  # Flask has already refused one declared too large
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:  # a read may return less than asked: read to the end
        chunk = request.input_stream.read(MAX_BYTES + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise TooLarge(f"request body: larger than {MAX_BYTES} bytes")
