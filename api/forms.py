"""The proposal form, generated from the field catalogue (and so from the pydantic model),
and the translation of a submitted form back into proposal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ccrules.errors import ErrorItem, ProposalError
from ccrules.proposal import words
from ccrules.proposal.answered import IDENTITY
from ccrules.proposal.bounds import is_none_word
from ccrules.proposal.enums import EvidenceBase
from ccrules.proposal.fields import FieldInfo, catalogue
from ccrules.proposal.model import GROUPS, MAX_OPTIONS
from ccrules.proposal.reading import put_answer
from ccrules.proposal.words import count

NONE_SUFFIX = ".__none"  # the "none of these" box of a list field: stated as empty
NONE_AND_ITEMS = {  # the "none" box ticked beside items: which one the officer meant is
    # not for the form to guess, so it asks (and keeps both as they were sent)
    "enum_list": "tick what applies, or 'none of these', not both",
    "str_list": "type the names, or tick 'none', not both",
    "object_list": "fill in the options, or tick 'no menu', not both",
}
GROUP_TITLES = {"about": "About the proposal", "problem": "The quality problem",
                "intervention": "The intervention", "core_team": "The core team",
                "enrolment": "Enrolment requirements", "measurement": "Measurement",
                "community": "Community building", "context": "Context"}


MENU = "intervention.menu_options"
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


def form_groups() -> list[tuple[str, str, list[FormField]]]:
    """(group id, title, fields) in the model's order; every field may be left unknown."""
    fields = [f for p, f in catalogue().items() if not p.startswith("derived.")]
    groups = [("about", [f for f in fields if f.path in IDENTITY])]
    groups += [(g, [f for f in fields if f.path.startswith(g + ".")]) for g in GROUPS]
    return [(g, GROUP_TITLES[g], [FormField(f, f.label) for f in items])
            for g, items in groups]


def evidence_choices() -> list[tuple[str, str]]:
    """(value, words) for a menu option's evidence."""
    return [(e.value, words.choice("problem.evidence_base", e.value)) for e in EvidenceBase]


def _menu_from_form(form: MultiDict, errors: list[ErrorItem]) -> list[dict] | None:
    """The menu's options from its repeated rows (`intervention.menu_options.<i>.name`,
    `.evidence_base`, `.measures`); a row with no name and nothing else is skipped, a row
    with answers but no name is a fault. None if no row is filled and 'none' is not
    ticked."""
    options = []
    for i in range(MAX_OPTIONS):
        prefix = f"{MENU}.{i}."
        name = form.get(prefix + "name", "").strip()
        evidence = form.get(prefix + "evidence_base", "").strip()
        measures = [m.strip() for m in form.get(prefix + "measures", "").replace(";", "\n")
                    .splitlines() if m.strip()]
        if not (name or evidence or measures):
            continue
        if not name:
            errors.append(ErrorItem(("intervention", "menu_options", i, "name"),
                                    "give the option a name"))
            continue
        option: dict[str, Any] = {"name": name}
        if evidence:
            option["evidence_base"] = evidence
        if measures:
            option["measures"] = measures
        options.append(option)
    return _listed(options, form, MENU, "object_list", errors)


def _listed(items: list, form: MultiDict, path: str, kind: str,
            errors: list[ErrorItem]) -> list | None:
    """A list field's value: its items, [] when only its 'none' box is ticked, None when
    neither (unknown); the box ticked beside items is a fault."""
    ticked = bool(form.get(path + NONE_SUFFIX))
    if items and ticked:
        errors.append(ErrorItem(tuple(path.split(".")), NONE_AND_ITEMS[kind]))
        return None
    return items or ([] if ticked else None)


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
    if path == MENU:
        return _menu_from_form(form, errors)
    if info.kind == "enum_list":
        return _listed(form.getlist(path), form, path, info.kind, errors)
    if info.kind == "str_list":
        lines = [line.strip() for line in form.get(path, "").splitlines() if line.strip()]
        if len(lines) == 1 and is_none_word(lines[0]):
            return []  # 'none' typed in the box: as the sheet and guided mode read it
        return _listed(lines, form, path, info.kind, errors)
    text = form.get(path, "").strip()
    if not text:
        return None
    if info.kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if info.kind in ("int", "number"):
        return _number(text)
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
            path = field.name
            if path == MENU:
                values[path] = [
                    {k: form.get(f"{MENU}.{i}.{k}", "") for k in ("name", "evidence_base",
                                                                   "measures")}
                    for i in range(MAX_OPTIONS)
                    if any(form.get(f"{MENU}.{i}.{k}") for k in ("name", "evidence_base",
                                                                  "measures"))]
            elif field.info.kind == "enum_list":
                values[path] = form.getlist(path) or (
                    [] if form.get(path + NONE_SUFFIX) else None)
            elif field.info.kind == "str_list":
                values[path] = form.get(path, "") or (
                    [] if form.get(path + NONE_SUFFIX) else None)
            else:
                values[path] = form.get(path) or None
            if field.info.kind in NONE_AND_ITEMS and form.get(path + NONE_SUFFIX):
                values[path + NONE_SUFFIX] = True  # shown ticked again, even beside items
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
                flat[path] = [dict(o, measures="\n".join(o.get("measures") or []))
                              for o in value if isinstance(o, dict)]
            elif kinds.get(path) == "str_list" and isinstance(value, list):
                flat[path] = "\n".join(map(str, value)) or []
            elif kinds.get(path) == "bool" and isinstance(value, bool):
                flat[path] = "true" if value else "false"
            elif isinstance(value, float) and value.is_integer():
                flat[path] = str(int(value))  # 13, as it was typed, not 13.0
            elif value is not None and not isinstance(value, list):
                flat[path] = str(value)
            else:
                flat[path] = value
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
    if info.kind == "bool":
        found = {"yes": True, "true": True, "no": False, "false": False}.get(text.lower())
        if found is None:
            raise fail("answer yes or no")
        return found
    if info.kind in ("int", "number"):
        number = _number(text)
        if isinstance(number, str):
            raise fail(f"{text!r} is not a number")
        return number
    choices = {w.lower(): v for v, w in info.choices()} | {v.lower(): v for v in info.values}
    if info.kind == "enum":
        if text.lower() not in choices:
            raise fail(f"{text!r} is not one of: {'; '.join(w for _, w in info.choices())}")
        return choices[text.lower()]
    items = [x.strip() for x in text.split(";") if x.strip()]
    if info.kind in ("enum_list", "str_list") and len(items) > 1 and \
            any(x.lower() == "none" for x in items):
        raise fail("'none' beside other items: type 'none' alone when there are none, or "
                   "only the items")
    if info.kind == "enum_list":
        unknown = [x for x in items if x.lower() not in choices and x.lower() != "none"]
        if unknown:
            raise fail(f"{unknown[0]!r} is not one of: "
                       f"{'; '.join(w for _, w in info.choices())}")
        return [choices[x.lower()] for x in items if x.lower() != "none"]
    if info.kind == "str_list":
        return [] if [x.lower() for x in items] == ["none"] else items
    return text


def what_if_fields() -> list[tuple[str, list[FieldInfo]]]:
    """(group title, fields) a what-if may change: every answer but the descriptive texts
    and the menu (a list of options, changed through the form)."""
    return [(title, [f.info for f in fields if f.info.kind not in ("text", "object_list")])
            for gid, title, fields in form_groups() if gid != "about"]


