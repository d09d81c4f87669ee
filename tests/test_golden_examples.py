"""Every example's judgement as recorded (tests/golden/examples.json): the verdict, its
range, the findings with their reasons, the conditions, what to ask and the brief's why.
Work on the cost of an evaluation must change none of it; a change of policy changes it on
purpose, and then the file is written anew with UPDATE_GOLDEN=1 and the diff read
before it is committed."""

from __future__ import annotations

import json
import os

from ccrules.screening.evaluate import evaluate

from helpers import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "examples.json"


def judged(rulebook) -> dict:
    out = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        ev = evaluate(json.loads(path.read_text()), rulebook)
        out[path.stem] = {
            "verdict": ev.verdict.value,
            "range": [ev.verdict_range.best.value, ev.verdict_range.worst.value],
            "completeness": ev.completeness,
            "findings": {f.rule_id: [t.text for t in f.because] for f in ev.findings},
            "conditions": [[c.rule_id, c.kind, c.text] for c in ev.conditions],
            "if_resubmitted": [[c.rule_id, c.kind] for c in ev.if_resubmitted],
            "missing": [[m.field, m.kind] for m in ev.missing],
            "why": ev.why,
        }
    return out


def test_every_example_judged_as_recorded(rulebook):
    now = judged(rulebook)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    assert json.loads(GOLDEN.read_text()) == now
