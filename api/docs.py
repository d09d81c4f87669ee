"""Open routes: the OpenAPI document, interactive docs served from local files, health."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Flask, jsonify, redirect, render_template, send_from_directory
from pydantic import BaseModel

from .openapi import build_spec, operation
from .openapi_refine import refine
from .storage import rulebook

# Swagger UI's files ship inside the flask-swagger-ui package: no CDN, works offline.
SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"


class Health(BaseModel):
    status: str
    ruleset: str


def register_docs(app: Flask) -> None:
    specs: dict[str, dict] = {}  # by ruleset version: the rule ids in it change on reload

    @operation("The OpenAPI 3.1 document of this API", public=True,
               responses={200: (None, "OpenAPI document")})
    def openapi_json():
        rb = rulebook()
        if rb.version not in specs:
            specs[rb.version] = refine(build_spec(app), rb, app.config["MAX_BATCH"])
        return jsonify(specs[rb.version])

    @operation("Liveness and the ruleset version in use", public=True,
               responses={200: (Health, "The service is up")})
    def healthz():
        return jsonify(Health(status="ok", ruleset=rulebook().version).model_dump())

    def docs_page():
        return render_template("docs.html")

    def docs_asset(filename: str):
        return send_from_directory(SWAGGER_DIST, filename)

    app.add_url_rule("/openapi.json", view_func=openapi_json)
    app.add_url_rule("/healthz", view_func=healthz)
    app.add_url_rule("/docs", view_func=lambda: redirect("/docs/"))
    app.add_url_rule("/docs/", view_func=docs_page)
    app.add_url_rule("/docs/<path:filename>", view_func=docs_asset)
