"""The yttrande on the dashboard: downloads, versions, the coordinator's summary, compiling.

Every route here is for coordinators only. Compiling from the web stores Word and HTML;
the PDF is printed from a version's stored HTML the first time someone downloads it,
so that closing a round or saving a summary does not wait on WeasyPrint (or fail on
a machine without it) and the PDF always shows exactly the version it belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from remiss.app import App
from remiss.core.errors import InputError, NotFound, Refused, RemissError
from remiss.core.models import Round, YttrandeVersion
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, SessionDep, text
from remiss.web.pages import flash, message_page, not_found, redirect, render
from remiss.yttrande import pdf
from remiss.yttrande.compile import load_round
from remiss.yttrande.export import answers_csv
from remiss.yttrande.notices import yttrande_ready
from remiss.yttrande.versions import SIGNATORY_MAX, compile_round, latest, update_summary

router = APIRouter()

WEB_FORMATS = ("docx", "html")
# A summary is a few paragraphs; ten thousand characters is four printed pages.
SUMMARY_MAX = 10_000
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
FORMAT_NAMES = {"docx": "Word", "html": "HTML", "pdf": "PDF"}
REFUSED = (
    "Yttrandet sammanställs just nu av någon annan. Vänta en stund och försök igen; "
    "det du har skrivit finns kvar i formuläret."
)
UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


# --- services the dashboard calls ----------------------------------------------------------


def compile_and_notify(
    session: Session, settings: Settings, round_id: int, actor: str
) -> YttrandeVersion:
    """Compile the round's yttrande and queue the coordinator's notice (once per version)."""
    version = compile_round(session, round_id, settings, actor, WEB_FORMATS)
    yttrande_ready(session, settings, round_id, version)
    return version


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: datetime
    checksum: str

    @property
    def short_checksum(self) -> str:
        return self.checksum[:12]


@dataclass
class Panel:
    """What the round page's yttrande section shows, and what the form holds."""

    versions: list[VersionRow]
    summary: str
    signatory: str
    default_signatory: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def latest(self) -> VersionRow | None:
        return self.versions[-1] if self.versions else None


def panel(
    session: Session,
    round_: Round,
    *,
    summary: str | None = None,
    signatory: str | None = None,
    errors: dict[str, str] | None = None,
) -> Panel:
    """The yttrande section of ``round_``'s page; typed values win over stored ones."""
    # Only the columns the list shows: each stored version also holds its documents.
    rows = session.scalars(
        select(YttrandeVersion)
        .where(YttrandeVersion.round_id == round_.id)
        .options(
            load_only(YttrandeVersion.number, YttrandeVersion.created_at, YttrandeVersion.checksum)
        )
        .order_by(YttrandeVersion.number)
    )
    default_signatory = organisation(session).signatory
    return Panel(
        versions=[VersionRow(r.number, r.created_at, r.checksum) for r in rows],
        summary=(round_.summary or "") if summary is None else summary,
        signatory=(round_.signatory or default_signatory) if signatory is None else signatory,
        default_signatory=default_signatory,
        errors=errors or {},
    )


# --- downloads -----------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    utf8 = "".join("_" if c in '"\\/' or unicodedata.category(c)[0] == "C" else c for c in filename)
    ascii_name = unicodedata.normalize("NFKD", utf8).encode("ascii", "ignore").decode("ascii")
    ascii_name = UNSAFE_IN_FILENAME.sub("_", ascii_name).strip("._") or "yttrande"
    header = f'attachment; filename="{ascii_name}"'
    if utf8 != ascii_name:
        header += f"; filename*=UTF-8''{quote(utf8, safe='')}"
    return header


def attachment(content: bytes, fmt: str, filename: str) -> Response:
    return Response(
        content,
        media_type=CONTENT_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-store",
        },
    )


def _document(version: YttrandeVersion, fmt: str) -> bytes | None:
    if fmt == "docx":
        return version.docx or None
    if fmt == "html":
        return version.html.encode("utf-8")
    # Printed from the stored HTML when the version has no PDF, so it is this version
    # and no other; not stored, since a GET changes nothing.
    return version.pdf or pdf.from_html(version.html)


def download(
    request: Request, app: App, round_id: int, fmt: str, coordinator: str, number: int | None
) -> Response:
    """The latest version's document, or version ``number``; a GET compiles nothing."""
    try:
        with app.sessions() as session:
            round_ = session.get(Round, round_id)
            if round_ is None:
                return not_found(request)
            if number is None:
                version = latest(session, round_id)
                if version is None:
                    return message_page(
                        request,
                        "Inget yttrande ännu",
                        "Yttrandet sammanställs när remissen stängs. Vill du se det redan nu, "
                        "välj Sammanställ igen under Yttrande på remissens sida.",
                        status_code=404,
                    )
            else:
                version = session.scalars(
                    select(YttrandeVersion).where(
                        YttrandeVersion.round_id == round_id, YttrandeVersion.number == number
                    )
                ).first()
                if version is None:
                    return not_found(request)
            content = _document(version, fmt)
            if content is None:
                return message_page(
                    request,
                    "Filen finns inte",
                    f"Version {version.number} sparades utan {FORMAT_NAMES[fmt]}-fil. "
                    "Ladda ner den som PDF eller HTML i stället.",
                    status_code=404,
                )
            suffix = "" if number is None else f"-version-{version.number}"
            filename = f"{round_.reference}-yttrande{suffix}.{fmt}"
    except NotFound:
        return not_found(request)
    except Refused:
        return message_page(request, "Det gick inte", REFUSED, status_code=409)
    except RemissError as exc:
        # WeasyPrint or its system libraries missing: say so rather than fail blankly.
        return message_page(request, "Det gick inte", str(exc), status_code=503)
    return attachment(content, fmt, filename)


