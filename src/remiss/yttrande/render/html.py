"""Render the yttrande as one self-contained HTML page, also the source of the PDF.

Autoescaping makes reviewer text data: '<script>' in an answer prints as text.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from remiss.yttrande import layout
from remiss.yttrande.model import NO_ANSWERS, NO_COMMENTS, Yttrande, paragraphs

_ENV = Environment(
    loader=PackageLoader("remiss.yttrande", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["paragraphs"] = paragraphs


def environment() -> Environment:
    """The autoescaping environment of the document templates."""
    return _ENV


def render(yttrande: Yttrande) -> str:
    """Return the yttrande as an HTML document (inline CSS, print CSS for A4)."""
    return _ENV.get_template("yttrande.html.j2").render(
        y=yttrande,
        layout=layout,
        no_answers=NO_ANSWERS,
        no_comments=NO_COMMENTS,
    )
