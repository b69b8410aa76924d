"""The yttrande in the sender's svarsmall, downloaded from the round page: made by a worker,
never in the request, and for coordinators only (a reviewer, the drafter or nobody at all
is told the page does not exist)."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core.models import LetterFile, Round
from remiss.usecases.worker import Worker
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.mailcatcher import RunningCatcher
from tests.test_svarsmall import REFERENCE, drafted
from tests.web.test_drafting import log_in_by_mailed_link
from tests.working import WorkedClient, downloaded


def test_coordinators_download_the_filled_svarsmall_and_nobody_else(
    sample_directory: App, smtp: RunningCatcher, coordinator: WorkedClient
) -> None:
    app = sample_directory
    round_id = drafted(app, smtp)
    url = f"/rounds/{round_id}/svarsmall.docx"
    page = coordinator.get(f"/rounds/{round_id}")
    assert f'href="{url}"' in page.text and "kunskapsstod-svarsmall.docx" in page.text

    with coordinator.worker_stopped():
        waiting = coordinator.get(url)
        assert waiting.status_code == 202 and "skapas just nu" in waiting.text
    with app.sessions() as session:
        asked = session.scalars(select(LetterFile).where(LetterFile.fmt == "svarsmall")).one()
        assert asked.content is None  # asked for, left to a worker
    assert Worker(app).drain().rendered == 1

    served = coordinator.get(url)
    assert served.status_code == 200
    assert f"{REFERENCE}-yttrande-svarsmall.docx" in served.headers["content-disposition"]
    text = [p.text for p in docx.Document(io.BytesIO(served.content)).paragraphs]
    assert "Tillstyrker med synpunkter" in text and "Kräver utbildning av personalen." in text

    # Nobody else: no session, a reviewer who used their link, the round's own drafter.
    web = create_app(app, limiter=RateLimiter(capacity=1000, per_second=1))
    with WorkedClient(web, base_url="http://remiss.test") as stranger:
        assert stranger.get(url, follow_redirects=False).status_code == 404
        token = next(r.tokens()[-1] for r in smtp.catcher.received if r.tokens())
        assert stranger.get(f"/r/{token}").status_code == 200
        refused = stranger.get(url, follow_redirects=False)
        assert refused.status_code == 404 and b"PK" not in refused.content[:2]
    deliver_outbox(app)
    with app.sessions() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None and round_.drafter is not None
        drafter_email = round_.drafter.email
    [drafting] = [m for m in smtp.catcher.to(drafter_email) if "/login/" in m.text()][-1:]
    with WorkedClient(web, base_url="http://remiss.test") as drafter:
        log_in_by_mailed_link(drafter, drafting)
        assert downloaded(drafter, f"/rounds/{round_id}/yttrande.docx").status_code == 200
        assert drafter.get(url, follow_redirects=False).status_code == 404
