"""Open routes: the OpenAPI document, interactive docs served from local files, health."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_swagger_ui import get_swaggerui_blueprint
from pydantic import BaseModel

from .openapi import build_spec, operation
from .storage import rulebook


class Health(BaseModel):
    status: str
    ruleset: str


def register_docs(app: Flask) -> None:
    spec: dict = {}

    @operation("The OpenAPI 3.1 document of this API", public=True,
               responses={200: (None, "OpenAPI document")})
    def openapi_json():
        if not spec:
            spec.update(build_spec(app))
        return jsonify(spec)

    @operation("Liveness and the ruleset version in use", public=True,
               responses={200: (Health, "The service is up")})
    def healthz():
        return jsonify(Health(status="ok", ruleset=rulebook().version).model_dump())

    app.add_url_rule("/openapi.json", view_func=openapi_json)
    app.add_url_rule("/healthz", view_func=healthz)
    # Swagger UI from the assets inside the flask-swagger-ui package: no CDN, works offline.
    app.register_blueprint(get_swaggerui_blueprint(
        "/docs", "/openapi.json", config={"app_name": "ccrules API"}))
