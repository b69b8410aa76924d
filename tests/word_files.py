"""Word, PDF and ODT files written by the tests themselves: a .docx with tracked changes and
a comment (its XML written with zipfile, as Word writes it), and files that only claim to be."""

from __future__ import annotations

import io
import zipfile

from remiss.app import App
from remiss.yttrande.closing import close_round

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{DOCX_TYPE}.main+xml"/>
<Override PartName="/word/comments.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>
<w:p><w:r><w:t xml:space="preserve">Patienter med mastocytos bör </w:t></w:r>
<w:ins w:id="1" w:author="Karin Kvist" w:date="2026-03-01T10:00:00Z"><w:r><w:t xml:space="preserve">alltid </w:t></w:r></w:ins>
<w:r><w:t xml:space="preserve">remitteras till </w:t></w:r>
<w:del w:id="2" w:author="Per Wallin" w:date="2026-03-02T10:00:00Z"><w:r><w:delText>ett regionalt</w:delText></w:r></w:del>
<w:r><w:t xml:space="preserve"> nationellt centrum.</w:t></w:r></w:p>
<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Uppföljningen efter fem år.</w:t></w:r>
<w:commentRangeEnd w:id="0"/></w:p>
</w:body></w:document>"""
_COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Karin Kvist">
<w:p><w:r><w:t>Vem ansvarar för &lt;detta&gt;?</w:t></w:r></w:p></w:comment></w:comments>"""

# What the drafting page shows of it (escaped as HTML).
SHOWN = (
    "Infogat</strong> av Karin Kvist: ”alltid”",
    "Borttaget</strong> av Per Wallin: ”ett regionalt”",
    "Kommentar</strong> av Karin Kvist: ”Vem ansvarar för &lt;detta&gt;?”",
    "I stycket: Patienter med mastocytos bör alltid remitteras till ett regionalt nationellt",
    "I stycket: Uppföljningen efter fem år.",
)


def closed(app: App, round_id: int) -> None:
    """Close the round, as the deadline or the coordinator does: the drafting page opens."""
    with app.transaction() as session:
        close_round(session, app.settings, round_id, "test")


def tracked_docx() -> bytes:
    """A Word document with an insertion, a deletion and a comment."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (
            ("[Content_Types].xml", _TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", _DOCUMENT),
            ("word/comments.xml", _COMMENTS),
        ):  # a fixed time: the same bytes at every call
            package.writestr(zipfile.ZipInfo(name, (2026, 3, 1, 10, 0, 0)), text)
    return out.getvalue()


def odt() -> bytes:
    """An OpenDocument text: its first entry, stored, names the type."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def not_a_docx() -> bytes:
    """An executable's first bytes under a Word file's name."""
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
