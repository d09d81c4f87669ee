"""Loading rule files: every fault is reported with file, line and rule id. The loader's
mechanics run on the small fixed rules (tests/fixtures/rules); the live rules' own load is
checked here too."""

import re
import shutil

import pytest
import yaml

from ccrules.errors import RuleError
from ccrules.rulebook import load_rulebook

pytestmark = pytest.mark.mechanism

GOOD_RULE = {
    "id": "XX-01", "title": "A test rule", "dimension": "community", "severity": "major",
    "lessons": ["L13"],
    "when": {"field": "community.calls_per_month", "op": "lt", "value": 1},
    "message": "Sites will meet rarely.",
    "rationale": "Regular meetings built horizontal links in both programmes.",
    "recommendation": "Hold monthly calls.", "citation": "§2.5", "lines": "P:427-433",
    "examples": {"fires": {"community": {"calls_per_month": 0}},
                 "does_not_fire": {"community": {"calls_per_month": 2}}},
}


def write(folder, name, rules):
    (folder / name).write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))


def problems(folder) -> list[str]:
    with pytest.raises(RuleError) as info:
        load_rulebook(folder)
    return [str(p) for p in info.value.problems]


def test_project_rules_load(live_rulebook, rulebook):
    assert len(live_rulebook.rules) >= 35 > len(rulebook.rules)  # the live set; the small one
    assert re.fullmatch(r"[0-9a-f]{12}", live_rulebook.version)


def test_version_is_a_hash_of_content(rules_copy, rulebook):
    assert load_rulebook(rules_copy).version == rulebook.version  # same content, same hash
    path = rules_copy / "community.yaml"
    path.write_text(path.read_text() + "\n# a comment changes nothing\n")
    assert load_rulebook(rules_copy).version == rulebook.version
    path.write_text(path.read_text().replace("severity: minor", "severity: major", 1))
    assert load_rulebook(rules_copy).version != rulebook.version


def test_good_extra_rule_loads(rules_copy):
    write(rules_copy, "extra.yaml", [GOOD_RULE])
    assert "XX-01" in load_rulebook(rules_copy).by_id


@pytest.mark.parametrize("change, expected", [
    ({"whne": GOOD_RULE["when"]}, "unknown key 'whne' (did you mean 'when'?)"),
    ({"when": {"field": "community.calls_per_mnth", "op": "lt", "value": 1}},
     "when: unknown field 'community.calls_per_mnth' (did you mean "
     "'community.calls_per_month'?)"),
    ({"when": {"field": "community.calls_per_month", "op": "contains", "value": 1}},
     "when: operator 'contains' does not apply"),
    ({"when": {"field": "enrolment.data_submission", "op": "eq", "value": "mandatry"}},
     "did you mean 'mandatory'?"),
    ({"lessons": ["L36"]}, "'L36' is not a lesson id (L1 to L35)"),
    ({"lessons": []}, "lessons: List should have at least 1 item"),
    ({"severity": "critical"}, "severity: Input should be 'blocker', 'major', 'minor'"),
    ({"dimension": "vibes"}, "dimension: Input should be"),
    ({"citation": "somewhere"}, "citation: String should match pattern"),
    ({"id": "bad id"}, "id: String should match pattern"),
    ({"examples": {"fires": {"community": {"calls": 0}}, "does_not_fire": {}}},
     "examples.fires is not a valid proposal: community.calls: unknown field"),
    ({"examples": {"fires": {}}}, "missing key 'examples.does_not_fire'"),
])
def test_each_fault_names_file_line_and_rule(rules_copy, change, expected):
    rule = dict(GOOD_RULE, **change)
    if "whne" in change:
        del rule["when"]
    write(rules_copy, "broken.yaml", [rule])
    found = problems(rules_copy)
    rid = rule["id"] if isinstance(rule.get("id"), str) else ""
    assert any(p.startswith(f"broken.yaml:2: {rid}:") and expected in p for p in found), found


