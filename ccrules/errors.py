"""One exception tree for the library; the CLI and the web layer translate it at their edge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_LISTED = 100  # faults listed in one refusal (a request of 29,000 faults is answered fast)


@dataclass
class ErrorItem:
    """One fault: where it is (a path of keys and indexes) and what is wrong."""

    loc: tuple
    msg: str

    def as_dict(self) -> dict:
        return {"loc": list(self.loc), "msg": self.msg}


class CcrulesError(Exception):
    """Base class of every error ccrules raises on purpose. `status` is the HTTP status the
    web layer answers with (datasette's habit: the error carries it, so none is missed)."""

    title = "ccrules error"
    status = 500

    def __init__(self, detail: str, errors: list[ErrorItem] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def __str__(self) -> str:
        lines = [self.detail]
        lines += [f"  {'.'.join(map(str, e.loc)) or '(top level)'}: {e.msg}" for e in self.errors]
        return "\n".join(lines)


class InputError(CcrulesError):
    """Input that does not fit what it should be: a request, a query, a decision, a file."""

    title = "Invalid input"
    status = 422


class ProposalError(InputError):
    """A proposal that cannot be read or does not fit the Proposal model."""

    title = "Invalid proposal"


# A model's wording of one fault (pydantic's error dict, its location) or None for pydantic's
Wording = Callable[[dict, tuple], "str | None"]


def validation_errors(exc: Any, prefix: tuple = (), wording: Wording | None = None
                      ) -> list[ErrorItem]:
    """Every fault of a pydantic ValidationError as ErrorItems, located (under `prefix`):
    an unknown key is 'unknown field', a validator's message loses pydantic's 'Value
    error, '; `wording` may say a fault better. At most MAX_LISTED, the first ones."""
    items = []
    for err in exc.errors(include_url=False)[:MAX_LISTED]:
        loc = tuple(err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        said = wording(err, loc) if wording else None
        items.append(ErrorItem(prefix + loc, said or msg))
    return items


class RuleError(CcrulesError):
    """A rule file or policy file that cannot be loaded; `problems` locates each fault."""

    title = "Invalid rules"
    status = 422

    def __init__(self, detail: str, problems: "list[RuleProblem] | None" = None):
        self.problems = list(problems or [])
        super().__init__(detail, [ErrorItem((p.file, p.line or 0, p.rule_id or ""), p.msg)
                                  for p in self.problems])

    def __str__(self) -> str:
        return "\n".join([self.detail] + [f"  {p}" for p in self.problems])


class EngineError(CcrulesError):
    """The rule engine failed while evaluating (never a normal outcome)."""

    title = "Rule engine failure"


@dataclass
class RuleProblem:
    """A fault in one rule file, located by file, line and rule id."""

    file: str
    msg: str
    rule_id: str | None = None
    line: int | None = None
    kind: str = ""  # what failed, for tools that sort problems (e.g. "examples.fires")

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        who = f" {self.rule_id}:" if self.rule_id else ""
        return f"{where}:{who} {self.msg}"
