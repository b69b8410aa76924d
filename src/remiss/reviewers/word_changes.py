"""A Word file's tracked changes (w:ins, w:del) and comments, read so the drafter need not
open it: who, what, and where (the text of the paragraph around it, shortened).

python-docx reads no revisions, so the package's XML is read here with lxml, entities and
the network off, and each part read only up to ``PART_MOST`` bytes unpacked (a small zip
may unpack to gigabytes).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
PART_MOST = 50 * 1024 * 1024
CHANGES_MOST = 500  # listed on the page; a file with more says how many were left out
AROUND = 160  # characters of the paragraph shown as "where"
KINDS = {"ins": "Infogat", "del": "Borttaget", "comment": "Kommentar"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class Unreadable(Exception):
    """The package's XML could not be read."""


def _part(package: zipfile.ZipFile, name: str) -> Any | None:
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > PART_MOST:
        raise Unreadable(name)
    with package.open(info) as part:
        data = part.read(PART_MOST + 1)
    if len(data) > PART_MOST:
        raise Unreadable(name)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(name) from exc


def _text(element: Any) -> str:
    """The visible text under ``element``, deleted text included (w:delText)."""
    parts = element.xpath(".//w:t/text() | .//w:delText/text()", namespaces=_NS)
    return " ".join("".join(parts).split())


def shorten(text: str, most: int = AROUND) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _where(element: Any) -> str:
    paragraph = next(element.iterancestors(f"{{{W}}}p"), None)
    return shorten(_text(paragraph)) if paragraph is not None else ""


def read(content: bytes) -> list[dict[str, str]]:
    """The tracked changes and comments of the .docx ``content``, in document order:
    each with ``kind`` (Infogat, Borttaget, Kommentar), ``author``, ``text``, ``where``."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            document = _part(package, "word/document.xml")
            comments = _part(package, "word/comments.xml")
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        raise Unreadable("zip") from exc
    found: list[dict[str, str]] = []
    if document is not None:
        said = _comments(comments)
        for element in document.iter(f"{{{W}}}ins", f"{{{W}}}del", f"{{{W}}}commentRangeStart"):
            local = etree.QName(element).localname
            if local == "commentRangeStart":
                comment = said.pop(element.get(f"{{{W}}}id", ""), None)
                if comment is not None:
                    found.append({**comment, "where": _where(element)})
                continue
            text = _text(element)
            if not text:
                continue  # a change of formatting or an empty run: nothing to read
            author = element.get(f"{{{W}}}author") or "Okänd"
            found.append({"kind": KINDS[local], "author": author, "text": shorten(text, 600),
                          "where": _where(element)})  # fmt: skip
        found.extend({**comment, "where": ""} for comment in said.values())
    return found[:CHANGES_MOST]


def _comments(comments: Any | None) -> dict[str, dict[str, str]]:
    if comments is None:
        return {}
    return {
        str(c.get(f"{{{W}}}id", "")): {
            "kind": KINDS["comment"],
            "author": c.get(f"{{{W}}}author") or "Okänd",
            "text": shorten(_text(c), 600),
        }
        for c in comments.iterfind("w:comment", _NS)
    }
