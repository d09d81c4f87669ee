"""Commands that start from the application document: `intake` reads it and writes a draft
with suggested answers (and its provenance file); `confirm` marks suggestions confirmed."""

from __future__ import annotations

from pathlib import Path

import click

from ..intake import LIMITS_WORDS, MAX_DOCUMENT_BYTES, DocumentTooLarge, intake_bytes
from ..intake.draft import confirm, provenance_path, state, write_draft
from .common import dump


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "\u2026"


@click.command("intake", help=f"""Read an application document (FILE: a PDF, a Word file
    (.docx), text or Markdown) and suggest answers, each with the sentence it came from.

    Writes the draft proposal (-o, default FILE's name with .draft.json, in the current
    folder) and, beside it, DRAFT.provenance.json with every suggestion's quotation. A
    suggestion is not an answer until confirmed: `ccrules confirm DRAFT FIELD...`, or edit or
    delete it in the draft; `ccrules evaluate` refuses unconfirmed suggestions unless given
    --accept-suggestions. Reads {LIMITS_WORDS}.""")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The draft proposal to write (JSON).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="What to print: a list, or the suggestions as JSON.")
def intake_cmd(file: Path, output: Path | None, fmt: str) -> None:
    size = file.stat().st_size
    if size > MAX_DOCUMENT_BYTES:  # refused before reading it into memory
        raise DocumentTooLarge(f"{file} is {size / (1024 * 1024):.1f} MB; at most "
                               f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB can be read.")
    data = file.read_bytes()
    result = intake_bytes(data, file.name)
    draft = output or Path(file.stem + ".draft.json")
    prov = write_draft(result, draft, data)
    if fmt == "json":
        click.echo(dump({**result.as_dict(), "draft": str(draft), "provenance": str(prov)}))
        return
    doc = result.document
    pages = f"{doc.pages} pages, " if doc.pages else ""
    click.echo(f"Read {file.name} ({pages}{len(doc.blocks)} paragraphs, {doc.chars:,} "
               f"characters): {len(result.suggestions)} suggested answers.\n")
    for s in result.suggestions:
        quote = s.quotes[0]
        where = f" ({quote.where})" if quote.where else ""
        click.echo(f"  {s.label}: {s.words}")
        click.echo(f"      \u201c{_short(quote.text)}\u201d{where}")
    click.echo(f"\nWrote {draft} and {prov}. Nothing is confirmed yet: check each "
               f"suggestion against its sentence, then `ccrules confirm {draft} FIELD...` "
               f"(or --all), or edit the draft.")


@click.command("confirm")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("fields", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Confirm every suggestion in the draft.")
def confirm_cmd(draft: Path, fields: tuple[str, ...], every: bool) -> None:
    """Confirm suggested answers in a DRAFT written by `ccrules intake` (FIELDS by their
    dotted names, as the provenance file lists them), after checking their quotations."""
    if not fields and not every:
        raise click.UsageError("name the FIELDS to confirm, or give --all")
    done = confirm(draft, list(fields), every)
    now = state(draft)
    left = len(now.unconfirmed) if now else 0
    click.echo(f"Confirmed {len(done)} in {provenance_path(draft).name}; "
               f"{left} still unconfirmed.")
