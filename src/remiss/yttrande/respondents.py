"""The invitations that count in a round, and what each has submitted.

An active invitation counts; a forwarded one lives on in its successor, who answers
through the groups it came with and "för" the person first asked; a revoked one is gone.
Drafts never count: the latest submitted version is the answer, the earlier ones its
history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from remiss.core.models import AnswerVersion, Group, Invitation, InvitationGroup, Region
from remiss.core.states import InvitationStatus, VersionKind
from remiss.core.text import printable
from remiss.yttrande import wording


@dataclass(frozen=True)
class Invitee:
    """An invitation that counts: the person, the groups it came through, its answer."""

    name: str
    email: str
    region_code: str
    region: str
    groups: tuple[Group, ...]
    role: str
    answer: AnswerVersion | None  # the latest submitted version; drafts never count
    # Every submitted version, oldest first (the last is ``answer``).
    submissions: tuple[AnswerVersion, ...] = ()
    # The person first asked, when this invitation came by forwarding.
    on_behalf_of: str | None = None

    @property
    def group_names(self) -> str:
        # Commas, not "och": group names often contain "och" themselves.
        return ", ".join(g.name for g in self.groups)

    @property
    def attribution(self) -> str:
        return " — ".join(part for part in (self.group_names, self.region) if part)

    def value(self, key: str) -> str:
        if self.answer is None:
            return ""
        raw = self.answer.values.get(key)
        # Stored answers are cleaned on the way in; one from before that (or written by
        # hand) must still not stop a compile: PostgreSQL refuses NUL in a text column.
        return printable(raw).strip() if isinstance(raw, str) else ""


def invitees(session: Session, round_id: int) -> list[Invitee]:
    """The round's active invitations, sorted by name, with their submitted answers."""
    rows = session.scalars(
        select(Invitation)
        .where(Invitation.round_id == round_id)
        .options(
            selectinload(Invitation.person),
            selectinload(Invitation.groups).selectinload(InvitationGroup.group),
            selectinload(Invitation.versions),
        )
    ).all()
    by_id = {row.id: row for row in rows}
    regions = {r.id: r for r in session.scalars(select(Region))}
    result = []
    for invitation in rows:
        if invitation.status != InvitationStatus.ACTIVE:
            continue  # forwarded ones live on in their successor; revoked ones are gone
        links = _group_links(invitation, by_id)
        region = regions.get(invitation.person.region_id or -1)
        submitted = sorted(
            (v for v in invitation.versions if v.kind == VersionKind.SUBMITTED),
            key=lambda v: v.number,
        )
        first = _first_asked(invitation, by_id)
        result.append(
            Invitee(
                name=invitation.person.name,
                email=invitation.person.email,
                region_code=region.code if region else "",
                region=region.name if region else "",
                groups=tuple(sorted((link.group for link in links), key=group_key)),
                role=wording.join_sv(sorted({link.role for link in links}, key=wording.sort_key)),
                answer=submitted[-1] if submitted else None,
                submissions=tuple(submitted),
                on_behalf_of=first.person.name if first is not invitation else None,
            )
        )
    return sorted(result, key=lambda i: (wording.sort_key(i.name), i.email))


def _group_links(invitation: Invitation, by_id: dict[int, Invitation]) -> list[InvitationGroup]:
    """The groups an invitation came through; a forwarded colleague inherits them."""
    seen: set[int] = set()
    current: Invitation | None = invitation
    while current is not None and current.id not in seen:
        if current.groups:
            return list(current.groups)
        seen.add(current.id)
        current = by_id.get(current.forwarded_from_id or -1)
    return []


def _first_asked(invitation: Invitation, by_id: dict[int, Invitation]) -> Invitation:
    """The start of the forwarding chain: the invitation of the person first asked."""
    seen = {invitation.id}
    current = invitation
    while (earlier := by_id.get(current.forwarded_from_id or -1)) is not None:
        if earlier.id in seen:
            break
        seen.add(earlier.id)
        current = earlier
    return current


def group_key(group: Group) -> tuple[str, str]:
    return (wording.sort_key(group.name), group.key)
