"""A funder's figure is policy, and the tests know it (issue 23): in a copy of the live rules
with `local_lead_time_pct` changed, the fast suite fails only in the tests about that figure
and in the documents and records generated from the rules. Mechanism tests run on a small
fixed ruleset (tests/fixtures/rules); domain tests read figures from the policy's parameters.

Slow: it runs the fast suite once more, against the copy (CC_TEST_RULES, see conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from helpers import ROOT

# The documents and records generated from the rules: they change with any figure.
GENERATED = {
    "tests/test_rule_authoring.py::test_catalogue_in_docs_is_current",  # docs/rules.md
    "tests/test_rule_authoring.py::test_validity_in_docs_is_current",  # docs/validity.md
    "tests/test_golden_examples.py::test_every_example_judged_as_recorded",  # the record
}
ABOUT_THE_FIGURE = re.compile(r"lead_time|lead_times|dedicated_time")


def _changed_copy(rules_copy):
    path = rules_copy / "policy.yaml"
    text = path.read_text()
    value = yaml.safe_load(text)["policy"]["parameters"]["local_lead_time_pct"]["value"]
    changed, n = re.subn(r"(\n    local_lead_time_pct:\n      value: )\S+\n",
                         rf"\g<1>{value + 5:g}\n", text)
    assert n == 1
    path.write_text(changed)
    return rules_copy


@pytest.mark.slow
def test_changing_a_funder_figure_breaks_only_the_tests_about_it(rules_copy, tmp_path):
    report = tmp_path / "junit.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["CC_TEST_RULES"] = str(_changed_copy(rules_copy))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
         "not slow and not server and not browser", f"--junitxml={report}",
         "--ignore=tests/test_figures.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    cases = ET.parse(report).getroot().iter("testcase")
    failed = {f"{c.get('classname').replace('.', '/')}.py::{c.get('name')}"
              for c in cases if c.find("failure") is not None or c.find("error") is not None}
    assert run.returncode == 1, run.stdout[-2000:]
    assert GENERATED <= failed, "the copy's changed figure did not reach the suite"
    strays = sorted(f for f in failed - GENERATED if not ABOUT_THE_FIGURE.search(f))
    assert not strays, "these tests pin a funder figure they are not about: " + ", ".join(
        strays)
