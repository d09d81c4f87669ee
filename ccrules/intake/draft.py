"""Suggestions become answers only when a person confirms them.

On the command line: `ccrules intake` writes a draft proposal (the suggested answers) and a
provenance file beside it (DRAFT.provenance.json: each suggestion's status, value and
quotations). `ccrules confirm` marks suggestions confirmed; an answer the officer edits in
the draft is theirs; one they delete is gone. `ccrules evaluate` refuses a draft that still
holds unconfirmed suggestions unless told --accept-suggestions.

On the web page: the form comes back with what the officer accepted, edited or cleared;
`review` keeps only the confirmed answers, with their quotations."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ProposalError
from ..proposal.model import Proposal
from ..proposal.quotations import MAX_QUOTATIONS
from ..proposal.reading import parse_json, parse_proposal, put_answer, read_proposal
from . import Intake
from .suggest import Suggestion

SUGGESTED, CONFIRMED = "suggested", "confirmed"


def provenance_path(draft: Path) -> Path:
    """draft.json -> draft.provenance.json, beside it."""
    return draft.with_name(draft.stem + ".provenance.json")


def draft_data(suggestions: list[Suggestion]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for s in suggestions:
        put_answer(data, s.field, s.value)
    return data


def provenance_data(intake: Intake, source: bytes | None = None) -> dict[str, Any]:
    doc = intake.document
    return {
        "source": {"name": doc.name, "kind": doc.kind, "pages": doc.pages,
                   "characters": doc.chars,
                   **({"sha256": hashlib.sha256(source).hexdigest()} if source else {})},
        "read_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "how_to_confirm": ("Each answer below is a suggestion until confirmed: check it "
                           "against its quotation, then run `ccrules confirm DRAFT FIELD...` "
                           "(or --all), or edit or delete the answer in the draft. "
                           "`ccrules evaluate` refuses unconfirmed suggestions unless given "
                           "--accept-suggestions."),
        "answers": {s.field: {"status": SUGGESTED, "value": s.value, "words": s.words,
                              "quotes": [q.as_dict() for q in s.quotes],
                              **({"also_read": s.as_dict()["also_read"]} if s.also_read
                                 else {})}
                    for s in intake.suggestions},
    }


def write_draft(intake: Intake, draft: Path, source: bytes | None = None) -> Path:
    """Write the draft and its provenance file; returns the provenance file's path."""
    draft.write_text(json.dumps(draft_data(intake.suggestions), indent=2, ensure_ascii=False)
                     + "\n", encoding="utf-8")
    prov = provenance_path(draft)
    prov.write_text(json.dumps(provenance_data(intake, source), indent=2, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    return prov


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


@dataclass
class DraftState:
    """Where a draft's suggestions stand."""

    unconfirmed: list[str]  # still the suggested value, not confirmed
    confirmed: list[str]  # confirmed as suggested
    edited: list[str]  # the officer changed the value: their answer
    cleared: list[str]  # the officer removed it


def _read_provenance(prov: Path) -> dict[str, Any]:
    try:
        data = json.loads(prov.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProposalError(f"{prov}: the provenance file cannot be read ({exc}).") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise ProposalError(f"{prov}: not a provenance file written by `ccrules intake`.")
    return data


def state(draft: Path) -> DraftState | None:
    """The state of a draft's suggestions, or None if it has no provenance file."""
    prov = provenance_path(draft)
    if not prov.exists():
        return None
    answers = _read_provenance(prov)["answers"]
    data = parse_json(draft.read_bytes(), str(draft))
    out = DraftState([], [], [], [])
    for path, entry in answers.items():
        now = _get(data, path) if isinstance(data, dict) else None
        if now is None:
            out.cleared.append(path)
        elif now != entry.get("value"):
            out.edited.append(path)
        elif entry.get("status") == CONFIRMED:
            out.confirmed.append(path)
        else:
            out.unconfirmed.append(path)
    return out


def confirm(draft: Path, fields: list[str], every: bool = False) -> list[str]:
    """Mark suggestions confirmed in the draft's provenance file; returns those marked."""
    prov = provenance_path(draft)
    if not prov.exists():
        raise ProposalError(f"{draft} has no provenance file ({prov.name}): it was not "
                            f"written by `ccrules intake`.")
    data = _read_provenance(prov)
    answers = data["answers"]
    unknown = [f for f in fields if f not in answers]
    if unknown:
        raise ProposalError(f"No suggestion for {', '.join(unknown)} in {prov.name} "
                            f"(suggested: {', '.join(answers) or 'none'}).")
    chosen = list(answers) if every else fields
    for path in chosen:
        answers[path]["status"] = CONFIRMED
    prov.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return chosen


def read_draft(path: Path, accept_suggestions: bool = False) -> Proposal:
    """A proposal file for evaluation. A draft from `ccrules intake` (a provenance file
    beside it) is refused while it holds unconfirmed suggestions, unless
    `accept_suggestions`; its confirmed answers keep their quotations."""
    current = state(path)
    if current is None:
        return read_proposal(path)
    if current.unconfirmed and not accept_suggestions:
        raise ProposalError(
            f"{path} holds {len(current.unconfirmed)} unconfirmed "
            f"suggestion{'s' if len(current.unconfirmed) != 1 else ''} from the application "
            f"document ({', '.join(current.unconfirmed)}): confirm each with `ccrules confirm "
            f"{path} FIELD...` (or --all), edit or delete it in the draft, or evaluate with "
            f"--accept-suggestions.")
    answers = _read_provenance(provenance_path(path))["answers"]
    data = parse_json(path.read_bytes(), str(path))
    kept = current.confirmed + current.edited + (current.unconfirmed if accept_suggestions
                                                 else [])
    if isinstance(data, dict) and kept:
        data = dict(data)
        data["quotations"] = [
            {"field": f, "quote": answers[f]["quotes"][0]["text"],
             "where": answers[f]["quotes"][0].get("where") or None,
             "edited": f in current.edited}
            for f in kept if answers[f].get("quotes")][:MAX_QUOTATIONS]
    try:
        return parse_proposal(data)
    except ProposalError as exc:
        raise ProposalError(f"{path}: {exc.detail}", exc.errors) from None


# --- the web page's review --------------------------------------------------------------

def review(data: dict[str, Any], offered: list[dict[str, Any]], accepted: set[str]
           ) -> tuple[dict[str, Any], list[str]]:
    """The proposal data an officer sent back from the pre-filled form, with only confirmed
    answers: a suggestion left as suggested and not ticked as accepted is dropped (it never
    reaches the evaluation); an edited one is the officer's answer; a cleared one is gone.
    Each kept answer gets its quotation. Returns the data and the fields dropped."""
    data = json.loads(json.dumps(data))  # a copy
    quotations = []
    dropped = []
    for item in offered:
        path = item.get("field")
        if not isinstance(path, str) or not item.get("quotes"):
            continue
        now = _get(data, path)
        if now is None:
            continue
        same = now == item.get("value")
        if same and path not in accepted:
            _drop(data, path)
            dropped.append(path)
            continue
        quote = item["quotes"][0]
        quotations.append({"field": path, "quote": str(quote.get("text", ""))[:5000],
                           "where": (str(quote.get("where") or "")[:300] or None),
                           "edited": not same})
    if quotations:
        data["quotations"] = quotations[:MAX_QUOTATIONS]
    return data, dropped


def _drop(data: dict[str, Any], path: str) -> None:
    *groups, name = path.split(".")
    node: Any = data
    for key in groups:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(name, None)
