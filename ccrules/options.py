"""A menu of options judged option by option (L5): each option needs an evidence base and
at least one measure from the programme's common real-time measure set (paper §3)."""

from __future__ import annotations

from .evaluation import OptionAssessment
from .facts import EVIDENCED
from .proposal import Proposal

LESSONS = ["L5"]


def assess_options(proposal: Proposal) -> list[OptionAssessment]:
    options = proposal.intervention.menu_options or []
    common = proposal.measurement.common_measures
    out = []
    for option in options:
        evidence = option.evidence_base
        evidenced = None if evidence is None else evidence in EVIDENCED
        shared = sorted(set(option.measures or []) & set(common or []))
        measured = None if option.measures is None or common is None else bool(shared)
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
