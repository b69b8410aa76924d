"""Writing a round's two documents to a folder: the yttrande and the sammanställning.

The sammanställning is the latest version's stored files (rendered after the compile that
made it); the yttrande is rendered from the current draft, or the proposal before any.
File names say which is which: ``KS-2026-003-yttrande.docx``,
``KS-2026-003-sammanstallning.docx`` (a ministry's yttrande also names the organisation:
``S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.docx``). With ``svarsmall`` the yttrande
is also written filled into the sender's template (``KS-2026-003-yttrande-svarsmall.docx``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from remiss.core.errors import RemissError
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.yttrande import documents, joint, letter, sending, svarsmall_letter
from remiss.yttrande.compile import load_round
from remiss.yttrande.render import letter_files
from remiss.yttrande.versions import latest


def write(
    session: Session,
    settings: Settings,
    round_id: int,
    formats: Sequence[str],
    out: Path,
    *,
    svarsmall: bool = False,
) -> list[Path]:
    """Write both documents in every format of ``formats`` into ``out`` (and the yttrande in
    the sender's svarsmall with ``svarsmall``); the paths written."""
    round_ = load_round(session, round_id)
    version = latest(session, round_id)
    if version is None:
        raise RemissError(f"{round_.reference}: ingen sammanställning ännu")
    missing = [documents.FORMAT_NAMES[f] for f in formats if documents.content(version, f) is None]
    if missing:
        raise RemissError(
            f"{round_.reference}: sammanställningen version {version.number} saknar "
            f"{', '.join(missing)}-fil; sammanställ med --format {','.join(formats)}"
        )
    answer = joint.build(session, round_id, settings)
    org = organisation(session)
    kept = sending.sent_files(session, round_id)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        # What was sent is final: its PDF and Word file are the bytes that went out.
        sent = out / letter.file_name(round_, org, fmt)
        sent.write_bytes(sending.sent_bytes(kept, fmt) or letter_files.render(answer, fmt))
        internal = out / documents.file_name(round_.reference, fmt)
        internal.write_bytes(documents.content(version, fmt) or b"")
        paths += [sent, internal]
    if svarsmall:
        filled = out / svarsmall_letter.file_name(round_, org)
        filled.write_bytes(svarsmall_letter.fill(session, round_id, answer))
        paths.append(filled)
    return paths
