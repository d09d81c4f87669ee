"""OpenAPI 3.1, generated from the routes and the pydantic models (never kept by hand).

A view declares its contract with @operation(...); build_spec walks the app's URL map, and
pydantic writes every schema (OpenAPI 3.1 uses JSON Schema 2020-12, which is what pydantic
emits)."""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import ccrules

from .errors import ErrorBody

REF = "#/components/schemas/{model}"
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def operation(summary: str, *, responses: dict[int, tuple[type[BaseModel] | None, str]],
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              public: bool = False, errors: tuple[int, ...] = ()) -> Callable:
    """Attach an operation's contract to a view function."""
    def attach(view: Callable) -> Callable:
        view.openapi = {  # type: ignore[attr-defined]  # read back by build_spec
            "summary": summary, "description": (view.__doc__ or "").strip(),
            "responses": responses, "body": body, "query": query, "public": public,
            "errors": errors}
        return view
    return attach


ERROR_TEXT = {400: "Malformed JSON", 401: "Missing or invalid token",
              403: "The token may not do this", 404: "Not found",
              413: "Body larger than 1 MiB", 415: "Body is not application/json",
              422: "Validation failed (every fault listed with its location)",
              409: "Conflict with the current state (e.g. a closed round)",
              429: "Too many requests for this token (see Retry-After)"}


def _models(app: Flask) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = [ErrorBody]
    for view in app.view_functions.values():
        meta = getattr(view, "openapi", None)
        if meta:
            found += [m for m in (meta["body"], meta["query"]) if m]
            found += [m for m, _ in meta["responses"].values() if m]
    return list(dict.fromkeys(found))


def _parameters(path: str, query: type[BaseModel] | None) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{(\w+)}", path)]
    if query:
        schema = query.model_json_schema()
        for name, prop in schema["properties"].items():
            params.append({"name": name, "in": "query",
                           "required": name in schema.get("required", []),
                           "description": prop.pop("description", ""), "schema": prop})
    return params


def build_spec(app: Flask) -> dict[str, Any]:
    models = _models(app)
    # what clients send is described as it is validated; what they receive as it is written
    # out (with the computed fields, such as an evaluation's facts_to_establish)
    bodies = {meta["body"] for meta in (getattr(f, "openapi", None) for f in
                                        app.view_functions.values()) if meta and meta["body"]}
    _, defs = models_json_schema([(m, "validation" if m in bodies else "serialization")
                                  for m in models], ref_template=REF)
    ref = {m: {"$ref": REF.format(model=m.__name__)} for m in models}
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        meta = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if not meta:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        op: dict[str, Any] = {"summary": meta["summary"], "description": meta["description"],
                              "operationId": rule.endpoint.replace(".", "_"),
                              "parameters": _parameters(path, meta["query"]), "responses": {}}
        if meta["body"]:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": ref[meta["body"]]}}}
        for status, (model, text) in meta["responses"].items():
            op["responses"][str(status)] = {"description": text, **(
                {"content": {"application/json": {"schema": ref[model]}}} if model else {})}
        statuses = set(meta["errors"]) | ({401} if not meta["public"] else set())
        for status in sorted(statuses):
            op["responses"][str(status)] = {"description": ERROR_TEXT[status], "content": {
                "application/json": {"schema": ref[ErrorBody]}}}
        op["security"] = [] if meta["public"] else SECURITY
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "ccrules", "version": ccrules.__version__,
                 "description": "Screens proposed healthcare-improvement programmes against "
                                "the clinical community lessons of Aveling et al. (2017)."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": defs.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": SECURITY,
    }
