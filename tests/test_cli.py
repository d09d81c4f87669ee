"""The ccrules command line, used as a programme officer would."""

import json

import pytest

from ccrules.cli import main
from ccrules.resources import builtin_rules
from ccrules.rulebook import load_rulebook

from helpers import EXAMPLES, ROOT

MICHIGAN = str(EXAMPLES / "michigan-keystone.json")
ILCOP = str(EXAMPLES / "ilcop.json")


def test_evaluate_json_prints_one_evaluation(runner):
    result = runner.invoke(main, ["evaluate", MICHIGAN, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "recommended" and data["title"].startswith("Michigan")


def test_evaluate_several_files_as_json_prints_a_list(runner):
    result = runner.invoke(main, ["evaluate", MICHIGAN, ILCOP, "--format", "json"])
    assert result.exit_code == 0
    assert [e["verdict"] for e in json.loads(result.output)] == ["recommended",
                                                                  "not_recommended"]


def test_evaluate_text_puts_the_verdict_first(runner):
    result = runner.invoke(main, ["evaluate", ILCOP])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "VERDICT: NOT RECOMMENDED"
    assert lines[1] == "Improving Lung Cancer Outcomes Project (as run) [EX-ILCOP-2010]"
    text = result.output
    order = [text.index(h) for h in ("BRIEF", "IF RESUBMITTED", "ALTERNATIVES (THE PAPER'S",
                                     "APPENDIX", "Limits set by the problem:", "\nFINDINGS\n",
                                     "PROBLEM FIT.", "[BLOCKER] PF-01",
                                     "ENROLMENT REQUIREMENTS")]
    assert order == sorted(order)
    assert "CONDITIONS OF AWARD" not in text  # a not-recommended proposal gets none
    flat = " ".join(text.split())
    assert ("Source: Lessons L1 (A clear evidence-based solution), L4 (No clear solution: "
            "a community may not be the best way); Aveling et al. 2017, §3 Discussion, "
            "P:495-499") in flat


def test_evaluate_markdown(runner):
    result = runner.invoke(main, ["evaluate", ILCOP, "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output.startswith("# Improving Lung Cancer Outcomes Project (as run)")
    assert "**Verdict: not recommended**" in result.output
    assert "| Problem fit | 0 of 10 | misses L1 (A clear evidence-based solution)" in result.output
    assert "## What a verdict means" in result.output


@pytest.mark.parametrize("content, expected", [
    ("{not json", "bad.json: not valid JSON: Expecting property name enclosed in double "
                  "quotes at line 1 column 2"),
    ('{"enrolment": {"data_submision": "voluntary"}}',
     "enrolment.data_submision: unknown field (did you mean 'data_submission'?)"),
    ('{"community": {"calls_per_month": "often"}}',
     "community.calls_per_month: needs a number, not 'often'"),
    ("[1, 2]", "A proposal must be a JSON object"),
    ("[" * 5000 + "]" * 5000, "bad.json: "),
])
def test_bad_input_names_file_and_field_without_traceback(runner, tmp_path, content,
                                                          expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = runner.invoke(main, ["evaluate", str(bad)])
    assert result.exit_code == 1
    assert expected in result.output
    assert "bad.json" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_one_bad_file_does_not_lose_the_others(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = runner.invoke(main, ["evaluate", str(bad), ILCOP, "--format", "json"])
    assert result.exit_code == 1
    assert "bad.json: not valid JSON" in result.output
    assert '"verdict": "not_recommended"' in result.output


def test_missing_file(runner, tmp_path):
    result = runner.invoke(main, ["evaluate", str(tmp_path / "nope.json")])
    assert result.exit_code == 1 and "nope.json: cannot read" in result.output


def test_huge_file_is_refused(runner, tmp_path):
    big = tmp_path / "big.json"
    big.write_text('{"title": "' + "x" * (1024 * 1024) + '"}')
    result = runner.invoke(main, ["evaluate", str(big)])
    assert result.exit_code == 1 and "larger than 1048576 bytes" in result.output


def test_rules_list_json_covers_every_lesson(runner):
    result = runner.invoke(main, ["rules", "list", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    seen = {lesson for rule in data["rules"] for lesson in rule["lessons"]}
    assert seen == {f"L{i}" for i in range(1, 36)}
    assert data["uncovered_lessons"] == []
    assert set(data["rules"][0]) == {"id", "title", "dimension", "severity", "lessons",
                                     "citation"}


def test_rules_list_text_is_a_table(runner):
    result = runner.invoke(main, ["rules", "list"])
    assert result.exit_code == 0
    assert "PF-01" in result.output and "Lessons covered: 35 of 35" in result.output


def test_rules_show(runner):
    result = runner.invoke(main, ["rules", "show", "im-06"])
    assert result.exit_code == 0
    assert result.output.startswith("IM-06  Data submission not mandatory")
    assert "enrolment.data_submission in voluntary, none" in result.output
    data = json.loads(runner.invoke(main, ["rules", "show", "IM-06", "--format",
                                           "json"]).output)
    assert data["when"] == {"field": "enrolment.data_submission", "op": "in",
                            "value": ["voluntary", "none"]}


def test_rules_show_unknown_suggests(runner):
    result = runner.invoke(main, ["rules", "show", "IM06"])
    assert result.exit_code == 1
    assert "no rule 'IM06' (did you mean 'IM-06'?)" in result.output


def test_rules_check_ok(runner):
    result = runner.invoke(main, ["rules", "check"])
    assert result.exit_code == 0
    assert result.output.startswith("ok: ") and "all 35 lessons covered" in result.output


def test_rules_check_reports_file_line_rule(runner, rules_copy):
    path = rules_copy / "measurement.yaml"
    path.write_text(path.read_text().replace("field: measurement.baseline_months",
                                             "field: measurement.baseline_month"))
    result = runner.invoke(main, ["rules", "check", str(rules_copy)])
    assert result.exit_code == 1
    text = path.read_text().splitlines()
    rule_line = next(i for i, line in enumerate(text, 1) if "id: ME-02" in line)
    assert (f"measurement.yaml:{rule_line}: ME-02: when: unknown field "
            "'measurement.baseline_month' (did you mean 'measurement.baseline_months'?)"
            ) in result.output
    data = json.loads(runner.invoke(main, ["rules", "check", str(rules_copy), "--format",
                                           "json"]).output)
    assert data["ok"] is False and data["problems"][0]["rule_id"] == "ME-02"
    assert data["problems"][0]["line"] == rule_line


def test_evaluate_with_broken_rules_is_a_clear_error(runner, rules_copy):
    (rules_copy / "extra.yaml").write_text("rules: [1]\n")
    result = runner.invoke(main, ["evaluate", MICHIGAN, "--rules", str(rules_copy)])
    assert result.exit_code == 1
    assert "extra.yaml: each entry under 'rules' must be a mapping" in result.output


def test_schema(runner):
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Proposal"


def test_help_describes_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for word in ("evaluate", "rules", "schema", "clinical community"):
        assert word in result.output


def _no_traceback(result, code=1):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_store_faults_are_one_line_not_a_traceback(runner, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    db = str(blocker / "audit.db")
    for args in (["screen", str(EXAMPLES / "ilcop.json"), "--store", "--db", db],
                 ["token", "create", "someone", "--db", db],
                 ["reevaluate", "abc", "--db", db]):
        result = runner.invoke(main, args)
        _no_traceback(result)
        assert result.output.startswith("Error: ")


def test_impact_over_a_stored_proposal_that_no_longer_validates(runner, tmp_path):
    from ccrules.store import Store
    db = tmp_path / "old.db"
    assert runner.invoke(main, ["screen", str(EXAMPLES / "ilcop.json"), "--store",
                                "--db", str(db)]).exit_code == 0
    store = Store(db)
    try:
        with store.db.conn:
            store.db.execute("update evaluation_bodies set proposal = ?",  # text: as stored
                             ['{"problem": {"scope": "a scope the model no longer has"}}'])
    finally:
        store.close()
    result = runner.invoke(main, ["rules", "impact", str(ROOT / "rules"), "--db", str(db)])
    _no_traceback(result)
    assert "problem.scope" in result.output


def test_an_unexpected_fault_is_one_line_with_exit_code_2(runner, monkeypatch):
    import ccrules.cli.evaluate

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(ccrules.cli.evaluate, "render_text", broken)
    result = runner.invoke(main, ["evaluate", ILCOP])
    _no_traceback(result, 2)
    assert "internal error (ZeroDivisionError: a bug)" in result.output


def test_the_rules_named_by_the_environment_are_the_clis_choice_not_the_librarys(
        runner, rules_copy, monkeypatch):
    (rules_copy / "broken.yaml").write_text("rules: [{id: XX-01}]\n")
    monkeypatch.setenv("CCRULES_RULES", str(rules_copy))
    assert load_rulebook().source == str(builtin_rules()), "the library reads no environment"
    result = runner.invoke(main, ["rules", "check"])
    assert result.exit_code == 1 and "broken.yaml" in result.output
    result = runner.invoke(main, ["evaluate", str(EXAMPLES / "michigan-keystone.json")])
    assert result.exit_code != 0 and "broken.yaml" in result.output


def test_every_command_loads_under_its_own_name():
    """Commands are imported when first asked for (ccrules.cli.COMMANDS): each name leads
    to a command of that name, and the help lists exactly these."""
    import click

    from ccrules.cli import COMMANDS
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name, name


def test_evaluate_loads_neither_the_store_nor_the_web_nor_spreadsheets():
    """What keeps `ccrules evaluate` quick to start (about 0.3 s here, from 0.5 s): the
    command imports only what evaluating needs."""
    import subprocess
    import sys
    code = ("import sys; from ccrules.cli import main\n"
            "try:\n    main(['evaluate', 'examples/ilcop.json', '--brief'])\n"
            "except SystemExit as e:\n    assert e.code in (0, None), e.code\n"
            "print(sorted(m for m in ('sqlite_utils', 'flask', 'openpyxl', 'spacy', "
            "'argon2', 'numpy') if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
    assert done.stdout.startswith("VERDICT")
