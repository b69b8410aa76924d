"""Rounds opened together: one invitation per person, each round with its own link and deadline.

February's national period is 22 rounds; Per Wallin sits in two of the groups they go to
and is asked in 16 of them. He gets one email, not sixteen, and one calendar entry for
the one internal deadline they share. Read back from a real SMTP server; every link is
opened on the real web app.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from typer.testing import CliRunner

from remiss.app import App, deliver_outbox
from remiss.core.addresses import Addressee
from remiss.core.clock import now
from remiss.core.models import AuditEvent, Group, Invitation, Membership, Message, Person, Round
from remiss.directory.sync import organisation
from remiss.mail import catalogue
from remiss.mail.rendering import to_mime
from remiss.rounds import invitations, issuing
from remiss.rounds import spec as roundspec
from remiss.rounds.batch_invitation import Invited, calendar_uid, deadlines_calendar
from remiss.rounds.opening import open_rounds
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.launching import seed_people
from tests.mailcatcher import Received, RunningCatcher
from tests.test_cli import BATCH, run
from tests.working import WorkedClient, launched

PERIOD = "remissperioden 16 februari 2026 – 14 april 2026"
PER = "per.wallin@rjl.example.org"  # RPO Cancersjukdomar and RPO Kirurgi: 16 rounds
DANIEL = "daniel.bjork@rjl.example.org"  # RSG Medicinsk teknik: KS-2026-022 alone
ANNA = "anna.ekstrom@rjl.example.org"  # Kunskapsråd kirurgi och cancer: told of 16
JORGEN = "jorgen.fransson@rjl.example.org"  # Kunskapsråd hälsa och rehabilitering: told of 1

THREE = """\
defaults: {issuer: RCC i samverkan, opens: 2026-02-16, deadline: 2026-04-14,
           coordinator: kansli@sosr.example.org}
rounds:
  - {reference: T-1, title: "Peniscancer, nationellt vårdprogram", areas: [cancersjukdomar]}
  - {reference: T-2, title: "Akuta leukemier, Min vårdplan", areas: [cancersjukdomar],
     internal_deadline: 2026-03-20}
  - {reference: T-3, title: "Analfissur, kliniskt kunskapsstöd", areas: [kirurgi-och-plastikkirurgi]}
