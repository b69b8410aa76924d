"""What may be done to a remiss in each of its states: the one table every shell consults.

Every command, button and route that acts on a round asks ``require`` first (the services
do, so no shell can forget), and pages offer only the buttons ``allowed`` says can act.
Nothing takes a round that is in förankring, beslutad, skickad, avstår or per region back
to collecting: only a round in beredning before its draft is handed over (or one nobody
answered) may be opened again by moving its internal deadline.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from remiss.core.errors import Refused
from remiss.core.models import Round
from remiss.core.states import RoundState
from remiss.rounds import stage


class Action(StrEnum):
    TRIAGE = "triage"
    RETRIAGE = "retriage"
    REMIND = "remind"
    ALLOW_LATE = "allow_late"
    RESEND = "resend"
    FORWARD = "forward"
    EXTEND = "extend"
    MOVE_NATIONAL = "national_deadline"
    CLOSE = "close"
    COMPILE = "compile"
    DRAFT_WITHOUT_ANSWERS = "draft_without_answers"
    SAVE_DRAFT = "save_draft"
    HAND_OVER = "hand_over"
    ANCHOR = "anchor"
    DECIDE = "decide"
    SEND = "send"
    SEND_AGAIN = "send_again"
    SET_DETAILS = "set_details"
    FINISH_OPENING = "finish_opening"


S = RoundState
COLLECTING = frozenset({S.OPPEN})
# After collecting, until the answer is sent: the states that still have a yttrande to make.
MAKING = frozenset({S.BEREDNING, S.FORANKRING, S.BESLUTAD})

ALLOWED: dict[Action, frozenset[RoundState]] = {
    Action.TRIAGE: frozenset({S.INKOMMEN}),
    # A triage decision may be changed, with a reason, while nobody has answered.
    Action.RETRIAGE: frozenset({S.OPPEN, S.AVSTAR, S.PER_REGION, S.INGA_SVAR}),
    Action.REMIND: COLLECTING,
    # A late answer can still shape the draft until it is handed over (or be the first).
    Action.ALLOW_LATE: frozenset({S.OPPEN, S.BEREDNING, S.INGA_SVAR}),
    Action.RESEND: COLLECTING,
    Action.FORWARD: COLLECTING,
    # Moving the internal deadline reopens a closed round: only before the hand-over.
    Action.EXTEND: frozenset({S.OPPEN, S.BEREDNING, S.INGA_SVAR}),
    # The sender's extension re-plans without reopening.
    Action.MOVE_NATIONAL: frozenset({S.OPPEN, S.BEREDNING, S.FORANKRING, S.BESLUTAD, S.INGA_SVAR}),
    Action.CLOSE: COLLECTING,
    Action.COMPILE: COLLECTING | MAKING | {S.SKICKAD},
    Action.DRAFT_WITHOUT_ANSWERS: frozenset({S.INGA_SVAR}),
    Action.SAVE_DRAFT: MAKING,
    Action.HAND_OVER: frozenset({S.BEREDNING, S.FORANKRING}),
    # The handed-over draft to the leadership; once decided, the decision is what counts.
    Action.ANCHOR: frozenset({S.FORANKRING}),
    Action.DECIDE: frozenset({S.FORANKRING, S.BESLUTAD}),
    Action.SEND: frozenset({S.BESLUTAD}),
    Action.SEND_AGAIN: frozenset({S.SKICKAD}),
    Action.SET_DETAILS: frozenset(set(S) - {S.SKICKAD}),
    # Inviting the rest of an opening cut short: only while answers are collected.
    Action.FINISH_OPENING: COLLECTING,
}

# What the action is, as the refusal names it: "… att förlänga svarstiden går bara …".
WORDS: dict[Action, str] = {
    Action.TRIAGE: "att triagera",
    Action.RETRIAGE: "att ändra triagebeslutet",
    Action.REMIND: "att påminna",
    Action.ALLOW_LATE: "att tillåta ett sent svar",
    Action.RESEND: "att skicka inbjudan igen",
    Action.FORWARD: "att vidarebefordra",
    Action.EXTEND: "att ändra den interna svarsdagen",
    Action.MOVE_NATIONAL: "att flytta den nationella svarsdagen",
    Action.CLOSE: "att stänga för svar",
    Action.COMPILE: "att sammanställa",
    Action.DRAFT_WITHOUT_ANSWERS: "att skriva yttrandet utan svar",
    Action.SAVE_DRAFT: "att spara utkastet",
    Action.HAND_OVER: "att lämna utkastet till samordnaren",
    Action.ANCHOR: "att skicka utkastet för förankring",
    Action.DECIDE: "att registrera beslutet",
    Action.SEND: "att skicka yttrandet",
    Action.SEND_AGAIN: "att skicka yttrandet igen",
    Action.SET_DETAILS: "att ändra vår referens eller mottagaren",
    Action.FINISH_OPENING: "att slutföra öppnandet",
}
ORDER = list(S)
# What to do instead, where the state alone does not say it.
HINTS: dict[tuple[Action, RoundState], str] = {
    (Action.DECIDE, S.BEREDNING): "utkastet är inte lämnat till samordnaren än",
    (Action.ANCHOR, S.BEREDNING): "utkastet är inte lämnat till samordnaren än",
    (Action.ANCHOR, S.BESLUTAD): "yttrandet är redan beslutat",
    (Action.SEND, S.BEREDNING): "inget beslut är registrerat; besluta först",
    (Action.SEND, S.FORANKRING): "inget beslut är registrerat om den aktuella versionen",
    (Action.EXTEND, S.FORANKRING): "utkastet är lämnat; flytta den nationella svarsdagen i stället",
    (Action.EXTEND, S.BESLUTAD): "yttrandet är beslutat",
    (Action.EXTEND, S.SKICKAD): "yttrandet är skickat och slutgiltigt",
    (Action.SAVE_DRAFT, S.SKICKAD): "yttrandet är skickat och slutgiltigt",
    (Action.HAND_OVER, S.SKICKAD): "yttrandet är skickat och slutgiltigt",
}


def allowed(state: RoundState, action: Action) -> bool:
    return state in ALLOWED[action]


def actions(state: RoundState) -> frozenset[str]:
    """Every action the state allows, by name (what a page may offer)."""
    return frozenset(str(a) for a in Action if state in ALLOWED[a])


def refusal(reference: str, state: RoundState, action: Action) -> str:
    """One line: "KS-2026-003 är skickad: att påminna går bara i läget öppen."."""
    states = [str(s) for s in ORDER if s in ALLOWED[action]]
    where = ", ".join(states[:-1]) + f" eller {states[-1]}" if len(states) > 1 else states[0]
    hint = HINTS.get((action, state))
    return f"{reference} är {state}: {WORDS[action]} går bara i läget {where}" + (
        f" ({hint})" if hint else ""
    )


def require(session: Session, round_: Round, action: Action) -> RoundState:
    """The round's state, or Refused naming the state and where the action is allowed."""
    state = stage.current(session, round_)
    if state not in ALLOWED[action]:
        raise Refused(refusal(round_.reference, state, action))
    return state


def without_documents(session: Session, round_: Round) -> str | None:
    """Why the round has no yttrande and no sammanställning (avstår, per region, inga svar,
    not yet triaged), in one line; None when it has them."""
    state = stage.current(session, round_)
    reason = f" ({round_.triage_reason})" if round_.triage_reason else ""
    if state == S.AVSTAR:
        why = f"{round_.reference} besvaras inte: beslutet är avstår{reason}"
    elif state == S.PER_REGION:
        why = f"{round_.reference} besvaras per region{reason}"
    elif state == S.INGA_SVAR:
        why = f"{round_.reference} stängdes utan att någon svarade (inga svar)"
    elif state == S.INKOMMEN:
        why = f"{round_.reference} är inkommen och väntar på triage"
    else:
        return None
    return f"{why}; det finns inget yttrande och ingen sammanställning"
