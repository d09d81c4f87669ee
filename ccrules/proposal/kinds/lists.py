"""The kinds of a list: choices, names and the menu's options (each a name, its evidence
and its measures). 'none' alone is an empty list; blank is unknown."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import ErrorItem
from .. import words
from ..bounds import MAX_OPTIONS, is_none_word

if TYPE_CHECKING:  # pragma: no cover
    from ..fields import FieldInfo

from .base import (
    BLANK_WORDS,
    COUNT_OPS,
    NONE_WORD,
    PART,
    PLACEHOLDER,
    Kind,
    KindFault,
    _count,
    _member,
    fold,
    read_choice,
    split,
)


class ListKind(Kind):
    """A list of items: 'none' alone is an empty list, blank is unknown."""

    is_list = True
    as_tuple = True
    none_and_items: ClassVar[str] = ""  # the form's fault when 'none' is ticked beside items
    lines_only: ClassVar[bool] = False  # items one a line only (semicolons stay inside)

    def fits(self, info, value):
        return isinstance(value, (list, tuple)) and all(self.fits_item(info, v) for v in value)

    def fits_item(self, info: FieldInfo, item: Any) -> bool:
        return isinstance(item, str)

    def read(self, info, text):
        items = split(text, lines_only=self.lines_only)
        if len(items) == 1 and fold(items[0]) == NONE_WORD:
            return []
        if any(fold(item.split(PART)[0]) == NONE_WORD for item in items):
            raise KindFault(f"'{NONE_WORD}' beside other items: write '{NONE_WORD}' alone "
                            f"when there are none, or only the items")
        return [self.read_item(info, item, n + 1) for n, item in enumerate(items)]

    def read_item(self, info: FieldInfo, item: str, n: int) -> Any:
        return item

    def write(self, info, value):
        if not value:
            return NONE_WORD
        items = [self.write_item(info, v) for v in value]
        text = "\n".join(items)
        if len(items) == 1 and ";" in text and not self.lines_only:
            text += "\n"  # a line break keeps the semicolon inside the one item
        return text

    def write_item(self, info: FieldInfo, item: Any) -> str:
        return str(item)

    def words(self, info, value):
        if value is None:
            return "not stated"
        if not value:
            return "none"
        return words.join([self.item_words(info, v) for v in value])

    def item_words(self, info: FieldInfo, item: Any) -> str:
        return str(item)

    def validation(self, info):
        return {}

    def from_form(self, info, get, getlist, errors):
        items = self.form_items(info, get, getlist, errors)
        if self.typed_none(items):
            return []
        ticked = bool(get(info.path + NONE_SUFFIX))
        if items and ticked:
            errors.append(ErrorItem(tuple(info.path.split(".")), self.none_and_items))
            return None
        return items or ([] if ticked else None)

    def form_items(self, info: FieldInfo, get, getlist, errors) -> list:
        return getlist(info.path)

    def typed_none(self, items: list) -> bool:
        """Whether the items typed say 'none' (an empty list), beside the 'none' box."""
        return False


NONE_SUFFIX = ".__none"  # the form's "none of these" box of a list field: stated as empty


class Choices(ListKind):
    name = "enum_list"
    ops = frozenset({"contains", "not_contains"}) | COUNT_OPS
    question = "many"
    widget = "checks"
    none_and_items = "tick what applies, or 'none of these', not both"

    def term_value(self, info, op, value):
        if op in COUNT_OPS:
            return _count(value)
        return _member(info, value)

    def fits_item(self, info, item):
        return item in info.values

    def domain(self, info, cuts, exhaustive):
        tested = sorted(cuts["members"])
        if exhaustive:
            others = [v for v in info.values if v not in tested]
            return [tuple(subset) + tuple(others[:k])
                    for n in range(len(tested) + 1)
                    for subset in itertools.combinations(tested, n)
                    for k in range(len(others) + 1)]
        options = [(), tuple(info.values)]
        for m in tested:
            options += [(m,), tuple(v for v in info.values if v != m)]
        return list(dict.fromkeys(options))

    def options(self, info):
        return info.choices()

    def read_item(self, info, item, n):
        return read_choice(info.choices(), item, n, list_hint=True)

    def write_item(self, info, item):
        return words.choice(info.path, item)

    def item_words(self, info, item):
        return words.choice(info.path, str(item))

    def how_to_write(self, info):
        return (f"Any of: {'; '.join(w for _, w in info.choices())}. One a line, or "
                f"separated by semicolons; '{NONE_WORD}' for none.")

    def submitted(self, info, get, getlist):
        return getlist(info.path) or ([] if get(info.path + NONE_SUFFIX) else None)


class Names(ListKind):
    name = "str_list"
    ops = COUNT_OPS
    question = "names"
    widget = "lines"
    none_and_items = "type the names, or tick 'none', not both"

    def term_value(self, info, op, value):
        return _count(value)

    def domain(self, info, cuts, exhaustive):
        if exhaustive:
            counts = set(range(max(cuts["counts"], default=0) + 2))
        else:
            counts = {0} | {c for t in cuts["counts"] for c in (t, max(0, t - 1))}
        return [tuple(f"{PLACEHOLDER} {i + 1}" for i in range(n)) for n in sorted(counts)]

    def words(self, info, value):
        if isinstance(value, tuple) and value and \
                all(str(v).startswith(PLACEHOLDER) for v in value):
            return words.count(len(value), "named item")
        return super().words(info, value)

    def how_to_write(self, info):
        return f"One a line, or separated by semicolons; '{NONE_WORD}' for none."

    def shown(self, value):
        return "\n".join(map(str, value)) or [] if isinstance(value, list) else value

    def form_items(self, info, get, getlist, errors):
        return [line.strip() for line in get(info.path).splitlines() if line.strip()]

    def typed_none(self, items):
        return len(items) == 1 and is_none_word(items[0])  # as the sheet and guided read it

    def submitted(self, info, get, getlist):
        return get(info.path) or ([] if get(info.path + NONE_SUFFIX) else None)


OPTION_PARTS = ("name", "evidence_base", "measures")


class MenuOptions(ListKind):
    """A menu of options sites choose from, each with its name, evidence and measures."""

    name = "object_list"
    changeable = False
    widget = "options"
    lines_only = True
    as_tuple = False
    item_word = "option"
    none_and_items = "fill in the options, or tick 'no menu', not both"
    rows: ClassVar[int] = MAX_OPTIONS  # the form's option rows

    def fits_item(self, info, item):
        return isinstance(item, dict)

    @staticmethod
    def evidence_choices() -> list[tuple[str, str]]:
        """(value, words) for an option's evidence: the problem's evidence words."""
        from ..enums import EvidenceBase
        return [(e.value, words.choice("problem.evidence_base", e.value))
                for e in EvidenceBase]

    def read_item(self, info, item, n):
        """'name | evidence | measure; measure' -> an option (evidence and measures may be
        left out or blank)."""
        parts = [p.strip() for p in item.split(PART)]
        if len(parts) > 3:
            raise KindFault(f"option {n}: write name | evidence | measures (at most two "
                            f"'{PART}')")
        option: dict[str, Any] = {"name": parts[0]}
        if len(parts) > 1 and parts[1] and fold(parts[1]) not in BLANK_WORDS:
            try:
                option["evidence_base"] = read_choice(self.evidence_choices(), parts[1])
            except KindFault as exc:
                raise KindFault(f"option {n}, evidence: {exc}") from None
        if len(parts) > 2 and parts[2] and fold(parts[2]) not in BLANK_WORDS:
            measures = split(parts[2])
            option["measures"] = [] if [fold(m) for m in measures] == [NONE_WORD] \
                else measures
        return option

    def write_item(self, info, item):
        evidence = dict(self.evidence_choices()).get(item.get("evidence_base") or "", "")
        measures = item.get("measures")
        parts = [item.get("name", ""), evidence,
                 "" if measures is None else "; ".join(measures) or NONE_WORD]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return f" {PART} ".join(parts)

    def words(self, info, value):
        if value is None:
            return "not stated"
        return words.count(len(value), "option") if value else "none"

    def how_to_write(self, info):
        return ("One option a line: name | evidence | measures (separated by semicolons), "
                "e.g. 'pathologist at every MDT meeting | emerging | "
                "histological_confirmation_rate'. Evidence and measures may be left out.")

    def shown(self, value):
        if not isinstance(value, list):
            return value
        return [dict(o, measures="\n".join(o.get("measures") or []))
                for o in value if isinstance(o, dict)]

    def form_items(self, info, get, getlist, errors):
        """The options from the form's repeated rows (`<path>.<i>.name`, `.evidence_base`,
        `.measures`); a row with nothing is skipped, a row with answers but no name is a
        fault."""
        options = []
        for i in range(self.rows):
            prefix = f"{info.path}.{i}."
            name = get(prefix + "name").strip()
            evidence = get(prefix + "evidence_base").strip()
            measures = [m.strip() for m in get(prefix + "measures").replace(";", "\n")
                        .splitlines() if m.strip()]
            if not (name or evidence or measures):
                continue
            if not name:
                errors.append(ErrorItem((*info.path.split("."), i, "name"),
                                        "give the option a name"))
                continue
            option: dict[str, Any] = {"name": name}
            if evidence:
                option["evidence_base"] = evidence
            if measures:
                option["measures"] = measures
            options.append(option)
        return options

    def submitted(self, info, get, getlist):
        return [{k: get(f"{info.path}.{i}.{k}") for k in OPTION_PARTS}
                for i in range(self.rows)
                if any(get(f"{info.path}.{i}.{k}") for k in OPTION_PARTS)]
