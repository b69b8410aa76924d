"""Page rendering: one autoescaping Jinja2 environment, Swedish filters, flash messages."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from remiss.app import App
from remiss.core.swedish import date_sv, datetime_sv

TEMPLATES = Path(__file__).parent / "templates"
# The documents' templates too: a partial both draw (the positions per group and region).
DOCUMENT_TEMPLATES = Path(__file__).parent.parent / "yttrande" / "render" / "templates"
STATIC = Path(__file__).parent / "static"


def paragraphs(text: object) -> Markup:
    """Escaped text with its paragraphs and line breaks kept."""
    blocks = [b.strip("\n") for b in re.split(r"\n[ \t]*\n", str(text or "").strip())]
    return Markup("").join(
        Markup("<p>{}</p>").format(escape(b).replace("\n", Markup("<br>\n"))) for b in blocks if b
    )


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(TEMPLATES), str(DOCUMENT_TEMPLATES)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change with a new release, which restarts the process: no file is
        # looked at again on every render.
        auto_reload=False,
    )
    env.filters["date_sv"] = date_sv
    env.filters["paragraphs"] = paragraphs
    return env


def remiss_app(request: Request) -> App:
    app: App = request.app.state.remiss
    return app


def flash(request: Request, message: str) -> None:
    """Keep a message for the coordinator's next page."""
    request.session["flash"] = message


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    app = remiss_app(request)
    context = dict(context or {})
    context.setdefault("coordinator", None)
    context.setdefault("flash", None)
    context.setdefault("drafter", None)  # logged in to draft a round's answer only
    if (context["coordinator"] or context["drafter"]) and "flash" in request.session:
        context["flash"] = request.session.pop("flash")
    tz = app.settings.tz

    def when(moment: Any) -> str:
        return datetime_sv(moment, tz) if moment is not None else ""

    @cache
    def csrf_token() -> str:
        """The form token, issued once however many forms the page holds."""
        token: str = request.app.state.csrf.issue(request)
        return token

    html = (
        environment()
        .get_template(name)
        .render(
            request=request,
            settings=app.settings,
            csrf_token=csrf_token,
            when=when,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """POST/redirect/GET: always 303 so the browser follows with a GET."""
    return RedirectResponse(url, status_code=303)


def not_found(request: Request) -> HTMLResponse:
    """The one 404 page: an unknown link and a withdrawn one look the same."""
    return render(request, "notfound.html", status_code=404)


def message_page(request: Request, title: str, message: str, status_code: int) -> HTMLResponse:
    return render(
        request, "message.html", {"title": title, "message": message}, status_code=status_code
    )


def rate_limited_page() -> bytes:
    """The 429 page, rendered once (the limiter answers before any route runs)."""
    html = (
        environment()
        .get_template("ratelimited.html")
        .render(coordinator=None, drafter=None, flash=None)
    )
    return html.encode("utf-8")
