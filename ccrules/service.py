"""What the command line, the JSON API and the web pages share: evaluating a proposal and
storing it under its owner, screening a batch and storing it in one transaction, and
listing stored evaluations with the filters a caller may use. The CLI and the web layer only
translate their input into these calls and format what comes back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ErrorItem, InputError, ProposalError
from .judging.result import Evaluation
from .proposal.answered import require_answers
from .proposal.model import Proposal
from .proposal.reading import validation_errors
from .proposal.words import count
from .report.round import VERDICT_ORDER
from .rulebook.loader import Rulebook
from .rulebook.model import Verdict
from .screening.batch import Screened, screen
from .screening.evaluate import evaluate
from .screening.whatif import evaluate_with_what_if
from .store import applications, rounds
from .store.database import Page, Saved, Store

MAX_OFFSET = 2**62  # SQLite's integers stop at 2**63 - 1


class ListQuery(BaseModel):
    """Filters, order and page of a listing of stored evaluations."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict | None = Field(default=None, description="Only this verdict.")
    since: datetime | None = Field(default=None, description=(
        "Only evaluations made at or after this time (ISO 8601; UTC if no zone)."))
    until: datetime | None = Field(default=None, description=(
        "Only evaluations made before this time (ISO 8601; UTC if no zone; a date alone "
        "means up to the end of that day)."))
    q: str | None = Field(default=None, max_length=200, description=(
        "Only evaluations whose title, reference or applicant contains this text."))
    round: str | None = Field(default=None, max_length=64, description=(
        "Only the applications in this round (its id)."))
    versions: Literal["current", "all"] = Field(default="current", description=(
        "`current`: each application's current evaluation only (what a round counts); "
        "`all`: every evaluation, earlier versions and re-evaluations too."))
    sort: Literal["created_at", "verdict", "title", "reference", "applicant"] = Field(
        default="created_at", description="The column to sort by.")
    dir: Literal["asc", "desc"] = Field(default="desc", description="Sort direction.")
    limit: int = Field(default=50, ge=1, le=200, description="Page size (at most 200).")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description=(
        "Items to skip (slower the deeper it goes: prefer `cursor`)."))
    cursor: str | None = Field(default=None, max_length=1000, description=(
        "Where the page starts: the `next_cursor` of the page before, unchanged (with the "
        "same filters and sort). Pages by keyset (sort value, id), so every page costs the "
        "same however deep, and a row stored meanwhile is neither skipped nor repeated. "
        "Not with `offset`."))

    @field_validator("since", "until", mode="before")
    @classmethod
    def _iso(cls, value: Any, info: Any) -> Any:
        """Only ISO 8601 (a date, or a date and time): not a bare number of seconds."""
        if value is None or isinstance(value, datetime):
            return value
        text = str(value)
        try:
            if len(text) == 10:  # a date alone
                day = date.fromisoformat(text)
                return datetime.combine(day, time.max if info.field_name == "until"
                                        else time.min, tzinfo=timezone.utc)
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("must be an ISO 8601 date or date-time, e.g. 2026-11-26 or "
                             "2026-11-26T09:30:00Z") from None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        try:
            return value.astimezone(timezone.utc)
        except OverflowError:  # e.g. 9999-12-31T23:59:59-23:59 is past the last year
            raise ValueError("is outside the range of dates this service keeps") from None

    @classmethod
    def strict(cls, args: Mapping[str, str]) -> ListQuery:
        """From a query string; every bad value is an InputError naming it (API: 422)."""
        try:
            return cls.model_validate(dict(args))
        except ValidationError as exc:
            items = validation_errors(exc, ("query",))
            raise InputError(f"The query has {count(len(items), 'fault')}.", items) from None

    @classmethod
    def lenient(cls, args: Mapping[str, str]) -> ListQuery:
        """From a page's query string: a bad or unknown value is ignored, not refused (and
        so is a cursor: pages are numbered)."""
        kept: dict[str, Any] = {}
        for name in cls.model_fields:
            if args.get(name) and name != "cursor":
                try:
                    cls.model_validate({**kept, name: args[name]})
                except ValidationError:
                    continue
                kept[name] = args[name]
        return cls.model_validate(kept)

    @staticmethod
    def _stamp(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    def _filters(self, scope: str | None) -> dict[str, Any]:
        return {"owner": scope, "verdict": self.verdict.value if self.verdict else None,
                "since": self._stamp(self.since), "until": self._stamp(self.until),
                "text": self.q, "round_id": self.round, "versions": self.versions,
                "sort": self.sort, "descending": self.dir == "desc"}

    def run(self, store: Store, scope: str | None) -> Page:
        """The page of stored evaluations this query selects, among those `scope` may read
        (one owner's, or all for None)."""
        return store.list(**self._filters(scope), limit=self.limit, offset=self.offset,
                          cursor=self.cursor)

    def stream(self, store: Store, scope: str | None, asks: bool = False) -> Iterator[dict]:
        """Every stored evaluation this query selects (all pages), for an export; with
        `asks`, each with its conditions' texts and questions."""
        return store.stream(**self._filters(scope), asks=asks)

    def counts(self, store: Store, scope: str | None) -> dict[str, int]:
        """How many of each verdict this query selects (all pages), best verdict first."""
        filters = {k: v for k, v in self._filters(scope).items()
                   if k not in ("sort", "descending")}
        found = store.verdict_counts(**filters)
        return {v: found.get(v, 0) for v in VERDICT_ORDER}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value safe to put in a CSV or workbook cell: text a spreadsheet would run as a
    formula (it begins with = + - @, a tab or a carriage return) gets a leading apostrophe.
    Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: Any, columns: list[str], rows: Iterable[Mapping[str, Any]],
              headings: list[str] | None = None) -> Iterator[str]:
    """CSV lines for `rows` (a header row first: `headings`, else the column keys; only
    `columns`; every cell spreadsheet-safe), one chunk per row, written through `out` (a
    StringIO emptied after each chunk)."""
    import csv
    writer = csv.writer(out)
    writer.writerow(headings or columns)
    yield _drain(out)
    for row in rows:
        writer.writerow([spreadsheet_cell(row.get(k, "")) for k in columns])
        yield _drain(out)


