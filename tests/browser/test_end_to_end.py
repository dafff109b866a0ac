"""The whole story in a real browser: a chair imports a draft, members discuss it (a reply arrives live in
another member's browser), the chair runs an endorsement round that members of every sector answer, closes
it and records a designation; a signed-out visitor then reads the public record.

Each main page's screenshot goes to tests/artifacts/screenshots/; with UPDATE_DOCS=1 the ones the user guide
shows are copied to docs/images/ (viewport shots, so they stay small)."""
import os
import re
import shutil

from .test_rounds import record_designations
from .conftest import ROOT, SCREENSHOTS, screenshot

DOC_IMAGES = ROOT / "docs" / "images"
DRAFT = """# Recommendations on encryption

## Preamble

The working group met four times and heard experts from every region.

## 1. Strong encryption

States should protect strong encryption and refrain from requiring backdoors.

## 2. Lawful access

Requests for data should be necessary, proportionate and subject to independent oversight.
"""


def shot(page, name: str, full_page: bool = False) -> None:
    """A screenshot for the run; copied into the user guide's images when UPDATE_DOCS=1."""
    if full_page:
        path = screenshot(page, name)
    else:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path))
    if os.environ.get("UPDATE_DOCS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_IMAGES / path.name)


def _import_draft(page, slug: str) -> int:
    page.goto(f"/groups/{slug}/import")
    page.fill("textarea[name=source]", DRAFT)
    page.check("input[name=public]")
    page.click("button:has-text('Preview')")
    shot(page, "import-preview")
    page.click("button:has-text('Publish as version 1')")
    page.wait_for_url(re.compile(r"/documents/\d+/versions/1$"))
    return int(re.search(r"/documents/(\d+)/", page.url).group(1))


def _annotate(page, words: str, body: str) -> None:
    """Select `words` (as a mouse drag would) and annotate them through the button that appears."""
    page.evaluate("""(words) => {
        const el = [...document.querySelectorAll('[data-clause-text]')].find(e => e.textContent.includes(words));
        const node = [...el.querySelectorAll('.line')].find(l => l.textContent.includes(words)).firstChild;
        const start = node.data.indexOf(words);
        const range = document.createRange();
        range.setStart(node, start); range.setEnd(node, start + words.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""", words)
    page.click(".annotate-button:not([hidden])")
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'body'")
    page.keyboard.type(body)
    page.locator("form[data-composer] button[type=submit]").first.click()
    page.wait_for_selector(f".comment:has-text('{body}')")


def _position_by_api(page, round_id: int, position: str) -> None:
    status = page.evaluate("""async ([url, position]) => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch(url, {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({position: position, statement: position === 'endorse_with_reservations' ? 'Only with oversight.' : null})});
        return r.status;
    }""", [f"/api/v1/rounds/{round_id}/positions", position])
    assert status in (200, 201), status


def test_from_draft_to_public_record(live_server, new_page):
    world = live_server.build(lambda make: make.world())

    # The chair imports a draft.
    chair = new_page(world.chair, width=1366, height=768)  # a common laptop: the user guide's images
    document_id = _import_draft(chair, world.group.slug)
    reading = f"/documents/{document_id}/versions/1"
    shot(chair, "reading-wide")

    # A member annotates a selection; another member replies; the first sees the reply arrive live.
    first = new_page(world.members["civil_society"][0], width=1366, height=768)
    first.goto(reading)
    first.wait_for_load_state("networkidle")
    _annotate(first, "refrain from requiring backdoors", "Should this name end-to-end encryption?")
    shot(first, "annotation")

    second = new_page(world.members["government"][0])
    second.goto(reading)
    second.wait_for_load_state("networkidle")
    article = second.locator(".clause", has_text="Strong encryption")
    article.locator("[data-toggle-threads]").click()
    article.locator(".comment:has-text('end-to-end') [data-action=reply] summary").first.click()
    reply = article.locator("[data-action=reply][open] textarea").first
    reply.fill("Yes, and say so in the preamble too.")
    article.locator("[data-action=reply][open] button[type=submit]").first.click()
    first.wait_for_selector(".comment:has-text('say so in the preamble')", timeout=10000)
    first.wait_for_function("() => document.querySelector('[data-announcer]').textContent.includes('reply')")
    shot(first, "thread-live")

    first.set_viewport_size({"width": 390, "height": 844})
    first.goto(reading)
    first.wait_for_load_state("networkidle")
    shot(first, "reading-phone")

    # The chair opens a round on the whole document.
    chair.goto(f"{reading}/rounds/new")
    shot(chair, "round-new")
    chair.click("button:has-text('Open the round')")
    chair.wait_for_url(re.compile(r"/rounds/\d+$"))
    round_id = int(chair.url.rsplit("/", 1)[1])

    # Members of every sector take positions: two through the ballot page, the rest through the API.
    choices = {"government": "endorse", "civil_society": "endorse_with_reservations", "private_sector": "endorse",
               "academia": "endorse"}
    for n, (sector, members) in enumerate(world.members.items()):
        for i, member in enumerate(members):
            page = first if member.id == world.members["civil_society"][0].id else new_page(member)
            if n < 2 and i == 0:
                page.set_viewport_size({"width": 1366, "height": 900})
                page.goto(f"/rounds/{round_id}/ballot")
                page.check(f"input[type=radio][name^=position-][value={choices[sector]}]")
                if choices[sector] == "endorse_with_reservations":
                    page.locator("textarea[name^=statement-]").first.fill("Subject to the reply on oversight.")
                if sector == "civil_society":
                    shot(page, "ballot")
                page.click("button:has-text('Save my positions')")
                assert page.locator(".flash, [role=status], .notice").first.is_visible()
            else:
                page.goto(reading)
                _position_by_api(page, round_id, choices[sector])

    # The chair sees the tally, closes the round and records a designation.
    chair.goto(f"/rounds/{round_id}")
    shot(chair, "round-tally", full_page=True)
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click("button:has-text('Close the round')")
    chair.wait_for_selector("text=no designation yet")
    chair.click("a:has-text('Record designations')")
    chair.locator("select[name^=designation-]").first.select_option("consensus")
    record_designations(chair)
    chair.wait_for_selector(".designation")
    shot(chair, "round-closed", full_page=True)

    # A signed-out visitor reads the public record.
    visitor = new_page(width=1366, height=768)
    response = visitor.goto(f"/documents/{document_id}/record")
    assert response.status == 200
    assert visitor.locator("main").get_by_text("Consensus").first.is_visible()
    shot(visitor, "public-record", full_page=True)
    for page in (chair, first, second, visitor):
        assert page.console_errors == []


def _open_round(make, world):
    from sqlalchemy import select

    from deliberation.extensions import db
    from deliberation.models import Version
    from deliberation.services.rounds import open_round

    version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
    return open_round(world.chair, version, scope="document", rule="each_group", threshold="majority",
                      quorum="1/2").id


def test_reading_commenting_and_voting_work_without_javascript(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    round_id = live_server.build(lambda make: _open_round(make, world))
    page = new_page(world.member, java_script_enabled=False)
    page.goto(f"/documents/{world.document.id}/versions/1")
    assert page.locator(".clause").count() == 4
    assert page.locator(".annotate-button").count() == 0  # nothing scripted on the page

    # The margin's "Comment" link leads to the clause page with a plain form.
    page.locator(".clause", has_text="Strong encryption").locator("a[data-compose]").click()
    page.locator("details.composer > summary").first.click()  # a <details>: opens without scripts
    page.fill("form[data-composer] textarea[name=body]", "Written without scripts.")
    page.locator("form[data-composer] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".comment:has-text('Written without scripts.')").count() == 1

    page.goto(f"/rounds/{round_id}/ballot")
    page.check("input[type=radio][name^=position-][value=endorse]")
    page.click("button:has-text('Save my positions')")
    page.wait_for_load_state()
    assert page.get_by_text("Saved 1 position.").count() == 1
    shot(page, "no-script-ballot")
