"""One cell to a proposal's value and back: choices in words (the machine values read too),
yes and no, numbers, lists one item a line (or separated by semicolons), menu options one a
line. Blank always means unknown; 'none' in a list's cell means an empty list."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from ..proposal import words
from ..service import FORMULA_STARTS, spreadsheet_cell
from ..suggestions import suggest
from .layout import BLANK_WORDS, NO, NONE_WORD, YES, Column, fold

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
TRUE_WORDS, FALSE_WORDS = {"yes", "y", "true"}, {"no", "n", "false"}
PART = "|"  # separates a menu option's name, evidence and measures


class CellFault(ValueError):
    """A cell that cannot be read as its column's kind; the message says why."""


# --- reading -------------------------------------------------------------------------------

def unquote(text: str) -> str:
    """A leading apostrophe that kept a formula-like text from running is dropped (as a
    spreadsheet drops it): "'=x" reads as "=x"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_cell(col: Column, raw: Any, percent_format: bool = False) -> Any:
    """The JSON value a cell holds for its column: None when blank (unknown); CellFault
    when it cannot be read."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = unquote(raw.strip())
        if not raw or (col.kind != "text" and fold(raw) in BLANK_WORDS):
            return None
    if col.kind == "text":
        return _text(raw)
    if isinstance(raw, (datetime, date, time)):
        raise CellFault(f"a date or time ({raw}), not {_wanted(col)}")
    if col.kind == "bool":
        return _bool(raw)
    if col.kind in ("int", "number"):
        return _number(col, raw, percent_format)
    text = _text(raw)
    if col.kind == "enum":
        return _choice(col, text)
    items = split(text, lines_only=col.kind == "object_list")
    if len(items) == 1 and fold(items[0]) == NONE_WORD:
        return []
    if any(fold(item.split(PART)[0]) == NONE_WORD for item in items):
        raise CellFault(f"'{NONE_WORD}' beside other items: write '{NONE_WORD}' alone when "
                        f"there are none, or only the items")
    if col.kind == "enum_list":
        return [_choice(col, item, n + 1) for n, item in enumerate(items)]
    if col.kind == "object_list":
        return [_option(col, item, n + 1) for n, item in enumerate(items)]
    return items


def split(text: str, lines_only: bool = False) -> list[str]:
    """A list cell's items: one a line when the cell has line breaks (semicolons then stay
    in the item), else separated by semicolons. Blank items are dropped."""
    parts = text.splitlines() if lines_only or "\n" in text or "\r" in text \
        else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime, date, time)):
        return raw.isoformat()
    return str(raw)


def _wanted(col: Column) -> str:
    return {"bool": "yes or no", "int": "a whole number", "number": "a number",
            "enum": "one of the choices"}.get(col.kind, "text")


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = fold(_text(raw))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellFault(f"{_text(raw)!r} is not yes or no (leave it blank when unknown)")


def _number(col: Column, raw: Any, percent_format: bool) -> int | float:
    if isinstance(raw, bool):
        raise CellFault(f"{_text(raw)!r} is not a number")
    if isinstance(raw, (int, float)):
        # a cell shown as a percentage holds a share (85% is 0.85): the field wants 85
        return round(raw * 100, 9) if percent_format and col.percent else raw
    text = str(raw).replace(" ", "")
    if col.percent and text.endswith("%"):
        text = text[:-1]
    if not NUMBER.fullmatch(text):
        raise CellFault(f"{raw!r} is not a number (write it like 1200 or 12.5: no "
                        f"separators, a point for decimals)")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() \
        else value


def _choice(col: Column, text: str, item: int | None = None) -> str:
    wanted = fold(text)
    for value, said in col.choices:
        if wanted in (fold(value), fold(said)):
            return value
    where = f"item {item}: " if item else ""
    hint = ""
    if col.kind == "enum_list" and "," in text:
        hint = "; separate items with semicolons or line breaks"
    known = [w for _, w in col.choices] + [v for v, _ in col.choices]
    close = suggest(text.lower(), dict.fromkeys(known)) or \
        " (the choices: " + "; ".join(w for _, w in col.choices) + ")"
    shown = text if len(text) <= 60 else text[:57] + "..."
    return _refuse(f"{where}{shown!r} is not one of the choices{close}{hint}")


def _refuse(message: str) -> Any:
    raise CellFault(message)


def _option(col: Column, line: str, n: int) -> dict[str, Any]:
    """'name | evidence | measure; measure' -> a menu option (evidence and measures may be
    left out or blank)."""
    parts = [p.strip() for p in line.split(PART)]
    if len(parts) > 3:
        raise CellFault(f"option {n}: write name | evidence | measures (at most two "
                        f"'{PART}')")
    option: dict[str, Any] = {"name": parts[0]}
    if len(parts) > 1 and parts[1] and fold(parts[1]) not in BLANK_WORDS:
        try:
            option["evidence_base"] = _choice(col, parts[1])
        except CellFault as exc:
            raise CellFault(f"option {n}, evidence: {exc}") from None
    if len(parts) > 2 and parts[2] and fold(parts[2]) not in BLANK_WORDS:
        measures = split(parts[2])
        option["measures"] = [] if [fold(m) for m in measures] == [NONE_WORD] else measures
    return option


# --- writing -------------------------------------------------------------------------------

def write_cell(col: Column, value: Any) -> Any:
    """A proposal's value as the cell shows it (read_cell reads it back to the same value);
    text is made safe from running as a formula."""
    if value is None:
        return None
    if col.kind == "bool":
        return YES if value else NO
    if col.kind in ("int", "number"):
        return value
    if col.kind == "enum":
        return words.choice(col.path, value)
    if col.kind == "text":
        return spreadsheet_cell(value)
    if not value:
        return NONE_WORD
    if col.kind == "enum_list":
        items = [words.choice(col.path, v) for v in value]
    elif col.kind == "object_list":
        items = [_option_line(col, o) for o in value]
    else:
        items = [str(v) for v in value]
    text = "\n".join(items)
    if len(items) == 1 and ";" in text and col.kind != "object_list":
        text += "\n"  # a line break keeps the semicolon inside the one item
    return spreadsheet_cell(text)


def _option_line(col: Column, option: dict[str, Any]) -> str:
    evidence = dict(col.choices).get(option.get("evidence_base") or "", "")
    measures = option.get("measures")
    parts = [option.get("name", ""), evidence,
             "" if measures is None else "; ".join(measures) or NONE_WORD]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return f" {PART} ".join(parts)
