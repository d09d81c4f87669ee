"""How many questions guided mode asks before a draft's verdict is decided (docs/guided.md).

Each draft is interviewed with `ccrules.explaining.interview`, always answering the first
(most decisive) question with the value a plausible completion of the draft gives, or
"don't know" when the completion has none; it stops when the verdict is decided or nothing is
left to ask. With --minimum, an exhaustive search also finds the fewest answers from the same
completion that decide the verdict (answers commute and a decided verdict stays decided, so
the search is over sets of answers, smallest first).

The drafts: every example in examples/ whose verdict is insufficient_information or whose
range is not one verdict, with written completions below; and each decided example cut down
to its title and problem section, completed by the example itself.

    .venv/bin/python -m bench.guided_questions [--minimum]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import statistics
import time
from typing import Any

from ccrules.explaining.answers import classes
from ccrules.explaining.interview import DONT_KNOW, State, apply, interview, left_open
from ccrules.judging.judge import judge_for, relevant
from ccrules.proposal.facts import flatten
from ccrules.proposal.reading import parse_proposal
from ccrules.resources import builtin_examples, builtin_rules
from ccrules.rulebook import load_rulebook

# A plausible completion of examples/incomplete-draft.json: a delirium bundle with hard
# tactics at enrolment and a planned community (what an applicant could well go on to say).
DELIRIUM = {
    "problem": {"evidence_base": "emerging", "setting_uniformity": "mixed",
                "departments_involved": 1, "peripheral_stakeholders": []},
    "intervention": {"standardisation": "standardised_core",
                     "core_elements": ["4AT screening on admission",
                                       "TIME bundle when screening is positive",
                                       "family and carer involvement"],
                     "customisation": "how_only", "consensus_before_start": True,
                     "checklisted_procedure": False, "adherence_audit": True,
                     "toolkit": ["guidelines", "protocols", "data_collection_forms"]},
    "core_team": {"institutional_backing": ["British Geriatrics Society"],
                  "inner_core_size": 3, "inner_core_meets": "monthly",
                  "authority_to_adapt": True,
                  "expertise": ["quality_improvement", "evidence", "data_systems"],
                  "responsiveness": ["regular_calls", "network_links"]},
    "enrolment": {"commitment": "ceo_letter_with_requirements",
                  "minimum_team": ["senior_manager", "nurse_lead", "physician_lead"],
                  "local_lead_time_pct": 10, "data_submission": "mandatory_with_exit",
                  "resource_commitments": True, "escalation_rights": False},
    "measurement": {"common_measures": ["4AT completion", "delirium incidence"],
                    "data_collection": "standardised_self_report", "baseline_months": 3,
                    "feedback_frequency": "monthly", "feedback_lag_months": 1,
                    "peer_comparison": "blinded", "data_infrastructure": "programme_built",
                    "local_measures_preagreed": True},
    "community": {"calls_participant_led": True, "face_to_face_meetings_per_year": 2,
                  "residential_meetings_per_year": 1, "social_time": True,
                  "virtual_only": False, "peer_review_visits": False,
                  "structured_discussion": True, "collectively_agreed_rules": True,
                  "third_party_facilitation": False},
    "context": {"coverage_pct": 60, "incentives": "partly_aligned",
                "reorganisation_underway": False, "resource_constraint": "high",
                "local_lead_support": True},
}
# The same draft completed as ILCOP was run: each site designs its own plan.
DELIRIUM_OPEN = {
    "problem": {"evidence_base": "none", "setting_uniformity": "highly_variable"},
    "intervention": {"standardisation": "locally_designed", "core_elements": [],
                     "customisation": "what_and_how"},
    "enrolment": {"commitment": "ceo_signoff", "data_submission": "voluntary",
                  "resource_commitments": False},
    "measurement": {"feedback_frequency": "annual", "feedback_lag_months": 6},
}
# A plausible completion of examples/community-pharmacy-thin.json.
PHARMACY = {
    "intervention": {"core_elements": ["INR result checked", "bleeding-risk counselling",
                                       "interaction check"],
                     "consensus_before_start": True, "checklisted_procedure": True,
                     "adherence_audit": True},
    "core_team": {"clinical_leads_credible": True,
                  "institutional_backing": ["Royal Pharmaceutical Society"],
                  "networks_used_for_recruitment": ["County Pharmacy Forum"],
                  "paid_core_staff": True, "expertise": ["quality_improvement", "evidence"]},
    "enrolment": {"commitment": "ceo_letter_with_requirements",
                  "minimum_team": ["senior_manager", "pharmacist", "coordinator"],
                  "local_lead_time_pct": 10, "data_submission": "mandatory_with_exit",
                  "resource_commitments": True, "escalation_rights": True},
    "measurement": {"common_measures": ["counselling given"], "feedback_frequency": "monthly",
                    "feedback_lag_months": 1, "peer_comparison": "blinded",
                    "local_measures_preagreed": True},
    "community": {"planned_from_outset": True, "calls_per_month": 1,
                  "face_to_face_meetings_per_year": 2, "collectively_agreed_rules": True},
    "context": {"incentives": "aligned", "resource_constraint": "medium"},
}
WRITTEN = [("incomplete-draft", "a delirium bundle with hard tactics", DELIRIUM),
           ("incomplete-draft", "as ILCOP was run: local designs", DELIRIUM_OPEN),
           ("community-pharmacy-thin", "a checklist with hard tactics", PHARMACY)]
KEPT = ("title", "summary", "applicant", "reference", "problem")


def merged(draft: dict, more: dict) -> dict:
    out = json.loads(json.dumps(draft))
    for group, values in more.items():
        out.setdefault(group, {}).update(values)
    return out


def drafts() -> list[tuple[str, str, dict, dict]]:
    """(draft name, completion, draft, completed proposal) for every measured draft."""
    rulebook = load_rulebook(builtin_rules())
    examples = {p.stem: json.loads(p.read_text())
                for p in sorted(builtin_examples().glob("*.json"))}
    out = []
    for name, how, more in WRITTEN:
        out.append((name, how, examples[name], merged(examples[name], more)))
    for name, data in examples.items():
        j = judge_for(rulebook).judge(flatten(parse_proposal(data)))
        if j.verdict.value != "insufficient_information" and j.best == j.worst:
            out.append((f"{name}, problem only", "the full example",
                        {k: v for k, v in data.items() if k in KEPT}, data))
    return out


def completion_value(facts: dict[str, Any], field: str) -> Any:
    """The completion's answer to a question, as it would be typed (DONT_KNOW if none)."""
    if field == "context.coverage_pct":
        value = facts["derived.coverage_pct"]
    elif field == "intervention.core_elements" and facts[field] is None:
        count = facts["derived.core_element_count"]
        value = None if count is None else [f"element {i + 1}" for i in range(count)]
    else:
        value = facts[field]
    if value is None:
        return DONT_KNOW
    return list(value) if isinstance(value, tuple) else value


