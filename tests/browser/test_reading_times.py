"""Dates and times read one way per language, in the reader's own time zone (issue 15, finding 2: the site
mixed "16:20" and "4:21:09 PM UTC"). Without JavaScript every time says UTC; with it, each is rewritten
into the browser's zone, the UTC text kept as its title."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .conftest import screenshot


def _commented(make):
    from sqlalchemy import select

    from deliberation.extensions import db
    from deliberation.models import Clause, Version
    from deliberation.services.comments import post_comment

    world = make.world()
    version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
    clause = db.session.scalars(select(Clause).where(Clause.version_id == version.id, Clause.text != "")
                                .order_by(Clause.position)).first()
    post_comment(world.member, clause, body="Which laws?", kind="question")
    world.clause_key = clause.key
    return world


def test_times_are_shown_in_the_readers_time_zone_and_language(live_server, new_page):
    def french_member(make):
        from deliberation.extensions import db
        from deliberation.models import User

        world = _commented(make)
        db.session.get(User, world.member.id).locale = "fr"
        return world

    world = live_server.build(french_member)
    doc = world.document.id
    page = new_page(world.member, timezone_id="Asia/Kolkata")
    for url in (f"/documents/{doc}/record", f"/documents/{doc}/versions/1/clauses/{world.clause_key}"):
        page.goto(url)
        page.wait_for_function("() => document.querySelectorAll('time[data-local]').length > 0")
        times = page.eval_on_selector_all("time[datetime]", "els => els.map(e => [e.getAttribute('datetime'), "
                                                            "e.textContent.trim(), e.title])")
        timed = [t for t in times if t[2]]
        assert timed, times
        for stamp, text, title in timed:
            local = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Kolkata"))
            assert f"{local.hour:02d}:{local.minute:02d}" in text, (stamp, text)  # +05:30, 24-hour in French
            assert not text.endswith("UTC") and title.endswith("UTC"), (text, title)
    screenshot(page, "times-local-fr")


def test_without_javascript_every_time_says_utc_in_one_format(live_server, new_page):
    world = live_server.build(_commented)
    doc = world.document.id
    page = new_page(world.member, java_script_enabled=False)
    formats = set()
    for url in (f"/documents/{doc}/record", f"/documents/{doc}/versions/1/clauses/{world.clause_key}", "/account"):
        page.goto(url)
        for text in page.eval_on_selector_all("time[datetime]", "els => els.map(e => e.textContent.trim())"):
            if ":" in text:  # a date and time (history rows show a date alone)
                formats.add(re.sub(r"\b[A-Z][a-z]{2}\b", "Mon", re.sub(r"\d+", "N", text)).replace("PM", "AM"))
    assert formats == {"Mon N, N, N:N\u202fAM UTC"}, formats
