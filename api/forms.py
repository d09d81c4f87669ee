"""The proposal form, generated from the field catalogue (and so from the pydantic model),
and the translation of a submitted form back into proposal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ccrules.errors import ErrorItem, ProposalError
from ccrules.proposal.fields import FieldInfo
from ccrules.proposal.groups import field_groups
from ccrules.proposal.kinds import MENU_OPTIONS, NONE_SUFFIX, KindFault
from ccrules.proposal.reading import put_answer
from ccrules.proposal.words import count

MENU_BLANKS = 3  # empty option rows offered after the filled ones


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

    @property
    def help(self) -> str:
        """The question to the applicant (plain words), else the description."""
        return self.info.question or self.info.description

    @property
    def unit(self) -> str:
        """The unit shown after the label where the label does not already say it."""
        unit = self.info.unit.strip()
        return unit if unit and unit.lower() not in self.label.lower() else ""


def form_groups() -> list[tuple[str, str, list[FormField]]]:
    """(group id, title, fields) in the model's order; every field may be left unknown."""
    return [(g, title, [FormField(f, f.label) for f in fields])
            for g, title, fields in field_groups()]


def evidence_choices() -> list[tuple[str, str]]:
    """(value, words) for a menu option's evidence."""
    return MENU_OPTIONS.evidence_choices()


def _value(info: FieldInfo, form: MultiDict, errors: list[ErrorItem]) -> Any:
    """The field's value from the form, or None for unknown (left blank). A fault that only
    the form can see (JSON that does not parse) is added to `errors`."""
    return info.kind.from_form(info, lambda k: form.get(k, ""), form.getlist, errors)


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
            put_answer(data, field.name, value)
    if errors:
        raise ProposalError(f"The form has {count(len(errors), 'fault')}.", errors)
    return data


def submitted_values(form: MultiDict) -> dict[str, Any]:
    """What was typed and chosen, by dotted path, to show the form again exactly as sent
    (after an error): text as typed, lists of choices as lists."""
    values: dict[str, Any] = {}
    for _, _, fields in form_groups():
        for field in fields:
            info = field.info
            values[field.name] = info.kind.submitted(info, lambda k: form.get(k, ""),
                                                     form.getlist)
            if info.kind.is_list and form.get(field.name + NONE_SUFFIX):
                values[field.name + NONE_SUFFIX] = True  # shown ticked again, beside items
    return values


def form_values(proposal: dict[str, Any] | None) -> dict[str, Any]:
    """Dotted path -> value shown in the form, from proposal data (e.g. an uploaded file),
    as each field's kind shows it."""
    if not proposal:
        return {}
    fields = {f.info.path: f.info for _, _, group in form_groups() for f in group}
    flat: dict[str, Any] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            path = prefix + key
            if isinstance(value, dict):
                walk(value, path + ".")
            else:
                info = fields.get(path)
                flat[path] = info.kind.shown(value) if info else value
    walk(proposal, "")
    return flat


def answer_from_text(info: FieldInfo, text: str) -> Any:
    """One answer typed in words (a what-if): yes or no, a number, a choice by its words or
    its value, a list separated by semicolons. ProposalError, naming the field, if it
    cannot be read."""
    text = text.strip()
    loc = tuple(info.path.split("."))

    def fail(msg: str) -> ProposalError:
        return ProposalError(f"{info.label}: {msg}", [ErrorItem(loc, msg)])
    if not text:
        raise fail("type a new answer")
    try:
        return info.kind.read(info, text)
    except KindFault as exc:
        raise fail(str(exc)) from None


def what_if_fields() -> list[tuple[str, list[FieldInfo]]]:
    """(group title, fields) a what-if may change: every answer but the descriptive texts
    and the menu (a list of options, changed through the form)."""
    return [(title, [f.info for f in fields if f.info.kind.changeable])
            for gid, title, fields in form_groups() if gid != "about"]
