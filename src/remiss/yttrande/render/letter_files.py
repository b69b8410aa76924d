"""The letter (the yttrande that is sent) as a file in any format: Word, HTML or PDF.

The same ``JointAnswer`` gives every format; the PDF is its HTML page printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from remiss.yttrande.joint import JointAnswer


def render(answer: JointAnswer, fmt: str) -> bytes:
    """The yttrande in ``fmt`` (docx, html or pdf)."""
    # Imported here: python-docx and the rest load in a process that renders, none other.
    from remiss.yttrande.render import letter_docx, letter_html, weasy

    if fmt == "docx":
        return letter_docx.render(answer)
    document = letter_html.render(answer)
    return weasy.from_html(document) if fmt == "pdf" else document.encode("utf-8")
