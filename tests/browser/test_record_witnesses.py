"""The record page's Witnesses table, in Chromium, against a live server: a witness run over real HTTP
(`flask witness --report`'s code) checks, cosigns and reports; the page lists it as agreeing, and after a
rewrite of history (chain and tree recomputed) the same row raises the alarm. Wide, phone and French."""
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deliberation.services.record import append_event
from deliberation.services.transparency.cosignature import WitnessKey
from deliberation.services.transparency.witness import witness

from ..integration.test_transparency import rewrite_history
from .conftest import SCREENSHOTS, screenshot


def screenshot_dir() -> Path:
    return SCREENSHOTS

NAME = "observer.example"
ROW = f"[data-witnesses] li:has(code:text-is('{NAME}'))"


@pytest.fixture(scope="module", autouse=True)
def witness_folder(tmp_path_factory):
    """The witness's own folder with its key, trusted by the server (set before the server starts)."""
    import base64
    import json

    folder = tmp_path_factory.mktemp("witness")
    key = WitnessKey(NAME, Ed25519PrivateKey.generate())
    (folder / "witness").mkdir()
    seed = base64.b64encode(key.private.private_bytes_raw()).decode()
    (folder / "witness" / "key.json").write_text(json.dumps({"name": NAME, "seed": seed}))
    previous = os.environ.get("RECORD_WITNESSES")
    os.environ["RECORD_WITNESSES"] = key.verifier_key
    yield folder
    if previous is None:
        os.environ.pop("RECORD_WITNESSES", None)
    else:
        os.environ["RECORD_WITNESSES"] = previous


def _status(page) -> str:
    return page.locator(ROW).inner_text()


def test_a_witness_reports_and_the_page_shows_when_history_was_rewritten(live_server, new_page, witness_folder: Path):
    world = live_server.build(lambda make: make.world())
    url = f"/documents/{world.document.id}/record"
    page = new_page(width=1366, height=900)
    page.goto(url)
    assert "No report yet" in _status(page)

    said = witness(live_server.url, witness_folder, report=True)  # over HTTP, as cron would run it
    assert "it agrees with what you saw" in said, said
    page.goto(url)
    assert "Agrees with what this witness saw" in _status(page)
    page.locator("#witnesses-heading").scroll_into_view_if_needed()
    screenshot(page, "record-witnesses-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "record-witnesses-390")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), page.evaluate(
        "[...document.querySelectorAll('#verify *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).slice(0, 8)")

    rewrite_history(live_server.app, seq=3)
    live_server.build(lambda _make: append_event("test.event", payload={}, public=False))  # the intruder carries on
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url)
    assert "ALARM: differs from what this witness saw" in _status(page)
    assert page.locator(f"{ROW} .witness-alarm").evaluate("e => getComputedStyle(e).color") == "rgb(122, 23, 17)"
    screenshot(page, "record-witnesses-alarm-1366")

    french = new_page(width=390, height=844, locale="fr-FR", extra_http_headers={"Accept-Language": "fr"})
    french.goto(url)
    assert "ALERTE : diffère de ce que ce témoin a vu" in _status(french)
    assert "Témoins" in french.locator("#witnesses-heading").inner_text()
    assert not french.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(french, "record-witnesses-alarm-fr-390")
    french.locator("[data-witnesses]").screenshot(path=str(screenshot_dir() / "record-witnesses-list-fr-390.png"))
    assert page.console_errors == [] and french.console_errors == []
