"""The sammanställning's last section, the same in DOCX, HTML and PDF: what became of each
received comment in the yttrande (Med, Omformulerad, Ej med and why not)."""

from __future__ import annotations

from remiss.yttrande.model import Yttrande

TITLE = "Vad som blev av synpunkterna"
COLUMNS = ("Fråga", "Grupp", "Region", "Synpunkt", "Utfall", "Skäl")
NONE_WEIGHED = "Ingen synpunkt har bedömts ännu."
NOT_WEIGHED = "Inte bedömd"


def cells(yttrande: Yttrande) -> list[tuple[str, ...]]:
    """One row per comment, in the order of the questions and the drafting page."""
    return [
        (
            row.question,
            row.group or "–",
            row.region or "–",
            row.comment,
            row.outcome or NOT_WEIGHED,
            row.reason or "–",
        )
        for row in yttrande.dispositions
    ]
