"""The coordinator's guide (Guide för samordnare): the work from opening to the register,
step by step with pictures of the pages; open to all, as the accessibility statement is.

The pictures are the browser tests' own screenshots (``make guide-pictures``), so they
show the pages as they are; ``PICTURES`` names each one the guide uses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from remiss.web.pages import render

router = APIRouter()

# The guide's pictures, by the name the browser tests save them under (static/guide/).
PICTURES = (
    "new-round-desktop",
    "dashboard-triage",
    "dashboard-desktop",
    "round-open-desktop",
    "reviewer-new-phone",
    "round-closed-desktop",
    "drafting-wide",
    "round-anchoring",
    "approval-phone",
    "register-1280",
)


@router.get("/guide")
def guide(request: Request) -> Response:
    return render(request, "guide.html", {"pictures": PICTURES})
