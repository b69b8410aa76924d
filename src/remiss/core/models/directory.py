"""The organisation, its regions, groups and people."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remiss.core.models.base import Base


class Organisation(Base):
    """The body that answers: one row, from the directory's ``organisation:`` block."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short: Mapped[str] = mapped_column(String(40))
    signatory: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="Regionsjukvårdsledningen")
    # Per kind of remiss its defaults (margin_days, signatory, recipient, answer, questions).
    kinds: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The region's registrator: remisser answered per region go there.
    registrar: Mapped[str | None] = mapped_column(String(320))


INFORMED_KINDS = frozenset({"kunskapsråd"})


class Group(Base):
    """A regional group (RPO, RSG, kunskapsråd) and the areas it covers."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: by kind (a kunskapsråd is informed, others answer); True/False from the directory.
    answers: Mapped[bool | None] = mapped_column(Boolean)

    memberships: Mapped[list[Membership]] = relationship(back_populates="group")

    @property
    def informed(self) -> bool:
        """Told of a round and of disagreement, never asked to answer."""
        if self.answers is not None:
            return not self.answers
        return self.kind.casefold() in INFORMED_KINDS


class Person(Base):
    """Someone who can be invited; matched by normalised email, never deleted."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # True for colleagues added by forwarding, who are in no directory group.
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    # Named with the email under the yttrande when the person is its handläggare.
    phone: Mapped[str | None] = mapped_column(String(60))

    region: Mapped[Region | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(60), default="ledamot")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    group: Mapped[Group] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")
