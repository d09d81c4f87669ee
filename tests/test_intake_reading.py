"""Reading application documents (ccrules.intake.reading): PDF, Word, text, Markdown and
pasted text into paragraphs with their page or paragraph; every document that cannot be
read gets an IntakeError saying why, within the named limits."""

import io
import zipfile

import docx
import pytest
from bench.intake import write_pdf
from pypdf import PdfWriter

from ccrules.intake import (
    MAX_DOCUMENT_BYTES,
    MAX_PAGES,
    DocumentTooLarge,
    IntakeError,
    read_document,
    read_pasted,
)
from ccrules.intake.reading import MAX_CHARS, paragraphs

LINES = ["1. Summary", "All 14 crisis teams in the area were invited to take part, and",
         "11 have agreed. Each team must include a consultant psychiatrist and a lead",
         "nurse. Submission of the core data-", "set is a condition of participation."]


def pdf_bytes(tmp_path, lines=LINES, **kw) -> bytes:
    path = tmp_path / "application.pdf"
    write_pdf(path, lines, **kw)
    return path.read_bytes()


def test_a_pdf_reads_into_paragraphs_with_their_page(tmp_path):
    doc = read_document(pdf_bytes(tmp_path), "application.pdf")
    assert doc.kind == "pdf" and doc.pages == 1
    texts = [b.text for b in doc.blocks]
    assert texts[0] == "1. Summary"  # a short line before a capitalised one: a heading
    assert "11 have agreed." in texts[1] and "core dataset is a condition" in texts[1]
    assert {b.page for b in doc.blocks} == {1}


def test_a_word_file_reads_paragraphs_and_tables():
    document = docx.Document()
    document.add_heading("The programme", 1)
    document.add_paragraph("Nine community hospitals have agreed to take part.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Calls"
    table.rows[0].cells[1].text = "monthly calls with every ward"
    out = io.BytesIO()
    document.save(out)
    doc = read_document(out.getvalue(), "application.docx")
    assert doc.kind == "docx"
    assert [b.text for b in doc.blocks] == ["The programme",
                                            "Nine community hospitals have agreed to take part.",
                                            "Calls monthly calls with every ward"]
    assert [b.paragraph for b in doc.blocks] == [1, 2, 3]


def test_markdown_headings_and_list_items_are_paragraphs_of_their_own():
    text = ("# Title\n\nIntro line one\nwrapped here.\n- first item\n- second item\n"
            "## Next\nBody with a pro-\ngramme and a full-\ntime manager.")
    assert paragraphs(text) == ["Title", "Intro line one wrapped here.", "first item",
                                "second item", "Next",
                                "Body with a programme and a full-time manager."]


def test_text_in_another_encoding_still_reads():
    doc = read_document("Caf\u00e9 meetings happen twice a year.".encode("cp1252"), "a.txt")
    assert doc.blocks[0].text.startswith("Caf\u00e9")


def test_pasted_text_reads_and_empty_text_says_so():
    assert read_pasted("Sites choose from a menu of options.").blocks[0].paragraph == 1
    with pytest.raises(IntakeError, match="No text could be read"):
        read_pasted("   \n  ")


def test_an_encrypted_pdf_says_it_is_encrypted(tmp_path):
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(tmp_path)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(IntakeError, match="encrypted") as exc:
        read_document(out.getvalue(), "locked.pdf")
    assert exc.value.status == 422


def test_a_pdf_encrypted_with_an_empty_password_reads_as_any_other(tmp_path):
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(tmp_path)))
    writer.encrypt("", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    assert "11 have agreed." in read_document(out.getvalue(), "open.pdf").blocks[1].text


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", b"%PDF-1.7\n1 0 obj << /Type /Pages",
                                  b"%PDF-" + bytes(range(256)) * 20])
def test_a_malformed_pdf_says_it_cannot_be_read(data):
    with pytest.raises(IntakeError, match="could not be read as a PDF|No text could be read"):
        read_document(data, "broken.pdf")


def test_an_image_only_pdf_says_no_text_could_be_read(tmp_path):
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, as a scan would be: no text in it
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(IntakeError, match=r"No text could be read from scan\.pdf .*images"):
        read_document(path.read_bytes(), "scan.pdf")


def test_too_many_pages_too_many_bytes_and_too_much_text_are_refused(tmp_path):
    many = pdf_bytes(tmp_path, ["A line of text on every page."] * 60 * (MAX_PAGES + 1))
    with pytest.raises(DocumentTooLarge, match=f"at most {MAX_PAGES} can be read"):
        read_document(many, "long.pdf")
    with pytest.raises(DocumentTooLarge, match="at most 4 MB") as exc:
        read_document(b"x" * (MAX_DOCUMENT_BYTES + 1), "big.txt")
    assert exc.value.status == 413
    with pytest.raises(DocumentTooLarge, match="characters"):
        read_document(b"word " * (MAX_CHARS // 5 + 10), "long.txt")


def test_other_kinds_of_file_are_named_and_refused():
    with pytest.raises(IntakeError, match=r"old Word \(\.doc\)"):
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc")
    with pytest.raises(IntakeError, match="not a PDF, a Word file"):
        read_document(b"\x89PNG\r\n\x1a\n\0\0\0" * 10, "picture.png")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(IntakeError, match="not a Word document"):
        read_document(archive.getvalue(), "files.zip")
    with pytest.raises(IntakeError, match="could not be read as a Word document"):
        read_document(b"PK\x03\x04 not really a zip", "broken.docx")


def test_a_word_file_that_unpacks_too_large_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a/>" + b" " * (41 * 1024 * 1024))
    with pytest.raises(DocumentTooLarge, match="unpacks to more than"):
        read_document(archive.getvalue(), "bomb.docx")