def ranked(rulebook, state: State) -> str:
    """Guided mode's order: the first question of the state."""
    return state.questions[0].field


def report_order(rulebook, state: State) -> str:
    """The order of an evaluation's missing information (gate, blockers, rules counted)."""
    return interview(state.data, rulebook, state.answered, state.skipped,
                     rank=False).questions[0].field


def worst_first(rulebook, state: State) -> str:
    """Guided mode's scores, with the worst case before the mean (minimax)."""
    return min(state.questions, key=lambda q: (q.score[1], q.score[0], -len(q.rules))).field


def two_steps(rulebook, state: State, width: int = 6) -> str:
    """A look two questions ahead among the first `width`: the question whose answers,
    each followed by the best next question, leave least open on average (as scored by
    guided mode). Seconds a step: too slow for a page."""
    judge = judge_for(rulebook)
    facts = flatten(parse_proposal(state.data))
    total = sum(1 for r in judge.rules if relevant(judge.policy, r)) or 1

    def leaves_open(f: dict) -> float:
        return left_open(judge, judge.judge(f, engine=False), total)

    def mean_after(f: dict, q) -> float:
        values = classes(judge, f, q)
        return sum(leaves_open(judge.with_changes(f, {q.field: v})) for v in values) / \
            len(values)
    best, chosen = math.inf, state.questions[0].field
    for q in state.questions[:width]:
        scores = []
        for v in classes(judge, facts, q):
            after = judge.with_changes(facts, {q.field: v})
            now = leaves_open(after)
            rest = [r for r in state.questions if r.field != q.field]
            scores.append(now if now == 0 or not rest else
                          min(now, min(mean_after(after, r) for r in rest)))
        if sum(scores) / len(scores) < best:
            best, chosen = sum(scores) / len(scores), q.field
    return chosen


ORDERS = {"ranked": ranked, "report": report_order, "worst-first": worst_first,
          "two-steps": two_steps}


