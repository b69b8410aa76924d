"""Opening rounds: routing, deadlines, invitations read back from a real SMTP server."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.errors import InputError, NotFound
from remiss.core.models import (
    AuditEvent,
    Invitation,
    InvitationToken,
    Message,
    Question,
    Round,
    RoundGroup,
)
from remiss.directory import sync as directory
from remiss.rounds import invitations
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher

ROUND = """\
reference: KS-2026-003
title: "Bröstcancer, nationellt vårdprogram"
kind: nationellt vårdprogram
issuer: RCC i samverkan
areas: [cancersjukdomar]
opens: 2026-02-16
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
documents:
  - {title: Remissversion, url: "https://example.org/brostcancer.pdf"}
"""


def open_text(app: App, text: str, source: str = "round.yaml") -> list[dict[str, object]]:
    parsed = roundspec.loads(text, source)
    with app.transaction() as s:
        opened = open_rounds(s, app.settings, parsed, actor="test")
    return [o.__dict__ for o in opened]


def table_counts(app: App) -> dict[str, int]:
    with app.sessions() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Round, Invitation, InvitationToken, Message, Question, RoundGroup)
        }


def test_a_round_reaches_every_member_of_its_groups_once(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    [opened] = open_text(sample_directory, ROUND)
    report = deliver_outbox(sample_directory)
    assert (opened["invitations"], opened["informed"]) == (4, 4)
    assert report.sent == 8
    received = smtp.catcher.received
    asked = sorted(r.envelope_to[0] for r in received if r.subject.startswith("Remiss:"))
    assert asked == sorted(
        [
            "per.wallin@rjl.example.org",
            "karin.kvist@rkl.example.org",
            "olof.sandberg@rog.example.org",
            "johan.engstrom@rkl.example.org",
        ]
    )
    # The kunskapsråd and the group's processtöd are told, not asked: no personal link.
    told = [r for r in received if r.subject.startswith("För kännedom:")]
    assert sorted(r.envelope_to[0] for r in told) == [
        "anna.ekstrom@rjl.example.org",
        "malin.ros@rjl.example.org",
        "olof.hellstrom@rkl.example.org",
        "sara.lind@rog.example.org",
    ]
    for mail in told:
        assert mail.tokens() == []
        assert "du behöver inte svara" in mail.text()
        assert "RPO Cancersjukdomar" in mail.text()
    # Delivering again sends nothing.
    assert deliver_outbox(sample_directory).sent == 0
    assert len(smtp.catcher.received) == 8


def test_a_kunskapsrad_told_to_answer_is_asked(sample_directory: App, smtp: RunningCatcher) -> None:
    text = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
    text = text.replace("    kind: Kunskapsråd\n", "    kind: Kunskapsråd\n    answers: true\n", 1)
    with sample_directory.transaction() as session:
        directory.apply(session, directory.loads(text))
    [opened] = open_text(sample_directory, ROUND)
    # All but the RPO's processtöd, who is told.
    assert (opened["invitations"], opened["informed"]) == (7, 1)


def test_the_invitation_email_says_what_a_reviewer_needs(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    open_text(sample_directory, ROUND)
    deliver_outbox(sample_directory)
    [mail] = smtp.catcher.to("per.wallin@rjl.example.org")
    assert "Bröstcancer, nationellt vårdprogram" in mail.subject
    assert "27 mars 2026" in mail.subject
    assert mail.message["Message-ID"]
    assert "Per Wallin" in mail.to
    assert mail.message["Reply-To"] == "kansli@sosr.example.org"
    for part in (mail.text(), mail.html()):
        assert "RCC i samverkan" in part
        assert "nationellt vårdprogram" in part
        assert "27 mars 2026" in part  # internal deadline: 10 working days before 14 April
        assert "14 april 2026" in part
        assert "https://example.org/brostcancer.pdf" in part
        assert "RPO Cancersjukdomar" in part  # the group it came through, and the lead
    [link] = mail.links()
    assert re.fullmatch(r"http://remiss\.test/r/[A-Za-z0-9_-]{43}", link)
    assert link in mail.html()
    [ics] = [a for a in mail.attachments() if a.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2026, 3, 27)
    assert event.get("sequence") == 0
    assert "Bröstcancer" in str(event.get("summary"))


def test_only_a_hash_of_the_token_is_stored(sample_directory: App, smtp: RunningCatcher) -> None:
    open_text(sample_directory, ROUND)
    deliver_outbox(sample_directory)
    [token] = smtp.catcher.to("per.wallin@rjl.example.org")[0].tokens()
    with sample_directory.sessions() as s:
        invitation = invitations.by_token(s, token)
        assert invitation is not None and invitation.person.name == "Per Wallin"
        hashes = list(s.scalars(select(InvitationToken.token_hash)))
        assert token not in hashes
        # Sent messages no longer hold the body with the link.
        raws = list(s.scalars(select(Message.raw)))
        assert all(token.encode() not in raw for raw in raws)
        assert invitations.by_token(s, "x" * 43) is None


def test_a_person_in_two_routed_groups_gets_one_invitation_naming_both(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    open_text(
        sample_directory,
        ROUND.replace(
            "areas: [cancersjukdomar]", "areas: [cancersjukdomar, kirurgi-och-plastikkirurgi]"
        ),
    )
    deliver_outbox(sample_directory)
    [mail] = smtp.catcher.to("per.wallin@rjl.example.org")
    assert "RPO Cancersjukdomar, RPO Kirurgi och plastikkirurgi" in mail.text()


def test_opening_the_same_file_twice_sends_nothing_new(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    open_text(sample_directory, ROUND)
    deliver_outbox(sample_directory)
    before = table_counts(sample_directory)
    [again] = open_text(sample_directory, ROUND)
    assert again["created"] is False and again["invitations"] == 0
    assert deliver_outbox(sample_directory).sent == 0
    assert table_counts(sample_directory) == before
    assert len(smtp.catcher.received) == 8


def test_a_changed_file_under_an_opened_reference_is_refused_saying_what_differs(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    open_text(sample_directory, ROUND)
    before = table_counts(sample_directory)
    changed = ROUND.replace('nationellt vårdprogram"', 'nationellt vårdprogram, version 2"')
    changed = changed.replace("deadline: 2026-04-14", "deadline: 2026-04-30")
    with pytest.raises(InputError) as caught:
        open_text(sample_directory, changed, "round.yaml")
    message = str(caught.value)
    assert message.startswith("round.yaml:1: KS-2026-003: reference: redan öppnad (id 1)")
    assert "title ('Bröstcancer, nationellt vårdprogram, version 2' i filen" in message
    assert "deadline (30 april 2026 i filen, 14 april 2026 i remiss)" in message
    assert "Inget ändrades" in message
    assert table_counts(sample_directory) == before
    with sample_directory.sessions() as s:
        assert s.scalars(select(Round.title)).one() == "Bröstcancer, nationellt vårdprogram"


def test_a_round_is_found_by_a_numeric_reference_and_by_an_explicit_id(
    sample_directory: App,
) -> None:
    from remiss.rounds.opening import find

    open_text(sample_directory, ROUND)
    open_text(sample_directory, ROUND.replace("KS-2026-003", "1"))
    with sample_directory.sessions() as s:
        by_reference = find(s, "1")
        by_id = find(s, "#1")
        assert (by_reference.reference, by_reference.id) == ("1", 2)
        assert (by_id.reference, by_id.id) == ("KS-2026-003", 1)
        assert find(s, "2").reference == "1"  # no round has the reference "2": the id
        with pytest.raises(NotFound):
            find(s, "#99999999999")


def test_deactivated_people_get_no_invitation(sample_directory: App, smtp: RunningCatcher) -> None:
    from remiss.directory import sync as directory

    text = (EXAMPLES / "directory.yaml").read_text()
    text = text.replace(
        "      - {name: Johan Engström, email: johan.engstrom@rkl.example.org, region: RKL, role: ledamot}\n",
        "",
    )
    with sample_directory.transaction() as s:
        directory.apply(s, directory.loads(text))
    open_text(sample_directory, ROUND)
    deliver_outbox(sample_directory)
    assert smtp.catcher.to("johan.engstrom@rkl.example.org") == []
    assert len(smtp.catcher.received) == 7


def test_lead_defaults_to_the_first_group_of_the_first_area(sample_directory: App) -> None:
    [opened] = open_text(sample_directory, ROUND)
    with sample_directory.sessions() as s:
        round_ = s.get(Round, opened["round_id"])
        assert round_ is not None and round_.lead_group is not None
        assert round_.lead_group.key == "rpo-cancer"
        assert {rg.group.key: rg.reason for rg in round_.routed_groups} == {
            "rpo-cancer": "area",
            "kr-kirurgi-cancer": "area",
        }
        assert [q.key for q in round_.questions][:2] == ["stallningstagande", "innehall"]
        assert round_.internal_deadline_at == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
        assert s.scalars(select(AuditEvent.action)).all() == ["directory.import", "round.open"]


def test_named_groups_and_an_explicit_lead_are_routed_too(sample_directory: App) -> None:
    text = ROUND + "groups: [kr-halsa-rehab]\nlead: kr-halsa-rehab\n"
    [opened] = open_text(sample_directory, text)
    with sample_directory.sessions() as s:
        round_ = s.get(Round, opened["round_id"])
        assert round_ is not None and round_.lead_group is not None
        assert round_.lead_group.key == "kr-halsa-rehab"
        # The lead answers even when it is a kunskapsråd; the other kunskapsråd and the
        # RPO's processtöd are told.
        assert (opened["invitations"], opened["informed"]) == (7, 4)


def test_inline_questions_are_used(sample_directory: App) -> None:
    text = ROUND + (
        "questions:\n"
        "  - {key: ja_nej, kind: position, text: 'Håller ni med?', options: [Ja, Nej], required: true}\n"
        "  - {key: fritt, kind: text, text: Kommentarer}\n"
    )
    [opened] = open_text(sample_directory, text)
    with sample_directory.sessions() as s:
        round_ = s.get(Round, opened["round_id"])
        assert round_ is not None
        assert [(q.key, q.required) for q in round_.questions] == [
            ("ja_nej", True),
            ("fritt", False),
        ]
        assert round_.question_set == "inline"


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("deadline: 2026-04-14", "deadline: 2026-02-10"), 6, "svarstiden är omvänd"),
        (("deadline: 2026-04-14", "deadline: 2026-02-27"), 7, "ligger före remissens start"),
        (("opens: 2026-02-16", "opens: 2026-05-01"), 6, "svarstiden är omvänd"),
        (("areas: [cancersjukdomar]", "areas: [tandvard]"), 5, "okänt område 'tandvard'"),
        (("coordinator:", "groups: [rpo-okand]\ncoordinator:"), 8, "okänd grupp 'rpo-okand'"),
        (("coordinator:", "lead: rpo-okand\ncoordinator:"), 8, "okänd ansvarig grupp"),
        (("coordinator:", "questions: svensk\ncoordinator:"), 8, "okänd frågemall 'svensk'"),
        (
            ("coordinator:", "internal_deadline: 2026-05-01\ncoordinator:"),
            8,
            "efter den nationella",
        ),
        (("deadline: 2026-04-14", "deadline: 14/4"), 7, "förväntade ett datum"),
        (("title: ", "titel: "), 2, "okänt fält 'titel'"),
        (("issuer: RCC i samverkan\n", ""), 1, "issuer: obligatoriskt fält saknas"),
        (("kansli@sosr.example.org", "kansli"), 8, "ingen giltig e-postadress"),
    ],
)
def test_a_bad_round_is_refused_with_file_line_and_reason_and_nothing_written(
    sample_directory: App, change: tuple[str, str], line: int, reason: str
) -> None:
    before = table_counts(sample_directory)
    bad = ROUND.replace(*change, 1)
    assert bad != ROUND
    with pytest.raises(InputError) as caught:
        open_text(sample_directory, bad, "remiss.yaml")
    message = str(caught.value)
    assert message.startswith(f"remiss.yaml:{line}: "), message
    assert reason in message, message
    assert table_counts(sample_directory) == before


def test_one_bad_round_in_a_batch_refuses_the_whole_batch(sample_directory: App) -> None:
    batch = (
        "defaults: {issuer: RCC, opens: 2026-02-16, deadline: 2026-04-14, "
        "coordinator: kansli@sosr.example.org}\n"
        "rounds:\n"
        "  - {reference: A-1, title: Ett, areas: [cancersjukdomar]}\n"
        "  - {reference: A-2, title: Två, areas: [okant-omrade]}\n"
    )
    with pytest.raises(InputError, match=r"^batch.yaml:4: .*okänt område"):
        open_text(sample_directory, batch, "batch.yaml")
    assert table_counts(sample_directory)["rounds"] == 0


def test_a_bad_default_points_at_the_defaults_line(sample_directory: App) -> None:
    batch = (
        "defaults:\n"
        "  issuer: RCC\n"
        "  deadline: someday\n"
        "  coordinator: kansli@sosr.example.org\n"
        "rounds:\n"
        "  - {reference: A-1, title: Ett, areas: [cancersjukdomar]}\n"
    )
    with pytest.raises(InputError, match=r"^batch.yaml:3: .*förväntade ett datum"):
        open_text(sample_directory, batch, "batch.yaml")


def test_a_past_deadline_is_refused_relative_to_the_settable_clock(sample_directory: App) -> None:
    clock.set_now(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    with pytest.raises(InputError, match="27 mars 2026 har redan passerat"):
        open_text(sample_directory, ROUND)


# --- the whole national batch, routed by hand ----------------------------------------------

CANCER = {"rpo-cancer", "kr-kirurgi-cancer"}
KIRURGI = {"rpo-kirurgi", "rpo-mag-tarm", "kr-kirurgi-cancer"}
LUNG = {"rpo-lung-allergi", "rpo-barn"}
EXPECTED_GROUPS = {
    **{f"KS-2026-00{i}": CANCER for i in (1, 2, 3, 5, 6, 7, 8, 9)},
    "KS-2026-004": CANCER | {"kr-halsa-rehab"},
    **{f"KS-2026-0{i}": KIRURGI for i in range(10, 17)},
    **{f"KS-2026-0{i}": LUNG for i in range(17, 22)},
    "KS-2026-022": {"rsg-medicinsk-teknik"},
}
EXPECTED_LEADS = {
    **{ref: "rpo-cancer" for ref in EXPECTED_GROUPS if ref <= "KS-2026-009"},
    **{f"KS-2026-0{i}": "rpo-kirurgi" for i in range(10, 17)},
    **{f"KS-2026-0{i}": "rpo-lung-allergi" for i in range(17, 22)},
    "KS-2026-022": "rsg-medicinsk-teknik",
}


def test_the_national_batch_reaches_exactly_the_people_routing_by_hand_says(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    import yaml

    members: dict[str, set[str]] = {}
    for group in yaml.safe_load((EXAMPLES / "directory.yaml").read_text())["groups"]:
        members[group["key"]] = {m["email"] for m in group["members"]}
    expected: dict[str, set[str]] = {}
    for reference, groups in EXPECTED_GROUPS.items():
        for email in set().union(*(members[g] for g in groups)):
            expected.setdefault(email, set()).add(reference)

    parsed = roundspec.load(EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml")
    with sample_directory.transaction() as s:
        opened = open_rounds(s, sample_directory.settings, parsed)
    assert len(opened) == 22
    # Every member of each round's groups, 34 of them a routed RPO's or RSG's processtöd.
    assert sum(o.invitations + o.informed for o in opened) == 243
    report = deliver_outbox(sample_directory)

    # One invitation per person for all their rounds, one link each; the told told once.
    asked: dict[str, set[str]] = {}
    told: dict[str, set[str]] = {}
    for mail in smtp.catcher.received:
        references = set(re.findall(r"Avsändarens diarienummer: (\S+)", mail.text()))
        kind = told if mail.subject.startswith("För kännedom:") else asked
        assert mail.envelope_to[0] not in kind, f"two emails of a kind to {mail.envelope_to}"
        kind[mail.envelope_to[0]] = references
        assert len(mail.tokens()) == (0 if kind is told else len(references))
    assert report.sent == len(asked) + len(told) == len(smtp.catcher.received)
    got = {email: asked.get(email, set()) | told.get(email, set()) for email in asked | told}
    assert got == expected
    assert len(asked["per.wallin@rjl.example.org"]) == 16
    assert len(smtp.catcher.to("per.wallin@rjl.example.org")) == 1
    assert got["jorgen.fransson@rjl.example.org"] == {"KS-2026-004"}
    assert "goran.oberg@rog.example.org" not in got

    with sample_directory.sessions() as s:
        for round_ in s.scalars(select(Round)):
            assert {rg.group.key for rg in round_.routed_groups} == EXPECTED_GROUPS[
                round_.reference
            ]
            assert round_.lead_group is not None
            assert round_.lead_group.key == EXPECTED_LEADS[round_.reference]
            assert round_.internal_deadline == date(2026, 3, 27)
            assert round_.batch == "Remissperiod 16 februari 2026 – 14 april 2026"


def test_the_nhv_batch_uses_its_own_questions(sample_directory: App) -> None:
    parsed = roundspec.load(EXAMPLES / "rounds" / "2026-nhv-remissforslag.yaml")
    with sample_directory.transaction() as s:
        opened = open_rounds(s, sample_directory.settings, parsed)
    with sample_directory.sessions() as s:
        round_ = s.get(Round, opened[1].round_id)
        assert round_ is not None
        assert round_.questions[0].key == "definition"
        assert {rg.group.key for rg in round_.routed_groups} == {"rpo-sallsynta", "rpo-barn"}
        # 20 April 2026 is a Monday; ten working days before is 2 April (Easter skipped).
        assert round_.internal_deadline == date(2026, 4, 2)


def test_an_internal_deadline_after_the_moved_national_deadline_is_refused(
    sample_directory: App,
) -> None:
    # 5 April 2026 is Påskdagen: the national end date moves back to Skärtorsdagen, 2 April.
    bad = ROUND.replace("deadline: 2026-04-14", "deadline: 2026-04-05").replace(
        "coordinator:", "internal_deadline: 2026-04-03\ncoordinator:", 1
    )
    before = table_counts(sample_directory)
    with pytest.raises(InputError, match="efter den nationella svarsdagen") as caught:
        open_text(sample_directory, bad, "remiss.yaml")
    assert str(caught.value).startswith("remiss.yaml:8: "), str(caught.value)
    assert table_counts(sample_directory) == before


def test_changed_named_groups_under_an_opened_reference_are_refused_saying_so(
    sample_directory: App,
) -> None:
    open_text(sample_directory, ROUND + "groups: [rpo-barn]\n")
    before = table_counts(sample_directory)
    for changed in ("groups: [rpo-kirurgi]\n", "groups: [rpo-barn, rpo-kirurgi]\n", ""):
        with pytest.raises(InputError) as caught:
            open_text(sample_directory, ROUND + changed, "round.yaml")
        assert "groups (" in str(caught.value)
        assert "'rpo-barn' i remiss" in str(caught.value)
    assert table_counts(sample_directory) == before
    [again] = open_text(sample_directory, ROUND + "groups: [rpo-barn]\n")
    assert again["created"] is False and again["invitations"] == 0
