"""Print the yttrande's HTML to PDF with WeasyPrint.

WeasyPrint is imported only here and only when a PDF is asked for: it needs the
Pango system libraries, and a machine without them should still compile DOCX and HTML.
"""

from __future__ import annotations

from remiss.core.errors import RemissError

MISSING = (
    "PDF kan inte skapas: WeasyPrint eller dess systembibliotek saknas. Installera "
    "libpango-1.0-0 och libpangoft2-1.0-0 (Debian/Ubuntu: apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0) och paketet weasyprint. / Cannot create the PDF: WeasyPrint or the "
    "system libraries it needs (libpango-1.0-0, libpangoft2-1.0-0) are missing."
)


def from_html(document: str) -> bytes:
    """Print an HTML document (with its print CSS) to PDF."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # OSError: WeasyPrint is installed but cannot load Pango.
        raise RemissError(f"{MISSING} ({exc})") from exc
    pdf = weasyprint.HTML(string=document).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
