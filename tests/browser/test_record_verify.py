"""The record page's Verify button, in Chromium: WebCrypto checks the signed checkpoint, the inclusion
of the document's events and the consistency with the checkpoint kept from the last visit; a history
rewritten by someone with the database (chain and tree recomputed) or cut short raises the alarm.
Screenshots at 1366 and 390 px."""
from deliberation.extensions import db
from deliberation.services.record import append_event

from ..integration.test_transparency import rewrite_history, truncate_history
from .conftest import screenshot

RESULT = "[data-verify-result][data-outcome]"


def _world(live_server):
    return live_server.build(lambda make: make.world())


def _more_events(live_server, count=3):
    def build(_make):
        for number in range(count):
            append_event("test.event", payload={"n": number}, public=False)
    live_server.build(build)


def _verify(page, document_id) -> tuple[str, str]:
    page.goto(f"/documents/{document_id}/record")
    page.evaluate("document.querySelectorAll('[data-verify-result]').forEach(e => delete e.dataset.outcome)")
    page.click("[data-verify-record]")
    page.wait_for_selector(RESULT)
    result = page.locator(RESULT)
    return result.get_attribute("data-outcome"), result.inner_text()


def test_verify_before_and_after_a_rewrite(live_server, new_page):
    world = _world(live_server)
    page = new_page(width=1366, height=900)
    outcome, text = _verify(page, world.document.id)
    assert outcome == "ok" and "had not checked this record before" in text, text
    _more_events(live_server)
    outcome, text = _verify(page, world.document.id)
    assert outcome == "ok" and "consistent with what you saw on" in text, text
    page.locator("#verify").scroll_into_view_if_needed()
    screenshot(page, "record-verify-ok-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(page, "record-verify-ok-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    rewrite_history(live_server.app, seq=3)
    _more_events(live_server, 1)  # the intruder carries on, so the site shows a new head
    outcome, text = _verify(page, world.document.id)
    assert outcome == "alarm" and "History was rewritten" in text, text
    screenshot(page, "record-verify-alarm-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "record-verify-alarm-390")
    assert page.console_errors == []


def test_verify_catches_a_truncation(live_server, new_page):
    world = _world(live_server)
    _more_events(live_server, 4)
    page = new_page()
    assert _verify(page, world.document.id)[0] == "ok"

    def size(_make):
        from sqlalchemy import func, select

        from deliberation.models import RecordEvent
        return db.session.scalar(select(func.max(RecordEvent.seq)))
    truncate_history(live_server.app, keep=live_server.build(size) - 2)
    outcome, text = _verify(page, world.document.id)
    assert outcome == "alarm" and "Events were removed" in text, text
