"""The directory on the dashboard: groups, members and areas; re-sync from a YAML file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from remiss.core.errors import InputError
from remiss.directory import listing
from remiss.directory import sync as directory
from remiss.directory.routing import known_areas
from remiss.web.deps import AppDep, CoordinatorDep, FormDep
from remiss.web.pages import flash, redirect, render

router = APIRouter()

MAX_UPLOAD = 2_000_000


def _show(
    request: Request, app: AppDep, coordinator: str, error: str | None = None, status: int = 200
) -> Response:
    with app.sessions() as session:
        groups = listing.directory_groups(session)
        areas = sorted(known_areas([g for g in groups if g.active]))
        return render(
            request,
            "directory.html",
            {"coordinator": coordinator, "groups": groups, "areas": areas, "error": error},
            status_code=status,
        )


@router.get("/directory")
def show(request: Request, app: AppDep, coordinator: CoordinatorDep) -> Response:
    return _show(request, app, coordinator)


@router.post("/directory")
def upload(request: Request, app: AppDep, form: FormDep, coordinator: CoordinatorDep) -> Response:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _show(request, app, coordinator, "Välj en YAML-fil.", 422)
    content = file.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _show(request, app, coordinator, "Filen är för stor.", 422)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _show(request, app, coordinator, "Filen är inte UTF-8-text.", 422)
    try:
        with app.transaction() as session:
            result = directory.apply(session, directory.loads(text, file.filename), coordinator)
    except InputError as exc:
        return _show(request, app, coordinator, str(exc), 422)
    flash(request, f"Katalogen är uppdaterad: {result.summary()}.")
    return redirect("/directory")
