"""core.pdfsafe: active content is removed from PDFs that come from outside; encrypted PDFs are
refused."""

from __future__ import annotations

import pikepdf
import pytest
from fpdf import FPDF

from secondopinion.core.pdfsafe import PdfRefused, pdf_disarm


def _plain_pdf(path, *, password: str | None = None) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 8, "Second opinion report: I agree with the diagnosis.")
    if password:
        pdf.set_encryption(owner_password="owner-secret", user_password=password)
    pdf.output(str(path))


def _armed_pdf(path, tmp_path) -> None:
    """A PDF with every kind of active content the module removes."""
    _plain_pdf(tmp_path / "base.pdf")
    with pikepdf.open(tmp_path / "base.pdf") as pdf:
        script = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        pdf.Root.OpenAction = script
        pdf.Root.AA = pikepdf.Dictionary(WC=script)
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array())
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script])),
            EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array()),
        )
        page = pdf.pages[0].obj
        page.AA = pikepdf.Dictionary(O=script)
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 10, 10]),
            A=launch,
        )
        web = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 20, 10, 30]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org")),
        )
        attachment = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=[0, 40, 10, 50]
        )
        page.Annots = pdf.make_indirect(pikepdf.Array([link, web, attachment]))
        pdf.save(path)


def test_it_removes_scripts_actions_forms_and_embedded_files(tmp_path):
    source, target = tmp_path / "armed.pdf", tmp_path / "safe.pdf"
    _armed_pdf(source, tmp_path)
    before = source.read_bytes()
    result = pdf_disarm(source, target)
    assert result.changed and source.read_bytes() == before  # the original is untouched
    with pikepdf.open(target) as pdf:
        root = pdf.Root
        assert "/OpenAction" not in root and "/AA" not in root and "/AcroForm" not in root
        assert "/JavaScript" not in root.Names and "/EmbeddedFiles" not in root.Names
        page = pdf.pages[0].obj
        assert "/AA" not in page
        annotations = list(page.Annots)
        assert len(annotations) == 2  # the attachment is gone
        assert "/A" not in annotations[0]  # the launch action is gone, the link box stays
        assert str(annotations[1].A.S) == "/URI"  # an ordinary web link is kept
        assert b"app.alert" not in target.read_bytes()
    assert "an action run on opening" in result.removed


def test_a_plain_pdf_comes_through_unchanged_in_content(tmp_path):
    source, target = tmp_path / "plain.pdf", tmp_path / "safe.pdf"
    _plain_pdf(source)
    assert not pdf_disarm(source, target).changed
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 1


def test_it_refuses_a_password_protected_pdf(tmp_path):
    source = tmp_path / "locked.pdf"
    _plain_pdf(source, password="secret")
    with pytest.raises(PdfRefused, match="password"):
        pdf_disarm(source, tmp_path / "safe.pdf")
    assert not (tmp_path / "safe.pdf").exists()


def test_it_refuses_a_damaged_pdf_plainly(tmp_path):
    source = tmp_path / "broken.pdf"
    source.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(PdfRefused, match="damaged"):
        pdf_disarm(source, tmp_path / "safe.pdf")
