"""What routes ask for, as Annotated aliases: the app, a read session, the coordinator."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import aclosing
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.types import Message

from remiss.access import coordinators, sessions
from remiss.app import App
from remiss.core.errors import RoundNotFound
from remiss.core.models import Round
from remiss.core.text import printable
from remiss.reviewers.attachments import FILE_MOST, FILES_MOST
from remiss.rounds.questions import QUESTIONS_MOST
from remiss.usecases.runtime import Runtime
from remiss.web.pages import remiss_app


class LoginRequired(Exception):
    """The page needs a logged-in session."""


class NotCoordinator(Exception):
    """Logged in to draft a round's answer, not to coordinate: their own page instead."""


# The small dependencies are coroutines: FastAPI runs a plain function in a worker
# thread, and a hop there and back for every one of them cost more than the page.


async def the_app(request: Request) -> App:
    return remiss_app(request)


AppDep = Annotated[App, Depends(the_app)]


async def web_runtime(request: Request) -> Runtime:
    """The runtime a route runs its use case in: what the use case leaves for after its
    commit is the workers' (``remiss worker``), and the action is told to Prefect when
    ``remiss serve`` gave an announcer."""
    state = request.app.state
    return Runtime(state.remiss, inline=False, announcer=state.announcer)


RuntimeDep = Annotated[Runtime, Depends(web_runtime)]

# Ids as the database holds them (32-bit); any other number in a path names no page.
ID_MAX = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=ID_MAX)]
VersionQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]


def read_session(app: AppDep) -> Iterator[Session]:
    """A session for pages that only read; it is rolled back, never committed.

    Routes that change state open ``app.transaction()`` themselves, so that a domain
    error they turn into a page also rolls back what was done before it.
    """
    with app.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(read_session)]


def current_user(request: Request, app: AppDep) -> str:
    """The logged-in person's email: a coordinator, or a lead's officer drafting a round.

    Someone who may no longer log in (taken off the list, no round to draft) has every
    session ended at once.
    """
    sid = request.session.get("sid")
    if sid is None:
        raise LoginRequired
    with app.transaction() as session:
        email = sessions.who(session, sid)
        if email is not None and not coordinators.may_log_in(session, app.settings, email):
            sessions.end_all(session, email)
            email = None
    if email is None:
        request.session.clear()
        raise LoginRequired
    return email


UserDep = Annotated[str, Depends(current_user)]


def current_coordinator(user: UserDep, app: AppDep) -> str:
    """The logged-in coordinator's email, checked against who may coordinate now."""
    with app.sessions() as session:
        if not coordinators.is_coordinator(session, app.settings, user):
            raise NotCoordinator
    return user


def round_user(round_id: IdPath, user: UserDep, app: AppDep) -> str:
    """The logged-in person, if they may work on this round (a coordinator, or its drafter).

    Anyone else gets the page that does not exist: a drafter of one round learns nothing
    of another.
    """
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        if round_ is None or not coordinators.may_draft(session, app.settings, round_, user):
            raise RoundNotFound(round_id)
    return user


RoundUserDep = Annotated[str, Depends(round_user)]

CoordinatorDep = Annotated[str, Depends(current_coordinator)]


async def form_data(request: Request) -> FormData:
    """The posted form (parsed once; the CSRF check has read it already, within
    ``ReviewerForm``'s limits on a reviewer's routes, Starlette's own elsewhere)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def text(form: FormData, name: str) -> str:
    """A form field as text, without control characters; "" when absent or a file."""
    value = form.get(name)
    return printable(value) if isinstance(value, str) else ""


# Starlette reads a form of at most 1,000 fields of at most 1 MB each, with no bound on
# the whole, and answers anything beyond with a bare 400 that loses what was typed. A
# reviewer's answer may be longer than that (200,000 characters are up to 2.4 MB
# percent-encoded), and a round asks at most QUESTIONS_MOST questions, one field each
# beside the form's token, the button pressed, the mark of consequences at system
# level and the three of forwarding (the colleague's name and address, whether the draft
# goes along: they belong to the answer's form, so that forwarding keeps what was typed):
# so a reviewer's form is read whole up to BODY_MOST bytes and ANSWER_FIELDS_MOST fields.
# Beyond BODY_MOST it is read as far as that (``cut_short``), for the page to show what it
# can of it.
ANSWER_FIELDS_MOST = QUESTIONS_MOST + 6
BODY_MOST = 5 * 1024 * 1024
# With files (``multipart/form-data``) the body may also hold an answer's attachments; a
# multipart body cut short is read up to its last whole part (``_whole_parts``): the fields
# come before the files in the page's form, so what was typed is kept.
FILES_BODY_MOST = BODY_MOST + FILES_MOST * FILE_MOST + 1024 * 1024
# Parts with a file name: more than an answer may hold, so that a sixth file is refused by
# the answer with what was typed kept, not by the parser with a bare 400.
FILE_PARTS_MOST = 100


class ReviewerForm(APIRoute):
    """A route whose form is read within a reviewer's limits, before the CSRF check."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def read_then_handle(request: Request) -> Response:
            if request.method != "POST":
                return await handle(request)
            multipart = request.headers.get("content-type", "").startswith("multipart/")
            most = FILES_BODY_MOST if multipart else BODY_MOST
            body, cut = await _body_within(request, most)
            request.state.cut_short = cut
            if cut and multipart:
                body = _whole_parts(request, body)
            # The body read again by a request of its own: Starlette reads a form from
            # the stream, which this one has used up.
            replayed = Request(request.scope, _replay(body))
            await replayed.form(
                max_files=FILE_PARTS_MOST,
                max_fields=ANSWER_FIELDS_MOST,
                max_part_size=BODY_MOST,
            )
            return await handle(replayed)

        return read_then_handle


def cut_short(request: Request) -> bool:
    """Whether the posted body was longer than ``BODY_MOST`` and read only that far."""
    return bool(getattr(request.state, "cut_short", False))


async def _body_within(request: Request, most: int) -> tuple[bytes, bool]:
    body = bytearray()
    async with aclosing(request.stream()) as stream:
        async for chunk in stream:
            body += chunk
            if len(body) > most:
                return bytes(body[:most]), True
    return bytes(body), False


def _whole_parts(request: Request, body: bytes) -> bytes:
    """A multipart ``body`` cut short, ended after its last whole part."""
    boundary = request.headers.get("content-type", "").partition("boundary=")[2]
    boundary = boundary.split(";")[0].strip().strip('"')
    delimiter = b"\r\n--" + boundary.encode("latin-1", "replace")
    end = body.rfind(delimiter)
    return body[:end] + delimiter + b"--\r\n" if end > 0 else b""


def _replay(body: bytes) -> Callable[[], Coroutine[Any, Any, Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
