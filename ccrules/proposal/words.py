"""The proposal in a funder's words: a label for every field, words for every choice, units
for numbers, and numbers rounded as people write them. Reports, pages, the guided mode and
spreadsheets show these; JSON keeps the machine names."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, str] = {
    "title": "Title",
    "summary": "Summary",
    "applicant": "Applicant",
    "reference": "Funder's reference",
    "problem.evidence_base": "Evidence for a solution",
    "problem.scope": "How bounded the problem is",
    "problem.setting_uniformity": "How alike the units are",
    "problem.change_type": "What improvement depends on",
    "problem.departments_involved": "Departments that must change",
    "problem.peripheral_stakeholders": "Other departments whose support is needed",
    "problem.case_for_change.variation_data": "Data on variation shown to sites",
    "problem.case_for_change.accepted_benchmarks": "Benchmarks practitioners accept",
    "problem.case_for_change.patient_stories": "Patient stories beside the data",
    "intervention.standardisation": "What sites implement",
    "intervention.core_elements": "Non-negotiable core elements",
    "intervention.core_element_count": "Number of core elements",
    "intervention.customisation": "What sites may adapt",
    "intervention.menu_options": "Options on the menu",
    "intervention.consensus_before_start": "Consensus agreed before technical work",
    "intervention.checklisted_procedure": "A checklisted clinical procedure",
    "intervention.adherence_audit": "An auditable record of adherence",
    "intervention.toolkit": "Toolkit given to sites",
    "core_team.clinical_leads_credible": "Clinical leads credible to peers",
    "core_team.institutional_backing": "Institutions backing the programme",
    "core_team.networks_used_for_recruitment": "Networks used to recruit sites",
    "core_team.affiliations": "Core team's affiliations",
    "core_team.paid_core_staff": "Paid core staff for logistics",
    "core_team.inner_core_size": "People in the inner core",
    "core_team.inner_core_meets": "How often the inner core meets",
    "core_team.authority_to_adapt": "Core team may adapt the programme",
    "core_team.expertise": "Expertise in the core team",
    "core_team.responsiveness": "How the core team stays in touch",
    "enrolment.commitment": "Commitment sites make at enrolment",
    "enrolment.minimum_team": "Roles each site must name",
    "enrolment.local_lead_time_pct": "Local leads' dedicated time",
    "enrolment.data_submission": "Data submission",
    "enrolment.resource_commitments": "Resources committed at enrolment",
    "enrolment.escalation_rights": "Staff may halt the procedure and escalate",
    "measurement.common_measures": "Measures every site collects",
    "measurement.data_collection": "How data are collected",
    "measurement.baseline_months": "Baseline period",
    "measurement.feedback_frequency": "How often sites get their data back",
    "measurement.feedback_lag_months": "Delay before data come back",
    "measurement.peer_comparison": "Comparison with other sites",
    "measurement.data_infrastructure": "Data infrastructure",
    "measurement.local_measures_preagreed": "Local measures agreed in advance",
    "community.planned_from_outset": "Community building planned from the start",
    "community.calls_per_month": "Community calls a month",
    "community.calls_participant_led": "Calls led by participants",
    "community.face_to_face_meetings_per_year": "Face-to-face meetings a year",
    "community.residential_meetings_per_year": "Residential meetings a year",
    "community.social_time": "Social time at meetings",
    "community.virtual_only": "Every community event virtual",
    "community.peer_review_visits": "Peer-review visits between sites",
    "community.structured_discussion": "Peer-to-peer discussion before the whole group",
    "community.collectively_agreed_rules": "Rules agreed by the community",
    "community.third_party_facilitation": "Third-party facilitation",
    "context.sites_eligible": "Eligible sites",
    "context.sites_enrolled": "Sites enrolled",
    "context.coverage_pct": "Share of eligible activity covered",
    "context.incentives": "Outside incentives",
    "context.reorganisation_underway": "Reorganisation under way at sites",
    "context.resource_constraint": "Resource constraint at sites",
    "context.local_lead_support": "Support for local leads",
    "derived.coverage_pct": "Share of eligible sites or activity covered",
    "derived.core_element_count": "Number of core elements",
    "derived.menu_option_count": "Number of menu options",
    "derived.menu_options_evidence_based": "Every menu option has evidence",
    "derived.menu_options_measured": "Every menu option is measured",
}

# Words for choices. A value's words depend on its field where the same spelling means
# different things ("none" of evidence, of commitment, of feedback).
_SHARED: dict[str, str] = {
    "strong": "strong", "emerging": "emerging", "contested": "contested",
    "single_practice": "one practice in one kind of unit",
    "unit_bundle": "a small bundle of practices in one kind of unit",
    "multi_unit_pathway": "a pathway across several units",
    "organisation_wide": "organisation-wide",
    "multi_problem_campaign": "several unrelated problems",
    "uniform": "much alike", "highly_variable": "highly variable",
    "behavioural": "behaviour and culture", "structural": "structural or resource change",
    "standardised_core": "the same core everywhere",
    "menu_of_options": "a choice from a defined menu",
    "locally_designed": "each site's own design",
    "how_only": "only how they implement", "what_from_menu": "what they do, from a menu",
    "what_and_how": "both what and how",
    "guidelines": "guidelines", "team_roles": "team roles", "protocols": "protocols",
    "evidence_summaries": "evidence summaries",
    "data_collection_forms": "data collection forms", "templates": "templates",
    "weekly": "weekly", "monthly": "monthly", "rarely": "rarely",
    "quality_improvement": "quality improvement", "evidence": "the evidence",
    "data_systems": "data systems",
    "regular_calls": "regular calls", "network_links": "links to existing networks",
    "facilitator": "a facilitator",
    "ceo_signoff": "a chief executive's sign-off only",
    "ceo_letter_with_requirements": "a chief executive's letter with minimum requirements",
    "senior_manager": "a senior manager", "physician_lead": "a physician lead",
    "nurse_lead": "a nurse lead", "infection_control": "infection control",
    "data_lead": "a data lead", "coordinator": "a coordinator",
    "nurse_specialist": "a nurse specialist", "pharmacist": "a pharmacist",
    "allied_health": "allied health staff",
    "patient_representative": "a patient representative",
    "mandatory_with_exit": "required, with exit for not submitting",
    "mandatory": "required, with no consequence", "voluntary": "voluntary",
    "independent": "collected independently",
    "standardised_self_report": "self-reported by a standard method",
    "site_chosen_method": "each site's own method",
    "unaudited_self_report": "self-reported, unaudited",
    "quarterly": "quarterly", "annual": "once a year",
    "after_programme": "only after the programme",
    "blinded": "anonymised comparison", "named": "named comparison",
    "existing_national": "an existing national system",
    "programme_built": "built by the programme",
    "aligned": "aligned with the programme", "partly_aligned": "partly aligned",
    "misaligned": "working against the programme",
    "low": "low", "medium": "medium", "high": "high",
}
_BY_FIELD: dict[tuple[str, str], str] = {
    ("problem.evidence_base", "none"): "none",
    ("problem.setting_uniformity", "mixed"): "somewhat different",
    ("problem.change_type", "mixed"): "both behaviour and structural change",
    ("enrolment.commitment", "none"): "no formal commitment",
    ("enrolment.data_submission", "none"): "not asked for",
    ("measurement.feedback_frequency", "none"): "never",
    ("measurement.peer_comparison", "none"): "none",
    ("measurement.data_infrastructure", "none"): "none",
    ("context.incentives", "none"): "none",
}

# Units shown after a number, by field.
UNITS: dict[str, str] = {
    "enrolment.local_lead_time_pct": "% of their time",
    "context.coverage_pct": "%", "derived.coverage_pct": "%",
    "measurement.baseline_months": " months", "measurement.feedback_lag_months": " months",
    "community.calls_per_month": " a month",
    "community.face_to_face_meetings_per_year": " a year",
    "community.residential_meetings_per_year": " a year",
    "problem.departments_involved": " departments", "core_team.inner_core_size": " people",
    "context.sites_eligible": " sites", "context.sites_enrolled": " sites",
}


def label(path: str) -> str:
    """The field's label ('Local leads' dedicated time'); a readable fallback otherwise."""
    return LABELS.get(path) or path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def choice(path: str, value: str) -> str:
    """Words for one choice of a field ('a chief executive's sign-off only')."""
    return _BY_FIELD.get((path, value)) or _SHARED.get(value) or value.replace("_", " ")


def number(value: float) -> str:
    """A number as people write it: whole numbers bare, others to at most one decimal,
    thousands separated (19.7368 -> '19.7', 3.0 -> '3', 12000 -> '12,000')."""
    if isinstance(value, bool):
        return str(value).lower()
    rounded = round(float(value), 1)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.1f}"


_SINGULAR = {" months": " month", " departments": " department", " sites": " site",
             " people": " person"}


def amount(path: str, value: float) -> str:
    """A number with its unit ('5% of their time', '2 a year', '1 month')."""
    unit = UNITS.get(path, "")
    shown = number(value)
    return shown + (_SINGULAR.get(unit, unit) if shown == "1" else unit)


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 finding', '3 findings': no '(s)'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def value_words(path: str, value: Any, kind: str = "") -> str:
    """A stated value in words: yes or no, the choice's words, a rounded number with its
    unit, a list joined with 'and', or 'none' for an empty list."""
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return amount(path, value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "none"
        if isinstance(value[0], dict):
            return count(len(value), "option")
        items = [choice(path, str(v)) if kind == "enum_list" else str(v) for v in value]
        return join(items)
    return choice(path, str(value))


def join(items: list[str]) -> str:
    """'a, b and c'."""
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
