"""Reading an application document into blocks of text, each with its page (PDF) or its
paragraph (Word, text, Markdown, pasted text). Everything is bounded by the named limits
below; a document that cannot be read gets an IntakeError saying why, never a crash."""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass, field

from ..errors import CcrulesError

# The limits, stated (README, the intake page and the API docs quote them).
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024  # a file as uploaded or named on the command line
MAX_PAGES = 80  # pages of a PDF
MAX_CHARS = 400_000  # characters of text read from any document (about 130 pages)
MAX_SECONDS = 10.0  # reading and suggesting together
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # the parts of a Word file, uncompressed
MIN_TEXT_CHARS = 20  # less text than this, from a whole document, is no text at all

LIMITS_WORDS = (f"a PDF of at most {MAX_PAGES} pages, a Word file (.docx), or text or "
                f"Markdown; at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB and "
                f"{MAX_CHARS:,} characters of text, read in at most {MAX_SECONDS:g} s")


class IntakeError(CcrulesError):
    """A document that cannot be read: encrypted, malformed, image-only, too large, or of a
    kind ccrules does not read."""

    title = "Document not read"
    status = 422


class DocumentTooLarge(IntakeError):
    title = "Document too large"
    status = 413


@dataclass(frozen=True)
class Block:
    """A run of text: a paragraph of a Word or text file, or a paragraph of a PDF page."""

    text: str
    page: int | None = None  # 1-based, PDFs only
    paragraph: int | None = None  # 1-based, in the whole document

    @property
    def where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        return ", ".join(parts)


@dataclass
class Document:
    name: str
    kind: str  # pdf | docx | text
    blocks: list[Block]
    pages: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)


class Deadline:
    """The time a reading may take (MAX_SECONDS), checked between steps."""

    def __init__(self, seconds: float = MAX_SECONDS):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise IntakeError(f"Reading the document took longer than {self.seconds:g} s, the "
                              f"limit; nothing was suggested. Send a shorter document, or "
                              f"paste the sections that describe the programme.")


