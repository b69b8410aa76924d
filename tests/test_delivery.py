"""Delivery: retries with backoff, permanent failures recorded, never a key twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Message
from remiss.mail import outbox
from remiss.mail import rendering as emails
from remiss.mail.catalogue import Email
from remiss.mail.claims import MAX_ATTEMPTS, claim
from remiss.usecases import beats
from tests.mailcatcher import RunningCatcher


def queue_many(app: App, n: int, prefix: str = "test") -> None:
    with app.transaction() as s:
        for i in range(n):
            outbox.queue(
                s,
                app.settings,
                key=f"{prefix}:{i}",
                email=Email(
                    kind="test",
                    message=emails.OutgoingEmail(
                        to=f"person{i}@example.org",
                        subject=f"Meddelande {i}",
                        text=f"Hej {i}\n",
                        html=f"<p>Hej {i}</p>",
                    ),
                ),
            )


def statuses(app: App) -> dict[str, int]:
    with app.sessions() as s:
        result: dict[str, int] = {}
        for status in s.scalars(select(Message.status)):
            result[status] = result.get(status, 0) + 1
        return result


def test_queueing_the_same_key_twice_keeps_one_message(app: App) -> None:
    queue_many(app, 3)
    queue_many(app, 3)
    assert statuses(app) == {"pending": 3}


def test_a_server_that_refuses_halfway_then_accepts_gets_every_message_exactly_once(
    app: App, smtp: RunningCatcher
) -> None:
    queue_many(app, 40)
    smtp.catcher.refuse_after = 15  # the server answers 421 to every message after 15
    first = deliver_outbox(app)
    # A 421 on a message is that message's "try later", not an outage: each one is tried
    # in this run and waits its backoff, and none of them is failed.
    assert first.sent == 15 and first.failed == 0 and first.retrying == 25
    assert first.waiting == 0
    assert len(smtp.catcher.received) == 15
    assert statuses(app) == {"sent": 15, "pending": 25}

    # Re-running before the backoff has passed sends nothing.
    assert deliver_outbox(app).sent == 0

    smtp.catcher.refuse_after = None
    clock.set_now(clock.now() + timedelta(minutes=5))
    second = deliver_outbox(app)
    assert second.sent == 25
    recipients = sorted(r.envelope_to[0] for r in smtp.catcher.received)
    assert recipients == sorted(f"person{i}@example.org" for i in range(40))
    assert statuses(app) == {"sent": 40}
    assert deliver_outbox(app).sent == 0


def test_a_delivery_that_died_after_claiming_is_picked_up_after_the_lease(
    app: App, smtp: RunningCatcher
) -> None:
    queue_many(app, 5)
    with app.transaction() as s:
        assert len(claim(s, 3)) == 3  # a deliverer claimed three and then crashed
    report = deliver_outbox(app)
    assert report.sent == 2
    clock.set_now(clock.now() + timedelta(minutes=11))
    assert deliver_outbox(app).sent == 3
    assert len(smtp.catcher.received) == 5
    assert statuses(app) == {"sent": 5}


def test_a_command_run_a_month_ahead_leaves_a_workers_messages_to_it(
    app: App, smtp: RunningCatcher
) -> None:
    """``--now`` moves what remiss reasons about, not the leases: a command pretending to
    run a month ahead (a reminder sweep for a later day) sees the worker alive and does
    not take the messages it is sending as abandoned."""
    queue_many(app, 5)
    with app.transaction() as s:
        assert len(claim(s, 3)) == 3  # a standing worker is sending these three
    beats.beat(app.sessions, "the-worker", started=True)
    with clock.pretending(clock.now() + timedelta(days=30)):
        with app.sessions() as s:
            assert beats.alive(s)
        assert deliver_outbox(app).sent == 2
    assert statuses(app) == {"sending": 3, "sent": 2}
    assert len(smtp.catcher.received) == 2


def test_a_permanent_refusal_is_recorded_with_the_servers_answer(
    app: App, smtp: RunningCatcher
) -> None:
    with app.transaction() as s:
        outbox.queue(
            s,
            app.settings,
            key="bounce",
            email=Email(
                kind="test",
                message=emails.OutgoingEmail(
                    to="bounce@example.org", subject="x", text="x", html="x"
                ),
            ),
        )
    report = deliver_outbox(app)
    assert report.failed == 1
    with app.sessions() as s:
        message = s.scalars(select(Message)).one()
        assert message.status == "failed"
        assert message.last_error is not None and "550" in message.last_error
        assert "No such user" in message.last_error


def test_transient_failures_give_up_after_the_last_attempt(app: App, smtp: RunningCatcher) -> None:
    queue_many(app, 1)
    smtp.catcher.refuse_code = 451
    for _ in range(MAX_ATTEMPTS):
        deliver_outbox(app)
        clock.set_now(clock.now() + timedelta(hours=2))
    with app.sessions() as s:
        message = s.scalars(select(Message)).one()
        assert message.status == "failed"
        assert message.attempts == MAX_ATTEMPTS
        assert message.last_error is not None and message.last_error.startswith("451")


def test_an_unreachable_server_leaves_messages_pending_for_retry(app: App) -> None:
    from remiss.mail.sink import free_port
    from remiss.mail.smtp import SmtpTarget

    queue_many(app, 2)
    report = deliver_outbox(app, SmtpTarget(host="127.0.0.1", port=free_port(), timeout=2))
    assert report.waiting == 2 and report.retrying == 0 and report.failed == 0
    assert statuses(app) == {"pending": 2}
    with app.sessions() as s:
        assert {(m.attempts, m.waiting_since) for m in s.scalars(select(Message))} == {
            (0, clock.now())
        }


def test_without_smtp_the_local_sink_stores_the_messages(app: App) -> None:
    from remiss.mail import sink

    sinky = App.create(app.settings.model_copy(update={"smtp_host": None, "smtp_port": None}))
    try:
        queue_many(sinky, 3)
        assert deliver_outbox(sinky).sent == 3
        stored = sink.read_all(sinky.settings.sink_dir)
        assert sorted(m.subject for m in stored) == ["Meddelande 0", "Meddelande 1", "Meddelande 2"]
        assert "Hej 1" in next(m for m in stored if m.subject == "Meddelande 1").text()
    finally:
        sinky.close()


def test_a_deliverer_whose_claim_was_taken_over_records_nothing_over_the_new_one(
    app: App, smtp: RunningCatcher
) -> None:
    from remiss.mail.claims import Outcome, record

    queue_many(app, 1)
    with app.transaction() as s:
        [first] = claim(s, 10)
        slow = first.claim
    # The first deliverer stalls past its lease; a second one takes the message over.
    clock.set_now(clock.now() + timedelta(minutes=11))
    with app.transaction() as s:
        [second] = claim(s, 10)
        taken = second.claim
    assert taken != slow
    # The stalled deliverer's late outcome must not overwrite the new claim.
    with app.transaction() as s:
        assert slow is not None
        record(s, [Outcome(first.id, 1, ok=False, error="451 late")], slow)
    with app.sessions() as s:
        message = s.scalars(select(Message)).one()
        assert (message.status, message.claim, message.last_error) == ("sending", taken, None)
