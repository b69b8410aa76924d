"""The database, as SQLAlchemy 2.0 typed models, one module per concept.

Every model is importable from here; importing this package registers them all.
"""

from remiss.core.models.access import CoordinatorSession, LoginToken, RateBucket
from remiss.core.models.anchoring import Approval, ApprovalToken
from remiss.core.models.attachments import AnswerAttachment
from remiss.core.models.audit import AuditEvent
from remiss.core.models.autosave import DraftAutosave
from remiss.core.models.base import NAMING, Base, UTCDateTime
from remiss.core.models.directory import Group, Membership, Organisation, Person, Region
from remiss.core.models.dispositions import Disposition
from remiss.core.models.inbound import InboundMail
from remiss.core.models.mail import Message
from remiss.core.models.rounds import (
    AnswerVersion,
    Invitation,
    InvitationGroup,
    InvitationToken,
    Question,
    ReminderClaim,
    Round,
    RoundGroup,
)
from remiss.core.models.svarsmall import Svarsmall
from remiss.core.models.workers import WorkerBeat
from remiss.core.models.yttrande import (
    LetterFile,
    SentYttrande,
    YttrandeDraft,
    YttrandeVersion,
)

__all__ = [
    "NAMING",
    "AnswerAttachment",
    "AnswerVersion",
    "Approval",
    "ApprovalToken",
    "AuditEvent",
    "Base",
    "CoordinatorSession",
    "Disposition",
    "DraftAutosave",
    "Group",
    "InboundMail",
    "Invitation",
    "InvitationGroup",
    "InvitationToken",
    "LetterFile",
    "LoginToken",
    "Membership",
    "Message",
    "Organisation",
    "Person",
    "Question",
    "RateBucket",
    "Region",
    "ReminderClaim",
    "Round",
    "RoundGroup",
    "SentYttrande",
    "Svarsmall",
    "UTCDateTime",
    "WorkerBeat",
    "YttrandeDraft",
    "YttrandeVersion",
]
