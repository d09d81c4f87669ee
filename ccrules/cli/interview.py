"""`ccrules interview FILE`: guided mode on the command line. It asks a draft's open
questions one at a time, most decisive first (ccrules.explaining.interview), shows the
verdict range after each answer, and writes the completed proposal back."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ProposalError
from ..explaining.interview import (
    AnswerError,
    Question,
    State,
    apply,
    interview,
    mark,
    read_answer,
)
from ..proposal.reading import parse_json
from .common import RULES_OPTION, load_rules

STOP = {"q", "quit", "stop", "exit"}
HOW = {
    "one": "Type its number or its words.",
    "range": "Type the number, or the letter of a range.",
    "many": "Type the numbers of all that apply, separated by commas, or 'none'.",
    "names": "Type the names, separated by commas, or 'none' if there are none.",
}


@click.command("interview")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the completed proposal here instead of back to FILE.")
@RULES_OPTION
def interview_cmd(file: Path, output: Path | None, rules_path: Path | None) -> None:
    """Complete a draft proposal (JSON) by answering its open questions, one at a time and
    most decisive first, until its verdict is decided.

    Answer with a choice's number (a letter for a range of numbers) or its words, a number,
    or names separated by commas. Leave the answer blank or type ? when you don't know (the
    question is skipped), and q to stop. The answers are then written into the proposal,
    which keeps everything the draft had, back to FILE (or to --output); Ctrl-C leaves the
    file untouched.
    """
    rulebook = load_rules(rules_path)
    try:
        state = interview(parse_json(file.read_bytes(), str(file)), rulebook)
    except ProposalError as exc:
        where = "" if exc.detail.startswith(str(file)) else f"{file}: "
        raise ProposalError(f"{where}{exc.detail}", exc.errors) from None
    click.echo(f"{state.data.get('title') or file.name}")
    _status(state)
    stopped = False
    while not state.finished:
        q = state.questions[0]
        _ask(q, len(state.answered) + len(state.skipped) + 1)
        text = click.prompt("Answer", default="", show_default=False)
        if text.strip().lower() in STOP:
            stopped = True
            break
        try:
            state = apply(rulebook, state, q.field, read_answer(q, text))
        except AnswerError as exc:
            click.echo(f"  {exc.detail}")
            continue
        _status(state)
    _finish(state, stopped)
    if state.answered:
        target = output or file
        target.write_text(json.dumps(state.data, indent=2, ensure_ascii=False) + "\n")
        click.echo(f"Wrote the proposal with {_count(len(state.answered), 'answer')} to "
                   f"{target}.")
    else:
        click.echo("No answers given: nothing written.")


def _ask(q: Question, n: int) -> None:
    click.echo("")
    click.echo(f"Question {n}: {q.label}")
    click.echo(f"  {q.text}")
    for i, c in enumerate(q.choices):
        recorded = f" (recorded as {c.recorded})" if c.recorded else ""
        click.echo(f"  {mark(q, i)}) {c.words}{recorded}")
    click.echo(f"  {HOW[q.kind]} Blank or ? if you don't know; q to stop.")


def _status(state: State) -> None:
    left = "" if state.finished else f" · {_count(len(state.questions), 'open question')}"
    click.echo(f"Verdict range: {state.range_words} · completeness "
               f"{round(state.completeness * 100)}%{left}")


def _finish(state: State, stopped: bool) -> None:
    click.echo("")
    verdict = state.verdict.value.replace("_", " ").upper()
    if state.decided:
        click.echo(f"DECIDED: {verdict}, after {_count(len(state.answered), 'answer')}.")
        return
    why = "Stopped" if stopped else "No more questions can be asked here"
    click.echo(f"{why}: the verdict is not decided yet ({verdict}; range "
               f"{state.range_words}).")
    if state.skipped:
        n = len(state.skipped)
        click.echo(f"{_count(n, 'question')} skipped (running the interview again asks "
                   f"{'it' if n == 1 else 'them'} again).")
    elif not stopped:
        click.echo("What is still open (such as the menu's options) needs the full form.")


def _count(n: int, one: str) -> str:
    return f"{n} {one if n == 1 else one + 's'}"
