"""What goes out is right and stays what was decided: the states, the decision, the sending.

Each service is driven as a shell drives it (one transaction each), against a real
database and a real SMTP server; every refusal changes nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.errors import InputError, Refused, RemissError
from remiss.core.models import (
    AuditEvent,
    Invitation,
    LetterFile,
    Message,
    Round,
    SentYttrande,
)
from remiss.core.states import RoundState, TriageDecision
from remiss.rounds import lifecycle, stage, steering, transitions, triage
from remiss.rounds.transitions import ALLOWED, Action
from remiss.usecases import answering, runtime
from remiss.yttrande import drafts, joint, letter_store, sending
from remiss.yttrande.closing import compile_and_notify
from tests.mailcatcher import RunningCatcher
from tests.yttrande.seed import POSITION, Builder, answered_round

COORDINATOR = "kansli@sosr.example.org"
AFTER_CLOSE = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
DECIDED_ON = date(2026, 4, 9)


@pytest.fixture
def world(app: App, seed: Callable[[Callable[[Builder], Any]], Any]) -> Iterator[Walk]:
    round_id = seed(answered_round)
    clock.set_now(AFTER_CLOSE)
    yield Walk(app, round_id)


class Walk:
    """One round taken through its states by the services, each step its own transaction."""

    def __init__(self, app: App, round_id: int) -> None:
        self.app, self.round_id = app, round_id

    def do(self, fn: Callable[[Session], Any]) -> Any:
        with self.app.transaction() as session:
            return fn(session)

    def state(self) -> RoundState:
        with self.app.sessions() as session:
            return stage.current(session, session.get_one(Round, self.round_id))

    def close(self) -> None:
        self.do(lambda s: lifecycle.close(s, self.round_id, COORDINATOR))

    def draft(self, position: str | None = "Tillstyrker med synpunkter", **kw: Any) -> int:
        positions = {POSITION: position} if position else {}
        texts = {"innehall": "Regionerna ser vårdprogrammet som väl genomarbetat."}
        saved = self.do(
            lambda s: drafts.save(
                s, self.app.settings, self.round_id, COORDINATOR, positions, texts, **kw
            )
        )
        return int(saved.number)

    def decide(self, on: date = DECIDED_ON, **kw: Any) -> Round:
        return self.do(  # type: ignore[no-any-return]
            lambda s: sending.decide(
                s,
                self.round_id,
                by="Samverkansnämndens presidium",
                on=on,
                actor=COORDINATOR,
                **kw,
            )
        )

    def send(self, **kw: Any) -> sending.Sent:
        sent = self.do(
            lambda s: sending.send(
                s,
                self.app.settings,
                self.round_id,
                to="registrator@rcc.example.org",
                actor=COORDINATOR,
                **kw,
            )
        )
        deliver_outbox(self.app)
        return sent  # type: ignore[no-any-return]

    def to_decided(self) -> None:
        self.close()
        self.draft(hand_over=True)
        self.decide()

    def changes(self) -> tuple[Any, ...]:
        """Everything a refused action must leave as it was."""
        with self.app.sessions() as session:
            round_ = session.get_one(Round, self.round_id)
            return (
                round_.status,
                round_.internal_deadline,
                round_.closed_at,
                round_.decided_at,
                round_.sent_at,
                len(drafts.history(session, self.round_id)),
                session.scalar(select(func.count()).select_from(Message)),
            )


# --- the table ---------------------------------------------------------------------------


def test_every_refusal_names_the_state_and_where_the_action_is_allowed() -> None:
    for action in Action:
        for state in RoundState:
            if state in ALLOWED[action]:
                continue
            line = transitions.refusal("KS-2026-003", state, action)
            assert line.startswith(f"KS-2026-003 är {state}: ")
            assert transitions.WORDS[action] in line and "\n" not in line


def test_nothing_takes_a_round_past_beredning_back_to_collecting() -> None:
    beyond = {
        RoundState.FORANKRING, RoundState.BESLUTAD, RoundState.SKICKAD, RoundState.AVSTAR,
        RoundState.PER_REGION,
    }  # fmt: skip
    for action in (Action.EXTEND, Action.REMIND, Action.RESEND, Action.FORWARD, Action.CLOSE):
        assert not beyond & ALLOWED[action], action


# --- collecting is over once the draft is handed over -------------------------------------


def test_extend_is_refused_on_a_sent_round_and_changes_nothing(world: Walk) -> None:
    world.to_decided()
    world.send()
    before = world.changes()
    with pytest.raises(Refused, match="är skickad: att ändra den interna svarsdagen"):
        world.do(
            lambda s: lifecycle.extend(
                s, world.app.settings, world.round_id, date(2026, 4, 10), COORDINATOR
            )
        )
    assert world.changes() == before
    assert world.state() == RoundState.SKICKAD


@pytest.mark.parametrize("state", ["förankring", "beslutad"])
def test_steering_is_refused_once_the_draft_is_handed_over(world: Walk, state: str) -> None:
    world.close()
    world.draft(hand_over=True)
    if state == "beslutad":
        world.decide()
    assert world.state() == state
    before = world.changes()
    settings, rid = world.app.settings, world.round_id
    with world.app.sessions() as session:
        invitation_id = session.scalars(
            select(Invitation.id).where(Invitation.round_id == rid)
        ).first()
    assert invitation_id is not None
    refused: list[Callable[[Session], Any]] = [
        lambda s: lifecycle.extend(s, settings, rid, date(2026, 4, 10), COORDINATOR),
        lambda s: steering.remind_now(s, settings, rid, COORDINATOR),
        lambda s: steering.resend(s, settings, rid, invitation_id, COORDINATOR),
        lambda s: steering.allow_late(s, settings, rid, invitation_id, COORDINATOR),
    ]
    for act in refused:
        with pytest.raises(Refused, match=f"är {state}: "):
            world.do(act)
    assert world.changes() == before


def test_the_sender_moving_its_deadline_replans_without_reopening(world: Walk) -> None:
    world.close()
    world.draft(hand_over=True)
    before = world.changes()
    _internal, told = world.do(
        lambda s: lifecycle.move_national_deadline(
            s, world.app.settings, world.round_id, date(2026, 5, 12), None, COORDINATOR
        )
    )
    assert told == 0 and world.state() == RoundState.FORANKRING
    with world.app.sessions() as session:
        assert session.get_one(Round, world.round_id).national_deadline == date(2026, 5, 12)
    assert world.changes() == before  # still closed, nobody mailed


def test_a_round_in_beredning_before_hand_over_may_be_reopened(world: Walk) -> None:
    world.close()
    world.draft()
    told = world.do(
        lambda s: lifecycle.extend(
            s, world.app.settings, world.round_id, date(2026, 4, 10), COORDINATOR
        )
    )
    assert world.state() == RoundState.OPPEN and told > 0


def test_a_late_answer_ends_with_the_hand_over(world: Walk) -> None:
    world.close()
    with world.app.sessions() as session:
        invitation_id = session.scalars(
            select(Invitation.id).where(
                Invitation.round_id == world.round_id,
                Invitation.submitted_at.is_(None),
                Invitation.status == "active",
            )
        ).first()
    assert invitation_id is not None
    world.do(
        lambda s: steering.allow_late(
            s, world.app.settings, world.round_id, invitation_id, COORDINATOR
        )
    )
    world.draft(hand_over=True)
    with world.app.sessions() as session:
        assert session.get_one(Invitation, invitation_id).late_allowed is False


# --- nothing undecided goes out -----------------------------------------------------------


def test_hand_over_is_refused_naming_the_question_without_a_joint_position(world: Walk) -> None:
    world.close()
    with pytest.raises(InputError, match="Ställer ni er bakom") as refused:
        world.draft(position=None, hand_over=True)
    assert refused.value.field == f"position-{POSITION}"
    assert world.state() == RoundState.BEREDNING
    world.draft(position="Avstår", hand_over=True)  # an explicit Avstår is a position
    assert world.state() == RoundState.FORANKRING


def test_decide_and_send_are_refused_while_a_position_is_unchosen(world: Walk) -> None:
    world.close()
    world.draft(hand_over=True)
    world.draft(position=None)  # the coordinator blanked it after the hand-over
    with pytest.raises(Refused, match="välj ett gemensamt ställningstagande"):
        world.decide()
    assert world.state() == RoundState.FORANKRING


def test_decision_dates_outside_the_round_are_refused(world: Walk) -> None:
    world.close()
    world.draft(hand_over=True)
    with pytest.raises(InputError, match="före remissens öppnande"):
        world.decide(on=date(2026, 2, 1))
    with pytest.raises(InputError, match="efter den nationella svarsdagen"):
        world.decide(on=date(2026, 4, 20))
    assert world.state() == RoundState.FORANKRING


# --- the decision approves one version ----------------------------------------------------


def test_a_draft_after_the_decision_voids_it_until_decided_again(
    world: Walk, smtp: RunningCatcher
) -> None:
    world.to_decided()
    decided = world.draft()  # a change after the decision
    assert world.state() == RoundState.FORANKRING
    with world.app.sessions() as session:
        round_ = session.get_one(Round, world.round_id)
        assert round_.decided_at is None and round_.decision_voided_at is not None
        answer = joint.build(session, world.round_id, world.app.settings)
    assert answer.status == "Utkast" and not answer.decision
    assert answer.note is not None and f"version {decided}" in answer.note
    with pytest.raises(Refused, match="är förankring: att skicka yttrandet"):
        world.send()
    deliver_outbox(world.app)
    told = [m for m in smtp.catcher.to(COORDINATOR) if m.subject.startswith("Beslutet gäller")]
    assert len(told) == 1
    world.decide()
    assert world.state() == RoundState.BESLUTAD
    with world.app.sessions() as session:
        assert session.get_one(Round, world.round_id).decided_draft == decided


def test_the_letter_is_dated_with_the_decision_and_marked_until_then(world: Walk) -> None:
    world.close()
    with world.app.sessions() as session:
        assert joint.build(session, world.round_id, world.app.settings).status == "Förslag"
    world.draft(hand_over=True)
    with world.app.sessions() as session:
        assert joint.build(session, world.round_id, world.app.settings).status == "Utkast"
    world.decide(paragraph="punkt 7", signatories=["Anna Berglund, ordförande, presidiet"])
    with world.app.sessions() as session:
        answer = joint.build(session, world.round_id, world.app.settings)
    assert answer.status is None
    assert answer.header.date_text == "9 april 2026"  # the decision, not the close
    assert answer.decision[0].endswith("den 9 april 2026 (punkt 7).")  # no § forced
    assert [(s.name, s.title) for s in answer.signatories] == [
        ("Anna Berglund", "ordförande, presidiet")
    ]


# --- what was sent is final ---------------------------------------------------------------


def test_the_sent_bytes_are_kept_and_sent_again_unchanged(
    world: Walk, smtp: RunningCatcher
) -> None:
    world.to_decided()
    first = world.send()
    mailed = smtp.catcher.to("registrator@rcc.example.org")
    assert len(mailed) == 1
    attached = {a.get_filename(): a.get_content() for a in mailed[0].attachments()}
    pdf = next(v for k, v in attached.items() if k and k.endswith(".pdf"))
    docx = next(v for k, v in attached.items() if k and k.endswith(".docx"))
    assert hashlib.sha256(pdf).hexdigest() == first.pdf_sha256
    assert hashlib.sha256(docx).hexdigest() == first.docx_sha256
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Utkast" not in text and "Förslag" not in text and "9 april 2026" in text

    # The drafter can no longer save or hand over; nothing reopens it.
    with pytest.raises(Refused, match="är skickad"):
        world.draft()
    with pytest.raises(Refused, match="är skickad"):
        world.draft(hand_over=True)
    with pytest.raises(Refused, match="skickades redan"):
        world.send()

    clock.set_now(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))  # later: the same bytes again
    again = world.send(again=True)
    assert (again.pdf_sha256, again.docx_sha256) == (first.pdf_sha256, first.docx_sha256)
    resent = smtp.catcher.to("registrator@rcc.example.org")[-1]
    assert {a.get_filename(): a.get_content() for a in resent.attachments()} == attached
    with world.app.sessions() as session:
        kept = session.scalars(select(SentYttrande)).one()
        assert kept.pdf == pdf and kept.docx == docx
        sends = session.scalars(select(AuditEvent).where(AuditEvent.action == "round.send")).all()
    assert [e.detail["pdf_sha256"] for e in sends] == [first.pdf_sha256] * 2


def test_the_decided_letter_is_made_by_the_worker_and_sent_as_it_made_it(
    world: Walk, smtp: RunningCatcher
) -> None:
    world.close()
    world.draft(hand_over=True)
    decided = answering.decide(
        runtime.inline(world.app), world.round_id, by="Samverkansnämndens presidium",
        on=DECIDED_ON, actor=COORDINATOR,
    )  # fmt: skip
    assert decided.draft == 1
    # The decision asked for the letter's PDF and Word file; a worker makes them.
    assert letter_store.render_pending(world.app.sessions, world.app.settings, most=5) == 2
    with world.app.transaction() as session:
        made = {f.fmt: f for f in session.scalars(select(LetterFile))}
        assert set(made) == {"pdf", "docx"}
        assert made["pdf"].content is not None and made["pdf"].content.startswith(b"%PDF")
        made["pdf"].content = b"%PDF-1.7 as the worker made it"  # marked, to be recognised

    sent = world.send()

    assert sent.pdf_sha256 == hashlib.sha256(b"%PDF-1.7 as the worker made it").hexdigest()
    with world.app.sessions() as session:
        assert session.scalars(select(SentYttrande.docx)).one() == made["docx"].content


# --- avstår, per region, inga svar --------------------------------------------------------


def test_a_round_nobody_answered_has_no_documents_until_the_coordinator_chooses(
    app: App, seed: Callable[[Callable[[Builder], Any]], Any]
) -> None:
    def empty(b: Builder) -> int:
        group = b.group("rpo-tyst", "RPO Tyst")
        round_ = b.round("KS-2026-044", lead_group=group)
        b.route(round_, group, reason="lead")
        b.invite(round_, b.person("Tyra Tyst", "RJL"), group)
        return round_.id

    rid = seed(empty)
    clock.set_now(AFTER_CLOSE)
    walk = Walk(app, rid)
    walk.close()
    assert walk.state() == RoundState.INGA_SVAR
    with pytest.raises(Refused, match="inga svar"):
        walk.do(lambda s: compile_and_notify(s, app.settings, rid, COORDINATOR))
    with pytest.raises(Refused, match="är inga svar: att spara utkastet"):
        walk.draft()
    # The coordinator drafts it: beredning, and the letter can be written.
    walk.do(lambda s: drafts.draft_without_answers(s, rid, COORDINATOR))
    assert walk.state() == RoundState.BEREDNING
    walk.draft(hand_over=True)
    assert walk.state() == RoundState.FORANKRING


def test_inga_svar_may_be_recorded_as_avstar_with_a_reason(
    app: App, seed: Callable[[Callable[[Builder], Any]], Any]
) -> None:
    def empty(b: Builder) -> int:
        round_ = b.round("KS-2026-045")
        b.invite(round_, b.person("Tore Tyst", "RKL"), b.group("rpo-x", "RPO X"))
        return round_.id

    rid = seed(empty)
    clock.set_now(AFTER_CLOSE)
    walk = Walk(app, rid)
    walk.close()
    with pytest.raises(InputError, match="skälet"):
        walk.do(lambda s: triage.decide(s, app.settings, rid, TriageDecision.AVSTAR, None, "k"))
    walk.do(lambda s: triage.decide(s, app.settings, rid, TriageDecision.AVSTAR, "Ej prio", "k"))
    assert walk.state() == RoundState.AVSTAR
    with app.sessions() as session:
        why = transitions.without_documents(session, session.get_one(Round, rid))
    assert why is not None and "avstår (Ej prio)" in why


def test_per_region_mails_each_registrar_and_avstar_may_tell_the_sender(
    app: App, seed: Callable[[Callable[[Builder], Any]], Any], smtp: RunningCatcher
) -> None:
    def registered(b: Builder) -> tuple[int, int]:
        for code, region in b.regions.items():
            region.registrar = f"registrator@{code.lower().replace('ö', 'o')}.example.org"
        one = b.round("KS-2026-050", status="registered", recipient="remiss@nhv.example.org")
        two = b.round("KS-2026-051", status="registered", recipient="remiss@nhv.example.org")
        return one.id, two.id

    per, avstar = seed(registered)
    walk = Walk(app, per)
    done = walk.do(
        lambda s: triage.decide(
            s, app.settings, per, TriageDecision.PER_REGION, "Regional fråga", COORDINATOR
        )
    )
    assert done.letters == 3  # the inactive region has none
    walk.do(
        lambda s: triage.decide(
            s,
            app.settings,
            avstar,
            TriageDecision.AVSTAR,
            None,
            COORDINATOR,
            notify_sender=True,
        )
    )
    deliver_outbox(app)
    registrars = sorted(
        r.envelope_to[0] for r in smtp.catcher.received if "per region" in r.subject
    )
    assert registrars == [
        "registrator@rjl.example.org", "registrator@rkl.example.org", "registrator@ro.example.org",
    ]  # fmt: skip
    letter = [r for r in smtp.catcher.to("remiss@nhv.example.org")]
    assert len(letter) == 1 and "avstår från att yttra sig" in letter[0].subject
    assert "Regional fråga" in smtp.catcher.to("registrator@rjl.example.org")[0].text()


def test_a_triage_can_be_changed_with_a_reason_only_while_nobody_has_answered(
    world: Walk,
) -> None:
    # The seeded round is open (samordnas) and answered: no change.
    with world.app.transaction() as session:
        session.get_one(Round, world.round_id).status = "open"
    with pytest.raises(Refused, match="någon har svarat"):
        world.do(
            lambda s: triage.decide(
                s, world.app.settings, world.round_id, TriageDecision.AVSTAR, "x", COORDINATOR
            )
        )
    assert world.state() == RoundState.OPPEN


def test_compile_refusal_is_one_line(world: Walk) -> None:
    with world.app.transaction() as session:
        round_ = session.get_one(Round, world.round_id)
        round_.status, round_.triage_decision = "ended", "per-region"
    with pytest.raises(RemissError) as refused:
        world.do(lambda s: compile_and_notify(s, world.app.settings, world.round_id, "k"))
    assert "\n" not in str(refused.value) and "per region" in str(refused.value)
