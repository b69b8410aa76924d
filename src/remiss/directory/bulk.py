"""The directory's rows brought in line in bulk: the new inserted, the changed updated, the
ones that left deactivated, each in one statement over many rows.

Through the session's unit of work, an object per row, a national directory (52,500
people) took 14 s of CPU to write the first time and 10 s to re-sync unchanged; rows
read as tuples and written in bulk are measured beside it in ``bench/directory_import.py``.
Nothing is loaded as an object: objects of these rows that a caller's session already
holds are not refreshed by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from remiss.core.models import Base


@dataclass
class Written:
    """What ``upsert`` did, by key: a row's key column, or a tuple of its key columns."""

    ids: dict[Any, int] = field(default_factory=dict)
    added: list[Any] = field(default_factory=list)
    reactivated: list[Any] = field(default_factory=list)
    deactivated: list[Any] = field(default_factory=list)


def upsert(
    session: Session,
    model: type[Base],
    keys: tuple[str, ...],
    wanted: dict[Any, dict[str, Any]],
    columns: tuple[str, ...],
) -> Written:
    """Make ``model``'s rows what ``wanted`` says (key → ``columns``' values), each one
    active; a row not wanted is deactivated, unless it is ``external`` (people only)."""
    table = model.__table__.c
    width = len(keys)
    # Every row written is active, and a person in the directory is not external.
    listed = {"active": True, **({"external": False} if "external" in table else {})}
    wanted = {key: {**values, **listed} for key, values in wanted.items()}
    both = (*columns, *listed)

    def key_of(row: Any) -> Any:
        return row[1] if width == 1 else tuple(row[1 : 1 + width])

    chosen = [table[name] for name in (*keys, *both)]
    existing = {
        key_of(row): (row[0], dict(zip(both, row[1 + width :], strict=True)))
        for row in session.execute(select(table.id, *chosen))
    }
    written = Written(ids={key: id_ for key, (id_, _) in existing.items()})
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for key, values in wanted.items():
        found = existing.get(key)
        if found is None:
            new.append({**dict(zip(keys, (key,) if width == 1 else key, strict=True)), **values})
            written.added.append(key)
        elif found[1] != values:
            changed.append({"id": found[0], **values})
            if not found[1]["active"]:
                written.reactivated.append(key)
    written.deactivated = [
        key
        for key, (_, values) in existing.items()
        if key not in wanted and values["active"] and not values.get("external")
    ]
    if new:
        session.execute(insert(model), new)
        keyed = [table[name] for name in keys]
        written.ids = {key_of(row): row[0] for row in session.execute(select(table.id, *keyed))}
    if changed:
        session.execute(update(model), changed)
    if written.deactivated:
        left = [{"id": existing[key][0], "active": False} for key in written.deactivated]
        session.execute(update(model), left)
    return written
