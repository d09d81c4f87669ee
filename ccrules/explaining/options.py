"""A menu of options judged option by option (L5), with the same checks the rules read in
aggregate (proposal.facts.option_checks)."""

from __future__ import annotations

from ..judging.result import OptionAssessment
from ..proposal.facts import option_checks
from ..proposal.model import Proposal

LESSONS = ["L5"]


def assess_options(proposal: Proposal) -> list[OptionAssessment]:
    """Each menu option: its evidence, the common measures that track it, and what is wrong."""
    options = proposal.intervention.menu_options or []
    common = proposal.measurement.common_measures
    out = []
    for option in options:
        evidence = option.evidence_base
        evidenced, measured = option_checks(evidence, option.measures, common)
        shared = sorted(set(option.measures or []) & set(common or []))
        issues = []
        if evidenced is False:
            issues.append(f"Its evidence is {evidence}: only options with strong or emerging "
                          f"evidence belong on the menu.")
        elif evidenced is None:
            issues.append("Its evidence base is not stated.")
        if measured is False:
            issues.append("None of its measures is in the common set every site collects, "
                          "so sites choosing it cannot be compared.")
        elif measured is None:
            issues.append("Its measures, or the common measure set, are not stated.")
        out.append(OptionAssessment(name=option.name, evidence_base=evidence,
                                    evidence_based=evidenced, common_measures=shared,
                                    measured=measured, issues=issues, lessons=LESSONS))
    return out
