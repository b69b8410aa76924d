"""The yttrande that is sent, as HTML (also the PDF's source), Word and PDF.

Short and formal: letterhead, heading, the joint sentence, Ställningstagande, Synpunkter,
signature and handläggare. The same ``JointAnswer`` gives every format.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from remiss.yttrande import html, html_pdf, layout, word
from remiss.yttrande.joint import JointAnswer

PROPOSAL_NOTE = (
    "Förslag: byggt av de inkomna svaren. Ansvarig grupp har ännu inte sparat något utkast."
)


def render_html(answer: JointAnswer) -> str:
    """The yttrande as one self-contained HTML page (print CSS for A4, fits a phone)."""
    return (
        html.environment()
        .get_template("joint.html.j2")
        .render(y=answer, fields=layout.header_fields(answer.header))
    )


def render_docx(answer: JointAnswer) -> bytes:
    """The yttrande as an editable Word document."""
    document = Document()
    word.setup(document, answer.header, answer.heading)
    if answer.proposal:
        word.labelled(document, PROPOSAL_NOTE, "")
    elif answer.status:
        number = f" (version {answer.draft_number})" if answer.draft_number else ""
        note = f" {answer.note}" if answer.note else ""
        word.labelled(document, f"Utkast{number}: inte beslutat.{note}", "")
    word.header_block(document, answer.header, layout.header_fields(answer.header))
    document.add_heading(answer.heading, level=1)
    word.text(document, answer.opening)
    if answer.stands:
        document.add_heading("Ställningstagande", level=2)
        for stand in answer.stands:
            if len(answer.stands) > 1:
                document.add_heading(stand.question, level=3)
            word.text(document, stand.sentence)
            if stand.text:
                word.text(document, stand.text)
    document.add_heading("Synpunkter", level=2)
    for section in answer.comments:
        document.add_heading(section.question, level=3)
        word.text(document, section.text)
    if answer.decision:
        document.add_heading("Beslut", level=2)
        for line in answer.decision:
            word.text(document, line)
    # The signature never stands alone on a page: it goes with the paragraph before it.
    before_signature = len(document.paragraphs) - 1
    document.add_paragraph()
    document.add_paragraph(f"För {answer.organisation}")
    document.add_paragraph()
    if answer.signatories:
        for person in answer.signatories:
            signed = document.add_paragraph(word.clean(person.name))
            if person.title:
                signed.add_run().add_break()
                signed.add_run(word.clean(person.title))
    else:
        document.add_paragraph(word.clean(answer.signatory))
    if answer.handlaggare:
        word.labelled(document, "Handläggare: ", answer.handlaggare.line())
    for paragraph in document.paragraphs[before_signature:-1]:
        paragraph.paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return word.fixed_zip(buffer.getvalue(), date.fromisoformat(answer.header.date))


def render(answer: JointAnswer, fmt: str) -> bytes:
    """The yttrande in ``fmt`` (docx, html or pdf)."""
    if fmt == "docx":
        return render_docx(answer)
    document = render_html(answer)
    return html_pdf.from_html(document) if fmt == "pdf" else document.encode("utf-8")
