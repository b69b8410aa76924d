"""Render the sammanställning (the memo) as one self-contained HTML page."""

from __future__ import annotations

from remiss.yttrande import position_chart
from remiss.yttrande.model import NO_ANSWERS, NO_COMMENTS, Yttrande
from remiss.yttrande.render import layout, outcome_table
from remiss.yttrande.render.html import environment


def render(yttrande: Yttrande) -> str:
    """Return the yttrande as an HTML document (inline CSS, print CSS for A4)."""
    return (
        environment()
        .get_template("memo.html.j2")
        .render(
            y=yttrande,
            layout=layout,
            outcome_table=outcome_table,
            chart=position_chart.chart,
            no_answers=NO_ANSWERS,
            no_comments=NO_COMMENTS,
        )
    )
