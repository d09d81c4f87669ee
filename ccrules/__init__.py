"""ccrules: screen proposed improvement programmes against the clinical community lessons of
Aveling et al. (2017).

    import ccrules
    rulebook = ccrules.load_rulebook()          # the built-in rules
    ev = ccrules.evaluate({"problem": {...}, ...}, rulebook)
    ev.verdict, ev.summary, ev.findings

Everything ccrules raises on purpose is a `CcrulesError`; bad input is an `InputError` (a
proposal that does not fit is its `ProposalError`).
"""

from .errors import CcrulesError, EngineError, InputError, ProposalError, RuleError
from .judging.result import Evaluation
from .proposal.model import Proposal
from .rulebook.loader import Rulebook, load_rulebook
from .screening.evaluate import evaluate

__version__ = "0.1.0"
__all__ = ["CcrulesError", "EngineError", "Evaluation", "InputError", "Proposal",
           "ProposalError", "RuleError", "Rulebook", "evaluate", "load_rulebook", "__version__"]
