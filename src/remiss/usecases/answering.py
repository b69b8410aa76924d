"""The answer: compile the sammanställning, draft without answers, decide, send."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from remiss.usecases.runtime import FollowUp, Runtime
from remiss.yttrande import drafts, letter_store, sending
from remiss.yttrande.closing import Compiled, compile_and_notify
from remiss.yttrande.documents import FORMATS
from remiss.yttrande.versions import update_summary


@dataclass(frozen=True)
class CompiledNow:
    compiled: Compiled
    follow_up: FollowUp


def compile_answer(
    rt: Runtime,
    round_id: int,
    actor: str,
    *,
    notify: bool = True,
    formats: Sequence[str] = FORMATS,
) -> CompiledNow:
    """Compile the sammanställning now; a new version's files are rendered after the commit."""
    with rt.transaction() as session:
        compiled = compile_and_notify(session, rt.settings, round_id, actor, notify=notify)
    rt.announce("yttrande.compile", actor, round_id, compiled.reference, version=compiled.version)
    done = rt.follow_up(mail=compiled.notified, render=[round_id], formats=formats)
    return CompiledNow(compiled, done)


def summarise_and_compile(
    rt: Runtime, round_id: int, summary: str, signatory: str, actor: str
) -> CompiledNow:
    """Keep the coordinator's summary and signatory, and compile with them."""
    with rt.transaction() as session:
        update_summary(session, round_id, summary, signatory, actor)
        compiled = compile_and_notify(session, rt.settings, round_id, actor, notify=False)
    rt.announce("yttrande.compile", actor, round_id, compiled.reference, version=compiled.version)
    return CompiledNow(compiled, rt.follow_up(mail=False, render=[round_id]))


def draft_without_answers(rt: Runtime, round_id: int, actor: str) -> str:
    """Nobody answered: the coordinator drafts the yttrande (beredning). Its reference."""
    with rt.transaction() as session:
        reference = drafts.draft_without_answers(session, round_id, actor).reference
    rt.announce("draft.without_answers", actor, round_id, reference)
    return reference


@dataclass(frozen=True)
class Decided:
    reference: str
    draft: int | None
    on: date


def decide(
    rt: Runtime,
    round_id: int,
    *,
    by: str,
    on: date,
    paragraph: str | None = None,
    not_taking_part: str | None = None,
    signatories: Sequence[str] = (),
    own_decisions: Mapping[str, str] | None = None,
    actor: str,
) -> Decided:
    """Record the decision on the current draft version."""
    with rt.transaction() as session:
        round_ = sending.decide(
            session,
            round_id,
            by=by,
            on=on,
            paragraph=paragraph,
            not_taking_part=not_taking_part,
            signatories=signatories,
            own_decisions=own_decisions,
            actor=actor,
        )
        decided = Decided(round_.reference, round_.decided_draft, on)
    # The letter as it will be sent: made by a worker now, found made when it is sent.
    letter_store.prepare(rt.app.sessions, rt.settings, round_id, ("pdf", "docx"))
    rt.announce("round.decide", actor, round_id, decided.reference, draft=decided.draft)
    return decided


@dataclass(frozen=True)
class SentNow:
    sent: sending.Sent
    follow_up: FollowUp


def send(
    rt: Runtime, round_id: int, *, to: str | None = None, again: bool = False, actor: str
) -> SentNow:
    """Mail the decided yttrande to its recipient (the same bytes when sent again)."""
    with rt.transaction() as session:
        sent = sending.send(session, rt.settings, round_id, to=to, again=again, actor=actor)
    rt.announce(
        "round.send",
        actor,
        round_id,
        sent.reference,
        to=sent.to,
        again=again,
        pdf_sha256=sent.pdf_sha256,
    )
    return SentNow(sent, rt.follow_up())