def test_missing_key_is_reported(rules_copy):
    rule = dict(GOOD_RULE)
    del rule["rationale"]
    write(rules_copy, "broken.yaml", [rule])
    assert any("missing key 'rationale'" in p for p in problems(rules_copy))


def test_duplicate_ids_are_refused(rules_copy):
    write(rules_copy, "dupe.yaml", [dict(GOOD_RULE, id="CO-01")])
    found = problems(rules_copy)
    assert any(p.startswith("dupe.yaml:2: CO-01: duplicate rule id (first in community.yaml:")
               for p in found), found


def test_invalid_yaml_is_located(rules_copy):
    (rules_copy / "bad.yaml").write_text("rules:\n  - id: XX-01\n    title: [unclosed\n")
    found = problems(rules_copy)
    assert any(p.startswith("bad.yaml:") and "not valid YAML" in p for p in found), found


@pytest.mark.parametrize("text, line", [
    ("rules:\n  - id: XX-01\n    severity: major\n    severity: minor\n", 4),
    ("rules:\n  - id: XX-01\nrules:\n  - id: XX-02\n", 3),
])
def test_a_key_given_twice_is_refused_at_its_line(rules_copy, text, line):
    """YAML keeps the last of two equal keys silently; a rule file that says `severity`
    twice, or `rules` twice, is refused where the second one is."""
    (rules_copy / "twice.yaml").write_text(text)
    found = problems(rules_copy)
    assert any(p.startswith(f"twice.yaml:{line}: not valid YAML: the key ") and "is given "
               "twice" in p for p in found), found


@pytest.mark.parametrize("text, expected", [
    ("just a string\n", "a rule file is a mapping with a 'rules' list"),
    ("rules: {id: XX-01}\n", "'rules' must be a list"),
    ("rules:\n  - 42\n", "each entry under 'rules' must be a mapping"),
    ("rules: []\nextras: 1\n", "unknown top-level key(s): ['extras']"),
])
def test_malformed_files(rules_copy, text, expected):
    (rules_copy / "odd.yaml").write_text(text)
    assert any(expected in p for p in problems(rules_copy))


def test_policy_is_required_and_single(rules_copy):
    (rules_copy / "policy.yaml").unlink()
    assert any("no verdict policy found" in p for p in problems(rules_copy))


def test_second_policy_is_refused(rules_copy):
    (rules_copy / "again.yaml").write_text((rules_copy / "policy.yaml").read_text())
    assert any("a second 'policy'" in p for p in problems(rules_copy))


def test_broken_policy_condition(rules_copy):
    path = rules_copy / "policy.yaml"
    path.write_text(path.read_text().replace("enrolment.local_lead_time_pct",
                                             "enrolment.lead_time"))
    found = problems(rules_copy)
    assert any(re.search(r"policy\.enrolment_requirements\.\d+\.met_when: unknown field "
                         r"'enrolment\.lead_time'", p) for p in found), found


def test_every_problem_is_reported_at_once(rules_copy):
    write(rules_copy, "two.yaml", [dict(GOOD_RULE, lessons=["L99"]),
                                   dict(GOOD_RULE, id="XX-02", severity="huge")])
    found = problems(rules_copy)
    assert any("XX-01" in p and "L99" in p for p in found)
    assert any("XX-02" in p and "severity" in p for p in found)


def test_missing_folder(tmp_path):
    with pytest.raises(RuleError, match="no rules at"):
        load_rulebook(tmp_path / "nowhere")


