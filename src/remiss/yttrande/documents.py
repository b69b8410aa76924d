"""The documents' files: which formats exist, which are stored, their bytes and names.

One rule for every shell: a version's files are rendered once, from its stored content,
after the compile that made it (``version_files``), and every download serves the stored
file; nothing here renders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from remiss.core.errors import InputError
from remiss.core.models import YttrandeVersion

FORMATS = ("docx", "html", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
FORMAT_NAMES = {"docx": "Word", "html": "HTML", "pdf": "PDF"}


def parse_formats(text: str, also: Sequence[str] = ()) -> list[str]:
    """``"docx, pdf"`` -> ``["docx", "pdf"]``; refuse an empty list or an unknown format.

    ``also``: formats a shell takes beside these (the yttrande in the sender's svarsmall)."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    known = (*FORMATS, *also)
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise InputError(
            f"okänt format: {', '.join(unknown)} (välj bland {', '.join(known)})",
            field="format",
        )
    if not wanted:
        raise InputError(f"ange minst ett av {', '.join(known)}", field="format")
    return list(dict.fromkeys(wanted))


def content(version: YttrandeVersion, fmt: str) -> bytes | None:
    """The version's stored document in ``fmt``, or None while it is not rendered.

    A file not yet rendered is empty in its column (the PDF's is NULL).
    """
    if fmt == "docx":
        return version.docx or None
    if fmt == "html":
        return version.html.encode("utf-8") if version.html else None
    if fmt == "pdf":
        return version.pdf or None
    raise InputError(f"okänt format: {fmt}", field="format")


def file_stem(reference: str) -> str:
    """A reference as a safe file name part: ``SÖSR 2026/3`` -> ``SÖSR_2026_3``."""
    return re.sub(r"[^\w.-]+", "_", reference).strip("._-") or "remiss"


def file_name(
    reference: str, fmt: str, number: int | None = None, document: str = "sammanstallning"
) -> str:
    """``KS-2026-003-sammanstallning.docx`` (``…-version-2.docx`` for an older version), or
    ``KS-2026-003-yttrande.docx`` for the yttrande that is sent."""
    suffix = "" if number is None else f"-version-{number}"
    return f"{file_stem(reference)}-{document}{suffix}.{fmt}"
