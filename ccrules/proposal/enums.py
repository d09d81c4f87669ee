"""The cases the paper distinguishes, as enums (values are the JSON spellings)."""

from enum import StrEnum


class EvidenceBase(StrEnum):
    strong = "strong"  # a solution shown to work (the central-line bundle)
    emerging = "emerging"
    contested = "contested"
    none = "none"  # exploratory (improving lung cancer outcomes)


class Scope(StrEnum):
    single_practice = "single_practice"
    unit_bundle = "unit_bundle"
    multi_unit_pathway = "multi_unit_pathway"
    organisation_wide = "organisation_wide"
    multi_problem_campaign = "multi_problem_campaign"


class Uniformity(StrEnum):
    uniform = "uniform"
    mixed = "mixed"
    highly_variable = "highly_variable"


class ChangeType(StrEnum):
    behavioural = "behavioural"
    mixed = "mixed"
    structural = "structural"


class Standardisation(StrEnum):
    standardised_core = "standardised_core"
    menu_of_options = "menu_of_options"
    locally_designed = "locally_designed"


class Customisation(StrEnum):
    how_only = "how_only"
    what_from_menu = "what_from_menu"
    what_and_how = "what_and_how"


class Toolkit(StrEnum):
    guidelines = "guidelines"
    team_roles = "team_roles"
    protocols = "protocols"
    evidence_summaries = "evidence_summaries"
    data_collection_forms = "data_collection_forms"
    templates = "templates"



class MeetingFrequency(StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    rarely = "rarely"


class Expertise(StrEnum):
    quality_improvement = "quality_improvement"
    evidence = "evidence"
    data_systems = "data_systems"


class Responsiveness(StrEnum):
    regular_calls = "regular_calls"
    network_links = "network_links"
    facilitator = "facilitator"


class Commitment(StrEnum):
    none = "none"
    ceo_signoff = "ceo_signoff"
    ceo_letter_with_requirements = "ceo_letter_with_requirements"


class Role(StrEnum):
    senior_manager = "senior_manager"
    physician_lead = "physician_lead"
    nurse_lead = "nurse_lead"
    infection_control = "infection_control"
    data_lead = "data_lead"
    coordinator = "coordinator"
    nurse_specialist = "nurse_specialist"
    pharmacist = "pharmacist"
    allied_health = "allied_health"
    patient_representative = "patient_representative"


class DataSubmission(StrEnum):
    mandatory_with_exit = "mandatory_with_exit"
    mandatory = "mandatory"
    voluntary = "voluntary"
    none = "none"


class DataCollection(StrEnum):
    independent = "independent"
    standardised_self_report = "standardised_self_report"
    site_chosen_method = "site_chosen_method"
    unaudited_self_report = "unaudited_self_report"


class FeedbackFrequency(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"
    after_programme = "after_programme"
    none = "none"


class PeerComparison(StrEnum):
    blinded = "blinded"
    named = "named"
    none = "none"


class DataInfrastructure(StrEnum):
    existing_national = "existing_national"
    programme_built = "programme_built"
    none = "none"



class Incentives(StrEnum):
    aligned = "aligned"
    partly_aligned = "partly_aligned"
    none = "none"
    misaligned = "misaligned"


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
