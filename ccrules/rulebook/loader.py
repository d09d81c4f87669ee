"""Load rule files and the verdict policy from a folder (or from a stored snapshot of them),
checking everything at load time; every fault is reported with its file, line and rule."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import ProposalError, RuleError, RuleProblem
from ..kept import Kept
from ..proposal.reading import parse_proposal
from ..resources import builtin_rules
from ..suggestions import suggest
from .conditions import ConditionFault, parse
from .fit_table import SEVERITY_OF, table_rules
from .lessons import ALL_LESSONS, LESSONS_KEY, coverage_problems, load_lessons
from .model import Lesson, Parameter, Policy, Rule
from .policy_loader import fill, load_policy, parameter_values

POLICY_KEY, RULES_KEY = "policy", "rules"
KEYS = {POLICY_KEY, RULES_KEY, LESSONS_KEY}


@dataclass(eq=False)  # compared (and hashed) by identity: judging caches per rulebook
class Rulebook:
    """A checked set of rules and the verdict policy, with the version (a hash of the files'
    content) and the file texts themselves (kept with every evaluation made under it)."""

    rules: list[Rule]
    policy: Policy
    version: str
    source: str
    documents: dict[str, str] = field(repr=False, default_factory=dict)  # file texts by name
    lessons: dict[str, Lesson] = field(repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.rules}

    def lesson_title(self, lesson: str) -> str:
        """A lesson's short title ('' for an id the lessons file does not have)."""
        found = self.lessons.get(lesson)
        return found.title if found else ""

    def lessons_covered(self) -> dict[str, list[str]]:
        """Lesson id -> ids of the rules that cite it, for every lesson L1-L35."""
        cover: dict[str, list[str]] = {lesson: [] for lesson in ALL_LESSONS}
        for r in self.rules:
            for lesson in r.lessons:
                cover[lesson].append(r.id)
        return cover


# --- reading files -------------------------------------------------------------------------

class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A SafeLoader that records the line of each mapping (for file:line messages) and
    refuses a key given twice in one mapping (YAML would keep the last silently: a second
    `rules:` in a file, or a second `severity:` in a rule, would hide the first); on
    libyaml's parser where PyYAML has it (a tenth of the pure-Python parser's time)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                continue  # a list or mapping as a key: the model refuses it later
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"the key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


# Parsed rule files by their text: loading the same files again (a check before a reload,
# each command of a session, a stored snapshot) reads them from here. A copy is handed out
# (a pickle round trip, 10 ms instead of 26 ms for the built-in rules), so nothing a caller
# does reaches the kept one. Bounded by the characters and bytes kept, oldest first out; a
# very large file is parsed each time.
PARSED_KEPT = 8_000_000


