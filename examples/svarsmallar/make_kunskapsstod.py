"""Write kunskapsstod-svarsmall.docx: a sender's svarsmall of the kunskapsstöd shape.

The national svarsmall for a kunskapsstöd on remiss (Nationellt system för kunskapsstyrning
hälso- och sjukvård) asks who answers, the position on the document, and comments on its
content, on given sections, on the consequences and on what introducing it needs. This is
that shape with docxtpl's ``{{ field }}`` tags where the answer goes; the fields are those
``template_fields`` names in src/remiss/rounds/question_sets/default.yaml, plus the letter's
own (``remiss.rounds.svarsmall.HEADER_FIELDS``). The .docx beside this script is its output,
checked in; run it again after changing the shape:

    .venv/bin/python examples/svarsmallar/make_kunskapsstod.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

OUT = Path(__file__).with_name("kunskapsstod-svarsmall.docx")

QUESTIONS = [
    ("Synpunkter på kunskapsstödets innehåll", "synpunkter_innehall"),
    ("Synpunkter på specifika avsnitt (ange avsnitt och sida)", "synpunkter_avsnitt"),
    (
        "Organisatoriska och ekonomiska konsekvenser för verksamheten (kompetens, bemanning, "
        "utrustning, IT)",
        "konsekvenser",
    ),
    ("Behov av stöd vid införande och uppföljning", "inforande"),
    ("Övriga synpunkter", "ovriga_synpunkter"),
]


def main() -> None:
    document = Document()
    document.core_properties.author = ""
    document.core_properties.title = "Svarsmall för remissvar, kunskapsstöd"
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.add_paragraph("{{ status }}")
    document.add_heading("Svarsmall för remissvar", level=1)
    document.add_paragraph("Remiss: {{ titel }}")

    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, field in [
        ("Remissinstans", "organisation"),
        ("Diarienummer (avsändarens)", "er_referens"),
        ("Remissinstansens diarienummer", "var_referens"),
        ("Datum", "datum"),
        ("Kontaktperson", "handlaggare"),
    ]:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = "{{ " + field + " }}"

    document.add_heading("Ställningstagande", level=2)
    document.add_paragraph("Ställer ni er bakom kunskapsstödet?")
    document.add_paragraph("{{ stallningstagande }}")
    document.add_paragraph("Motivering")
    document.add_paragraph("{{ stallningstagande_synpunkter }}")

    for heading, field in QUESTIONS:
        document.add_heading(heading, level=2)
        document.add_paragraph("{{ " + field + " }}")

    document.add_heading("Beslut och underskrift", level=2)
    document.add_paragraph("{{ beslut }}")
    document.add_paragraph("{{ underskrifter }}")
    document.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