"""


def invitations_by_person(app: App) -> dict[str, dict[int, str]]:
    """Each person's invitations: round id → the round's reference."""
    with app.sessions() as s:
        rows = s.execute(
            select(Person.email, Round.id, Round.reference)
            .join(Invitation, Invitation.person_id == Person.id)
            .join(Round, Round.id == Invitation.round_id)
        ).all()
    found: dict[str, dict[int, str]] = defaultdict(dict)
    for email, round_id, reference in rows:
        found[email][round_id] = reference
    return found


def asked(catcher: Any) -> dict[str, list[Received]]:
    """The emails holding personal links, by recipient."""
    found: dict[str, list[Received]] = defaultdict(list)
    for mail in catcher.received:
        if mail.tokens():
            found[mail.envelope_to[0]].append(mail)
    return found


def links_by_reference(app: App, mail: Received) -> dict[str, str]:
    """Each link in ``mail`` by the reference its text lists it under, checked against the
    round its token opens."""
    text = mail.text()
    found = {}
    with app.sessions() as s:
        for link, token in zip(mail.links(), mail.tokens(), strict=True):
            listed = re.findall(r"Avsändarens diarienummer: (\S+)", text[: text.index(link)])
            invitation = invitations.by_token(s, token)
            assert invitation is not None
            round_ = s.get(Round, invitation.round_id)
            assert round_ is not None and listed[-1] == round_.reference
            assert invitation.person.email == mail.envelope_to[0]
            found[round_.reference] = link
    return found


def deadlines(mail: Received) -> list[date]:
    [ics] = [a for a in mail.attachments() if a.get_content_type() == "text/calendar"]
    return [e.decoded("dtstart") for e in Calendar.from_ical(ics.get_content()).walk("VEVENT")]


def test_a_period_of_22_rounds_sends_each_person_one_invitation_with_a_link_per_round(
    sample_directory: App, remiss: CliRunner, smtp: RunningCatcher
) -> None:
    code, out, err = run(remiss, "round", "open", BATCH, "--now", "2026-02-16T09:00")
    assert code == 0, err
    assert out.count("Öppnade KS-2026-") == 22
    invited = invitations_by_person(sample_directory)
    mails = asked(smtp.catcher)
    assert set(mails) == set(invited)
    with sample_directory.sessions() as s:
        titles = dict(s.execute(select(Round.reference, Round.title)).tuples().all())
    web = create_app(sample_directory, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as client:
        for email, rounds in invited.items():
            [mail] = mails[email]  # one email, whatever the number of rounds
            assert mail.message["Message-ID"]
            links = links_by_reference(sample_directory, mail)
            assert sorted(links) == sorted(rounds.values())  # a link of its own for each
            for part in (mail.text(), mail.html()):
                assert part.count("Svara senast 27 mars 2026") == len(rounds)
                assert all(titles[reference] in part for reference in links)
                assert all(link in part for link in links.values())
            for reference, link in links.items():  # each link opens its round's page
                page = client.get(link.removeprefix("http://remiss.test"))
                assert page.status_code == 200 and titles[reference] in page.text
            assert deadlines(mail) == [date(2026, 3, 27)]  # one entry for the one deadline

    [per] = mails[PER]
    assert len(invited[PER]) == 16
    assert per.subject == f"Inbjudan: 16 remisser i {PERIOD}, svara senast 27 mars 2026"
    assert per.message["Reply-To"] == "kansli@sosr.example.org"
    # Asked in one round only: the ordinary invitation, as before.
    [daniel] = mails[DANIEL]
    assert daniel.subject == (
        "Remiss: 3D-utskrivna medicintekniska produkter, vägledning – svara senast 27 mars 2026"
    )
    # The kunskapsråd is told once of all its rounds, with no link.
    [anna] = smtp.catcher.to(ANNA)
    assert anna.subject == f"För kännedom: 16 remisser i {PERIOD}" and anna.tokens() == []
    assert len(re.findall(r"Avsändarens diarienummer: KS-2026-0", anna.text())) == 16
    [jorgen] = smtp.catcher.to(JORGEN)
    assert jorgen.subject.startswith("För kännedom: Cancerrehabilitering")
    # So is each RPO's or RSG's processtöd, of their group's rounds.
    [malin] = smtp.catcher.to("malin.ros@rjl.example.org")
    assert malin.subject.startswith("För kännedom: ") and malin.tokens() == []
    # Told: the two kunskapsråd (3 + 3), and the processtöd of the six RPO and RSG reached.
    assert len(smtp.catcher.received) == len(invited) + 12

    # The same file again: nothing new, to anybody.
    code, out, err = run(remiss, "round", "open", BATCH, "--now", "2026-02-16T10:00")
    assert code == 0, err
    assert out.count("Redan öppnad") == 22 and "0 skickade" in out
    assert len(smtp.catcher.received) == len(invited) + 12


def test_rounds_with_different_deadlines_get_one_calendar_entry_each_nearest_first(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    with sample_directory.transaction() as s:
        open_rounds(s, sample_directory.settings, roundspec.loads(THREE, "period.yaml"), "test")
    deliver_outbox(sample_directory)
    [per] = asked(smtp.catcher)[PER]
    assert per.subject == f"Inbjudan: 3 remisser i {PERIOD}, första svarsdag 20 mars 2026"
    assert list(links_by_reference(sample_directory, per)) == ["T-2", "T-1", "T-3"]
    text = per.text()
    assert text.index("Svara senast 20 mars 2026") < text.index("Svara senast 27 mars 2026")
    assert deadlines(per) == [date(2026, 3, 20), date(2026, 3, 27)]
    [ics] = [a for a in per.attachments() if a.get_content_type() == "text/calendar"]
    first, second = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert "Akuta leukemier" in str(first.get("summary"))
    assert str(second.get("summary")) == "Sista dag att svara på 2 remisser"
    assert first.get("uid") != second.get("uid")
    # In two of the three rounds (RPO Cancersjukdomar): one email for both.
    [karin] = asked(smtp.catcher)["karin.kvist@rkl.example.org"]
    assert karin.subject == f"Inbjudan: 2 remisser i {PERIOD}, första svarsdag 20 mars 2026"
    assert len(karin.tokens()) == 2
    [anna] = smtp.catcher.to(ANNA)  # told of all three
    assert anna.subject == f"För kännedom: 3 remisser i {PERIOD}" and anna.tokens() == []


def test_a_batch_email_names_any_period_and_every_coordinator() -> None:
    from tests.test_email_catalogue import CALENDAR, LINK, ORG, PERSON

    group = Group(key="rpo-cancer", name="RPO Cancersjukdomar")

    def round_(n: int, coordinator: str, batch: str | None) -> Round:
        return Round(
            id=n,
            reference=f"T-{n}",
            title=f"Remiss {n}",
            issuer="RCC i samverkan",
            internal_deadline=date(2026, 3, 20 + n),
            national_deadline=date(2026, 4, 14),
            internal_deadline_at=datetime(2026, 3, 20 + n, 23, 0, tzinfo=UTC),
            coordinator=coordinator,
            documents=[],
            batch=batch,
            lead_group=group,
        )

    def subject_and_reply_to(*rounds: Round) -> tuple[str, str | None]:
        items = [catalogue.BatchItem(r, (group,), LINK) for r in rounds]
        email = catalogue.invitation_batch(person=PERSON, org=ORG, items=items, calendar=CALENDAR)
        assert all(r.title in email.message.text for r in rounds)
        return email.message.subject, email.message.reply_to

    # No period the rounds share; two coordinators: the reply goes to neither.
    assert subject_and_reply_to(
        round_(1, "kansli@sosr.example.org", "Våren"), round_(2, "rcc@sosr.example.org", None)
    ) == ("Inbjudan: 2 remisser, första svarsdag 21 mars 2026", None)
    assert subject_and_reply_to(
        round_(1, "kansli@sosr.example.org", "Våren"), round_(1, "kansli@sosr.example.org", "Våren")
    ) == ("Inbjudan: 2 remisser (Våren), svara senast 21 mars 2026", "kansli@sosr.example.org")


def test_a_batch_launch_cut_short_is_finished_by_running_it_again_one_email_per_person(
    sample_directory: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sample_directory
    parsed = roundspec.load(BATCH)
    real_issue = issuing.issue
    calls = []

    def failing_third(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return real_issue(*args)

    monkeypatch.setattr(issuing, "issue", failing_third)
    with pytest.raises(RuntimeError):
        launched(app, parsed, smtp.target, batch=20)
    first = asked(smtp.catcher)
    half = invitations_by_person(app)
    assert first and set(first) == set(half)  # what was committed went out, all of it
    for email, sent in first.items():  # each person invited to all their rounds, or none
        [mail] = sent
        assert len(mail.tokens()) == len(half[email])
    monkeypatch.setattr(issuing, "issue", real_issue)

    again, _ = launched(app, parsed, smtp.target, batch=20)
    assert all(o.resumed and not o.created for o in again)
    invited = invitations_by_person(app)
    assert sum(o.invitations for o in again) == sum(map(len, invited.values())) - sum(
        map(len, half.values())
    )
    mails = asked(smtp.catcher)
    assert set(mails) == set(invited) and len(invited) > len(half)
    for email, rounds in invited.items():
        [mail] = mails[email]
        assert sorted(links_by_reference(app, mail)) == sorted(rounds.values())
    with app.sessions() as s:
        opened = s.scalars(select(AuditEvent.round_id).where(AuditEvent.action == "round.open"))
        assert Counter(opened) == Counter(s.scalars(select(Round.id)))  # each round once
        assert s.scalar(select(func.count()).select_from(Message)) == len(smtp.catcher.received)

    third, _ = launched(app, parsed, smtp.target, batch=20)
    assert not any(o.resumed or o.invitations for o in third)
    assert deliver_outbox(app).sent == 0
    assert asked(smtp.catcher) == mails


def _normalised(raw: bytes) -> str:
    """Boundaries, Message-ID and Date are different in every message, by design."""
    text = re.sub(r"={15}\d{19}==", "BOUNDARY", raw.decode("ascii"))
    text = re.sub(r"(Message-ID|Date):[^\r]*(\r\n[ \t][^\r]*)*", r"\1: …", text)
    return re.sub(r"DTSTAMP:\S+", "DTSTAMP:…", text)


TWO = """\
defaults: {issuer: RCC i samverkan, deadline: 2026-04-14, coordinator: kansli@sosr.example.org,
           areas: [launch]}