@router.get("/rounds/{round_id}/yttrande.docx")
def yttrande_docx(
    request: Request, round_id: int, app: AppDep, coordinator: CoordinatorDep,
    version: int | None = None,
) -> Response:  # fmt: skip
    return download(request, app, round_id, "docx", coordinator, version)


@router.get("/rounds/{round_id}/yttrande.pdf")
def yttrande_pdf(
    request: Request, round_id: int, app: AppDep, coordinator: CoordinatorDep,
    version: int | None = None,
) -> Response:  # fmt: skip
    return download(request, app, round_id, "pdf", coordinator, version)


@router.get("/rounds/{round_id}/yttrande.html")
def yttrande_html(
    request: Request, round_id: int, app: AppDep, coordinator: CoordinatorDep,
    version: int | None = None,
) -> Response:  # fmt: skip
    # The document carries its own inline <style>, which the app's CSP forbids. It is
    # served as an attachment, never rendered in the app's origin: the browser saves it
    # and opens it as a local file. Relaxing the CSP for this response instead would put
    # reviewer-written text on a page of ours under a weaker policy.
    return download(request, app, round_id, "html", coordinator, version)


@router.get("/rounds/{round_id}/answers.csv")
def answers(
    request: Request, round_id: int, session: SessionDep, coordinator: CoordinatorDep
) -> Response:
    try:
        reference = load_round(session, round_id).reference
        csv_text = answers_csv(session, round_id)
    except NotFound:
        return not_found(request)
    return Response(
        csv_text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition(f"{reference}-svar.csv"),
            "Cache-Control": "no-store",
        },
    )


# --- the coordinator's text and compiling --------------------------------------------------


def _form_errors(summary: str, signatory: str) -> dict[str, str]:
    errors = {}
    length = len(summary.replace("\r\n", "\n").strip())
    if length > SUMMARY_MAX:
        errors["summary"] = (
            f"Sammanfattningen får vara högst {_count(SUMMARY_MAX)} tecken; "
            f"den är nu {_count(length)}. Korta den och spara igen."
        )
    if len(signatory.strip()) > SIGNATORY_MAX:
        errors["signatory"] = f"Undertecknaren får vara högst {SIGNATORY_MAX} tecken."
    return errors


def _count(n: int) -> str:
    """'10 000': Swedish digit grouping, with a space that does not break."""
    return f"{n:,}".replace(",", "\u00a0")


def _form_again(
    request: Request,
    app: App,
    round_id: int,
    coordinator: str,
    summary: str,
    signatory: str,
    errors: dict[str, str],
    status_code: int,
) -> Response:
    """The round page again, the form holding what was typed and saying what went wrong."""
    from remiss.web.dashboard import round_context  # the dashboard includes this module

    with app.sessions() as session:
        try:
            context: dict[str, Any] = round_context(session, app.settings, round_id)
        except NotFound:
            return not_found(request)
        context["yttrande"] = panel(
            session, context["round"], summary=summary, signatory=signatory, errors=errors
        )
        return render(
            request,
            "round.html",
            {"coordinator": coordinator, **context},
            status_code=status_code,
        )


@router.post("/rounds/{round_id}/yttrande")
def save_and_compile(
    request: Request, round_id: int, app: AppDep, form: FormDep, coordinator: CoordinatorDep
) -> Response:
    summary, signatory = text(form, "summary"), text(form, "signatory")
    errors = _form_errors(summary, signatory)
    if errors:
        return _form_again(request, app, round_id, coordinator, summary, signatory, errors, 422)
    try:
        with app.transaction() as session:
            update_summary(session, round_id, summary, signatory, coordinator)
            version = compile_round(session, round_id, app.settings, coordinator, WEB_FORMATS)
            number = version.number
    except NotFound:
        return not_found(request)
    except InputError as exc:
        name = exc.field if exc.field in ("summary", "signatory") else "summary"
        message = exc.message[:1].upper() + exc.message[1:] + "."
        return _form_again(
            request, app, round_id, coordinator, summary, signatory, {name: message}, 422
        )
    except Refused:
        return _form_again(
            request, app, round_id, coordinator, summary, signatory, {"summary": REFUSED}, 409
        )
    flash(request, f"Yttrandet är sammanställt (version {number}).")
    return redirect(f"/rounds/{round_id}#yttrande")


@router.post("/rounds/{round_id}/yttrande/compile")
def compile_again(
    request: Request, round_id: int, app: AppDep, coordinator: CoordinatorDep
) -> Response:
    try:
        with app.transaction() as session:
            before = latest(session, round_id)
            version = compile_round(session, round_id, app.settings, coordinator, WEB_FORMATS)
            unchanged = before is not None and before.number == version.number
            number = version.number
    except NotFound:
        return not_found(request)
    except Refused:
        return message_page(request, "Det gick inte", REFUSED, status_code=409)
    if unchanged:
        flash(request, f"Inget nytt sedan version {number}; yttrandet är oförändrat.")
    else:
        flash(request, f"Yttrandet är sammanställt (version {number}).")
    return redirect(f"/rounds/{round_id}#yttrande")
