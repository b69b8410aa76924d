"""Återkoppling: what became of each comment, and how the remiss ended, told to everyone.

The breast-cancer round of ``seed`` (its personas in that module's docstring), with one more
member of the informed kunskapsråd, Ingrid Info, and RPO Kirurgi's processtöd, Pia Stöd:
both told and never asked. Each service is
driven as a shell drives it (one transaction each) against a real database and a real SMTP
server.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import docx
import pytest
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.errors import InputError, Refused
from remiss.core.models import Disposition, Membership, Round, SentYttrande
from remiss.core.states import TriageDecision
from remiss.rounds import triage
from remiss.yttrande import compile, dispositions
from remiss.yttrande.render import memo_docx, memo_html
from tests.mailcatcher import Received, RunningCatcher
from tests.yttrande.seed import KARIN_TEXT, MARIA_TEXT, PER_TEXT, Builder, answered_round
from tests.yttrande.test_the_letter_holds import AFTER_CLOSE, COORDINATOR, Walk

SKICKAT = "Skickat: Yttrande över remiss: Bröstcancer, nationellt vårdprogram"
ASKED = [  # every invitation that counts: Johan forwarded to Maria, Bo was revoked
    "anna.ek@ex.org", "eva.holm@ex.org", "karin.kvist@ex.org", "kristina.fransson@ex.org",
    "maria.lind@ex.org", "olof.sandberg@ex.org", "per.wallin@ex.org",
]  # fmt: skip
INFORMED = "ingrid.info@ex.org"
SUPPORT = "pia.stod@ex.org"  # a processtöd is told like the kunskapsråd
NOT_OUT = "Regionerna har redan en utbildningsdag."


def with_an_informed_member(b: Builder) -> int:
    round_id = answered_round(b)
    # Eva Holm is asked through the kunskapsråd, so she is not also told; Ingrid only is.
    for name in ("Ingrid Info", "Eva Holm"):
        person = b.people.get(name) or b.person(name, "RKL")
        b.session.add(Membership(group=b.groups["kr-halsa"], person=person))
    pia = b.person("Pia Stöd", "RÖ")
    b.session.add(Membership(group=b.groups["rpo-kirurgi"], person=pia, role="processtöd"))
    return round_id


@pytest.fixture
def walk(app: App, seed: Callable[[Callable[[Builder], Any]], Any]) -> Iterator[Walk]:
    round_id = seed(with_an_informed_member)
    clock.set_now(AFTER_CLOSE)
    yield Walk(app, round_id)


def weigh(walk: Walk, **chosen: tuple[str, str]) -> int:
    """Save what became of the comments, by the writer's first name and question key."""
    with walk.app.sessions() as session:
        found = dispositions.comments(session, walk.round_id)
    posted = {}
    for who, (choice, reason) in chosen.items():
        name, key = who.split("__")
        [comment] = [c for c in found if c.email.startswith(name) and c.key == key]
        posted[comment.field] = (choice, reason)
    return int(walk.do(lambda s: dispositions.save(s, walk.round_id, COORDINATOR, posted)))


def skickat(smtp: RunningCatcher) -> list[Received]:
    return [r for r in smtp.catcher.received if r.subject.startswith("Skickat:")]


