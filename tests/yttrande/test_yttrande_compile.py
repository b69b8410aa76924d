"""What the compiled yttrande says: positions, disagreements, answers, who is missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import clock
from remiss.core.errors import NotFound
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.yttrande import joint
from remiss.yttrande.compile import build
from remiss.yttrande.model import NO_ANSWERS, Yttrande
from tests.yttrande.seed import (
    DRAFT_TEXT,
    KARIN_TEXT,
    LATE_DRAFT_TEXT,
    MARIA_TEXT,
    PER_TEXT,
    Builder,
)


def compiled(sessions: sessionmaker[Session], round_id: int, settings: Settings) -> Yttrande:
    with sessions() as session:
        return build(session, round_id, settings)


def test_header_names_the_remiss_and_both_references(sessions, round_id, settings) -> None:
    header = compiled(sessions, round_id, settings).header

    assert header.organisation == "Sydöstra sjukvårdsregionen"
    assert header.unit == "Regionsjukvårdsledningen"
    assert header.their_reference == "KS-2026-003"
    assert header.our_reference == "SÖSR-2026-017"
    assert header.recipient == "RCC i samverkan"
    assert header.title == "Bröstcancer, nationellt vårdprogram"


def test_the_sammanstallning_says_it_is_internal(sessions, round_id, settings) -> None:
    opening = compiled(sessions, round_id, settings).opening
    assert opening.startswith("Intern sammanställning för Sydöstra sjukvårdsregionen")
    assert "KS-2026-003" in opening and "skickas inte" in opening


def test_open_round_is_dated_today_in_swedish_time(sessions, round_id, settings) -> None:
    clock.set_now(datetime(2026, 4, 6, 22, 30, tzinfo=UTC))  # already 7 April in Sweden

    header = compiled(sessions, round_id, settings).header

    assert (header.date, header.date_text) == ("2026-04-07", "7 april 2026")


def test_closed_round_is_dated_the_day_it_closed(sessions, round_id, settings) -> None:
    with sessions.begin() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        round_.status = "closed"
        round_.closed_at = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    clock.set_now(datetime(2026, 4, 10, 8, 0, tzinfo=UTC))

    assert compiled(sessions, round_id, settings).header.date_text == "1 april 2026"


def test_every_submitted_text_answer_is_kept_verbatim_and_attributed(
    sessions, round_id, settings
) -> None:
    texts = {s.key: s for s in compiled(sessions, round_id, settings).texts}

    assert [(a.attribution, a.text) for a in texts["innehall"].answers] == [
        ("RPO Cancersjukdomar, RPO Kirurgi och plastikkirurgi — Region Jönköpings län", PER_TEXT)
    ]
    assert [(a.attribution, a.text) for a in texts["avsnitt"].answers] == [
        ("RPO Cancersjukdomar — Region Kalmar län", KARIN_TEXT)
    ]
    assert [a.text for a in texts["inforande"].answers] == [MARIA_TEXT]
    assert texts["ovrigt"].answers == ()


def test_text_sections_follow_the_svarsmall_order(sessions, round_id, settings) -> None:
    keys = [s.key for s in compiled(sessions, round_id, settings).texts]

    assert keys == ["innehall", "avsnitt", "konsekvenser", "inforande", "ovrigt"]


def test_drafts_and_revoked_invitations_never_reach_the_yttrande(
    sessions, round_id, settings
) -> None:
    content = str(compiled(sessions, round_id, settings).to_dict())

    assert DRAFT_TEXT not in content
    assert LATE_DRAFT_TEXT not in content
    assert "Återkallad" not in content
    assert "Bo Strand" not in content


def test_a_resubmission_replaces_the_earlier_answer(sessions, round_id, settings) -> None:
    section = compiled(sessions, round_id, settings).positions[0]

    kristina = [r for r in section.rows if r.region == "Region Östergötland"]
    assert [(r.group, r.position) for r in kristina] == [
        ("RPO Kirurgi och plastikkirurgi", "Avstyrker")
    ]


def test_position_table_lists_group_region_and_position(sessions, round_id, settings) -> None:
    section = compiled(sessions, round_id, settings).positions[0]

    assert [(r.group, r.region, r.position) for r in section.rows] == [
        ("RPO Cancersjukdomar", "Region Jönköpings län", "Tillstyrker"),
        ("RPO Cancersjukdomar", "Region Kalmar län", "Tillstyrker med synpunkter"),
        ("RPO Kirurgi och plastikkirurgi", "Region Jönköpings län", "Tillstyrker"),
        ("RPO Kirurgi och plastikkirurgi", "Region Östergötland", "Avstyrker"),
        ("RSG Medicinsk teknik", "Region Jönköpings län", "Inga synpunkter"),
        ("RSG Medicinsk teknik", "Region Kalmar län", "Tillstyrker"),
    ]


def test_disagreement_names_the_groups_and_regions_that_differ(
    sessions, round_id, settings
) -> None:
    section = compiled(sessions, round_id, settings).positions[0]

    assert section.disagreement == (
        "Grupperna skiljer sig åt: RPO Cancersjukdomar och RSG Medicinsk teknik "
        "tillstyrker; inom RPO Kirurgi och plastikkirurgi är ställningstagandet delat.",
        "Regionerna skiljer sig åt: Region Jönköpings län och Region Kalmar län tillstyrker; "
        "Region Östergötland avstyrker.",
        "Inom RPO Kirurgi och plastikkirurgi går ställningstagandena isär: "
        "Region Jönköpings län tillstyrker; Region Östergötland avstyrker.",
    )


def test_tillstyrker_with_and_without_comments_is_no_disagreement(
    sessions, round_where, settings
) -> None:
    round_id = round_where("Tillstyrker", "Tillstyrker med synpunkter", "Tillstyrker")

    assert compiled(sessions, round_id, settings).positions[0].disagreement == ()


def test_generated_summary_counts_groups_in_swedish_words(sessions, round_where, settings) -> None:
    round_id = round_where(
        "Tillstyrker", "Tillstyrker", "Tillstyrker med synpunkter", "Tillstyrker", "Avstyrker"
    )

    yttrande = compiled(sessions, round_id, settings)

    assert yttrande.summary_generated
    assert yttrande.summary == (
        "Fyra av fem grupper tillstyrker, en med synpunkter. En grupp avstyrker."
    )


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        (("Tillstyrker", "Tillstyrker", "Tillstyrker"), "Alla tre grupper tillstyrker."),
        (("Avstyrker",), "Den tillfrågade gruppen avstyrker."),
        (("Avstyrker", "Avstyrker"), "Båda grupperna avstyrker."),
        (
            ("Tillstyrker med synpunkter", "Tillstyrker med synpunkter", None),
            "Två av tre grupper tillstyrker med synpunkter. En grupp har inte tagit ställning.",
        ),
        (
            ("Avstyrker", None, None),
            "En av tre grupper avstyrker. Två grupper har inte tagit ställning.",
        ),
        ((None, None), "Ingen av de två tillfrågade grupperna har tagit ställning."),
    ],
)
def test_generated_summary_reads_well_for_small_rounds(
    sessions, round_where, settings, positions, expected
) -> None:
    round_id = round_where(*positions)

    summary = compiled(sessions, round_id, settings).summary

    assert summary == expected
    assert " ni " not in f" {summary} "  # the organisation's own words address nobody


def test_generated_summary_of_the_answered_round(sessions, round_id, settings) -> None:
    assert compiled(sessions, round_id, settings).summary == (
        "Två av fyra grupper tillstyrker, en med synpunkter. "
        "En grupp har lämnat olika ställningstaganden. En grupp har inte tagit ställning."
    )


def test_coordinators_summary_replaces_the_generated_one_and_the_signatory_signs_the_yttrande(
    sessions, round_id, settings
) -> None:
    with sessions.begin() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        round_.summary = "SÖSR tillstyrker.\n\nMed två förbehåll."
        round_.signatory = "Anna Andersson, ordförande"

    yttrande = compiled(sessions, round_id, settings)

    assert (yttrande.summary, yttrande.summary_generated) == (
        "SÖSR tillstyrker.\n\nMed två förbehåll.",
        False,
    )
    # The sammanställning is a memo, signed by nobody; the yttrande that is sent is signed.
    assert "signature" not in yttrande.to_dict()
    with sessions() as session:
        assert joint.build(session, round_id, settings).signatory == "Anna Andersson, ordförande"


def test_underlag_counts_answered_of_invited_per_group(sessions, round_id, settings) -> None:
    underlag = compiled(sessions, round_id, settings).underlag

    assert [(g.name, g.answered, g.invited, g.lead) for g in underlag.groups] == [
        ("Kunskapsråd Hälsa och rehabilitering", 0, 1, False),
        ("RPO Cancersjukdomar", 2, 3, True),
        ("RPO Kirurgi och plastikkirurgi", 2, 2, False),
        # Johan forwarded to Maria: she answers for the group, he is not counted.
        ("RSG Medicinsk teknik", 2, 2, False),
    ]
    assert underlag.lead == "RPO Cancersjukdomar"


def test_underlag_names_silent_groups_and_people_who_did_not_answer(
    sessions, round_id, settings
) -> None:
    underlag = compiled(sessions, round_id, settings).underlag

    assert underlag.silent_groups == ("Kunskapsråd Hälsa och rehabilitering",)
    assert [(p.name, p.groups, p.region) for p in underlag.non_responders] == [
        ("Eva Holm", "Kunskapsråd Hälsa och rehabilitering", "Region Kalmar län"),
        ("Olof Sandberg", "RPO Cancersjukdomar", "Region Östergötland"),
    ]


def test_appendix_lists_each_respondent_with_local_submission_time(
    sessions, round_id, settings
) -> None:
    appendix = compiled(sessions, round_id, settings).appendix

    assert [p.name for p in appendix] == [
        "Anna Ek",
        "Karin Kvist",
        "Kristina Fransson",
        "Maria Lind",
        "Per Wallin",
    ]
    karin = appendix[1]
    assert (karin.role, karin.groups, karin.region, karin.submitted_text) == (
        "ledamot",
        "RPO Cancersjukdomar",
        "Region Kalmar län",
        "4 mars 2026 kl. 15.05",
    )
    assert appendix[0].no_comments
    assert appendix[0].answers == ()


def test_round_without_answers_says_no_comments_have_come_in(
    sessions, round_where, settings
) -> None:
    round_id = round_where(None, None)

    yttrande = compiled(sessions, round_id, settings)

    assert all(section.answers == () for section in yttrande.texts)
    assert yttrande.positions[0].rows == ()
    assert yttrande.appendix == ()
    assert NO_ANSWERS == "Inga synpunkter har inkommit."


def test_compiling_twice_gives_identical_content(sessions, round_id, settings) -> None:
    first = compiled(sessions, round_id, settings)
    second = compiled(sessions, round_id, settings)

    assert first.to_dict() == second.to_dict()
    assert first.checksum() == second.checksum()


def test_unknown_round_is_not_found(sessions, round_id, settings) -> None:
    with pytest.raises(NotFound):
        compiled(sessions, round_id + 1000, settings)


def test_person_answering_through_several_groups_counts_for_each(
    sessions, seed: Callable[[Callable[[Builder], Any]], Any], settings
) -> None:
    def fill(b: Builder) -> int:
        a, c = b.group("a", "Grupp A"), b.group("c", "Grupp C")
        round_ = b.round()
        invitation = b.invite(round_, b.person("Per Wallin", "RJL"), c, a)
        b.answer(
            invitation, {"stallningstagande": "Avstyrker"}, when=datetime(2026, 3, 2, tzinfo=UTC)
        )
        return round_.id

    yttrande = compiled(sessions, seed(fill), settings)

    assert [r.group for r in yttrande.positions[0].rows] == ["Grupp A", "Grupp C"]
    assert yttrande.summary.endswith("Båda grupperna avstyrker.")


def test_a_region_split_within_a_group_is_named_once_never_on_both_sides() -> None:
    from remiss.yttrande import wording

    options = ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker"]
    lines = wording.disagreement(
        [
            ("RPO A", "Region Jönköpings län", "Tillstyrker"),
            ("RPO A", "Region Kalmar län", "Tillstyrker"),
            ("RPO A", "Region Jönköpings län", "Avstyrker"),
        ],
        options,
    )
    assert lines[-1] == (
        "Inom RPO A går ställningstagandena isär: Region Kalmar län tillstyrker; "
        "inom Region Jönköpings län är ställningstagandet delat."
    )
    assert all(line.count("Region Jönköpings län") == 1 for line in lines)
