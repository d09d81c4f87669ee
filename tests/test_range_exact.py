"""The verdict range against an exhaustive enumeration of the completions of a proposal's
open answers, on small generated proposals (a few fields left open, every region of each
field's values tried): the searched range must be exact, not only bracket the truth.

The exact range, as the policy defines it: the best is the best verdict of any completion;
the worst is over the open facts, with the open commitments taken as secured (for each way
the facts could turn out, the best the commitments can make of it), and at most conditional
while a commitment still matters. Findings add up on stated findings only, so each
completion is judged with the draft's own aggregations."""

from __future__ import annotations

import itertools
import json
import math
import random

from bench.generate import proposals

from ccrules.judging.judge import RANK, judge_for
from ccrules.proposal.facts import flatten
from ccrules.proposal.fields import DERIVED, catalogue
from ccrules.proposal.reading import parse_proposal
from ccrules.rulebook.model import Verdict

from helpers import ROOT
from strategies import scaled

MOST = 3000  # completions enumerated for one draft; larger drafts are left out
COST = ROOT / "tests" / "scenarios" / "cost"


def _without(data: dict, paths: list[str]) -> dict:
    data = json.loads(json.dumps(data))
    for path in paths:
        *parents, leaf = path.split(".")
        node = data
        for key in parents:
            node = node.get(key, {})
        node.pop(leaf, None)
    return data


def drafts(n: int, seed: int = 21):
    """n drafts with two to six enumerable answers removed: from generated complete
    proposals, and (most of them) from the examples, whose verdicts are better than most
    generated proposals' and so have ranges worth checking."""
    rng = random.Random(seed)
    fields = [p for p, f in catalogue().items()
              if f.kind.changeable and not p.startswith("derived.")]
    examples = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))]
    generated = proposals(n // 3 + 1, seed=seed, known=1.0)
    for i in range(n):
        base = generated[i // 3] if i % 3 == 0 else rng.choice(examples)
        yield f"draft {i}", _without(base, rng.sample(fields, rng.randint(2, 6)))


def exact(judge, facts, aggregated: bool):
    """(best, worst) by enumeration."""
    policy = judge.policy
    open_ = [f for f in sorted(facts) if facts[f] is None and not f.startswith("derived.")
             and catalogue()[f].kind.changeable]
    if any(facts[d.path] is None for d in DERIVED):
        return None  # a derived fact's domain is not its answers' (the count of a list of
        # placeholder names cannot match a menu option's measures): not enumerated here
    domains = [judge.domain(f, exhaustive=True) for f in open_]
    if math.prod(len(d) for d in domains) > MOST:
        return None
    by_facts: dict[tuple, list[int]] = {}
    for values in itertools.product(*domains):
        done = judge.with_changes(facts, dict(zip(open_, values, strict=True)))
        fired = judge.outcome(done, engine=False).fired
        levels = [RANK[policy.severity_verdicts[r.severity]] for r in fired]
        level = min([*levels, RANK[Verdict.not_recommended] if aggregated else 2])
        key = tuple(v for f, v in zip(open_, values, strict=True)
                    if catalogue()[f].unknown == "fact")
        by_facts.setdefault(key, []).append(level)
    best = max(max(v) for v in by_facts.values())
    worst = min(max(v) for v in by_facts.values())
    if any(min(v) < max(v) for v in by_facts.values()):
        worst = min(worst, RANK[Verdict.conditional])  # a commitment still matters
    return best, worst


def check(judge, data) -> bool:
    """Whether the draft was small enough to enumerate (and then its range is exact)."""
    facts = flatten(parse_proposal(data))
    judged = judge.judge(facts)
    found = exact(judge, facts, bool(judged.aggregations))
    if found is None:
        return False
    assert (RANK[judged.best], RANK[judged.worst]) == found
    return True


def test_the_range_is_exact_on_small_generated_proposals(rulebook):
    judge = judge_for(rulebook)
    checked = 0
    n = scaled(500)  # a tenth under `make quick`
    for _name, data in drafts(n):
        try:
            parse_proposal(data)
        except Exception:  # noqa: BLE001 - a removed answer can leave a draft inconsistent
            continue
        checked += check(judge, data)
    assert checked >= n * 0.3


def test_the_range_is_exact_on_the_saved_cost_proposals(rulebook):
    judge = judge_for(rulebook)
    for path in sorted(COST.glob("*.json")):
        data = json.loads(path.read_text())
        check(judge, data)
