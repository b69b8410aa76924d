"""The letter (the yttrande that is sent) as a file in any format: Word, HTML or PDF.

The same ``JointAnswer`` gives every format: Word (``letter_docx``), the HTML page
(``letter_html``) and a tagged PDF set on ReportLab's canvas (``letter_pdf``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from remiss.yttrande.joint import JointAnswer


def render(answer: JointAnswer, fmt: str) -> bytes:
    """The yttrande in ``fmt`` (docx, html or pdf)."""
    # Imported here: python-docx and the rest load in a process that renders, none other.
    from remiss.yttrande.render import letter_docx, letter_html, letter_pdf

    if fmt == "docx":
        return letter_docx.render(answer)
    if fmt == "pdf":
        return letter_pdf.render(answer)
    return letter_html.render(answer).encode("utf-8")
