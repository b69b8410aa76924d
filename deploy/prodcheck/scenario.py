"""A round driven through the running topology as people drive it, in the order of a real
one: opened by the open-round deployment, answered through both web processes, reminded and
closed by the sweep deployment, closed by the coordinator, drafted by the lead group, decided
and sent."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from deploy.prodcheck import by_hand
from deploy.prodcheck.forms import defaults
from deploy.prodcheck.mailbox import Mailbox, Received
from deploy.prodcheck.processes import CheckFailed
from deploy.prodcheck.topology import COORDINATOR, Topology

TZ = ZoneInfo("Europe/Stockholm")
RECIPIENT = "registrator@socialstyrelsen.example.se"
REVIEWER_LINK = re.compile(r"^https?://\S+?(/r/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)
LOGIN_LINK = re.compile(r"^https?://\S+?(/login/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)
FLASH = re.compile(r'<div class="flash" role="status">(.*?)</div>', re.S)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

ROUNDS = """\
# Two rounds of the production check; the dates follow the day it runs.
defaults:
  issuer: Socialstyrelsen
  opens: {opens}
  deadline: {deadline}
  internal_deadline: {internal}
  coordinator: {coordinator}
  recipient: {recipient}
  questions: default
rounds:
  - reference: PROD-{tag}-1
    title: "Bröstcancer, nationellt vårdprogram ({tag})"
    kind: nationellt vårdprogram
    areas: [cancersjukdomar]
    lead: rpo-cancer
  - reference: PROD-{tag}-2
    title: "Perianalabscess, nationellt kliniskt kunskapsstöd ({tag})"
    kind: nationellt kliniskt kunskapsstöd
    areas: [kirurgi-och-plastikkirurgi]
    lead: rpo-kirurgi
