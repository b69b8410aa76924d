"""A tagged PDF (PDF/UA-1) from pages set on ReportLab's canvas: the letter that is sent.

Regeringskansliet asks for an accessible PDF beside the editable file. ReportLab draws
untagged pages, so ``Pages`` marks what it draws as it draws it: each block (a heading, a
paragraph, one side of the letterhead) is a structure element, and each piece of it on a
page a marked-content sequence (``/P <</MCID 3>> BDC … EMC``); what is only decoration (the
page numbers, a frame) is marked ``/Artifact``. ``Tags`` records those in reading order;
``finish`` then writes the structure tree, its parent tree, /MarkInfo, /Lang, the title
shown as the window's title and the XMP identification as PDF/UA-1 (with pikepdf, once the
canvas has written the file).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

ARTIFACT_BEGIN, END = "/Artifact BMC", "EMC"


@dataclass
class Element:
    """One structure element: its type (``H1``, ``P``) and its pieces as (page, MCID)."""

    role: str
    parts: list[tuple[int, int]] = field(default_factory=list)


class Tags:
    """The structure of a document as its pages are drawn, in reading order."""

    def __init__(self) -> None:
        self.elements: list[Element] = []
        self._next: list[int] = []  # the next MCID on each page

    def begin(self, role: str) -> None:
        """A new element: what is marked from now on belongs to it."""
        self.elements.append(Element(role))

    def mark(self, page: int) -> str:
        """The operator that opens the current element's next piece on ``page`` (0-based)."""
        while len(self._next) <= page:
            self._next.append(0)
        mcid = self._next[page]
        self._next[page] += 1
        element = self.elements[-1]
        element.parts.append((page, mcid))
        return f"/{element.role} <</MCID {mcid}>> BDC"


def finish(data: bytes, tags: Tags, title: str, lang: str) -> bytes:
    """``data`` (the canvas's file) with its structure tree, as tagged PDF/UA-1."""
    import pikepdf  # loaded by the process that renders the letter, by no other
    from pikepdf import Array, Dictionary, Name

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
        kids = Array()
        by_page: list[dict[int, pikepdf.Object]] = [{} for _ in pages]
        for element in tags.elements:
            if not element.parts:
                continue
            first = pages[element.parts[0][0]].obj
            node = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=document, Pg=first)
            )
            node.K = Array(
                Dictionary(Type=Name.MCR, Pg=pages[page].obj, MCID=mcid)
                for page, mcid in element.parts
            )
            for page, mcid in element.parts:
                by_page[page][mcid] = node
            kids.append(node)
        document.K = kids
        numbers = Array()
        for index, marked in enumerate(by_page):
            pages[index].obj.StructParents = index
            pages[index].obj.Tabs = Name.S
            numbers.append(index)
            numbers.append(pdf.make_indirect(Array(marked[m] for m in sorted(marked))))
        root.K = Array([document])
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
        root.ParentTreeNextKey = len(pages)
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.Lang = pikepdf.String(lang)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        # Not marked as edited by pikepdf: no clock in the file, the same letter the same bytes.
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:title"] = title
            xmp["pdfuaid:part"] = "1"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
