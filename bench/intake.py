"""Benchmark: how well `ccrules intake` suggests answers, and how fast.

Two sets, scored separately (ccrules/intake/scoring.py says how):
- the paper: §2.1 (Michigan, P:269-312) and §2.2 (ILCOP, P:313-362) read as if each were an
  application; the stated answers are examples/michigan-keystone.json and ilcop.json, and
  the recall set is the fields whose provenance (examples/provenance.yaml) lies inside the
  section's lines;
- our own: the eight short applications in tests/intake/applications/ with the answers
  written in expected.yaml before the patterns (the patterns were then written against
  them, so these figures flatter);
- held out: three more in tests/intake/held-out/, written after the patterns and scored
  without changing the patterns for them (the fairer figure for new text).
Prints a JSON line per field and set (suggested, right, precision, found of stated,
recall), a line per set with the totals and the targets, then the timing line: a PDF of
30 pages (the applications and the paper's sections, repeated) read and suggested, cold
(the first call in a fresh process, spaCy's pipeline built) and warm (median of the runs).

    python -m bench.intake [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import yaml

from bench.common import machine
from ccrules.intake import intake_bytes, read_document
from ccrules.intake.reading import Document, text_blocks
from ccrules.intake.scoring import FieldScore, paper_case, score, section_text, totals
from ccrules.intake.suggest import suggest
from ccrules.resources import builtin_examples

ROOT = Path(__file__).resolve().parent.parent
APPLICATIONS = ROOT / "tests" / "intake" / "applications"
HELD_OUT = ROOT / "tests" / "intake" / "held-out"
PAPER = ROOT.parent / "shared" / "paper" / "000_2f6735d845187d40.txt"
TARGET_PRECISION, TARGET_FIELD_PRECISION, TARGET_PAPER_RECALL = 0.9, 0.8, 0.5
TARGET_SECONDS, PAGES = 2.0, 30

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def write_pdf(path: Path, lines: list[str], *, wrap: bool = False, min_pages: int = 0) -> int:
    """A PDF of `lines` (each a line of the page, or with `wrap` a paragraph to wrap), repeated
    until it has `min_pages`; returns its page count. fpdf2's core font: Latin-1 text."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    while True:
        for line in lines:
            text = line.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
            if wrap:
                pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            else:
                pdf.cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        if pdf.pages_count >= min_pages:
            break
    pdf.output(str(path))
    return pdf.pages_count


def _first_pages(data: bytes, pages: int) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def own_set(folder: Path = APPLICATIONS) -> list[tuple[str, Document, dict, set]]:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    out = []
    for name, case in expected.items():
        doc = read_document((folder / name).read_bytes(), name)
        answers = case["answers"]
        out.append((name, doc, answers, set(answers)))
    return out


def paper_set() -> list[tuple[str, Document, dict, set]]:
    out = []
    for name in ("michigan-keystone", "ilcop"):
        stated, recall = paper_case(builtin_examples(), name)
        doc = Document(f"paper {name}", "text", text_blocks(section_text(PAPER, name)))
        out.append((name, doc, stated, recall))
    return out


def _print_set(label: str, cases: list[tuple[str, Document, dict, set]]) -> dict:
    scores: dict[str, FieldScore] = score([(n, suggest(d), s, r) for n, d, s, r in cases])
    for path, fs in sorted(scores.items()):
        print(json.dumps({"set": label, "field": path, "suggested": fs.suggested,
                          "right": fs.right, "complete": fs.complete,
                          "precision": round(fs.right / fs.suggested, 3) if fs.suggested
                          else None, "stated": fs.stated, "found": fs.found,
                          "recall": round(fs.found / fs.stated, 3) if fs.stated else None,
                          "wrong": fs.wrong}))
    total = totals(scores)
    lowest = min((fs.right / fs.suggested, p) for p, fs in scores.items() if fs.suggested)
    total.update({"set": label, "texts": len(cases), "lowest_field_precision":
                  {"field": lowest[1], "precision": round(lowest[0], 3)},
                  "targets": {"precision": TARGET_PRECISION,
                              "field_precision": TARGET_FIELD_PRECISION,
                              **({"recall": TARGET_PAPER_RECALL} if label == "paper" else {})},
                  "meets": {"precision": (total["precision"] or 0) >= TARGET_PRECISION,
                            "field_precision": lowest[0] >= TARGET_FIELD_PRECISION,
                            **({"recall": (total["recall"] or 0) >= TARGET_PAPER_RECALL}
                               if label == "paper" else {})}})
    print(json.dumps(total))
    return total


def timing(runs: int, folder: Path) -> dict:
    lines = []
    for path in sorted(APPLICATIONS.glob("0*")):
        lines += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if PAPER.exists():
        for name in ("michigan-keystone", "ilcop"):
            lines += section_text(PAPER, name).split("\n\n")
    pdf = folder / "intake-30-pages.pdf"
    write_pdf(pdf, [" ".join(p.split()) for p in lines], wrap=True, min_pages=PAGES)
    data = _first_pages(pdf.read_bytes(), PAGES)
    pdf.write_bytes(data)
    pages = PAGES
    began = time.perf_counter()
    first = intake_bytes(data, pdf.name)
    cold = time.perf_counter() - began
    warm = []
    for _ in range(runs):
        began = time.perf_counter()
        intake_bytes(data, pdf.name)
        warm.append(time.perf_counter() - began)
    median = statistics.median(warm)
    return {"timing": "30-page PDF read and suggested", "pages": pages, "bytes": len(data),
            "characters": first.document.chars, "suggestions": len(first.suggestions),
            "cold_s": round(cold, 3), "warm_median_s": round(median, 3),
            "warm_max_s": round(max(warm), 3), "runs": runs, "target_s": TARGET_SECONDS,
            "meets": cold < TARGET_SECONDS and median < TARGET_SECONDS,
            "load_average_1min": _load(), "machine": machine()}


def _load() -> float | None:
    """The machine's 1-minute load average: the figures are slower on a shared machine."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
    from ccrules.intake.sentences import nlp
    nlp()
    startup = time.perf_counter() - began
    if PAPER.exists():
        _print_set("paper", paper_set())
    else:
        print(json.dumps({"set": "paper", "error": f"the paper is not at {PAPER}"}))
    _print_set("own", own_set())
    _print_set("held-out", own_set(HELD_OUT))
    folder = ROOT / "test-output" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    line = timing(args.runs, folder)
    line["pipeline_build_s"] = round(startup, 3)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
