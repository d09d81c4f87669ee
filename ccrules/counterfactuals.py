"""What would change the verdict: the unknown answers that could move it (ranked), and the
smallest sets of changed answers (at most three fields) that would raise it, searched with
the Python evaluator and confirmed by the durable_rules engine."""

from __future__ import annotations

from typing import Any, Iterator

from .conditions import fields_of
from .evaluation import Change, Counterfactual, MissingInfo
from .explain import value_text
from .fields import catalogue
from .probing import PLACEHOLDER, Prober, prober_for
from .rule_model import Rule, Verdict
from .rulebook import Rulebook
from .verdict import RANK, Outcome, relevant

MAX_FIELDS = 3
MAX_PER_TARGET = 5
# Where a verdict sits for "how far could an answer move it": no verdict sits in the middle.
LEVEL = {**RANK, Verdict.insufficient_information: 1}


def rank_missing(prober: Prober, facts: dict[str, Any], current: Verdict,
                 missing: list[MissingInfo]) -> list[MissingInfo]:
    """Add to each missing fact the verdicts its answer alone could lead to, and rank the
    list by how far that could move the verdict (then gate first, then rules affected)."""
    ranked = []
    for item in missing:
        reachable = {prober.verdict(prober.with_changes(facts, {item.field: value}))
                     for value in prober.domain(item.field)} - {current}
        # any other verdict counts as a move of at least one level
        impact = max((max(1, abs(LEVEL[v] - LEVEL[current])) for v in reachable), default=0)
        ranked.append(item.model_copy(update={
            "could_move_to": sorted(reachable, key=lambda v: LEVEL[v]), "impact": impact}))
    return sorted(ranked, key=lambda m: (-m.impact, not m.gate, -len(m.rules), m.field))


def _change_text(field: str, value: Any) -> str:
    if isinstance(value, tuple) and all(str(v).startswith(PLACEHOLDER) for v in value):
        return f"{field}: {len(value)} named item(s)" if value else f"{field}: none"
    return f"{field} = {value_text(value)}"


def _fixes(prober: Prober, rule: Rule, facts: dict[str, Any]) -> list[tuple[str, Any]]:
    """Single answers that switch a rule off (known false), given the other facts."""
    fixes = []
    for field in sorted(fields_of(rule.when)):
        for value in prober.domain(field):
            if value != facts.get(field) and prober.rulebook.evaluators[rule.id](
                    prober.with_changes(facts, {field: value})) is False:
                fixes.append((field, value))
    return fixes


def _search(prober: Prober, facts: dict, offending: list[Rule],
            changes: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Depth-first over change sets that switch off every offending rule."""
    changed = prober.with_changes(facts, changes)
    open_rule = next((r for r in offending
                      if prober.rulebook.evaluators[r.id](changed) is not False), None)
    if open_rule is None:
        yield dict(changes)
        return
    if len(changes) == MAX_FIELDS:
        return
    for field, value in _fixes(prober, open_rule, changed):
        if field not in changes:
            yield from _search(prober, facts, offending, {**changes, field: value})


def counterfactuals(rulebook: Rulebook, facts: dict[str, Any], outcome: Outcome,
                    current: Verdict, confirm) -> list[Counterfactual]:
    """Minimal change sets that raise the verdict by one level or more. `confirm(facts)`
    returns the verdict from the rule engine; only confirmed sets are kept."""
    if current not in RANK or current == Verdict.recommended:
        return []
    prober, policy, found = prober_for(rulebook), rulebook.policy, []
    fields = catalogue()
    for target in (v for v in RANK if RANK[v] > RANK[current]):
        offending = [r for r in outcome.fired if RANK.get(policy.severity_verdicts[
            r.severity], 2) < RANK[target]]
        offending += [r for r in outcome.undetermined if policy.is_gate(r)]
        seen: list[dict] = []
        for changes in _search(prober, facts, offending, {}):
            if any(c.items() <= changes.items() for c in seen):
                continue  # a smaller set already does it
            changed = prober.with_changes(facts, changes)
            if RANK.get(prober.verdict(changed), -1) < RANK[target]:
                continue
            seen = [c for c in seen if not changes.items() <= c.items()] + [changes]
        def rank(changes: dict) -> tuple:
            """Design changes first, then fewer changes, then fewer findings left against."""
            left = prober.outcome(prober.with_changes(facts, changes)).fired
            return (not all(fields[f].design_choice for f in changes), len(changes),
                    sum(relevant(policy, r) for r in left))
        candidates = sorted(seen, key=rank)
        for changes in candidates[:MAX_PER_TARGET]:
            changed = prober.with_changes(facts, changes)
            verdict = confirm(changed)  # the engine decides, not the search
            if RANK.get(verdict, -1) < RANK[target]:
                continue
            after = prober.outcome(changed)
            resolved = [r for r in outcome.fired if relevant(policy, r)
                        and r.id not in {x.id for x in after.fired}]
            found.append(Counterfactual(
                changes=[Change(field=f, before=_shown(facts.get(f)), after=_shown(v),
                                text=_change_text(f, v), design_choice=fields[f].design_choice)
                         for f, v in sorted(changes.items())],
                verdict=verdict, resolves=[r.id for r in resolved],
                lessons=sorted({lesson for r in resolved for lesson in r.lessons},
                               key=lambda x: int(x[1:])),
                by_design=all(fields[f].design_choice for f in changes)))
    return found


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value