def test_everyone_asked_and_every_informed_member_gets_one_email_with_the_sent_pdf(
    walk: Walk, smtp: RunningCatcher
) -> None:
    walk.close()
    weigh(walk, per__innehall=("omformulerad", ""), maria__inforande=("ej-med", NOT_OUT),
          karin__avsnitt=("med", "ignored for Med"))  # fmt: skip
    walk.draft(hand_over=True)
    walk.decide()
    walk.send()
    with walk.app.sessions() as session:
        sent_pdf = session.scalars(select(SentYttrande.pdf)).one()
    told = skickat(smtp)
    assert sorted(r.envelope_to[0] for r in told) == sorted([*ASKED, INFORMED, SUPPORT])
    for mail in told:
        assert mail.subject == SKICKAT
        [pdf] = mail.attachments()
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_content() == sent_pdf  # the very bytes that went to the sender

    def text_to(email: str) -> str:
        [mail] = [r for r in told if r.envelope_to[0] == email]
        return " ".join(mail.text().split())

    # Each respondent reads their own comments and what became of them, nobody else's.
    maria = text_to("maria.lind@ex.org")
    assert f"”{MARIA_TEXT}” Ej med: {NOT_OUT}" in maria
    assert "Vårdprogrammet är väl genomarbetat" not in maria
    per = text_to("per.wallin@ex.org")
    assert "”Vårdprogrammet är väl genomarbetat. Avsnittet om uppföljning" in per
    assert "Omformulerad" in per and NOT_OUT not in per
    karin = text_to("karin.kvist@ex.org")
    assert f"”{dispositions.shorten(KARIN_TEXT)}” Med " in karin
    assert "ignored for Med" not in karin
    [karin_mail] = [r for r in told if r.envelope_to[0] == "karin.kvist@ex.org"]
    assert "<script>" not in karin_mail.html() and "&lt;script&gt;" in karin_mail.html()
    # Weighed nothing: nothing listed. Kristina wrote a comment nobody weighed.
    for email in ("kristina.fransson@ex.org", "olof.sandberg@ex.org", INFORMED):
        assert "vad som blev av dem" not in text_to(email)
    assert "för kännedom" in text_to(INFORMED) and "för kännedom" in text_to(SUPPORT)
    assert "Sydöstra sjukvårdsregionen har skickat sitt gemensamma yttrande" in text_to(
        "olof.sandberg@ex.org"
    )

    # Sending again mails the recipient again, and none of those told.
    clock.set_now(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    again = walk.send(again=True)
    assert again.told == 0 and len(skickat(smtp)) == len(told)
    assert len(smtp.catcher.to("registrator@rcc.example.org")) == 2


def test_the_sammanstallning_ends_with_what_became_of_each_comment(walk: Walk) -> None:
    walk.close()
    assert weigh(walk, maria__inforande=("ej-med", NOT_OUT), per__innehall=("med", "")) == 2
    with walk.app.sessions() as session:
        memo = compile.build(session, walk.round_id, walk.app.settings)
    html = memo_html.render(memo)
    last = html.split("<section")[-1]
    assert "<h2>Vad som blev av synpunkterna</h2>" in last and last.count("<table>") == 1
    assert html.rindex("<table>") > html.index("Bilaga: Inkomna synpunkter per person")
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", last, re.S)[1:]
    ]
    assert ["Behov av stöd vid införande och uppföljning", "RSG Medicinsk teknik",
            "Region Kalmar län", MARIA_TEXT, "Ej med", NOT_OUT] in rows  # fmt: skip
    [per] = [r for r in rows if r[1].startswith("RPO Cancersjukdomar, RPO Kirurgi")]
    assert per[3].startswith("Vårdprogrammet är väl genomarbetat.") and per[3].endswith("…")
    assert len(per[3]) <= dispositions.SHORT and per[4:] == ["Med", "–"]
    # Karin's comment, markup and all, is listed (escaped), not weighed yet.
    [karin] = [r for r in rows if r[1] == "RPO Cancersjukdomar" and r[2] == "Region Kalmar län"]
    assert karin[3].startswith("Se avsnitt 4") and karin[4] == "Inte bedömd"
    assert "&lt;script&gt;" in last and "<script>" not in last
    assert "Kristina" not in last  # groups and regions, no person
    # The Word file ends with the same table.
    word = docx.Document(io.BytesIO(memo_docx.render(memo)))
    cells = [cell.text for row in word.tables[-1].rows for cell in row.cells]
    assert cells[:6] == ["Fråga", "Grupp", "Region", "Synpunkt", "Utfall", "Skäl"]
    assert NOT_OUT in cells and PER_TEXT not in cells


def test_a_compile_before_anything_is_weighed_keeps_its_version(walk: Walk) -> None:
    walk.close()
    with walk.app.sessions() as session:
        memo = compile.build(session, walk.round_id, walk.app.settings)
    assert memo.dispositions == () and "dispositions" not in memo.to_dict()
    assert "Ingen synpunkt har bedömts ännu." in memo_html.render(memo)


