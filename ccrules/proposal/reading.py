"""Read proposals from JSON text, data or files, with errors that name the file and the field."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import MAX_LISTED, ErrorItem, ProposalError
from ..errors import validation_errors as base_validation_errors
from .fields import catalogue, suggest_key
from .model import GROUPS, Proposal
from .words import count, number


class MalformedInput(ProposalError):
    """Input that is not JSON at all, or too large or too deeply nested to read."""

    title = "Malformed JSON"
    status = 400


class TooLarge(ProposalError):
    """Input larger than the service reads: in bytes, or in the number of values it holds."""

    title = "Payload Too Large"
    status = 413


MAX_BYTES = 1024 * 1024  # the same bound as the HTTP API's request body
MAX_DEPTH = 32  # a proposal nests four levels deep; anything far deeper is hostile
# Every JSON value counts (objects, lists and what they hold). A full proposal holds about
# 200; a screening of 100 of them about 20,000. Far more is a costly request, not a round.
MAX_VALUES = 30_000
# A key names a field (the longest field path is under 50 characters) or a what-if path:
# anything far longer is refused before any work is done on it (a did-you-mean included).
MAX_KEY = 100


def _measure(obj: Any) -> tuple[int, int, int]:
    """How deep the data nests, how many values it holds, and its longest key."""
    depth, count, longest, level = 0, 0, 0, [obj]
    while level:
        depth += 1
        count += len(level)
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                longest = max(longest, max(map(len, item), default=0))
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth - 1, count, longest


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def parse_json(text: str | bytes, source: str = "input") -> Any:
    """Decode JSON bounded in size, depth and number of values: TooLarge (413) past a
    bound, MalformedInput (400) for anything that is not JSON."""
    if len(text) > MAX_BYTES:
        raise TooLarge(f"{source}: larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} "
                             f"column {exc.colno}") from None
    except UnicodeDecodeError:
        raise MalformedInput(f"{source}: not a JSON file (it is not UTF-8 text); proposals "
                             f"are JSON, sheets .xlsx or .csv") from None
    except RecursionError as exc:
        raise MalformedInput(f"{source}: not valid JSON: {type(exc).__name__}") from None
    except ValueError as exc:  # NaN or Infinity, which JSON does not have
        raise MalformedInput(f"{source}: not valid JSON: {exc}") from None
    depth, count, longest = _measure(data)
    if depth > MAX_DEPTH:
        raise MalformedInput(f"{source}: nested deeper than {MAX_DEPTH} levels")
    if count > MAX_VALUES:
        raise TooLarge(f"{source}: holds {count} values, more than the {MAX_VALUES} a request "
                       f"may hold")
    if longest > MAX_KEY:
        raise ProposalError(f"{source}: a key of {longest} characters; field names and "
                            f"what-if paths are at most {MAX_KEY}")
    return data


def parse_proposal(data: Any) -> Proposal:
    """Validate raw JSON data into a Proposal, or raise ProposalError naming every fault."""
    if not isinstance(data, dict):
        raise ProposalError("A proposal must be a JSON object.",
                            [ErrorItem((), f"got {type(data).__name__}")])
    # null for a whole group means "nothing known about it"
    data = {k: ({} if v is None and k in GROUPS else v) for k, v in data.items()}
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        raise ProposalError(fault_summary(exc, "The proposal"), validation_errors(exc)) \
            from None




@cache
def _known(group: str | None) -> frozenset[str]:
    model = Proposal if group is None else Proposal.model_fields[group].annotation
    fields = getattr(model, "model_fields", None)
    if fields is None:  # Optional[Group]: the group's model is inside the union
        fields = next(a.model_fields for a in getattr(model, "__args__", ())
                      if hasattr(a, "model_fields"))
    return frozenset(fields)


def many_unknown_keys(request: Any) -> ProposalError | None:
    """A request carrying more than MAX_LISTED unknown proposal fields (under 'proposal' or
    'proposals'), found by set differences before any validation: the refusal, listing the
    first ones; None otherwise (validation then names every fault, with suggestions). A
    request of 29,000 unknown keys is refused without pydantic building 29,000 errors."""
    if not isinstance(request, dict):
        return None
    found: list[ErrorItem] = []
    total = 0
    places: list[tuple[tuple[Any, ...], Any]] = [(("proposal",), request.get("proposal"))]
    if isinstance(request.get("proposals"), list):
        places = [(("proposals", i), p) for i, p in enumerate(request["proposals"])]
    top = _known(None)
    for loc, proposal in places:
        if not isinstance(proposal, dict):
            continue
        odd: list[tuple[Any, ...]] = [(*loc, k) for k in proposal if k not in top]  # in order
        for group in GROUPS:
            if isinstance(proposal.get(group), dict):
                known = _known(group)
                odd += [(*loc, group, k) for k in proposal[group] if k not in known]
        total += len(odd)
        found += [ErrorItem(where, "unknown field") for where in odd[:MAX_LISTED]]
    if total <= MAX_LISTED:
        return None
    return ProposalError(f"The request has at least {count(total, 'fault')} (the first "
                         f"{MAX_LISTED} are listed).", found[:MAX_LISTED])


def fault_summary(exc: ValidationError, subject: str) -> str:
    """'The proposal has 3 faults.', saying when only the first MAX_LISTED are listed."""
    total = exc.error_count()
    listed = f" (the first {MAX_LISTED} are listed)" if total > MAX_LISTED else ""
    return f"{subject} has {count(total, 'fault')}{listed}."


def _proposal_offset(loc: tuple) -> int | None:
    """Where the proposal starts in a request's error location: under 'proposal', or under
    'proposals', i; None when the location is outside any proposal."""
    if loc[:1] == ("proposal",):
        return 1
    if loc[:1] == ("proposals",) and len(loc) > 2:
        return 2
    return None


def validation_errors(exc: ValidationError, prefix: tuple = (),
                      in_request: bool = False) -> list[ErrorItem]:
    """Every fault of a proposal's validation error (errors.validation_errors), worded for a
    funder: the choices in words, the bound as a number, a did-you-mean for an unknown
    field. `in_request`: the model is a request that carries the proposal under 'proposal'
    (or 'proposals', i)."""
    def wording(err: dict, loc: tuple) -> str | None:
        offset = _proposal_offset(loc) if in_request else 0
        if offset is None:
            return None
        if err["type"] == "extra_forbidden":
            return "unknown field" + suggest_key(loc[offset:])
        return plain_message(err, loc[offset:])
    return base_validation_errors(exc, prefix, wording)


_PLAIN = {
    "int_type": "needs a whole number", "int_parsing": "needs a whole number",
    "int_from_float": "needs a whole number", "float_type": "needs a number",
    "float_parsing": "needs a number", "bool_type": "needs true or false (yes or no)",
    "bool_parsing": "needs true or false (yes or no)", "string_type": "needs text",
    "list_type": "needs a list", "model_type": "needs a group of answers (an object)",
    "dict_type": "needs a group of answers (an object)",
}


def plain_message(err: Any, loc: tuple) -> str | None:
    """A proposal fault in a funder's words (the choices in words, the bound as a number);
    None to keep pydantic's own message."""
    error, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    path = ".".join(str(k) for k in loc if not isinstance(k, int))
    if error in _PLAIN:
        return f"{_PLAIN[error]}, not {given!r}" if given is not None else _PLAIN[error]
    if error == "enum":
        if path == "intervention.menu_options.evidence_base":  # an option's evidence
            path = "problem.evidence_base"
        info = catalogue().get(path)
        if info is None or not info.values:
            return None
        choices = "; ".join(f"{w} ({v})" if w != v else v for v, w in info.choices())
        return f"{given!r} is not one of the choices: {choices}"
    if error in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bound = next(iter(ctx.values()), None)
        words_ = {"less_than_equal": "at most", "greater_than_equal": "at least",
                  "less_than": "less than", "greater_than": "more than"}[error]
        shown = number(bound) if isinstance(bound, (int, float)) else bound
        return f"must be {words_} {shown}, not {given!r}"
    if error == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if error == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    return None


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


def put_answer(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one answer in raw proposal data by its dotted field path, making the groups on
    the way (a group that is missing or not an object is replaced by one)."""
    *groups, name = path.split(".")
    node = data
    for key in groups:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[name] = value
