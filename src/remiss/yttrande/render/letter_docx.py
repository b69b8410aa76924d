"""Render the letter (the yttrande that is sent) as an editable Word document.

Short and formal: letterhead, heading, the joint sentence, Ställningstagande, Synpunkter,
signature and handläggare, as its HTML page has them (``letter_html``).
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from remiss.yttrande.joint import JointAnswer
from remiss.yttrande.render import docx_common, layout


def render(answer: JointAnswer) -> bytes:
    """The yttrande as an editable Word document."""
    document = Document()
    docx_common.setup(document, answer.header, answer.heading)
    body = docx_common.Body(document)
    note = layout.letter_note(answer)
    if note:
        docx_common.labelled(body, note, "")
    docx_common.header_block(document, answer.header, layout.header_fields(answer.header))
    body.add_heading(answer.heading, level=1)
    docx_common.text(body, answer.opening)
    if answer.stands:
        body.add_heading("Ställningstagande", level=2)
        for stand in answer.stands:
            if len(answer.stands) > 1:
                body.add_heading(stand.question, level=3)
            docx_common.text(body, stand.sentence)
            if stand.text:
                docx_common.text(body, stand.text)
    body.add_heading("Synpunkter", level=2)
    for section in answer.comments:
        body.add_heading(section.question, level=3)
        docx_common.text(body, section.text)
    if answer.decision:
        body.add_heading("Beslut", level=2)
        for line in answer.decision:
            docx_common.text(body, line)
    # The signature never stands alone on a page: it goes with the paragraph before it.
    before_signature = len(document.paragraphs) - 1
    body.add_paragraph()
    body.add_paragraph(f"För {answer.organisation}")
    body.add_paragraph()
    if answer.signatories:
        for person in answer.signatories:
            signed = body.add_paragraph(docx_common.clean(person.name))
            if person.title:
                signed.add_run().add_break()
                signed.add_run(docx_common.clean(person.title))
    else:
        body.add_paragraph(docx_common.clean(answer.signatory))
    if answer.handlaggare:
        docx_common.labelled(body, "Handläggare: ", answer.handlaggare.line())
    for paragraph in document.paragraphs[before_signature:-1]:
        paragraph.paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return docx_common.fixed_zip(buffer.getvalue(), date.fromisoformat(answer.header.date))