def kept_parses(limit: int) -> Kept[str, bytes]:
    """Parses (pickled) by text, at most `limit` characters and bytes of both in all."""
    return Kept(limit, lambda text, packed: len(text) + len(packed), largest=limit // 8)


_parsed = kept_parses(PARSED_KEPT)


def _load_yaml(text: str) -> Any:
    kept = _parsed.get(text)
    if kept is not None:
        return pickle.loads(kept)
    data = yaml.load(text, Loader=_LineLoader)
    _parsed.put(text, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def _parse_document(name: str, text: str, problems: list[RuleProblem]) -> dict | None:
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(RuleProblem(name, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                    line=mark.line + 1 if mark else None))
        return None
    if not isinstance(data, dict) or not (KEYS & set(data)):
        problems.append(RuleProblem(name, "a rule file is a mapping with a 'rules' list "
                                    "(or, for the verdict policy, a 'policy' mapping; for the "
                                    "lessons, a 'lessons' mapping)"))
        return None
    extra = set(data) - KEYS - {"__line__"}
    if extra:
        problems.append(RuleProblem(name, f"unknown top-level key(s): {sorted(extra)}"))
    return data


def _pydantic_problems(exc: ValidationError, file: str, rule_id: str | None,
                       line: int | None, names) -> list[RuleProblem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc!r}{suggest(str(err['loc'][-1]), names)}"
        elif err["type"] == "missing":
            msg = f"missing key {loc!r}"
        else:
            msg = f"{loc}: {msg}"
        out.append(RuleProblem(file, msg, rule_id, line))
    return out


def _load_rule(raw: Any, file: str, problems: list[RuleProblem],
               parameters: dict[str, Parameter], designs: dict[str, Any]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(RuleProblem(file, "each entry under 'rules' must be a mapping"))
        return None
    line = raw.get("__line__")
    rule_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    clean = _strip_lines(raw)
    before = len(problems)
    try:
        when = parse(clean.get("when"), params={n: p.value for n, p in parameters.items()},
                     designs=designs)
    except ConditionFault as fault:
        where = ".".join(map(str, ["when"] + fault.path))
        problems.append(RuleProblem(file, f"{where}: {fault.msg}", rule_id, line))
        when = None
    for key in ("message", "rationale", "recommendation"):
        if key in clean:
            clean[key] = fill(clean[key], parameters, key, file, problems, rule_id, line)
    try:
        rule = Rule.model_validate({**clean, "when": when, "file": file, "line": line})
    except ValidationError as exc:
        problems += _pydantic_problems(exc, file, rule_id, line, Rule.model_fields)
        return None
    problems += _example_problems(rule)
    return rule if len(problems) == before else None


def _example_problems(rule: Rule) -> list[RuleProblem]:
    """Each of a rule's examples must be a valid proposal fragment."""
    found = []
    for name, fragment in (("fires", rule.examples.fires),
                           ("does_not_fire", rule.examples.does_not_fire)):
        try:
            parse_proposal(fragment)
        except ProposalError as exc:
            faults = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in exc.errors)
            found.append(RuleProblem(rule.file or "?", f"examples.{name} is not a valid "
                                     f"proposal: {faults}", rule.id, rule.line))
    return found


def _table_rules(policy: Policy, file: str, raw: Any,
                 problems: list[RuleProblem]) -> list[Rule]:
    """The problem-fit table's rules, each checked as a rule file's would be."""
    fit = policy.problem_fit
    raw_rows = (raw.get("problem_fit") or {}).get("rows") or [] if isinstance(raw, dict) else []
    lines = [r.get("__line__") if isinstance(r, dict) else None for r in raw_rows]
    before = len(problems)
    for i, row in enumerate(fit.rows):
        line = lines[i] if i < len(lines) else None
        for finding in row.findings:
            where = f"policy.problem_fit.rows.{i} ({finding.id})"
            unknown = [d for d in finding.designs if d != "all" and d not in fit.designs]
            if unknown:
                problems.append(RuleProblem(file, f"{where}: no design {unknown[0]!r}"
                                            f"{suggest(unknown[0], fit.designs)}", line=line))
            if finding.best not in SEVERITY_OF:
                problems.append(RuleProblem(file, f"{where}: best must be not_recommended or "
                                            f"conditional (a row that allows recommended "
                                            f"needs no finding)", line=line))
            if row.when is None and "all" in finding.designs:
                problems.append(RuleProblem(file, f"{where}: a row for every problem must "
                                            f"name its designs", line=line))
    if len(problems) > before:
        return []
    rules = table_rules(policy, file, lines)
    for rule in rules:
        problems += _example_problems(rule)
    return rules


def _version(raw_docs: list[tuple[str, Any]]) -> str:
    canonical = json.dumps([[name, _strip_lines(doc)] for name, doc in raw_docs],
                           sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_rulebook(path: str | os.PathLike | None = None) -> Rulebook:
    """Load and check every *.yaml file in a folder (or one file plus the default policy).
    Raises RuleError listing every problem found, each with file, line and rule id."""
    root = Path(path) if path is not None else builtin_rules()
    problems: list[RuleProblem] = []
    if root.is_dir():
        files = sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    elif root.is_file():
        files = [root]
    else:
        raise RuleError(f"no rules at {root}", [RuleProblem(str(root), "not found")])
    if root.is_file() and not _has_policy(root):
        files.append(builtin_rules() / "policy.yaml")
    documents: dict[str, str] = {}
    for f in files:
        try:
            documents[f.name] = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(RuleProblem(f.name, f"cannot read: {exc}"))
    return rulebook_from_documents(documents, str(root), problems)


def rulebook_from_documents(documents: dict[str, str], source: str = "(snapshot)",
                            problems: list[RuleProblem] | None = None) -> Rulebook:
    """Build a Rulebook from rule-file texts by name (a folder's files, or a stored
    snapshot). Raises RuleError listing every problem."""
    problems = problems if problems is not None else []
    rules: list[Rule] = []
    policy: Policy | None = None
    raw_docs: list[tuple[str, Any]] = []
    policies = []
    for name, text in documents.items():
        data = _parse_document(name, text, problems)
        if data is not None:
            raw_docs.append((name, data))
            if POLICY_KEY in data:
                policies.append((name, data[POLICY_KEY]))
    if len(policies) > 1:
        problems.append(RuleProblem(policies[1][0], "a second 'policy' (there must be one)"))
    if not policies:
        problems.append(RuleProblem(source, "no verdict policy found (a file with 'policy:')"))
    parameters: dict[str, Parameter] = {}
    designs: dict[str, Any] = {}
    if policies:
        file, raw = policies[0]
        parameters = parameter_values(raw, file, problems)
        policy = load_policy(raw, _strip_lines(raw), file, problems, _pydantic_problems,
                             parameters)
        if policy is not None:
            rules += _table_rules(policy, file, raw, problems)
            designs = {name: d.when for name, d in policy.problem_fit.designs.items()}
    unchecked = [(name, data) for name, data in raw_docs if RULES_KEY in data] \
        if policies and policy is None else []
    if unchecked:  # checked against a broken policy, they would report faults they lack
        count = sum(len(d[RULES_KEY]) for _, d in unchecked if isinstance(d[RULES_KEY], list))
        problems.append(RuleProblem(source, f"{count} rules in {len(unchecked)} files not "
                                    f"checked: the policy has the faults above; fix them, "
                                    f"then check again"))
    for name, data in raw_docs:
        if unchecked:
            break
        entries = data.get(RULES_KEY, [])
        if not isinstance(entries, list):
            problems.append(RuleProblem(name, "'rules' must be a list"))
            continue
        for raw in entries:
            rule = _load_rule(raw, name, problems, parameters, designs)
            if rule is not None:
                rules.append(rule)

    seen: dict[str, Rule] = {}
    for r in rules:
        if r.id in seen:
            problems.append(RuleProblem(r.file or "?", f"duplicate rule id (first in "
                                        f"{seen[r.id].file}:{seen[r.id].line})", r.id, r.line))
        seen.setdefault(r.id, r)
    if not rules and not problems:
        problems.append(RuleProblem(source, "no rules found"))
    if policy is not None and not problems:
        problems += _policy_references(policy, rules, policies[0][0])
    lessons_file, lessons = load_lessons(raw_docs, problems)
    if lessons_file and lessons and not problems:
        problems += coverage_problems(lessons_file, lessons, rules)
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in the rules at {source}", problems)
    assert policy is not None
    return Rulebook(rules=rules, policy=policy, version=_version(raw_docs), source=source,
                    lessons=lessons,
                    documents=dict(documents))


def _policy_references(policy: Policy, rules: list[Rule], file: str) -> list[RuleProblem]:
    """Rule ids the policy names (findings that add up, condition groups) must exist; a
    rule belongs to at most one condition group."""
    ids = {r.id for r in rules}
    problems = []
    named = [(f"aggregation {agg.id}", rid) for agg in policy.aggregation
             for rid in agg.names()]
    named += [(f"condition group {g.id}", rid) for g in policy.condition_groups
              for rid in g.rules]
    for where, rid in named:
        if rid not in ids:
            problems.append(RuleProblem(file, f"{where} names {rid}, which no rule file has"))
    seen: dict[str, str] = {}
    for g in policy.condition_groups:
        for rid in g.rules:
            if rid in seen:
                problems.append(RuleProblem(file, f"{rid} is in condition groups "
                                            f"{seen[rid]} and {g.id}"))
            seen.setdefault(rid, g.id)
    return problems


def _has_policy(file: Path) -> bool:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and POLICY_KEY in data
