"""Where groups and regions stand, as the disagreement email reads it: the latest submitted
position of every active invitation, by group (a forwarded colleague's through the groups
it came from) and region; what most respondents hold, a tie a split; a disagreement when
two groups or two regions are on opposite sides, or the lead group is split."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.models import Round
from remiss.reviewers.disagreement import picture
from remiss.reviewers.majorities import (
    AGAINST,
    FOR,
    SPLIT,
    Stance,
    directions,
    look,
    majority,
    side,
)

OPTIONS = ["Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker"]
VARDPROGRAM = ["Ställer sig bakom", "Ställer sig bakom med synpunkter", "Ställer sig inte bakom"]


def where_they_stand(
    sessions: sessionmaker[Session], round_id: int
) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    with sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return [(p.question, p.groups, p.regions) for p in picture(session, round_)]


def test_the_picture_counts_latest_submissions_of_active_invitations(
    sessions: sessionmaker[Session], round_id: int
) -> None:
    # Per's later draft, Olof's draft, Anna's "Inga synpunkter" and revoked Bo count for
    # nothing; Kristina's resubmission replaces her first answer; Maria answers for the
    # group Johan forwarded to her from. RPO Kirurgi is as much for (Per) as against
    # (Kristina); Region Östergötland is against, the other two regions for.
    assert where_they_stand(sessions, round_id) == [
        (
            "Ställer ni er bakom kunskapsstödet?",
            {
                "RPO Cancersjukdomar": FOR,
                "RPO Kirurgi och plastikkirurgi": SPLIT,
                "RSG Medicinsk teknik": FOR,
            },
            {
                "Region Jönköpings län": FOR,
                "Region Kalmar län": FOR,
                "Region Östergötland": AGAINST,
            },
        )
    ]


def test_support_with_and_without_comments_is_no_disagreement(
    sessions: sessionmaker[Session], round_where: Callable[..., int]
) -> None:
    round_id = round_where("Tillstyrker", "Tillstyrker med synpunkter", None)

    assert where_they_stand(sessions, round_id) == []


def test_groups_on_opposite_sides_are_a_disagreement_and_no_comments_takes_no_side(
    sessions: sessionmaker[Session], round_where: Callable[..., int]
) -> None:
    round_id = round_where("Avstyrker", "Tillstyrker med synpunkter", "Inga synpunkter")

    assert where_they_stand(sessions, round_id) == [
        (
            "Ställer ni er bakom kunskapsstödet?",
            {"Grupp 1": AGAINST, "Grupp 2": FOR},
            {"Region Kalmar län": AGAINST, "Region Östergötland": FOR},
        )
    ]


def stance(n: int, group: str, region: str, position: str) -> Stance:
    found = side(position, OPTIONS)
    assert found is not None
    return Stance(n, (group,), region, found, position)


def test_one_dissenter_in_an_agreeing_group_is_no_disagreement() -> None:
    stances = [
        stance(1, "RPO A", "Region Jönköpings län", "Tillstyrker"),
        stance(2, "RPO A", "Region Kalmar län", "Tillstyrker med synpunkter"),
        stance(3, "RPO A", "Region Östergötland", "Tillstyrker"),
        stance(4, "RPO A", "Region Östergötland", "Avstyrker"),
    ]
    looked = look("q", "Ställer ni er bakom?", stances, lead="RPO A")

    assert looked.groups == {"RPO A": FOR}
    assert looked.regions["Region Östergötland"] == SPLIT
    assert not looked.escalates


def test_a_tied_lead_group_is_a_disagreement_and_a_tied_other_group_is_not() -> None:
    stances = [
        stance(1, "RPO A", "Region Kalmar län", "Tillstyrker"),
        stance(2, "RPO A", "Region Kalmar län", "Avstyrker"),
    ]

    assert look("q", "?", stances, lead="RPO A").escalates
    assert not look("q", "?", stances, lead="RPO B").escalates
    assert look("q", "?", stances, lead="RPO A").holders() == {("q", "group", "RPO A", SPLIT)}


def test_two_regions_on_opposite_sides_are_a_disagreement_within_one_group() -> None:
    stances = [
        stance(1, "RPO A", "Region Jönköpings län", "Tillstyrker"),
        stance(2, "RPO A", "Region Jönköpings län", "Tillstyrker"),
        stance(3, "RPO A", "Region Östergötland", "Avstyrker"),
    ]
    looked = look("q", "?", stances, lead="RPO A")

    assert looked.escalates
    assert looked.minority() == (stances[2],)


def test_what_most_hold_counts_only_those_who_take_a_side() -> None:
    assert majority([FOR, FOR, AGAINST]) == FOR
    assert majority([FOR, AGAINST]) == SPLIT
    assert majority([AGAINST]) == AGAINST
    assert majority([]) is None
    assert side("Inga synpunkter", OPTIONS) is None
    assert side("Avstår", [*OPTIONS, "Avstår"]) is None


def test_a_vardprogram_is_for_and_against_in_its_own_words() -> None:
    assert directions(VARDPROGRAM) == ("Ställer sig bakom", "Ställer sig inte bakom")
    assert side("Ställer sig bakom med synpunkter", VARDPROGRAM) == FOR
    assert side("Ställer sig inte bakom", VARDPROGRAM) == AGAINST
    assert directions(["Ja"]) is None
