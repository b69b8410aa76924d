"""The sweep the schedule runs: close what is past its internal deadline, remind who is due,
finish the openings cut short."""

from __future__ import annotations

from dataclasses import dataclass, field

from remiss.inbound.mailbox import MailboxRead
from remiss.rounds import resuming
from remiss.rounds.opening import OpenedRound
from remiss.rounds.reminders import ReminderReport, queue_reminders
from remiss.usecases.inbound import read_mailbox
from remiss.usecases.opening import finish_openings
from remiss.usecases.runtime import FollowUp, Runtime
from remiss.yttrande.anchor_reminders import remind_due
from remiss.yttrande.closing import Compiled, close_due


@dataclass(frozen=True)
class Swept:
    compiled: list[Compiled]
    reminders: ReminderReport
    follow_up: FollowUp
    # Openings cut short (over ``resuming.STALLED`` ago) that this sweep finished.
    finished_openings: list[OpenedRound] = field(default_factory=list)
    # What reading the IMAP mailbox came to (None: none configured, or not reachable).
    mailbox: MailboxRead | None = None

    @property
    def closed_round_ids(self) -> list[int]:
        return [c.round_id for c in self.compiled if c.closed_now]


def sweep(rt: Runtime, actor: str = "schedule") -> Swept:
    """Close (and compile) every round past its internal deadline, compile what failed
    before, queue the reminders due now, finish the openings cut short and read the
    mailbox of replies and bounces; then deliver and render."""
    compiled = close_due(rt.app.sessions, rt.settings, actor)
    with rt.transaction() as session:
        reminders = queue_reminders(session, rt.settings)
        remind_due(session, rt.settings)  # approvers: the working day before their day
    # Rare (a launch killed, the database restarted or the disk full in the middle of one),
    # and after closing: a round past its deadline invites nobody more.
    with rt.app.reading() as session:
        stalled = resuming.stalled(session)
    finished = finish_openings(rt, stalled, actor).rounds if stalled else []
    mailbox = read_mailbox(rt)  # replies and bounces, when a mailbox is configured
    for c in compiled:
        if c.closed_now:
            rt.announce(
                "round.close",
                actor,
                c.round_id,
                c.reference,
                version=c.version,
                no_answers=c.no_answers,
            )
    done = rt.follow_up(render=[c.round_id for c in compiled if c.version])
    return Swept(compiled, reminders, done, finished, mailbox)
