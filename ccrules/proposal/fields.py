"""The catalogue of fields rules may test: every leaf of the Proposal model, by dotted path,
plus a few derived fields computed from several answers. Each field carries what the model
says of it: its kind (kinds.py: which operators apply, how it is read, written and said),
its label and unit in a funder's words, its description, question and bounds.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Literal

from pydantic import BaseModel

from ..suggestions import suggest
from . import kinds as K
from . import words
from .kinds import Kind
from .model import Proposal

# Facts about the problem and the sites' context that a programme's design cannot change
# (the paper: ILCOP struggled "not only due to programme design ... but also due to intrinsic
# features of the clinical problem", §3). A counterfactual that needs one is marked as such.
# Incentives are not among them: the paper counts a cautious alignment with payers or
# regulators among the tactics a design can build in (P:682-685, P:744-751).
NOT_DESIGN_CHOICES = frozenset({
    "problem.evidence_base", "problem.scope", "problem.setting_uniformity",
    "problem.change_type", "problem.departments_involved", "problem.peripheral_stakeholders",
    "context.sites_eligible", "context.reorganisation_underway", "context.resource_constraint",
})


# The two kinds of unknown answer (issue 20; ../shared/review/verdicts-and-policy.md). An
# unknown *fact* is something no condition of award can secure: the problem itself, the
# sites' context, the leads' standing ("recognised for previous, successful improvement
# efforts", P:396) and the bodies and networks behind them. It stays a question, and where
# its answer could lower the verdict the verdict stays open. Every other field is a
# *commitment*: the paper wants commitments explicit before enrolment ("clear plans (and
# allocated resources) from the outset", P:470-471; hard tactics "from the outset",
# P:558-559), so a funder can require an unstated one as a condition of award. A derived
# field is a fact only when every answer it is computed from is one.
FACTS = frozenset({
    "problem.evidence_base", "problem.scope", "problem.setting_uniformity",
    "problem.change_type", "problem.departments_involved", "problem.peripheral_stakeholders",
    "problem.case_for_change.accepted_benchmarks",
    "context.sites_eligible", "context.incentives", "context.reorganisation_underway",
    "context.resource_constraint",
    "core_team.clinical_leads_credible", "core_team.institutional_backing",
    "core_team.networks_used_for_recruitment",
})
UnknownKind = Literal["fact", "commitment"]


@dataclass(frozen=True)
class FieldInfo:
    path: str
    kind: Kind
    description: str
    question: str
    values: tuple[str, ...] = ()  # enum members, for choices
    sources: tuple[str, ...] = ()  # for a derived field, the answers it is computed from
    label: str = ""  # the field's name in a funder's words
    unit: str = ""  # shown after its numbers ('% of their time', ' months')
    minimum: float | None = None  # bounds, from the model's JSON Schema
    maximum: float | None = None
    max_length: int | None = None  # of a text, or of each item of a list
    max_items: int | None = None

    @property
    def ops(self) -> frozenset[str]:
        return self.kind.ops

    def words(self, value: typing.Any) -> str:
        """A stated value of this field in a funder's words."""
        return self.kind.words(self, value)

    def amount(self, value: float) -> str:
        """A number of this field with its unit ('5% of their time')."""
        return words.amount(value, self.unit)

    def choices(self) -> list[tuple[str, str]]:
        """(value, words) for each choice of an enum or enum-list field."""
        return [(v, words.choice(self.path, v)) for v in self.values]

    @property
    def design_choice(self) -> bool:
        """Whether the programme's designers can change this fact."""
        return self.path not in NOT_DESIGN_CHOICES

    @property
    def unknown(self) -> UnknownKind:
        """What an unknown answer to this field is: a fact to establish, or a commitment a
        funder can require as a condition of award (see FACTS)."""
        if self.sources:
            return "fact" if all(s in FACTS for s in self.sources) else "commitment"
        return "fact" if self.path in FACTS else "commitment"