def run(rulebook, draft: dict, completed: dict, pick=ranked,
        took: list[float] | None = None) -> tuple[State, int, list[str]]:
    """Interview the draft answering from the completion, asking the question `pick`
    chooses: the final state, the number of questions asked (answered or not) and the
    fields asked, in order. With `took`, the seconds of each step (the first ranking, then
    each answer recorded and what is left ranked) are appended to it."""
    facts = flatten(parse_proposal(completed))
    t = time.perf_counter()
    state, asked = interview(draft, rulebook), []
    if took is not None:
        took.append(time.perf_counter() - t)
    while not state.finished:
        field = pick(rulebook, state)
        asked.append(field)
        t = time.perf_counter()
        state = apply(rulebook, state, field, completion_value(facts, field))
        if took is not None:
            took.append(time.perf_counter() - t)
    return state, len(asked), asked


def minimum(rulebook, draft: dict, completed: dict, limit: int) -> int | None:
    """The fewest answers from the completion that decide the verdict (None if more than
    `limit`, or if even every answer does not)."""
    judge = judge_for(rulebook)
    facts = flatten(parse_proposal(draft))
    full = flatten(parse_proposal(completed))
    start = interview(draft, rulebook)
    values = {q.field: completion_value(full, q.field) for q in start.questions}
    values = {f: tuple(v) if isinstance(v, list) else v for f, v in values.items()
              if v is not DONT_KNOW}
    fields = tuple(values)

    @functools.cache
    def decided_set(chosen: frozenset[str]) -> bool:
        j = judge.judge(judge.with_changes(facts, {f: values[f] for f in chosen}),
                        engine=False)
        return j.verdict.value != "insufficient_information" and j.best == j.worst

    def decided(chosen: tuple[str, ...]) -> bool:
        return decided_set(frozenset(chosen))
    if start.decided:
        return 0
    if not decided(fields):
        return None
    # Branch and bound over sets of answers: take or leave each field in turn; a branch is
    # cut when even every field it may still take cannot decide the verdict, or when it
    # cannot beat the smallest set found so far.
    best = [limit + 1]

    def search(i: int, chosen: tuple[str, ...], left: tuple[str, ...]) -> None:
        if len(chosen) >= best[0]:
            return
        if decided(chosen):
            best[0] = len(chosen)
            return
        if i == len(fields) or len(chosen) + 1 >= best[0]:
            return
        if not decided(chosen + left):
            return
        search(i + 1, chosen + (fields[i],), left[1:])
        search(i + 1, chosen, left[1:])
    search(0, (), fields)
    return best[0] if best[0] <= limit else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minimum", action="store_true",
                        help="also search for the fewest answers (seconds)")
    parser.add_argument("--orders", action="store_true",
                        help="also count the questions other orders ask (minutes)")
    args = parser.parse_args()
    rulebook = load_rulebook(builtin_rules())
    print("| Draft | Completed as | Open questions at start | Asked | Minimum | Verdict |")
    print("|---|---|---|---|---|---|")
    steps, others = [], {name: [] for name in ORDERS if name != "ranked"}
    slowest, counts, unknown = (0.0, ""), [], 0
    for name, how, draft, completed in drafts():
        start = interview(draft, rulebook)
        took: list[float] = []
        state, asked, _ = run(rulebook, draft, completed, took=took)
        if max(took) > slowest[0]:
            slowest = (max(took), f"step {took.index(max(took)) + 1} of {name}")
        steps.extend(took)
        counts.append(asked)
        unknown += len(state.skipped)
        best = minimum(rulebook, draft, completed, asked) if args.minimum else None
        verdict = state.verdict.value.replace("_", " ")
        if not state.decided:
            verdict = f"not decided ({state.range_words})"
        print(f"| {name} | {how} | {len(start.questions)} | {asked} | "
              f"{'-' if best is None else best} | {verdict} |")
        for order in others if args.orders else ():
            others[order].append(run(rulebook, draft, completed, ORDERS[order])[1])
    print(f"\n{len(steps)} steps (the first ranking of each draft, then each answer recorded "
          f"and what is left ranked): a median {statistics.median(steps) * 1000:.0f} ms, at "
          f"most {slowest[0] * 1000:.0f} ms ({slowest[1]}).")
    print(f"Answered \"don't know\": {unknown}.")
    print(f"ranked: {counts} (total {sum(counts)})")
    for order, counts in others.items() if args.orders else ():
        print(f"{order}: {counts} (total {sum(counts)})")


if __name__ == "__main__":
    main()
