"""The dimension scores as an inline SVG bar chart, drawn on the server (no script, no
external asset): for each dimension, its lessons met, missed and not yet known, with a
legend. "Missed" is drawn strongest; every colour has at least 3:1 contrast with the white
page and text 4.5:1 (WCAG 2.1, 1.4.11 and 1.4.3), and each bar's counts are written out, so
the colours are never the only way to read it. Labels sit above their bars, so the chart
stays legible when a phone scales it down."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, BAR_W, ROW_H, LEGEND_H = 420, 300, 46, 30
KINDS = (("missed", "missed", "bar-missed"), ("met", "met", "bar-met"),
         ("unknown", "cannot tell yet", "bar-unknown"))


def _legend() -> str:
    parts, x = [], 0
    for _, words, css in KINDS:
        parts.append(f'<rect x="{x}" y="6" width="16" height="16" class="{css}"/>'
                     f'<text x="{x + 22}" y="19" class="chart-label">{words}</text>')
        x += 30 + 9 * len(words)
    return f'<g class="legend">{"".join(parts)}</g>'


def score_chart(scores: dict) -> Markup:
    """Scores: {dimension: {title, met, total, missed, unknown}} as in an Evaluation."""
    rows = []
    for i, s in enumerate(scores.values()):
        y = LEGEND_H + i * ROW_H
        total = max(1, s["total"])
        counts = {"met": s["met"], "missed": len(s["missed"]), "unknown": len(s["unknown"])}
        words = ", ".join(f"{counts[k]} {w}" for k, w, _ in KINDS if counts[k])
        label = f"{s['title']}: {words or 'no lessons'} (of {s['total']})"
        x, bars = 0, []
        for key, _, css in KINDS:
            w = round(BAR_W * counts[key] / total)
            if w:
                bars.append(f'<rect x="{x}" y="{y + 22}" width="{w}" height="16" '
                            f'class="{css}"/>')
            x += w
        rows.append(
            f'<g><title>{escape(label)}</title>'
            f'<text x="0" y="{y + 16}" class="chart-label">{escape(s["title"])}</text>'
            f'<rect x="0" y="{y + 22}" width="{BAR_W}" height="16" class="bar-bg"/>'
            f'{"".join(bars)}'
            f'<text x="{BAR_W + 8}" y="{y + 35}" class="chart-value">{s["met"]} of '
            f'{s["total"]} met</text></g>')
    height = LEGEND_H + ROW_H * len(rows)
    return Markup(
        f'<figure class="chart-figure"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="chart" viewBox="0 0 {WIDTH} {height}" aria-labelledby="chart-title">'
        f'<title id="chart-title">Lessons met, missed and not yet known, by dimension</title>'
        f'{_legend()}{"".join(rows)}</svg></figure>')
