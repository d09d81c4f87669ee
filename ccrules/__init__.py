"""ccrules: screen proposed improvement programmes against the clinical community lessons of
Aveling et al. (2017).

    import ccrules
    rulebook = ccrules.load_rulebook()          # the built-in rules
    ev = ccrules.evaluate({"problem": {...}, ...}, rulebook)
    ev.verdict, ev.summary, ev.findings

Everything ccrules raises on purpose is a `CcrulesError`.
"""

from .errors import CcrulesError, EngineError, ProposalError, RuleError
from .judging.result import Evaluation
from .proposal.model import Proposal
from .rulebook.loader import Rulebook, load_rulebook
from .screening.evaluate import evaluate

__version__ = "0.1.0"
__all__ = ["CcrulesError", "EngineError", "Evaluation", "Proposal", "ProposalError",
           "RuleError", "Rulebook", "evaluate", "load_rulebook", "__version__"]
