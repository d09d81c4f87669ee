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


class Quoted(BaseModel):
    """The `quotations` field of a Proposal (which inherits it from here)."""

    quotations: Annotated[list[Quotation], Field(max_length=MAX_QUOTATIONS)] | None = Field(
        default=None, json_schema_extra={"not_an_answer": True}, description=(
            "For answers confirmed from the application document (ccrules intake), the "
            "sentence each came from. Not an answer: no rule reads it."))

    @field_validator("quotations")
    @classmethod
    def _quoted_answers(cls, value: list[Quotation] | None, info: ValidationInfo) -> Any:
        """Each quotation names one answer of the proposal (not a group, not itself)."""
        for i, q in enumerate(value or []):
            model: Any = cls
            for part in q.field.split("."):
                found = getattr(model, "model_fields", {}).get(part)
                if found is None or part == "quotations":
                    raise ValueError(f"quotation {i + 1}: {q.field!r} is not a field of the "
                                     f"proposal")
                model = next((a for a in (found.annotation, *get_args(found.annotation))
                              if isinstance(a, type) and issubclass(a, BaseModel)), None)
            if model is not None:
                raise ValueError(f"quotation {i + 1}: {q.field!r} is a group of fields, not "
                                 f"one answer")
        return value
