"""Where links in exports (CSV and Excel) point: the configured public address of the
service (BASE_URL, CCRULES_BASE_URL, e.g. "https://ccrules.example.org"), or, unset, links
relative to the site. Never the request's Host header, which the client chooses."""

from __future__ import annotations

from flask import current_app


def link_base() -> str:
    """The prefix for a path on this site in an export: the configured base URL, or ''."""
    return (current_app.config.get("BASE_URL") or "").rstrip("/")
