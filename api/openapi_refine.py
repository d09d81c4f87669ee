"""Make the generated request schemas say exactly what the running service accepts, where
that depends on the ruleset or the configuration: the rule ids `why_not` may name, the
proposal fields (and their value schemas) a `what_if` may change, the batch size."""

from __future__ import annotations

import json
from typing import Any

from ccrules.proposal.fields import catalogue
from ccrules.resources import builtin_examples
from ccrules.rulebook.loader import Rulebook

from .schemas import MAX_WHAT_IF

REF = "#/components/schemas/"


def _target(prop: dict, schemas: dict) -> dict | None:
    """The object schema a property refers to (directly or as the non-null branch)."""
    refs = [prop.get("$ref")] + [alt.get("$ref") for alt in prop.get("anyOf", [])]
    for ref in filter(None, refs):
        target = schemas.get(ref.removeprefix(REF), {})
        if target.get("type") == "object" and "properties" in target:
            return target
    return None


def what_if_properties(schemas: dict[str, Any]) -> dict[str, Any]:
    """Dotted field path -> the field's own schema, for every field a what-if may change."""
    wanted = {p for p in catalogue() if not p.startswith("derived.")}
    out: dict[str, Any] = {}

    def walk(model: dict, prefix: str) -> None:
        for name, prop in model["properties"].items():
            path = prefix + name
            inner = _target(prop, schemas)
            if path in wanted:
                out[path] = prop
            elif inner is not None:
                walk(inner, path + ".")
    walk(schemas["Proposal"], "")
    return out


def refine(spec: dict[str, Any], rulebook: Rulebook, max_batch: int) -> dict[str, Any]:
    schemas = spec["components"]["schemas"]
    request = schemas["EvaluationRequest"]["properties"]
    request["why_not"]["items"] = {"type": "string", "enum": [r.id for r in rulebook.rules]}
    request["what_if"] = {"anyOf": [{"type": "object",
                                     "properties": what_if_properties(schemas),
                                     "maxProperties": MAX_WHAT_IF,
                                     "additionalProperties": False}, {"type": "null"}],
                          "default": None, "description": request["what_if"].get(
                              "description", "")}
    schemas["ScreeningRequest"]["properties"]["proposals"]["maxItems"] = max_batch
    _examples(spec)
    return spec


def _examples(spec: dict[str, Any]) -> None:
    """Real example proposals as the request bodies the docs page offers to try."""
    def body(path: str) -> dict[str, Any] | None:
        op = spec["paths"].get(path, {}).get("post")
        return op["requestBody"]["content"]["application/json"] if op else None
    example = {name: json.loads((builtin_examples() / f"{name}.json").read_text("utf-8"))
               for name in ("ilcop-redesigned", "michigan-keystone")}
    if (one := body("/api/v1/evaluations")) is not None:
        one["example"] = {"proposal": example["ilcop-redesigned"]}
    if (many := body("/api/v1/screenings")) is not None:
        many["example"] = {"proposals": list(example.values())}
