"""The proposal in a funder's words: words for every choice, numbers rounded as people write
them with their unit, lists joined. Reports, pages, the guided mode and spreadsheets show
these; JSON keeps the machine names. A field's label and unit live with the field in the
catalogue (fields.py, read from the model)."""

from __future__ import annotations

from typing import Any

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


def amount(value: float, unit: str = "") -> str:
    """A number with its unit ('5% of their time', '2 a year', '1 month')."""
    shown = number(value)
    return shown + (_SINGULAR.get(unit, unit) if shown == "1" else unit)


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 finding', '3 findings': no '(s)'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def value_words(value: Any, unit: str = "") -> str:
    """A stated value in words, by its type: yes or no, a rounded number with its unit, a
    list joined with 'and' ('none' for an empty one), a choice's value as written. The
    field's kind says it better where it can (kinds.py)."""
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return amount(value, unit)
    if isinstance(value, (list, tuple)):
        return join([str(v) for v in value]) if value else "none"
    return str(value).replace("_", " ")


def join(items: list[str]) -> str:
    """'a, b and c'."""
    items = [x for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
