"""Render the letter (the yttrande that is sent) as one HTML page, also the source of its PDF."""

from __future__ import annotations

from remiss.yttrande.joint import JointAnswer
from remiss.yttrande.render import layout
from remiss.yttrande.render.html import environment


def render(answer: JointAnswer) -> str:
    """The yttrande as one self-contained HTML page (print CSS for A4, fits a phone)."""
    return (
        environment()
        .get_template("letter.html.j2")
        .render(
            y=answer, fields=layout.header_fields(answer.header), note=layout.letter_note(answer)
        )
    )
