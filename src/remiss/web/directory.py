"""The directory on the dashboard: groups, members and areas; re-sync from a YAML file.

An upload is previewed first (what it will change, and the open invitations it affects)
and applied only on a second POST that confirms it. Between the two the file travels in
the confirming form, signed with the secret key and bound to the coordinator and to the
directory as it stood at the preview: a directory changed since is previewed again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import UploadFile

from remiss.app import App
from remiss.core.errors import InputError
from remiss.directory import changes as planned
from remiss.directory import listing
from remiss.directory import sync as directory
from remiss.directory.areas import area_names
from remiss.directory.routing import known_areas
from remiss.mail import bounces
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, text
from remiss.web.pages import flash, redirect, render

router = APIRouter()

MAX_UPLOAD = 2_000_000
# A preview is confirmed within the hour, or uploaded again.
PREVIEW_SECONDS = 3600
# The signed file is one form field, which Starlette reads up to 1 MB (compressed, a
# directory of several thousand people fits with room to spare).
SIGNED_MOST = 900_000


def _show(
    request: Request, app: AppDep, coordinator: str, error: str | None = None, status: int = 200
) -> Response:
    with app.sessions() as session:
        groups = listing.directory_groups(session)
        active = [g for g in groups if g.active]
        names = area_names(known_areas(groups), active)
        return render(
            request,
            "directory.html",
            {
                "coordinator": coordinator,
                "groups": groups,
                "areas": sorted(names[a] for a in known_areas(active)),
                "area_names": names,
                "error": error,
                "bounced": bounces.bounced_addresses(session, app.settings.tz),
            },
            status_code=status,
        )


def _signer(app: App) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.settings.signing_key(), salt="remiss.directory-upload")


def _preview(
    request: Request,
    app: App,
    coordinator: str,
    source: str,
    name: str,
    *,
    moved: bool = False,
) -> Response:
    spec = directory.loads(source, name)
    with app.sessions() as session:
        changes = planned.preview(session, spec)
    signed = _signer(app).dumps(
        {"text": source, "name": name, "base": changes.fingerprint, "by": coordinator}
    )
    if len(signed) > SIGNED_MOST:
        return _show(
            request,
            app,
            coordinator,
            "Filen är för stor för att förhandsvisas här; läs in den med remiss directory import.",
            422,
        )
    context: dict[str, Any] = {
        "coordinator": coordinator,
        "changes": changes,
        "name": name,
        "signed": signed,
        "moved": moved,
    }
    return render(request, "directory_preview.html", context)


@router.get("/directory")
def show(request: Request, app: AppDep, coordinator: CoordinatorDep) -> Response:
    return _show(request, app, coordinator)


@router.post("/directory")
def upload(request: Request, app: AppDep, form: FormDep, coordinator: CoordinatorDep) -> Response:
    """Read the file and show what it would change; nothing is applied yet."""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _show(request, app, coordinator, "Välj en YAML-fil.", 422)
    content = file.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _show(request, app, coordinator, "Filen är för stor.", 422)
    try:
        source = content.decode("utf-8")
    except UnicodeDecodeError:
        return _show(request, app, coordinator, "Filen är inte UTF-8-text.", 422)
    try:
        return _preview(request, app, coordinator, source, file.filename)
    except InputError as exc:
        return _show(request, app, coordinator, str(exc), 422)


@router.post("/directory/confirm")
def confirm(request: Request, app: AppDep, form: FormDep, coordinator: CoordinatorDep) -> Response:
    """Apply the previewed file, if the directory is still as it was at the preview."""
    try:
        upload = _signer(app).loads(text(form, "upload"), max_age=PREVIEW_SECONDS)
    except BadSignature:
        upload = None
    if not isinstance(upload, dict) or upload.get("by") != coordinator:
        return _show(
            request,
            app,
            coordinator,
            "Förhandsvisningen gäller inte längre; ladda upp filen igen.",
            422,
        )
    source, name = str(upload["text"]), str(upload["name"])
    try:
        spec = directory.loads(source, name)
        with app.transaction() as session:
            if planned.fingerprint(session) != upload["base"]:
                raise _Moved
            result = directory.apply(session, spec, coordinator)
    except _Moved:
        return _preview(request, app, coordinator, source, name, moved=True)
    except InputError as exc:
        return _show(request, app, coordinator, str(exc), 422)
    flash(request, f"Katalogen är uppdaterad: {result.summary()}.")
    return redirect("/directory")


class _Moved(Exception):
    """The directory changed between the preview and its confirmation."""
