"""Property fuzzing: hostile input to the proposal model, the rule loader and the CLI gets a
clear error from the library's own exception tree, never a traceback."""

import json
import shutil
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccrules.cli import main
from ccrules.errors import ProposalError, RuleError
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.proposal.fields import catalogue
from ccrules.resources import builtin_rules
from ccrules.rulebook import load_rulebook

from helpers import EXAMPLES
from strategies import scaled, seeded_proposals

RULEBOOK = load_rulebook(builtin_rules())
FAST = settings(max_examples=scaled(200), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NAMES = sorted({part for path in catalogue() for part in path.split(".")})
keys = st.one_of(st.sampled_from(NAMES), st.text(max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                    st.sampled_from(["strong", "none", "menu_of_options", "mandatory"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=6)), max_leaves=30)
proposal_like = st.dictionaries(st.sampled_from(["problem", "intervention", "core_team",
                                                 "enrolment", "measurement", "community",
                                                 "context", "title"]) | keys,
                                json_values, max_size=8)


@FAST
@given(st.one_of(json_values, proposal_like))
def test_any_json_is_a_proposal_or_a_clear_error(data):
    try:
        proposal = parse_proposal(data)
    except ProposalError as exc:
        assert exc.detail and all(isinstance(e.loc, tuple) and e.msg for e in exc.errors)
        return
    judge_for(RULEBOOK).judge(flatten(proposal))  # a valid proposal always evaluates


RULE_KEYS = ["id", "title", "dimension", "severity", "lessons", "when", "message",
             "rationale", "recommendation", "citation", "lines", "examples", "whne", "lesson"]
fields = st.sampled_from(sorted(catalogue()) + ["problem.nope", "", "title"])
ops = st.sampled_from(["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "contains",
                       "not_contains", "count_ge", "count_lt", "like", 3])
leaf = st.fixed_dictionaries({"field": fields, "op": ops, "value": scalars})
trees = st.recursive(leaf | scalars, lambda inner: st.one_of(
    st.dictionaries(st.sampled_from(["all", "any"]), st.lists(inner, max_size=3),
                    min_size=1, max_size=1),
    st.fixed_dictionaries({"not": inner})), max_leaves=6)
rule_values = {"id": st.sampled_from(["XX-01", "PF-01", "bad id", 7]),
               "dimension": st.sampled_from(["community", "vibes", None]),
               "severity": st.sampled_from(["major", "blocker", "huge"]),
               "lessons": st.lists(st.sampled_from(["L1", "L35", "L36", "X", 1]), max_size=3),
               "when": trees, "citation": st.sampled_from(["§2.5", "nowhere"]),
               "lines": st.sampled_from(["P:427-433", "line 3"]),
               "examples": st.one_of(st.fixed_dictionaries({"fires": json_values,
                                                            "does_not_fire": json_values}),
                                     json_values)}
rules = st.lists(st.fixed_dictionaries({}, optional={
    k: rule_values.get(k, st.text(max_size=40)) for k in RULE_KEYS}), max_size=3)
documents = st.one_of(
    rules.map(lambda r: yaml.safe_dump({"rules": r}, allow_unicode=True)),
    st.text(max_size=200),
    json_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)))


@FAST
@given(documents)
def test_any_rule_file_loads_or_names_file_and_rule(text):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(builtin_rules() / "policy.yaml", folder / "policy.yaml")
        shutil.copy(builtin_rules() / "lessons.yaml", folder / "lessons.yaml")
        (folder / "fuzzed.yaml").write_text(text, encoding="utf-8")
        try:
            load_rulebook(folder)
        except RuleError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.file in {"fuzzed.yaml", "policy.yaml", "lessons.yaml", str(folder)}
                assert str(problem).startswith(problem.file)


words = st.sampled_from(["evaluate", "rules", "list", "show", "check", "test", "schema",
                         "screen", "token", "create", "reevaluate", "catalogue", "impact",
                         "--format", "json", "text", "markdown", "table", "csv", "--set",
                         "problem.scope=unit_bundle", "x=", "--why-not", "PF-01", "--rules",
                         "--db", "--help", "PF-99", str(EXAMPLES / "ilcop.json"),
                         str(EXAMPLES), "/nonexistent/file.json", "--store", "-x"])


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(words, max_size=6))
def test_any_command_line_exits_cleanly(argv):
    with tempfile.TemporaryDirectory() as tmp:
        env = {"CCRULES_DATABASE": str(Path(tmp) / "fuzz.db")}
        result = CliRunner().invoke(main, argv, env=env)
    assert result.exit_code in (0, 1, 2), (argv, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv, repr(result.exception))
    assert "Traceback" not in result.output


@FAST
@given(seeded_proposals(RULEBOOK))
def test_a_stored_proposal_reads_back_to_the_same_facts(raw):
    """What the store keeps (the model dumped as JSON) is the proposal that was judged."""
    proposal = parse_proposal(raw)
    stored = json.loads(json.dumps(proposal.model_dump(mode="json", exclude_none=True)))
    again = parse_proposal(stored)
    assert again == proposal and flatten(again) == flatten(proposal)