DERIVED = (
    FieldInfo("derived.coverage_pct", K.PERCENTAGE,
              "Share of eligible activity covered: context.coverage_pct, or else sites enrolled "
              "as a percentage of sites eligible.",
              "What share of the eligible sites or activity will take part?",
              sources=("context.coverage_pct", "context.sites_enrolled",
                       "context.sites_eligible"),
              label="Share of eligible sites or activity covered", unit="%"),
    FieldInfo("derived.core_element_count", K.WHOLE,
              "How many non-negotiable core elements: the named core_elements, or else "
              "core_element_count.",
              "Which elements of the intervention are non-negotiable for every site?",
              sources=("intervention.core_elements", "intervention.core_element_count"),
              label="Number of core elements"),
    FieldInfo("derived.menu_option_count", K.WHOLE,
              "How many options the menu has (menu_options).",
              "What options may sites choose from?", sources=("intervention.menu_options",),
              label="Number of menu options"),
    FieldInfo("derived.menu_options_evidence_based", K.YES_NO,
              "Whether every menu option has strong or emerging evidence (false if any option "
              "has contested or no evidence; unknown if any option's evidence is unknown).",
              "What evidence supports each option on the menu?",
              sources=("intervention.menu_options",), label="Every menu option has evidence"),
    FieldInfo("derived.menu_options_measured", K.YES_NO,
              "Whether every menu option is tracked by at least one of the common measures.",
              "Which of the common measures track each option on the menu?",
              sources=("intervention.menu_options", "measurement.common_measures"),
              label="Every menu option is measured"),
)


def _unwrap(ann: typing.Any) -> tuple[typing.Any, list[typing.Any]]:
    """Strip Optional[...] and Annotated[...] down to the bare type; with the Annotated
    marks met on the way."""
    marks: list[typing.Any] = []
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann, *more = typing.get_args(ann)
            marks += more
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            ann = args[0]
        else:
            return ann, marks


def _kind(ann: typing.Any) -> tuple[Kind, tuple[str, ...]]:
    ann, marks = _unwrap(ann)
    if typing.get_origin(ann) is list:
        item, _ = _unwrap(typing.get_args(ann)[0])
        if isinstance(item, type) and issubclass(item, Enum):
            return K.CHOICES, tuple(m.value for m in item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return K.MENU_OPTIONS, ()
        return K.NAMES, ()
    if isinstance(ann, type) and issubclass(ann, Enum):
        return K.CHOICE, tuple(m.value for m in ann)
    return K.of_type(ann, marks), ()


def _schema_of(path: str, schema: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """The JSON Schema of one field (its non-null branch), followed down its dotted path."""
    defs = schema.get("$defs", {})
    node: dict[str, typing.Any] = schema

    def settle(node: dict[str, typing.Any]) -> dict[str, typing.Any]:
        while "$ref" in node or "anyOf" in node:
            node = (defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node
                    else next(b for b in node["anyOf"] if b.get("type") != "null"))
        return node
    for name in path.split("."):
        node = settle(node)["properties"][name]
    return settle(node)


def _walk(model: type[BaseModel], prefix: str, schema: dict[str, typing.Any]):
    for name, f in model.model_fields.items():
        path = prefix + name
        if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("not_an_answer"):
            continue  # e.g. the quotations kept from an application document
        bare, _ = _unwrap(f.annotation)
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            yield from _walk(bare, path + ".", schema)
            continue
        kind, values = _kind(f.annotation)
        extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
        node = _schema_of(path, schema)
        items = node.get("items", {}) if node.get("type") == "array" else {}
        yield FieldInfo(path, kind, f.description or "", str(extra.get("question", "")),
                        values, label=str(extra.get("label", "")),
                        unit=str(extra.get("unit", "")), minimum=node.get("minimum"),
                        maximum=node.get("maximum"),
                        max_length=node.get("maxLength") or items.get("maxLength"),
                        max_items=node.get("maxItems"))


def catalogue_of(model: type[BaseModel], derived: typing.Iterable[FieldInfo] = ()
                 ) -> dict[str, FieldInfo]:
    """Every leaf of `model` by dotted path, then the derived fields."""
    fields = {f.path: f for f in _walk(model, "", model.model_json_schema())}
    fields.update({f.path: f for f in derived})
    return fields


@cache
def catalogue() -> dict[str, FieldInfo]:
    """Every field a rule may name, by dotted path."""
    return catalogue_of(Proposal, DERIVED)


def label(path: str) -> str:
    """A field's label ('Local leads' dedicated time'); the path itself if there is none."""
    info = catalogue().get(path)
    return info.label if info else path


def value_words(path: str, value: typing.Any) -> str:
    """A stated value of the field at `path` in words (by its kind)."""
    info = catalogue().get(path)
    return info.words(value) if info else words.value_words(value)


def suggest_key(loc: tuple) -> str:
    """Did-you-mean for an unknown key at `loc` in a proposal, from its siblings' names."""
    parent = ".".join(str(k) for k in loc[:-1] if not isinstance(k, int))
    return suggest(str(loc[-1]), _siblings(parent))


@cache
def _siblings(parent: str) -> frozenset[str]:
    prefix = parent + "." if parent else ""
    return frozenset(p[len(prefix):].split(".")[0] for p in catalogue()
                     if p.startswith(prefix) and not p.startswith("derived."))
