"""Read proposals from JSON text or files, with errors that name the file and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ProposalError
from .proposal import Proposal, parse_proposal


class MalformedInput(ProposalError):
    """Input that is not JSON at all, or too large or too deeply nested to read."""

    title = "Malformed JSON"


MAX_BYTES = 1024 * 1024  # the same bound as the HTTP API's request body
MAX_DEPTH = 32  # a proposal nests four levels deep; anything far deeper is hostile


def _depth(obj: Any) -> int:
    depth, level = 0, [obj]
    while level:
        depth += 1
        nxt = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth - 1


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def parse_json(text: str | bytes, source: str = "input") -> Any:
    """Decode JSON with bounded size and depth; MalformedInput on anything else."""
    if len(text) > MAX_BYTES:
        raise MalformedInput(f"{source}: larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} "
                             f"column {exc.colno}") from None
    except (RecursionError, UnicodeDecodeError) as exc:
        raise MalformedInput(f"{source}: not valid JSON: {type(exc).__name__}") from None
    except ValueError as exc:  # NaN or Infinity, which JSON does not have
        raise MalformedInput(f"{source}: not valid JSON: {exc}") from None
    if _depth(data) > MAX_DEPTH:
        raise MalformedInput(f"{source}: nested deeper than {MAX_DEPTH} levels")
    return data


def read_proposal(path: str | Path) -> Proposal:
    """Read and validate one proposal file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProposalError(f"{path}: cannot read: {exc.strerror or exc}") from None
    data = parse_json(raw, str(path))
    try:
        return parse_proposal(data)
    except ProposalError as exc:
        raise ProposalError(f"{path}: {exc.detail}", exc.errors) from None

