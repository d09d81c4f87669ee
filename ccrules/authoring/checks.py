"""Checks on a loaded rulebook beyond what loading validates: lesson coverage, each rule's
own examples (run through both evaluators), and the static checks (never-true conditions,
duplicated and shadowed rules)."""

from __future__ import annotations

from ..errors import RuleProblem
from ..judging.judge import judge_for
from ..proposal.facts import flatten
from ..proposal.reading import parse_proposal
from ..rulebook.conditions import bare_numbers
from ..rulebook.loader import Rulebook
from .static_checks import static_problems


def uncovered_lessons(rulebook: Rulebook) -> list[str]:
    return [lesson for lesson, ids in rulebook.lessons_covered().items() if not ids]


def example_problems(rulebook: Rulebook) -> list[RuleProblem]:
    """Each rule must fire on `examples.fires` and be known not to fire on
    `examples.does_not_fire`, in durable_rules and in the Python evaluator alike."""
    problems = []
    judge = judge_for(rulebook)
    for rule in rulebook.rules:
        for name, fragment, want in (("fires", rule.examples.fires, True),
                                     ("does_not_fire", rule.examples.does_not_fire, False)):
            facts = flatten(parse_proposal(fragment))
            python = judge.evaluators[rule.id](facts)
            durable = rule.id in judge.durable.fire(facts)
            if python is not want or durable is not want:
                shown = "unknown" if python is None else str(python).lower()
                problems.append(RuleProblem(
                    rule.file or "?", f"examples.{name}: expected the rule "
                    f"{'to fire' if want else 'not to fire'}, but the Python evaluator says "
                    f"{shown} and durable_rules {'fired' if durable else 'did not fire'}",
                    rule.id, rule.line, kind=f"examples.{name}"))
    return problems


def figure_problems(rulebook: Rulebook) -> list[RuleProblem]:
    """A number in a condition must be a named parameter of the policy ({param: name}: the
    funder's figure, labelled as such) or carry the paper line it comes from (paper: "P:n")."""
    problems = []
    policy = rulebook.policy
    conditions = [(r.file or "?", r.id, r.line, r.when) for r in rulebook.rules]
    conditions += [("policy.yaml", f"design {name}", None, d.when)
                   for name, d in policy.problem_fit.designs.items()]
    conditions += [("policy.yaml", f"requirement {q.id}", None, q.met_when)
                   for q in policy.enrolment_requirements]
    for file, who, line, node in conditions:
        for leaf in bare_numbers(node):
            problems.append(RuleProblem(
                file, f"{leaf.field} {leaf.op} {leaf.value}: a bare number; name it in the "
                f"policy's parameters ({{param: name}}) or mark the paper line it comes from "
                f"(paper: \"P:n\")", who, line, kind="figure"))
    return problems


def all_problems(rulebook: Rulebook) -> list[RuleProblem]:
    """Everything `ccrules rules check` reports beyond load errors."""
    problems = (example_problems(rulebook) + static_problems(rulebook)
                + figure_problems(rulebook))
    for lesson in uncovered_lessons(rulebook):
        problems.append(RuleProblem(rulebook.source, f"lesson {lesson} has no rule"))
    return problems
