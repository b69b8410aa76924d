"""What the disagreement email says is held: the latest submitted position of every
active invitation, by group (a forwarded colleague's through the groups it came from)
and region."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.models import Round
from remiss.reviewers.disagreement import picture


def lines(sessions: sessionmaker[Session], round_id: int) -> list[tuple[str, tuple[str, ...]]]:
    with sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return [(item.question, item.sides) for item in picture(session, round_)]


def test_the_picture_counts_latest_submissions_of_active_invitations(
    sessions: sessionmaker[Session], round_id: int
) -> None:
    # Per's later draft, Olof's draft, Anna's "Inga synpunkter" and revoked Bo count for
    # nothing; Kristina's resubmission replaces her first answer; Maria answers for the
    # group Johan forwarded to her from.
    assert lines(sessions, round_id) == [
        (
            "Ställer ni er bakom kunskapsstödet?",
            (
                "Tillstyrker: RPO Cancersjukdomar (Region Jönköpings län och Region Kalmar län); "
                "RPO Kirurgi och plastikkirurgi (Region Jönköpings län); "
                "RSG Medicinsk teknik (Region Kalmar län)",
                "Avstyrker: RPO Kirurgi och plastikkirurgi (Region Östergötland)",
            ),
        )
    ]


def test_support_with_and_without_comments_is_no_disagreement(
    sessions: sessionmaker[Session], round_where: Callable[..., int]
) -> None:
    round_id = round_where("Tillstyrker", "Tillstyrker med synpunkter", None)

    assert lines(sessions, round_id) == []


def test_groups_pointing_both_ways_are_named_by_direction(
    sessions: sessionmaker[Session], round_where: Callable[..., int]
) -> None:
    round_id = round_where("Avstyrker", "Tillstyrker med synpunkter", "Inga synpunkter")

    assert lines(sessions, round_id) == [
        (
            "Ställer ni er bakom kunskapsstödet?",
            (
                "Tillstyrker: Grupp 2 (Region Östergötland)",
                "Avstyrker: Grupp 1 (Region Kalmar län)",
            ),
        )
    ]
