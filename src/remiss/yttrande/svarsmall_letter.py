"""The yttrande filled into the sender's svarsmall, beside the organisation's own letter.

The same ``JointAnswer`` as every other rendering: the joint position and text per question,
the references, date, signatories and handläggare; kept and served as the letter's other
files are (``letter_store``, format ``svarsmall``), rendered by a worker, never in a request.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from remiss.core.errors import NotFound
from remiss.core.models import Organisation, Round
from remiss.rounds import svarsmall
from remiss.yttrande import documents, letter
from remiss.yttrande.joint import JointAnswer

FMT = "svarsmall"  # the letter store's name for it; the file is a .docx


def values(answer: JointAnswer) -> dict[str, str]:
    """What fills each source a svarsmall's fields name (``svarsmall.fields``)."""
    header = answer.header
    officer = answer.handlaggare
    found = {
        "titel": header.title,
        "er_referens": header.their_reference,
        "var_referens": header.our_reference or "",
        "datum": header.date_text,
        "organisation": answer.organisation,
        "mottagare": header.recipient,
        "inledning": answer.opening,
        "undertecknare": answer.signatory,
        "underskrifter": "\n".join(s.line() for s in answer.signatories),
        "handlaggare": officer.line() if officer is not None else "",
        "status": answer.status or "",
        "beslut": "\n".join(answer.decision),
    }
    for stand in answer.stands:
        found[f"{stand.key}.{svarsmall.POSITION}"] = stand.position or ""
        found[f"{stand.key}.{svarsmall.TEXT}"] = stand.text
    for comment in answer.comments:
        found[f"{comment.key}.{svarsmall.TEXT}"] = comment.text
    return found


def fill(session: Session, round_id: int, answer: JointAnswer) -> bytes:
    """The round's svarsmall with ``answer`` in its fields."""
    template = svarsmall.of(session, round_id)
    if template is None:
        raise NotFound(f"remissen {round_id} har ingen svarsmall")
    return svarsmall.fill(template.content, template.fields, values(answer))


def file_name(round_: Round, org: Organisation) -> str:
    """``KS-2026-003-yttrande-svarsmall.docx``: the yttrande, in the sender's template."""
    return documents.file_name(
        letter.reference_line(round_, org), "docx", document="yttrande-svarsmall"
    )
