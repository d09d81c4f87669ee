"""The sheet's layout: one column per proposal field, in the model's order and groups, with
the field's label, help, choices and bounds (all read from the model), and the header rows
every sheet has. The same layout serves .xlsx and .csv, so a row number means the same row
in both:

    row 1  the group ("The quality problem")
    row 2  the field's label ("Evidence for a solution")
    row 3  the field's dotted path ("problem.evidence_base"; hidden in a workbook)
    row 4  the first proposal, one proposal a row
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..proposal import words
from ..proposal.fields import catalogue
from ..proposal.model import GROUPS, Proposal

GROUP_ROW, LABEL_ROW, PATH_ROW, FIRST_ROW = 1, 2, 3, 4

# Limits: the same batch size as a JSON screening, and bounded files (a workbook is a zip,
# so its unpacked size is bounded too, and the cells read, whatever its XML claims).
MAX_ROWS = 100  # proposals a sheet may hold (the web app uses its MAX_BATCH)
MAX_BYTES = 1024 * 1024  # a .csv or .xlsx file, as uploaded
MAX_UNPACKED = 16 * 1024 * 1024  # the parts of an .xlsx, unpacked
MAX_PARTS = 500  # files inside an .xlsx
MAX_COLUMNS = 256  # the template has under 70
MAX_CELLS = 100_000  # cells read, blank ones included
MAX_SHARED_STRINGS = 20_000  # different texts a workbook holds (100 rows of 70 columns: 7,000)

IDENTITY = ("title", "summary", "applicant", "reference")
GROUP_TITLES = {"about": "About the proposal", "problem": "The quality problem",
                "intervention": "The intervention", "core_team": "The core team",
                "enrolment": "Enrolment requirements", "measurement": "Measurement",
                "community": "Community building", "context": "Context"}
BLANK_WORDS = ("unknown", "not stated")  # read as blank: unknown
NONE_WORD = "none"  # an empty list: stated as none
YES, NO = "yes", "no"
MENU = "intervention.menu_options"
OPTION_EVIDENCE = "problem.evidence_base"  # a menu option's evidence takes the same words


@dataclass(frozen=True)
class Column:
    """One field as a sheet column."""

    path: str
    kind: str  # as the catalogue has it: enum, bool, int, number, enum_list, str_list, text,
    # object_list (only the menu options)
    group: str
    description: str
    question: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, words)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    max_items: int | None = None

    @property
    def label(self) -> str:
        return words.label(self.path)

    @property
    def is_list(self) -> bool:
        return self.kind in ("enum_list", "str_list", "object_list")

    @property
    def percent(self) -> bool:
        return self.path.endswith("_pct")

    def help(self) -> str:
        """The cell note: what the field means, the question to the applicant, and how to
        write an answer."""
        parts = [self.description, "Question: " + self.question if self.question else "",
                 self.how_to_write(), "Blank means unknown."]
        return "\n\n".join(p for p in parts if p)

    def how_to_write(self) -> str:
        choices = "; ".join(w for _, w in self.choices)
        if self.kind == "enum":
            return f"Choose one: {choices}."
        if self.kind == "bool":
            return "Yes or no."
        if self.kind in ("int", "number"):
            whole = "A whole number" if self.kind == "int" else "A number"
            return f"{whole} from {_num(self.minimum)} to {_num(self.maximum)}."
        if self.kind == "enum_list":
            return (f"Any of: {choices}. One a line, or separated by semicolons; "
                    f"'{NONE_WORD}' for none.")
        if self.kind == "str_list":
            return f"One a line, or separated by semicolons; '{NONE_WORD}' for none."
        if self.kind == "object_list":
            return ("One option a line: name | evidence | measures (separated by "
                    "semicolons), e.g. 'pathologist at every MDT meeting | emerging | "
                    "histological_confirmation_rate'. Evidence and measures may be left out.")
        return f"Text, at most {self.max_length} characters." if self.max_length else ""


def _num(value: float | None) -> str:
    return words.number(value) if value is not None else "?"


def _schema_of(path: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one field (its non-null branch), followed down its dotted path."""
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for name in path.split("."):
        while "$ref" in node or "anyOf" in node:
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[-1]]
            else:
                node = next(b for b in node["anyOf"] if b.get("type") != "null")
        node = node["properties"][name]
    while "$ref" in node or "anyOf" in node:
        node = (defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node
                else next(b for b in node["anyOf"] if b.get("type") != "null"))
    return node


def _group(path: str) -> str:
    return path.split(".")[0] if "." in path else "about"


@cache
def columns() -> tuple[Column, ...]:
    """Every proposal field as a column, in the model's order (menu options included, one
    option a line)."""
    schema = Proposal.model_json_schema()
    out = []
    for path, info in catalogue().items():
        if path.startswith("derived."):
            continue
        node = _schema_of(path, schema)
        items = node.get("items", {}) if node.get("type") == "array" else {}
        choices = tuple(info.choices())
        if path == MENU:
            choices = tuple((v, words.choice(OPTION_EVIDENCE, v))
                            for v, _ in catalogue()[OPTION_EVIDENCE].choices())
        out.append(Column(
            path=path, kind=info.kind, group=_group(path), description=info.description,
            question=info.question, choices=choices, minimum=node.get("minimum"),
            maximum=node.get("maximum"),
            max_length=node.get("maxLength") or items.get("maxLength"),
            max_items=node.get("maxItems")))
    order = {g: i for i, g in enumerate(("about", *GROUPS))}
    return tuple(sorted(out, key=lambda c: order[c.group]))  # stable: the model's order


@cache
def by_path() -> dict[str, Column]:
    return {c.path: c for c in columns()}


@cache
def by_label() -> dict[str, Column]:
    """Columns by their label, folded (a sheet made by hand may carry labels only)."""
    return {fold(c.label): c for c in columns()}


def fold(text: str) -> str:
    """Text as compared with a label or a choice: case, spacing, curly quotes and
    underscores do not matter."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("_", " ")
    return " ".join(text.lower().split())


def letter(index: int) -> str:
    """The spreadsheet's name of a column, from 1: 1 -> 'A', 28 -> 'AB'."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