def test_ej_med_needs_a_reason_and_a_choice_must_be_one_of_the_three(walk: Walk) -> None:
    walk.close()
    with walk.app.sessions() as session:
        [maria] = [c for c in dispositions.comments(session, walk.round_id) if c.key == "inforande"]
    with pytest.raises(InputError, match="ange skälet") as missing:
        weigh(walk, maria__inforande=("ej-med", "  "))
    assert missing.value.field == f"skal-{maria.field}"
    with pytest.raises(InputError, match="okänt val") as unknown:
        weigh(walk, maria__inforande=("kanske", ""))
    assert unknown.value.field == f"utfall-{maria.field}"
    with walk.app.sessions() as session:
        assert session.scalars(select(Disposition)).all() == []
    # A comment that is not (or no longer) received is left alone.
    stale = {"999999-inforande": ("med", ""), f"{maria.version_id}-ovrigt": ("med", "")}
    assert walk.do(lambda s: dispositions.save(s, walk.round_id, COORDINATOR, stale)) == 0
    # Changed twice, kept once; the same again changes nothing.
    assert weigh(walk, maria__inforande=("med", "")) == 1
    assert weigh(walk, maria__inforande=("ej-med", NOT_OUT)) == 1
    assert weigh(walk, maria__inforande=("ej-med", NOT_OUT)) == 0
    with walk.app.sessions() as session:
        [kept] = session.scalars(select(Disposition)).all()
    assert (kept.choice, kept.reason, kept.decided_by) == ("ej-med", NOT_OUT, COORDINATOR)


def test_nothing_is_weighed_while_answers_come_in_or_after_sending(walk: Walk) -> None:
    with pytest.raises(Refused, match="är öppen"):
        weigh(walk, maria__inforande=("med", ""))
    walk.to_decided()
    walk.send()
    with pytest.raises(Refused, match="är skickad"):
        weigh(walk, maria__inforande=("med", ""))


def test_a_per_region_triage_tells_everyone_asked_and_told_why(
    walk: Walk, smtp: RunningCatcher
) -> None:
    with walk.app.transaction() as session:  # nobody has answered yet: the triage may change
        round_ = session.get_one(Round, walk.round_id)
        round_.status = "open"
        for invitation in round_.invitations:
            invitation.submitted_at = None
            for version in invitation.versions:
                session.delete(version)
    clock.set_now(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    walk.do(
        lambda s: triage.decide(
            s, walk.app.settings, walk.round_id, TriageDecision.PER_REGION, "Regional fråga", "k"
        )
    )
    deliver_outbox(walk.app)
    told = skickat(smtp)
    assert sorted(r.envelope_to[0] for r in told) == sorted([*ASKED, INFORMED, SUPPORT])
    for mail in told:
        assert mail.subject == (
            "Skickat: Remissen besvaras per region: Bröstcancer, nationellt vårdprogram"
        )
        assert mail.attachments() == []
        assert "Skäl till beslutet: Regional fråga" in mail.text()
        assert "Regional fråga" in mail.html()
    # Changed to avstår: told again, once, with the new reason.
    walk.do(
        lambda s: triage.decide(
            s, walk.app.settings, walk.round_id, TriageDecision.AVSTAR, "Ej prioriterad", "k"
        )
    )
    deliver_outbox(walk.app)
    avstar = skickat(smtp)[len(told) :]
    assert len(avstar) == len(told)
    assert avstar[0].subject.startswith("Skickat: Inget yttrande över remiss: ")
    assert "Ej prioriterad" in avstar[0].text()


def test_a_remiss_triaged_before_anyone_was_asked_tells_nobody(
    app: App, seed: Callable[[Callable[[Builder], Any]], Any], smtp: RunningCatcher
) -> None:
    def registered(b: Builder) -> int:
        group = b.group("rpo-x", "RPO X")
        b.person("Xena X", "RJL").memberships.append(Membership(group=group))
        round_ = b.round("KS-2026-060", status="registered")
        b.route(round_, group, reason="lead")
        return round_.id

    round_id = seed(registered)
    walk = Walk(app, round_id)
    walk.do(
        lambda s: triage.decide(
            s, app.settings, round_id, TriageDecision.AVSTAR, "Berör oss inte", COORDINATOR
        )
    )
    deliver_outbox(app)
    assert skickat(smtp) == []
