"""The dimension scores as an inline SVG bar chart, drawn on the server (no script, no
external asset)."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_W, ROW_H, LABEL_W = 320, 30, 290


def score_chart(scores: dict) -> Markup:
    """Scores: {dimension: {title, met, total, missed, unknown}} as in an Evaluation."""
    rows = []
    for i, s in enumerate(scores.values()):
        y = i * ROW_H
        total = max(1, s["total"])
        met_w = round(BAR_W * s["met"] / total)
        unknown_w = round(BAR_W * len(s["unknown"]) / total)
        label = f"{s['title']}: {s['met']} of {s['total']} lessons met"
        rows.append(
            f'<g><title>{escape(label)}</title>'
            f'<text x="0" y="{y + 19}" class="chart-label">{escape(s["title"])}</text>'
            f'<rect x="{LABEL_W}" y="{y + 6}" width="{BAR_W}" height="18" class="bar-bg"/>'
            f'<rect x="{LABEL_W}" y="{y + 6}" width="{met_w}" height="18" class="bar-met"/>'
            f'<rect x="{LABEL_W + met_w}" y="{y + 6}" width="{unknown_w}" height="18" '
            f'class="bar-unknown"/>'
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 19}" class="chart-value">'
            f'{s["met"]}/{s["total"]}</text></g>')
    height = ROW_H * len(rows) + 4
    width = LABEL_W + BAR_W + 50
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart-title"><title id="chart-title">Lessons met in each '
        f'dimension (hatched: cannot tell yet)</title>{"".join(rows)}</svg>')
