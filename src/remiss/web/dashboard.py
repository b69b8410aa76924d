"""The coordinator's dashboard: every round, one round's matrix and answers, its actions."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.settings import Settings
from remiss.core.states import RoundState
from remiss.directory import kinds
from remiss.directory.sync import organisation
from remiss.mail import outbox
from remiss.rounds import (
    curve,
    overview,
    progress,
    redirecting,
    resuming,
    stage,
    timeline,
    transitions,
)
from remiss.web.deps import (
    AppDep,
    CoordinatorDep,
    IdPath,
    SessionDep,
)
from remiss.web.pages import remiss_app, render
from remiss.yttrande import approvals, decision_section, joint, sending
from remiss.yttrande.compile import position_charts
from remiss.yttrande.panel import panel

router = APIRouter()

SORTS: dict[str, tuple[Callable[[progress.RoundSummary], Any], bool]] = {
    "intern": (lambda r: (r.internal_deadline, r.reference), False),
    "-intern": (lambda r: (r.internal_deadline, r.reference), True),
    "nationell": (lambda r: (r.national_deadline, r.reference), False),
    "-nationell": (lambda r: (r.national_deadline, r.reference), True),
}
NO_BATCH = "Övriga remisser"
ENDED = {RoundState.SKICKAD, RoundState.AVSTAR, RoundState.PER_REGION, RoundState.INGA_SVAR}
SHOWN: dict[str, Callable[[str], bool]] = {
    "alla": lambda state: True,
    "pagaende": lambda state: state not in ENDED,
    "avslutade": lambda state: state in ENDED,
}


@router.get("/")
def rounds_list(
    request: Request,
    session: SessionDep,
    coordinator: CoordinatorDep,
    sort: str = "intern",
    visa: str = "alla",
) -> Response:
    key, reverse = SORTS.get(sort, SORTS["intern"])
    everything = sorted(progress.list_rounds(session), key=key, reverse=reverse)
    registered = [r for r in everything if r.state == RoundState.INKOMMEN]
    shown = visa if visa in SHOWN else "alla"
    rounds = [r for r in everything if r.state != RoundState.INKOMMEN and SHOWN[shown](r.state)]
    settings = remiss_app(request).settings
    today = now().astimezone(settings.tz).date()
    batches = _by_batch(rounds)
    return render(
        request,
        "rounds.html",
        {
            "coordinator": coordinator,
            "batches": batches,
            "curves": {
                name: curve.curve(session, [r.id for r in items], settings.tz, today)
                for name, items in batches
            },
            "registered": _by_batch(registered),
            "suggested": _suggested(session, registered),
            "sort": sort if sort in SORTS else "intern",
            "shown": shown,
            "waiting": outbox.waiting(session),
            # Openings cut short, by round id: "öppnandet avbröts: 40 av 100 inbjudna".
            "interrupted": resuming.interruptions(session),
        },
    )


def _suggested(session: Session, registered: list[progress.RoundSummary]) -> dict[int, str]:
    """The triage each registered round's kind proposes: per-region for such kinds."""
    known = organisation(session).kinds
    suggestions = {}
    for r in registered:
        kind = kinds.find(known, r.kind)
        if kind is not None and kind.answer == "per-region":
            suggestions[r.id] = "per-region"
    return suggestions


def _by_batch(rounds: list[progress.RoundSummary]) -> list[tuple[str, list[progress.RoundSummary]]]:
    """Rounds by remiss period, in the order the periods first appear."""
    order: dict[str, int] = {}
    for summary in rounds:
        order.setdefault(summary.batch or NO_BATCH, len(order))
    grouped = sorted(rounds, key=lambda r: order[r.batch or NO_BATCH])
    return [
        (name, list(items)) for name, items in groupby(grouped, key=lambda r: r.batch or NO_BATCH)
    ]


def round_context(session: Session, settings: Settings, round_id: int) -> dict[str, Any]:
    """What round.html shows of one round (NotFound for an unknown id)."""
    summary = overview.overview(session, settings, round_id)
    state = stage.state(summary.round, summary.progress.answered)
    return {
        "overview": summary,
        "round": summary.round,
        "progress": summary.progress,
        "labels": progress.STATE_LABELS,
        "states": progress.STATES,
        "yttrande": panel(session, summary.round),
        "anchoring": approvals.panel(session, summary.round),
        "waiting": outbox.waiting(session, round_id),
        "redirect_to": redirecting.candidates_for_round(session, round_id),
        "state": state,
        # What the page may offer: only the buttons that can act in this state.
        "can": transitions.actions(state),
        "interrupted": resuming.interruptions(session, [round_id]).get(round_id),
        "today": now().astimezone(settings.tz).date(),
        "timeline": timeline.timeline(session, round_id),
        "position_charts": position_charts(session, round_id),
        "sent_yttrande": outbox.of_kind(session, round_id, "yttrande_sent"),
        "sent_files": sending.sent_files(session, round_id),
        "no_documents": transitions.without_documents(session, summary.round),
        "own_decisions": decision_section.choices(session, organisation(session), summary.round),
        "signatory_lines": "\n".join(
            s.line() for s in joint.signatories(summary.round, organisation(session))
        ),
    }


@router.get("/rounds/{round_id}")
def round_page(
    request: Request,
    round_id: IdPath,
    app: AppDep,
    session: SessionDep,
    coordinator: CoordinatorDep,
) -> Response:
    context = round_context(session, app.settings, round_id)
    return render(request, "round.html", {"coordinator": coordinator, **context})
