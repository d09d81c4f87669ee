"""The proposal form, generated from the field catalogue (and so from the pydantic model),
and the translation of a submitted form back into proposal data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ccrules.errors import ErrorItem, ProposalError
from ccrules.fields import FieldInfo, catalogue
from ccrules.proposal import GROUPS

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


def _value(info: FieldInfo, form: MultiDict) -> Any:
    """The field's value from the form, or None for unknown (left blank)."""
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
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProposalError("The form has 1 fault(s).", [ErrorItem(
                tuple(path.split(".")), f"not valid JSON: {exc.msg}")]) from None
    return text


def proposal_from_form(form: MultiDict) -> dict[str, Any]:
    """Proposal data (only the answers given) from a submitted form."""
    data: dict[str, Any] = {}
    for _, _, fields in form_groups():
        for field in fields:
            value = _value(field.info, form)
            if value is None:
                continue
            *parents, leaf = field.name.split(".")
            node = data
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = value
    return data


def form_values(proposal: dict[str, Any] | None) -> dict[str, Any]:
    """Dotted path -> value, to fill the form again (after an error, or from an example)."""
    if not proposal:
        return {}
    flat: dict[str, Any] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            path = prefix + key
            if isinstance(value, dict):
                walk(value, path + ".")
            else:
                flat[path] = value
    walk(proposal, "")
    return flat