rounds:
  - {reference: L-1, title: "Bröstcancer, nationellt vårdprogram"}
  - {reference: L-2, title: "Akuta leukemier & <lymfom>", internal_deadline: 2026-03-20}
"""


@pytest.mark.parametrize(
    "domain", ["sosr.example.org", "remiss.sydostra-sjukvardsregionen-kunskapsstyrning.example.org"]
)
def test_a_batch_invitation_is_the_email_the_catalogue_makes_byte_for_byte(
    app: App, domain: str
) -> None:
    seed_people(app, 30)
    with app.transaction() as s:  # a name too long for one encoded word: folded
        [group] = s.scalars(select(Group).where(Group.key == "launch-0"))
        s.add(
            Membership(
                group=group, person=Person(email="l@launch.example.org", name="Långt Namn " * 9)
            )
        )
    with app.transaction() as s:
        open_rounds(s, app.settings, roundspec.loads(TWO, "two.yaml"))
    # A long mail domain makes calendar UIDs too long for their placeholders' lines.
    settings = app.settings.model_copy(update={"mail_from": f"remiss@{domain}"})
    with app.sessions() as s:
        rounds = {r.id: r for r in s.scalars(select(Round))}
        mails = issuing.Mails(s, settings, list(rounds.values()))
        org = organisation(s)
        by_person: dict[int, list[Invitation]] = defaultdict(list)
        for invitation in s.scalars(select(Invitation).order_by(Invitation.id)):
            by_person[invitation.person_id].append(invitation)
        assert len(by_person) == 31 and {len(i) for i in by_person.values()} == {2}
        for person_id, own in by_person.items():
            person = s.get(Person, person_id)
            assert person is not None
            invited = [
                Invited(i.round_id, [g.group for g in i.groups], f"{i.id:043d}", i.id) for i in own
            ]
            rendered = mails.render(Addressee(person.id, person.name, person.email), invited)
            firsts: dict[date, int] = {}  # each deadline's entry named by its first invitation
            for i in own:
                firsts.setdefault(rounds[i.round_id].internal_deadline, i.id)
            uids = {day: calendar_uid(settings, day, first) for day, first in firsts.items()}
            email = catalogue.invitation_batch(
                person=person,
                org=org,
                items=[
                    catalogue.BatchItem(
                        rounds[i.round_id], tuple(i.groups), invitations.link(settings, i.token)
                    )
                    for i in invited
                ],
                calendar=deadlines_calendar(settings, list(rounds.values()), uids, now()),
            )
            _message_id, raw = to_mime(email.message, settings)
            assert _normalised(rendered.raw) == _normalised(raw)
            assert (rendered.subject, rendered.expires_at) == (
                email.message.subject,
                email.expires_at,
            )
            assert rendered.kind == "invitation_batch" and rendered.invitation_id is None
        assert s.scalar(select(func.count()).select_from(Message)) == 31
