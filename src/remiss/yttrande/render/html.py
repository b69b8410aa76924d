"""The document templates' one Jinja2 environment (``templates/``), for every HTML page.

Autoescaping makes reviewer text data: '<script>' in an answer prints as text.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from remiss.yttrande.model import paragraphs

_ENV = Environment(
    loader=PackageLoader("remiss.yttrande.render", "templates"),
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
