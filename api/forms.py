"""The proposal form, generated from the field catalogue (and so from the pydantic model),
and the translation of a submitted form back into proposal data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ccrules.errors import ErrorItem, ProposalError
from ccrules.proposal.fields import FieldInfo, catalogue
from ccrules.proposal.model import GROUPS
from ccrules.proposal.reading import parse_json

NONE_SUFFIX = ".__none"  # the "none of these" box of a list field: stated as empty
IDENTITY = ("title", "reference", "applicant", "summary")
GROUP_TITLES = {"about": "About the proposal", "problem": "The quality problem",
                "intervention": "The intervention", "core_team": "The core team",
                "enrolment": "Enrolment requirements", "measurement": "Measurement",
                "community": "Community building", "context": "Context"}


@dataclass(frozen=True)
class FormField:
    info: FieldInfo
    label: str

    @property
    def name(self) -> str:
        return self.info.path

    @property
    def html_id(self) -> str:
        return "f-" + self.info.path.replace(".", "-")


def _label(path: str) -> str:
    parts = path.split(".")[1:] or path.split(".")
    return ": ".join(p.replace("_", " ") for p in parts).capitalize()


def form_groups() -> list[tuple[str, str, list[FormField]]]:
    """(group id, title, fields) in the model's order; every field may be left unknown."""
    fields = [f for p, f in catalogue().items() if not p.startswith("derived.")]
    groups = [("about", [f for f in fields if f.path in IDENTITY])]
    groups += [(g, [f for f in fields if f.path.startswith(g + ".")]) for g in GROUPS]
    return [(g, GROUP_TITLES[g], [FormField(f, _label(f.path)) for f in items])
            for g, items in groups]


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text  # the model reports it as not a number, with the field named


def _value(info: FieldInfo, form: MultiDict, errors: list[ErrorItem]) -> Any:
    """The field's value from the form, or None for unknown (left blank). A fault that only
    the form can see (JSON that does not parse) is added to `errors`."""
    path = info.path
    if info.kind == "enum_list":
        chosen = form.getlist(path)
        return chosen or ([] if form.get(path + NONE_SUFFIX) else None)
    if info.kind == "str_list":
        lines = [line.strip() for line in form.get(path, "").splitlines() if line.strip()]
        return lines or ([] if form.get(path + NONE_SUFFIX) else None)
    text = form.get(path, "").strip()
    if not text:
        return None
    if info.kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if info.kind in ("int", "number"):
        return _number(text)
    if info.kind == "object_list":
        try:
            return parse_json(text, "the list")
        except ProposalError as exc:
            errors.append(ErrorItem(tuple(path.split(".")), exc.detail.removeprefix(
                "the list: ")))
            return None
    return text


def proposal_from_form(form: MultiDict) -> dict[str, Any]:
    """Proposal data (only the answers given) from a submitted form; ProposalError naming
    every field the form itself cannot read."""
    data: dict[str, Any] = {}
    errors: list[ErrorItem] = []
    for _, _, fields in form_groups():
        for field in fields:
            value = _value(field.info, form, errors)
            if value is None:
                continue
            *parents, leaf = field.name.split(".")
            node = data
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = value
    if errors:
        raise ProposalError(f"The form has {len(errors)} fault(s).", errors)
    return data


def submitted_values(form: MultiDict) -> dict[str, Any]:
    """What was typed and chosen, by dotted path, to show the form again exactly as sent
    (after an error): text as typed, lists of choices as lists."""
    values: dict[str, Any] = {}
    for _, _, fields in form_groups():
        for field in fields:
            path = field.name
            if field.info.kind == "enum_list":
                values[path] = form.getlist(path) or (
                    [] if form.get(path + NONE_SUFFIX) else None)
            elif field.info.kind == "str_list":
                values[path] = form.get(path, "") or (
                    [] if form.get(path + NONE_SUFFIX) else None)
            else:
                values[path] = form.get(path) or None
    return values


def form_values(proposal: dict[str, Any] | None) -> dict[str, Any]:
    """Dotted path -> value shown in the form, from proposal data (e.g. an uploaded file):
    choices as they are, lists of names one per line, the menu as JSON text."""
    if not proposal:
        return {}
    kinds = {f.path: f.kind for f in catalogue().values()}
    flat: dict[str, Any] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            path = prefix + key
            if isinstance(value, dict):
                walk(value, path + ".")
            elif kinds.get(path) == "object_list":
                flat[path] = json.dumps(value)
            elif kinds.get(path) == "str_list" and isinstance(value, list):
                flat[path] = "\n".join(map(str, value)) or []
            elif kinds.get(path) == "bool" and isinstance(value, bool):
                flat[path] = "true" if value else "false"
            elif value is not None and not isinstance(value, list):
                flat[path] = str(value)
            else:
                flat[path] = value
    walk(proposal, "")
    return flat