def read_document(data: bytes, name: str = "document", deadline: Deadline | None = None
                  ) -> Document:
    """The document's text in blocks. The kind is taken from the bytes themselves (a PDF
    starts %PDF-, a Word file is a zip with word/document.xml), not from the name alone."""
    deadline = deadline or Deadline()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(f"{name} is {len(data) / (1024 * 1024):.1f} MB; at most "
                               f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB can be read.")
    if not data.strip():
        raise IntakeError(f"{name} is empty: no text could be read.")
    head = data[:8]
    lower = name.lower()
    if head.startswith(b"%PDF-") or lower.endswith(".pdf"):
        doc = _read_pdf(data, name, deadline)
    elif head.startswith(b"PK\x03\x04") or lower.endswith(".docx"):
        doc = _read_docx(data, name)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IntakeError(f"{name} is an old Word (.doc) file, which ccrules does not read: "
                          f"save it as .docx or PDF, or paste its text.")
    else:
        doc = Document(name, "text", text_blocks(_decode(data, name)))
    if sum(len(b.text.strip()) for b in doc.blocks) < MIN_TEXT_CHARS:
        what = (" (it may hold only scanned images: ccrules reads text, not images)"
                if doc.kind == "pdf" else "")
        raise IntakeError(f"No text could be read from {name}{what}.")
    deadline.check()
    return doc


def read_pasted(text: str, name: str = "pasted text") -> Document:
    """Text pasted into the page or sent as JSON."""
    if len(text) > MAX_CHARS:
        raise DocumentTooLarge(f"The pasted text has {len(text):,} characters; at most "
                               f"{MAX_CHARS:,} can be read.")
    doc = Document(name, "text", text_blocks(text))
    if not doc.blocks:  # short text is text (it may suggest nothing); blank is not
        raise IntakeError("No text could be read: the pasted text is empty.")
    return doc


def _too_long(name: str, chars: int) -> DocumentTooLarge:
    return DocumentTooLarge(f"{name} holds more than {MAX_CHARS:,} characters of text, the "
                            f"limit ({chars:,} read so far); send the sections that "
                            f"describe the programme.")


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise IntakeError(f"{name} is not a PDF, a Word file (.docx) or text; ccrules reads "
                          f"only those.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if len(text) > MAX_CHARS:
        raise _too_long(name, len(text))
    return text


def _read_pdf(data: bytes, name: str, deadline: Deadline) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:  # many PDFs are encrypted with an empty password: they read as any other
                opened = bool(reader.decrypt(""))
            except Exception:  # noqa: BLE001 (an unsupported cipher says the same)
                opened = False
            if not opened:
                raise IntakeError(f"{name} is encrypted (password-protected): ccrules cannot "
                                  f"read it. Ask for an unprotected copy, or paste its text.")
        count = len(reader.pages)
    except IntakeError:
        raise
    except (PyPdfError, Exception) as exc:  # noqa: BLE001 (pypdf raises many kinds on bad input)
        raise IntakeError(f"{name} could not be read as a PDF (it is damaged or not a PDF: "
                          f"{type(exc).__name__}).") from exc
    if count > MAX_PAGES:
        raise DocumentTooLarge(f"{name} has {count} pages; at most {MAX_PAGES} can be read. "
                               f"Send the sections that describe the programme.")
    blocks: list[Block] = []
    chars = 0
    paragraph = 0
    for number in range(count):
        deadline.check()
        try:
            text = reader.pages[number].extract_text() or ""
        except Exception as exc:  # noqa: BLE001 (a damaged page: pypdf raises many kinds)
            raise IntakeError(f"Page {number + 1} of {name} could not be read (the PDF is "
                              f"damaged: {type(exc).__name__}).") from exc
        chars += len(text)
        if chars > MAX_CHARS:
            raise _too_long(name, chars)
        for para in paragraphs(text):
            paragraph += 1
            blocks.append(Block(para, page=number + 1))
    return Document(name, "pdf", blocks, pages=count)


def _read_docx(data: bytes, name: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise IntakeError(f"{name} is a zip file but not a Word document (.docx).")
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise DocumentTooLarge(f"{name} unpacks to more than "
                                       f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB; it cannot "
                                       f"be read.")
        import docx

        document = docx.Document(io.BytesIO(data))
        texts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                texts.append(" ".join(cell.text for cell in row.cells))
    except IntakeError:
        raise
    except Exception as exc:  # noqa: BLE001 (python-docx and lxml raise many kinds)
        raise IntakeError(f"{name} could not be read as a Word document (it is damaged: "
                          f"{type(exc).__name__}).") from exc
    blocks: list[Block] = []
    chars = 0
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        chars += len(text)
        if chars > MAX_CHARS:
            raise _too_long(name, chars)
        blocks.append(Block(text, paragraph=len(blocks) + 1))
    return Document(name, "docx", blocks)


# --- text into paragraphs -------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*\u2022\u25aa\u2013]\s+")  # dropped; "1." starts one and stays
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A hyphen at a line's end joins the word it splits ("pro-" + "gramme"), except after these
# words, which keep theirs ("full-" + "time").
_KEEP_HYPHEN = {"full", "part", "self", "state", "multi", "non", "well", "long", "short",
                "face", "point", "step", "real", "peer", "co", "day", "one", "two", "three",
                "high", "low", "cross", "bi", "post", "pre", "year", "twice"}


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out.endswith("-") and line[:1].islower():
            word = re.search(r"(\w+)-$", out)
            if word and word.group(1).lower() in _KEEP_HYPHEN:
                out += line
            else:
                out = out[:-1] + line
        else:
            out = (out + " " + line) if out else line
    return re.sub(r"\*\*|__", "", out)


def paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank lines, headings and list items start a new one;
    wrapped lines are joined (and words split by a hyphen at a line's end mended)."""
    out: list[str] = []
    current: list[str] = []

    def close() -> None:
        joined = _join(current)
        if joined:
            out.append(joined)
        current.clear()

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            close()
            continue
        if _HEADING.match(line):
            close()
            current.append(_HEADING.sub("", line))
            close()
            continue
        if _BULLET.match(line) or _NUMBERED.match(line):
            close()
            line = _BULLET.sub("", line)
        current.append(line)
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _looks_like_heading(line, following):
            close()
    close()
    return out


def _looks_like_heading(line: str, following: str) -> bool:
    """A short line without a sentence's end, followed by a capitalised line: a heading in a
    PDF's text, where blank lines are lost. (Wrapped lines of body text are longer.)"""
    stripped = line.strip()
    return (0 < len(stripped) <= 45 and stripped[-1] not in ".,;:-("
            and following[:1].isupper())


def text_blocks(text: str) -> list[Block]:
    return [Block(p, paragraph=i + 1) for i, p in enumerate(paragraphs(text))]
