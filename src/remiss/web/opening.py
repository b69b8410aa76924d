"""Opening rounds from the dashboard: the form, or an uploaded round or batch file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from remiss.app import App
from remiss.core.errors import InputError
from remiss.core.swedish import counted
from remiss.rounds import deadline_days
from remiss.rounds import form as roundform
from remiss.rounds import spec as roundspec
from remiss.usecases import opening
from remiss.web.deps import AppDep, CoordinatorDep, FormDep, RuntimeDep, text
from remiss.web.pages import flash, redirect, render

router = APIRouter()

MAX_UPLOAD = 1_000_000


def _form_values(form: FormData) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {}
    for name in roundform.FIELDS:
        items = [v for v in form.getlist(name) if isinstance(v, str)]
        values[name] = items if name in {"areas", "groups"} else (items[0] if items else "")
    return values


def _show(
    request: Request, app: App, coordinator: str, status_code: int = 200, **extra: Any
) -> Response:
    with app.sessions() as session:
        choices = roundform.choices(session)
    context: dict[str, Any] = {
        "coordinator": coordinator,
        "choices": choices,
        "values": {"coordinator": coordinator, "questions": "", "areas": [], "groups": []},
        "errors": {},
        "upload_error": None,
        "labels": roundform.LABELS,
        "preview": None,
    }
    context.update(extra)
    return render(request, "round_new.html", context, status_code=status_code)


@router.get("/rounds/new")
def new_round(request: Request, app: AppDep, coordinator: CoordinatorDep) -> Response:
    return _show(request, app, coordinator)


@router.post("/rounds/new")
def open_round(
    request: Request,
    app: AppDep,
    form: FormDep,
    coordinator: CoordinatorDep,
    rt: RuntimeDep,
) -> Response:
    values = _form_values(form)
    if text(form, "preview") == "1":
        try:
            with app.sessions() as session:
                preview = roundform.preview(session, values)
        except roundform.FormErrors as exc:
            return _show(request, app, coordinator, 422, values=values, errors=exc.fields)
        return _show(request, app, coordinator, values=values, preview=preview)
    triage = text(form, "triage") == "1"

    try:
        opened = opening.open_from_form(rt, values, coordinator, triage=triage)
    except roundform.FormErrors as exc:
        return _show(request, app, coordinator, 422, values=values, errors=exc.fields)
    note = "".join(f" Obs: {w}" for w in deadline_days.warnings(roundform.parse(values).spec))
    if triage:
        flash(request, f"Remissen är registrerad som inkommen; ingen är tillfrågad än.{note}")
        return redirect(f"/rounds/{opened.round_id}")
    told = f" {opened.informed} får den för kännedom." if opened.informed else ""
    sent = counted(opened.invitations, "inbjudan", "inbjudningar")
    flash(request, f"Remissen är öppnad. {sent} skickas.{told}{note}")
    return redirect(f"/rounds/{opened.round_id}")


@router.post("/rounds/upload")
def upload_rounds(
    request: Request,
    app: AppDep,
    form: FormDep,
    coordinator: CoordinatorDep,
    rt: RuntimeDep,
) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _show(request, app, coordinator, 422, upload_error="Välj en YAML-fil.")
    content = upload.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _show(request, app, coordinator, 422, upload_error="Filen är för stor.")
    try:
        source = content.decode("utf-8")
    except UnicodeDecodeError:
        return _show(request, app, coordinator, 422, upload_error="Filen är inte UTF-8-text.")
    name = upload.filename
    triage = text(form, "triage") == "1"

    try:
        opened = opening.open_from_upload(rt, source, name, coordinator, triage=triage)
    except InputError as exc:
        return _show(request, app, coordinator, 422, upload_error=str(exc))
    created = [o for o in opened if o.created]
    new = {o.reference for o in created}
    note = "".join(
        f" Obs: {p.spec.reference}: {w}"
        for p in roundspec.loads(source, name)
        if p.spec.reference in new
        for w in deadline_days.warnings(p.spec)
    )
    if triage:
        registered = counted(
            len(created), "remiss registrerad som inkommen", "remisser registrerade som inkomna"
        )
        flash(
            request,
            f"{registered}, {len(opened) - len(created)} fanns redan. Besluta om dem under "
            f"Inkomna remisser att besluta.{note}",
        )
        return redirect("/")
    sent = sum(o.invitations for o in created)
    flash(
        request,
        f"{counted(len(created), 'remiss öppnad', 'remisser öppnade')}, "
        f"{len(opened) - len(created)} fanns redan. "
        f"{counted(sent, 'inbjudan', 'inbjudningar')} skickas.{note}",
    )
    return redirect(f"/rounds/{created[0].round_id}" if len(created) == 1 else "/")
