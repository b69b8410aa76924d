"""Every email remiss sends, one function each: what it needs, and the message it makes.

A function takes typed arguments, renders ``templates/emails/{kind}.{subject,txt,html}.j2``
and returns an ``Email``: the message and its kind, ready for ``outbox.queue``. Reading
this package tells what each email needs: ``reviewers`` holds the mail to the people asked
(and told), ``anchoring`` the draft to its approvers, ``outcome`` how the remiss ended (to
everyone asked or told), ``coordination`` the rest.
``tests/test_email_catalogue.py`` renders every one, so a template asking for something its
function does not give fails in a test.

Adding a kind: write its three templates and one function in one of the modules that
calls ``compose``, and name it here.
"""

from remiss.mail.catalogue._base import Email
from remiss.mail.catalogue.anchoring import (
    anchoring,
    anchoring_answered,
    anchoring_new_version,
    anchoring_reminder,
)
from remiss.mail.catalogue.coordination import (
    Disagreement,
    Reasoning,
    closed_without_answers,
    decision_voided,
    disagreement,
    drafting,
    handed_over,
    login,
    not_answering,
    per_region,
    system_level,
    yttrande_ready,
    yttrande_sent,
)
from remiss.mail.catalogue.outcome import Fate, outcome_sent, outcome_triaged
from remiss.mail.catalogue.replies import reply_refused, reply_saved
from remiss.mail.catalogue.reviewers import (
    Answered,
    BatchItem,
    DigestItem,
    deadline_extended,
    forwarded,
    information,
    information_batch,
    invitation,
    invitation_batch,
    late_answer,
    receipt,
    reminder_digest,
    reminder_now,
)

__all__ = [
    "Answered",
    "BatchItem",
    "DigestItem",
    "Disagreement",
    "Email",
    "Fate",
    "Reasoning",
    "anchoring",
    "anchoring_answered",
    "anchoring_new_version",
    "anchoring_reminder",
    "closed_without_answers",
    "deadline_extended",
    "decision_voided",
    "disagreement",
    "drafting",
    "forwarded",
    "handed_over",
    "information",
    "information_batch",
    "invitation",
    "invitation_batch",
    "late_answer",
    "login",
    "not_answering",
    "outcome_sent",
    "outcome_triaged",
    "per_region",
    "receipt",
    "reminder_digest",
    "reminder_now",
    "reply_refused",
    "reply_saved",
    "system_level",
    "yttrande_ready",
    "yttrande_sent",
]