def test_a_policy_fault_is_reported_once_and_the_rules_as_not_checked(rules_copy):
    """A broken figure in the policy is one fault, at its line; the rules that use it are not
    reported with faults they do not have, but as not checked; an aggregation's fault
    carries its line too (issue 23)."""
    from ccrules.errors import RuleError
    path = rules_copy / "policy.yaml"
    text = path.read_text()
    text = re.sub(r"(\n    local_lead_time_pct:\n      value: )\S+\n", r"\1ten\n", text)
    text = text.replace("at_least: {param: rework_dimensions}", "at_least: {param: fronts}")
    path.write_text(text)
    with pytest.raises(RuleError) as info:
        load_rulebook(rules_copy)
    shown = [str(p) for p in info.value.problems]
    assert sum("local_lead_time_pct" in p for p in shown) == 1, shown
    assert any(p.startswith("policy.yaml:") and "value: Input should be a valid number" in p
               for p in shown), shown
    (agg,) = [p for p in shown if "aggregation" in p]
    assert agg.split(":")[1].strip().isdigit() and "no parameter 'fronts'" in agg, agg
    (unchecked,) = [p for p in shown if "not checked" in p]
    assert "the policy has the faults above" in unchecked
    assert len(shown) == 3, shown


@pytest.mark.parametrize("change", [
    ("all_of: [BA-01]", "all_of: []"),  # neither kind
    ("  - id: rework\n    title:", "  - id: rework\n    all_of: [BA-01]\n    title:")])  # both
def test_an_aggregation_of_no_known_kind_is_refused_at_its_line(rules_copy, change):
    from ccrules.errors import RuleError
    path = rules_copy / "policy.yaml"
    text = path.read_text()
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(RuleError) as info:
        load_rulebook(rules_copy)
    (fault,) = [str(p) for p in info.value.problems if "no known kind" in str(p)]
    assert fault.startswith("policy.yaml:") and fault.split(":")[1].strip().isdigit()


def test_parsed_files_are_kept_by_their_text_and_handed_out_as_copies(rules_copy,
                                                                        monkeypatch):
    """Loading the same files again reads their parse from memory: an edited file is read
    anew, what one load's caller changes never reaches the next, and the kept texts stay
    within their bound (oldest first out)."""
    from ccrules.rulebook import loader

    first = loader._load_yaml("rules:\n  - id: XX-01\n    lessons: [L13]\n")
    first["rules"][0]["lessons"].append("L99")
    again = loader._load_yaml("rules:\n  - id: XX-01\n    lessons: [L13]\n")
    assert again["rules"][0]["lessons"] == ["L13"] and again is not first
    write(rules_copy, "extra.yaml", [GOOD_RULE])
    assert "XX-01" in load_rulebook(rules_copy).by_id
    write(rules_copy, "extra.yaml", [dict(GOOD_RULE, id="XX-02")])  # edited: read anew
    assert {"XX-01", "XX-02"} & set(load_rulebook(rules_copy).by_id) == {"XX-02"}
    monkeypatch.setattr(loader, "_parsed", loader.kept_parses(80_000))
    load_rulebook(rules_copy)
    assert 0 < loader._parsed.total <= 80_000
    assert loader._parsed.total == sum(len(t) + len(p) for t, p in loader._parsed.items())


def test_kept_parses_hold_under_threads_that_load_and_evict(rules_copy, monkeypatch):
    """Loads on several threads at once (a reload beside requests), under a bound small
    enough that they evict each other's parses: no load fails, and the count of what is
    kept stays the sum of what is there."""
    import threading

    from ccrules.rulebook import loader
    monkeypatch.setattr(loader, "_parsed", loader.kept_parses(160_000))
    folders = []
    for i in range(4):  # four different texts for the same file name
        folder = rules_copy.parent / f"copy{i}"
        shutil.copytree(rules_copy, folder)
        write(folder, "extra.yaml", [dict(GOOD_RULE, id=f"XX-{i + 1:02d}")])
        folders.append(folder)
    faults: list[BaseException] = []

    def work(folder):
        try:
            for _ in range(5):
                assert len(load_rulebook(folder).rules) == len(load_rulebook(rules_copy).rules) + 1
        except BaseException as exc:  # reported below, on the test's thread
            faults.append(exc)
    threads = [threading.Thread(target=work, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not faults, faults
    kept = loader._parsed
    assert kept.total == sum(len(t) + len(p) for t, p in kept.items()) <= 160_000
