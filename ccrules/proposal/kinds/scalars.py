"""The kinds of one value: text, yes or no, numbers (whole, any, a percentage) and a
choice."""

from __future__ import annotations

from typing import ClassVar

from .. import words
from .base import (
    BLANK_WORDS,
    FALSE_WORDS,
    NO,
    NUMBER,
    ORDER_OPS,
    SCALAR_OPS,
    TRUE_WORDS,
    YES,
    Kind,
    KindFault,
    _member,
    _num,
    _plain,
    fold,
    plain_text,
    read_choice,
)


class Text(Kind):
    name = "text"
    changeable = False

    def blank(self, text: str) -> bool:
        return not text

    def read_raw(self, info, raw, percent_format=False):
        return plain_text(raw)


class YesNo(Kind):
    name = "bool"
    ops = frozenset({"eq"})
    question = "one"
    widget = "select"
    wanted = "yes or no"

    def term_value(self, info, op, value):
        if not isinstance(value, bool):
            raise KindFault(f"needs true or false, got {value!r}")
        return value

    def fits(self, info, value):
        return isinstance(value, bool)

    def domain(self, info, cuts, exhaustive):
        return [True, False]

    def options(self, info):
        return [(True, YES), (False, NO)]

    def read(self, info, text):
        said = fold(text)
        if said in TRUE_WORDS:
            return True
        if said in FALSE_WORDS:
            return False
        raise KindFault(f"{text!r} is not yes or no (leave it blank when unknown)")

    def read_raw(self, info, raw, percent_format=False):
        return raw if isinstance(raw, bool) else super().read_raw(info, raw)

    def write(self, info, value):
        return YES if value else NO

    def shown(self, value):
        return ("true" if value else "false") if isinstance(value, bool) else value

    def how_to_write(self, info):
        return "Yes or no."

    def validation(self, info):
        return {"type": "list", "formula1": f'"{YES},{NO},{BLANK_WORDS[0]}"',
                "error": "Yes, no or unknown (blank is unknown too)."}

    def read_form(self, text):
        return {"true": True, "false": False}.get(text, text)


class Number(Kind):
    name = "number"
    ops = SCALAR_OPS | ORDER_OPS
    question = "range"
    widget = "number"
    wanted = "a number"
    numeric = True
    whole: ClassVar[bool] = False

    def term_value(self, info, op, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise KindFault(f"needs a number, got {value!r}")
        return value

    def fits(self, info, value):
        if isinstance(value, bool):
            return False
        return isinstance(value, int) if self.whole else isinstance(value, (int, float))

    def domain(self, info, cuts, exhaustive):
        ts = sorted(cuts["numbers"])
        points = {0, *ts, *(t + 1 for t in ts), *(max(0, t - 1) for t in ts)}
        if exhaustive:
            points |= {(a + b) / 2 for a, b in zip(ts, ts[1:], strict=False)}
        return sorted(points)

    def read(self, info, text):
        text = text.replace(" ", "")
        if self.percent and text.endswith("%"):
            text = text[:-1]
        if not NUMBER.fullmatch(text):
            raise KindFault(f"{text!r} is not a number (write it like 1200 or 12.5: no "
                            f"separators, a point for decimals)")
        value = float(text)
        return int(value) if value.is_integer() and "." not in text and \
            "e" not in text.lower() else value

    def read_raw(self, info, raw, percent_format=False):
        if isinstance(raw, bool):
            raise KindFault(f"{plain_text(raw)!r} is not a number")
        if isinstance(raw, (int, float)):
            # a cell shown as a percentage holds a share (85% is 0.85): the field wants 85
            return round(raw * 100, 9) if percent_format and self.percent else raw
        return super().read_raw(info, raw)

    def write(self, info, value):
        return value

    def shown(self, value):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # 13, as it was typed, not 13.0
        return super().shown(value)

    def how_to_write(self, info):
        whole = "A whole number" if self.whole else "A number"
        return f"{whole} from {_num(info.minimum)} to {_num(info.maximum)}."

    def validation(self, info):
        if info.maximum is None:
            return {}
        low, high = _plain(info.minimum or 0), _plain(info.maximum)
        return {"type": "whole" if self.whole else "decimal", "operator": "between",
                "formula1": low, "formula2": high,
                "error": f"{'A whole number' if self.whole else 'A number'} from {low} to "
                         f"{high}."}

    def read_form(self, text):
        for parse in (int, float):
            try:
                return parse(text)
            except ValueError:
                pass
        return text  # the model reports it as not a number, with the field named


class Whole(Number):
    name = "int"
    wanted = "a whole number"
    whole = True


class Percentage(Number):
    """A share out of 100 (a percentage of time or of eligible activity)."""

    name = "percentage"
    top = 100.0
    percent = True


class Choice(Kind):
    name = "enum"
    ops = SCALAR_OPS | {"in", "not_in"}
    question = "one"
    widget = "select"
    wanted = "one of the choices"

    def term_value(self, info, op, value):
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                raise KindFault("needs a non-empty list of values")
            return tuple(_member(info, v) for v in value)
        return _member(info, value)

    def fits(self, info, value):
        return value in info.values

    def domain(self, info, cuts, exhaustive):
        return list(info.values)

    def options(self, info):
        return info.choices()

    def read(self, info, text):
        return read_choice(info.choices(), text)

    def words(self, info, value):
        return "not stated" if value is None else words.choice(info.path, str(value))

    def write(self, info, value):
        return words.choice(info.path, value)

    def how_to_write(self, info):
        return f"Choose one: {'; '.join(w for _, w in info.choices())}."

    def validation(self, info):
        return {"choices": [w for _, w in info.choices()],
                "error": "Choose one of the list (leave it blank when unknown)."}
