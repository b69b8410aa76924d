"""The yttrande's Beslut section, once the decision is recorded: who decided, when and in
which item of the minutes; who did not take part; where the kind asks, who it was anchored
with (``Förankrat med …``) and whether each region takes its own decision too (NHV)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.errors import InputError
from remiss.core.models import Approval, Organisation, Region, Round
from remiss.core.models.anchoring import APPROVED
from remiss.core.swedish import date_sv
from remiss.directory import kinds
from remiss.directory.sync import active_regions
from remiss.yttrande.wording import join_sv

YES, NO = "ja", "nej"


def lines(
    session: Session, round_: Round, org: Organisation, tz: ZoneInfo, regions: Sequence[Region]
) -> tuple[str, ...]:
    """The Beslut section (``regions``: the active ones, by code). The minutes' item is
    written as typed ("§ 14", "punkt 7")."""
    if round_.decided_by is None or round_.decided_on is None:
        return ()
    paragraph = f" ({round_.decision_paragraph})" if round_.decision_paragraph else ""
    said = [
        f"Beslut i detta ärende har fattats av {round_.decided_by} den "
        f"{date_sv(round_.decided_on)}{paragraph}."
    ]
    if round_.not_taking_part:
        said.append(f"I beslutet har {round_.not_taking_part} inte deltagit.")
    spec = kinds.find(org.kinds, round_.kind)
    if spec is not None and spec.letter_names_approvers:
        anchored = anchored_with(session, round_, tz)
        if anchored:
            said.append(f"Yttrandet har förankrats med {join_sv(anchored)}.")
    said.extend(own_decision_lines(round_, regions))
    return tuple(said)


def anchored_with(session: Session, round_: Round, tz: ZoneInfo) -> list[str]:
    """ "Maria Holmgren, ordförande, RSL AU (3 april 2026)": each approver who approved the
    decided version, in the order they were asked."""
    approved = session.scalars(
        select(Approval)
        .where(
            Approval.round_id == round_.id,
            Approval.decision == APPROVED,
            Approval.answered_draft == round_.decided_draft,
        )
        .order_by(Approval.id)
    )
    return [
        f"{a.name}{', ' + a.title if a.title else ''}"
        f" ({date_sv(a.answered_at.astimezone(tz).date())})"
        for a in approved
        if a.answered_at is not None
    ]


def own_decision_lines(round_: Round, regions: Sequence[Region]) -> list[str]:
    """One line per region recorded with the decision: whether it takes its own decision."""
    recorded = round_.own_decisions or {}
    verbs = {True: "fattar även ett eget beslut", False: "fattar inget eget beslut"}
    return [
        f"{region.name} {verbs[bool(recorded[region.code])]} i ärendet."
        for region in regions
        if region.code in recorded
    ]


def asks_own_decisions(org: Organisation, kind: str) -> bool:
    spec = kinds.find(org.kinds, kind)
    return spec is not None and spec.own_decisions


def own_decisions(
    session: Session, org: Organisation, round_: Round, given: Mapping[str, str]
) -> dict[str, bool] | None:
    """Each region's answer (``ja``/``nej`` by region code) as recorded with the decision:
    every active region when the kind asks, none when it does not."""
    if not asks_own_decisions(org, round_.kind):
        if given:
            raise InputError(
                f"remisstypen ”{round_.kind}” tar inte regionernas egna beslut",
                field="own_decision",
            )
        return None
    regions = active_regions(session)
    known = {r.code.casefold(): r for r in regions}
    chosen: dict[str, bool] = {}
    for code, answer in given.items():
        region = known.get(code.strip().casefold())
        if region is None:
            raise InputError(
                f"okänd region ”{code.strip()[:20]}”; ange en av "
                f"{', '.join(r.code for r in regions)}",
                field="own_decision",
            )
        word = answer.strip().casefold()
        if word not in (YES, NO):
            raise InputError(
                f"ange ”ja” eller ”nej” för om {region.name} fattar eget beslut",
                field="own_decision",
            )
        chosen[region.code] = word == YES
    missing = [r.name for r in regions if r.code not in chosen]
    if missing:
        raise InputError(
            f"ange om {join_sv(missing)} fattar eget beslut i ärendet", field="own_decision"
        )
    return chosen


def choices(
    session: Session, org: Organisation, round_: Round
) -> list[tuple[str, str, bool | None]]:
    """The decision form's regions (code, name, as recorded) when the kind asks; else none."""
    if not asks_own_decisions(org, round_.kind):
        return []
    recorded = round_.own_decisions or {}
    return [(r.code, r.name, recorded.get(r.code)) for r in active_regions(session)]
