"""Writing a round's two documents to a folder: the yttrande and the sammanställning.

The sammanställning is the latest stored version (compiled if there is none yet); the
yttrande is rendered from the current draft, or the proposal before any. File names say
which is which: ``KS-2026-003-yttrande.docx``, ``KS-2026-003-sammanstallning.docx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from remiss.core.settings import Settings
from remiss.yttrande import documents, joint, joint_render
from remiss.yttrande.compile import load_round
from remiss.yttrande.versions import compile_round, latest


def write(
    session: Session, settings: Settings, round_id: int, formats: Sequence[str], out: Path
) -> list[Path]:
    """Write both documents in every format of ``formats`` into ``out``; the paths written.

    A PDF printed for the sammanställning is kept on its version: the caller commits.
    """
    round_ = load_round(session, round_id)
    version = latest(session, round_id) or compile_round(session, round_id, settings, "system")
    answer = joint.build(session, round_id, settings)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        sent = out / documents.file_name(round_.reference, fmt, document="yttrande")
        sent.write_bytes(joint_render.render(answer, fmt))
        internal = out / documents.file_name(round_.reference, fmt)
        internal.write_bytes(documents.content(version, fmt) or b"")
        paths += [sent, internal]
    return paths