def _drain(out: Any) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate(0)
    return text


@dataclass(frozen=True)
class Actor:
    """Who stores: the owner new applications get, the scope they may read (an admin: None,
    all), and the person's name recorded with each version."""

    owner: str | None
    scope: str | None = None
    name: str | None = None

    @classmethod
    def of(cls, principal: Any) -> Actor:
        """From a token's principal (ccrules.store.tokens.Principal)."""
        return cls(principal.id, principal.scope, principal.name)


def _round(store: Store, round_id: str | None, actor: Actor) -> None:
    """The round to join must be readable and open (InputError naming it otherwise)."""
    if round_id is None:
        return
    try:
        rounds.open_round(store, round_id, actor.scope)
    except (rounds.RoundNotFound, rounds.RoundClosed) as exc:
        raise InputError(str(exc), [ErrorItem(("round",), str(exc))]) from None


def evaluate_and_store(store: Store, rulebook: Rulebook, proposal: Proposal,
                       owner: str | None | Actor, what_if: dict[str, Any] | None = None,
                       why_not: Iterable[str] = (), round_id: str | None = None,
                       application_id: str | None = None) -> tuple[Evaluation, str]:
    """Evaluate one proposal (with a what-if beside it when asked) and store it as a version
    of its application (a new version if it changed; `application_id`: the application an
    edit started from), in `round_id` if given; returns the evaluation and the stored JSON
    text. An empty proposal is refused (EmptyProposal), nothing stored."""
    actor = owner if isinstance(owner, Actor) else Actor(owner, owner)
    require_answers(proposal)
    unknown = [(i, r) for i, r in enumerate(why_not) if r not in rulebook.by_id]
    if unknown:
        raise InputError("why_not names an unknown rule.",
                            [ErrorItem(("why_not", i), f"no rule {r!r}") for i, r in unknown])
    _round(store, round_id, actor)
    if application_id is not None:
        applications.readable(store.db, application_id, actor.scope)
    evaluation = (evaluate_with_what_if(proposal, what_if, rulebook, why_not) if what_if
                  else evaluate(proposal, rulebook, why_not=why_not))
    saved = store.save_versions(
        [(evaluation, proposal.model_dump(mode="json", exclude_none=True))], rulebook,
        actor.owner, round_id=round_id, changed_by=actor.name, application_id=application_id)
    return evaluation, saved[0].text or ""


def screen_and_store(store: Store, rulebook: Rulebook, items: Iterable[tuple[str, Any]],
                     owner: str | None | Actor, all_or_nothing: bool,
                     round_id: str | None = None,
                     progress: Callable[[Screened], None] | None = None
                     ) -> tuple[list[Screened], list[Saved]]:
    """Screen a batch (an upload) and store its evaluations in one transaction. With
    `all_or_nothing`, any invalid proposal refuses the whole batch (ProposalError listing
    every fault by its index, nothing stored); otherwise the valid ones are stored and the
    invalid ones reported in their place. A proposal unchanged since its application's
    current evaluation is not stored again ("unchanged"); a changed one is a new version.
    Returns the results in order and, for each valid one, where it went (`uploaded`
    counts them)."""
    actor = owner if isinstance(owner, Actor) else Actor(owner, owner)
    _round(store, round_id, actor)
    results = screen(items, rulebook, progress)
    bad = [r for r in results if r.error]
    if bad and all_or_nothing:
        faults = [item for r in bad for item in (
            [ErrorItem(("proposals", r.index, *e.loc), e.msg) for e in r.error.errors]
            if r.error and r.error.errors else [ErrorItem(("proposals", r.index), str(r.error))])]
        raise ProposalError(f"{len(bad)} of {count(len(results), 'proposal')} "
                            f"{'is' if len(bad) == 1 else 'are'} invalid; none was stored.",
                            faults)
    stored = [(r.evaluation, r.proposal or {}) for r in results if r.evaluation]
    saved = store.save_versions(stored, rulebook, actor.owner, skip_unchanged=True,
                                round_id=round_id, changed_by=actor.name) if stored else []
    return results, saved


def uploaded(saved: Iterable[Saved]) -> dict[str, int]:
    """How many of an upload were new applications, changed (new versions) and unchanged."""
    tally = {"new": 0, "changed": 0, "unchanged": 0}
    for s in saved:
        tally[s.status] += 1
    return tally


def upload_words(tally: Mapping[str, int]) -> str:
    """'2 new, 1 changed (a new version), 3 unchanged (already screened, not stored again)'."""
    return (f"{tally['new']} new, {tally['changed']} changed (a new version), "
            f"{tally['unchanged']} unchanged (already screened, not stored again)")