"""


@dataclass
class Drive:
    topology: Topology
    mailbox: Mailbox
    tag: str
    say: Callable[[str], None]
    round_ids: dict[str, int] = field(default_factory=dict)
    # (person, round title) asked, and answered.
    asked: set[tuple[str, str]] = field(default_factory=set)
    answered: set[tuple[str, str]] = field(default_factory=set)

    @property
    def asked_about(self) -> set[str]:
        return {title for _, title in self.asked}

    # -- the story -------------------------------------------------------------------

    def run(self) -> None:
        today = datetime.now(TZ).date()
        path = self._round_file(today)
        self._deployment("open-round/open-round", {"path": str(path), "actor": "prod-check"})
        self.round_ids = {
            ref: id_ for ref, id_ in self.topology.read("select reference, id from rounds")
        }
        invitations = self._wait_for_outbox()
        self.say(f"öppnad av deployment open-round: {len(self.round_ids)} remisser, "
                 f"{invitations} meddelanden")  # fmt: skip
        by_hand.register_for_triage(self.topology, self.tag, today)
        self.say("en remiss registrerad för triage från kommandoraden")

        answered = self._answer_half()
        self._wait_for_outbox()
        self.say(f"{answered} svar genom båda webbprocesserna (sida på den ena, svar på den andra)")

        internal = self._internal_deadline_at()
        before = (internal - timedelta(days=1)).replace(hour=12, minute=0)
        self._deployment("reminder-sweep/reminder-sweep", {"now": before.isoformat()})
        reminders = [r for r in self.mailbox.snapshot() if r.subject.startswith("Påminnelse")]
        reminded = {(person, title) for r in reminders for person in r.to
                    for title in self.asked_about if title in r.text()}  # fmt: skip
        if reminded != self.asked - self.answered:
            raise CheckFailed(
                f"påminnelserna gick fel: till den som svarat {reminded & self.answered}, "
                f"saknas {self.asked - self.answered - reminded}"
            )
        self.say(f"påminnelsesvepet dagen före: {len(reminders)} påminnelser till dem som inte "
                 "svarat, ingen till den som svarat")  # fmt: skip

        coordinator = self._log_in(COORDINATOR)
        by_hand.mistyped_form(self.topology, coordinator)
        first, second = (self.round_ids[f"PROD-{self.tag}-{n}"] for n in (1, 2))
        self._post(coordinator, f"/rounds/{first}", f"/rounds/{first}/close", {"confirm": "1"}, 1)
        self._wait_for_state(first, "closed")
        after = internal + timedelta(minutes=20)
        self._deployment("reminder-sweep/reminder-sweep", {"now": after.isoformat()})
        self._wait_for_state(second, "closed")
        self._deployment("compile-response/compile-response",
                         {"round_id": second, "actor": "prod-check"})  # fmt: skip
        self._wait_for_outbox()
        self.say("stängd i webben (den ena) och av svepet vid intern svarsdag (den andra)")

        self._hand_over(first)
        today_iso = datetime.now(TZ).date().isoformat()
        decision = {"date": today_iso, "by": "Regionala samverkansnämnden", "paragraph": "§ 12",
                    "not_taking_part": ""}  # fmt: skip
        self._post(coordinator, f"/rounds/{first}", f"/rounds/{first}/decide", decision, 0)
        by_hand.send_by_hand(self.topology, f"PROD-{self.tag}-1")
        self._wait_for_outbox()
        sent = [r for r in self.mailbox.snapshot() if RECIPIENT in r.to]
        if len(sent) != 1:
            raise CheckFailed(f"yttrandet kom {len(sent)} gånger till {RECIPIENT}")
        self.say("beredd av ledande gruppen, beslutad i webben, skickad från kommandoraden")

    # -- steps -----------------------------------------------------------------------

    def _round_file(self, today: date) -> Path:
        text = ROUNDS.format(
            opens=today, deadline=today + timedelta(days=70),
            internal=today + timedelta(days=42), coordinator=COORDINATOR,
            recipient=RECIPIENT, tag=self.tag,
        )  # fmt: skip
        path = self.topology.work / "rounds.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def _deployment(self, name: str, parameters: dict[str, Any]) -> None:
        from prefect.deployments import run_deployment

        run = run_deployment(name, parameters=parameters, timeout=300)
        state = run.state  # type: ignore[union-attr]  # the sync form returns the run
        if state is None or not state.is_completed():
            raise CheckFailed(f"flödeskörningen {name} slutade {state and state.type.value}")

    def _answer_half(self) -> int:
        """Every other person asked answers: the page from one process, the POST to the other."""
        titles = [title for (title,) in self.topology.read("select title from rounds")]
        invitations = sorted(
            {(r.to[0], title, link)
             for r in self.mailbox.snapshot() for title, link in _links_by_round(r.text(), titles)}
        )  # fmt: skip
        self.asked = {(person, title) for person, title, _ in invitations}
        count = 0
        for n, (person, title, link) in enumerate(invitations):
            if n % 2:
                continue
            with httpx.Client(timeout=30) as client:
                page = client.get(self.topology.web(n) + link)
                _expect(page, 200, f"svarssidan {link[:8]}…")
                form = defaults(page.text, link)
                form.update({"q-stallningstagande": "Tillstyrker", "action": "submit",
                             "q-innehall": f"Synpunkt från {person}."})  # fmt: skip
                done = client.post(self.topology.web(n + 1) + link, data=form)
                _expect(done, 303, f"svaret genom {link[:8]}…")
            self.answered.add((person, title))
            count += 1
        return count

    def _log_in(self, address: str) -> httpx.Client:
        """Ask for a login link on one process and use it on the other, as a person would."""
        client = httpx.Client(timeout=60)
        page = client.get(self.topology.web(0) + "/login")
        before = len(self._holding(address, LOGIN_LINK))
        asked = client.post(self.topology.web(0) + "/login",
                            data={"csrf_token": _csrf(page), "email": address})  # fmt: skip
        _expect(asked, 200, "inloggningsbegäran")
        mail = self._wait_for_mail(address, LOGIN_LINK, "inloggningslänken", before)
        return self._use_login_link(client, mail)

    def _use_login_link(self, client: httpx.Client, mail: Received) -> httpx.Client:
        match = LOGIN_LINK.search(mail.text())
        assert match is not None
        confirm = client.get(self.topology.web(1) + match.group(1))
        done = client.post(
            self.topology.web(0) + match.group(1), data={"csrf_token": _csrf(confirm)}
        )
        _expect(done, 303, "inloggningen")
        return client

    def _hand_over(self, round_id: int) -> None:
        [(title,)] = self.topology.read("select title from rounds where id = :id", id=round_id)
        drafting = [r for r in self.mailbox.snapshot() if r.subject == f"Bered yttrandet: {title}"]
        if len(drafting) != 1:
            raise CheckFailed(f"{len(drafting)} beredningsmejl för {title}")
        with httpx.Client(timeout=60) as drafter:
            self._use_login_link(drafter, drafting[0])
            path = f"/rounds/{round_id}/utkast"
            page = drafter.get(self.topology.web(1) + path)
            _expect(page, 200, "beredningssidan")
            form = {**defaults(page.text, path), "action": "hand_over"}
            done = drafter.post(self.topology.web(0) + path, data=form, follow_redirects=True)
            _expect(done, 200, "överlämnandet")
            if "lämnat till samordnaren" not in done.text:
                raise CheckFailed("utkastet lämnades inte över")

    def _post(
        self, client: httpx.Client, page: str, action: str, data: dict[str, str], web: int
    ) -> None:
        shown = client.get(self.topology.web(web + 1) + page)
        _expect(shown, 200, page)
        done = client.post(
            self.topology.web(web) + action, data={"csrf_token": _csrf(shown), **data}
        )
        _expect(done, 303, action)
        shown = client.get(self.topology.web(web) + page)
        flash = FLASH.search(shown.text)
        if flash and " inte " in flash.group(1):
            raise CheckFailed(f"{action}: {flash.group(1)}")

    # -- waiting on what others do -----------------------------------------------------

    def _wait_for_outbox(self, timeout: float = 120) -> int:
        """Until every message in the outbox is sent and has arrived; how many in all."""
        deadline = time.monotonic() + timeout
        counts: dict[str, int] = {}
        while time.monotonic() < deadline:
            counts = {status: n for status, n in self.topology.read(
                "select status, count(*) from messages group by status")}  # fmt: skip
            sent = counts.pop("sent", 0)
            if not counts and len(self.mailbox.snapshot()) >= sent:
                return int(sent)
            if counts.get("failed"):
                raise CheckFailed(f"meddelanden misslyckades: {counts}")
            time.sleep(0.25)
        raise CheckFailed(f"utkorgen tömdes inte inom {timeout:.0f} s: {counts}")

    def _wait_for_mail(
        self, address: str, pattern: re.Pattern[str], what: str, before: int
    ) -> Received:
        """The first mail to ``address`` holding ``pattern`` after the ``before`` it had."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = self._holding(address, pattern)
            if len(found) > before:
                return found[before]
            time.sleep(0.25)
        raise CheckFailed(f"{what} kom aldrig till {address}")

    def _holding(self, address: str, pattern: re.Pattern[str]) -> list[Received]:
        return [mail for mail in self.mailbox.to(address) if pattern.search(mail.text())]

    def _wait_for_state(self, round_id: int, status: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if (
                self.topology.read("select status from rounds where id = :id", id=round_id)[0][0]
                == status
            ):
                return
            time.sleep(0.25)
        raise CheckFailed(f"remiss {round_id} blev aldrig {status}")

    def _internal_deadline_at(self) -> datetime:
        [(value,)] = self.topology.read("select min(internal_deadline_at) from rounds")
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=value.tzinfo or ZoneInfo("UTC")).astimezone(TZ)


def _csrf(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    if not match:
        raise CheckFailed(f"{page.url}: sidan saknar CSRF-token ({page.status_code})")
    return match.group(1)


def _expect(response: httpx.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise CheckFailed(
            f"{what}: {response.status_code} i stället för {status}\n{response.text[:500]}"
        )


def _links_by_round(text: str, titles: list[str]) -> list[tuple[str, str]]:
    """(round title, link) for each reviewer link in a mail: the link belongs to the round
    whose title stands last before it (one invitation may list every round of a batch)."""
    found = []
    for match in REVIEWER_LINK.finditer(text):
        before = [(text.rfind(title, 0, match.start()), title) for title in titles]
        at, title = max(before)
        if at >= 0:
            found.append((title, match.group(1)))
    return found
