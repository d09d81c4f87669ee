"""The quotations a proposal keeps from its application document (ccrules intake): for each
answer an officer confirmed from the document, the sentence it came from. They are not
answers: no rule reads them and the field catalogue leaves them out (`not_an_answer`); the
report's appendix shows them."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .bounds import Bool, Short, Text

MAX_QUOTATIONS = 100


class Quotation(BaseModel):
    """One confirmed answer's sentence."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    field: Short = Field(description="The answer's field, as a dotted path.")
    quote: Text = Field(description="The sentence of the application, as read.")
    where: Short | None = Field(default=None, description="Its page or paragraph.")
    edited: Bool = Field(default=False, description=(
        "Whether the officer changed the suggested answer before confirming it."))


def answer_paths(model: Any, prefix: str = "") -> list[str]:
    """Every answer of a proposal model, by dotted path (its groups walked, not listed)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        if name == "quotations":
            continue
        group = next((a for a in (info.annotation, *get_args(info.annotation))
                      if isinstance(a, type) and issubclass(a, BaseModel)), None)
        out += answer_paths(group, f"{prefix}{name}.") if group else [prefix + name]
    return out


def _schema(schema: dict[str, Any], cls: Any) -> None:
    """The proposal's JSON Schema says which answers a quotation may name."""
    quotations = schema.get("properties", {}).get("quotations")
    if quotations is not None:
        item = Quotation.model_json_schema()
        item["properties"]["field"]["enum"] = answer_paths(cls)
        quotations["anyOf"] = [{"type": "array", "maxItems": MAX_QUOTATIONS, "items": item},
                               {"type": "null"}]


class Quoted(BaseModel):
    """The `quotations` field of a Proposal (which inherits it from here)."""

    model_config = ConfigDict(json_schema_extra=_schema)

    quotations: Annotated[list[Quotation], Field(max_length=MAX_QUOTATIONS)] | None = Field(
        default=None, json_schema_extra={"not_an_answer": True}, description=(
            "For answers confirmed from the application document (ccrules intake), the "
            "sentence each came from. Not an answer: no rule reads it."))

    @field_validator("quotations")
    @classmethod
    def _quoted_answers(cls, value: list[Quotation] | None, info: ValidationInfo) -> Any:
        """Each quotation names one answer of the proposal (not a group, not itself)."""
        known = set(answer_paths(cls))
        for i, q in enumerate(value or []):
            if q.field not in known:
                raise ValueError(f"quotation {i + 1}: {q.field!r} is not one answer of the "
                                 f"proposal")
        return value
