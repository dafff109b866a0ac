"""The base platform in a real browser: sign in, read a draft with line numbers, import a draft."""
import re

from ..factories import Factory
from .conftest import screenshot


def _world(live_server):
    return live_server.build(lambda make: make.world())


def test_member_reads_a_draft_with_line_numbers(live_server, new_page):
    world = _world(live_server)
    page = new_page(world.member)
    page.goto(f"/documents/{world.document.id}/versions/1")
    assert page.locator(".clause").count() == 4
    # Line numbers are drawn in the gutter from data-line; they must be continuous and visible.
    numbers = page.eval_on_selector_all(".line", "els => els.map(e => Number(e.dataset.line))")
    assert numbers == list(range(1, len(numbers) + 1))
    gutter = page.eval_on_selector(".clause__text .line", "e => getComputedStyle(e, '::before').content")
    assert gutter.strip('"') == str(numbers[1]) or gutter.strip('"').isdigit()
    screenshot(page, "version-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the reading page scrolls sideways at phone width"
    screenshot(page, "version-phone")
    assert page.console_errors == []


def test_anonymous_reads_public_but_not_private(live_server, new_page):
    world = _world(live_server)
    page = new_page()
    page.goto(f"/documents/{world.document.id}/versions/1")
    assert page.locator("h1.doc-title").inner_text() == "Sample recommendations"
    response = page.goto(f"/documents/{world.private_document.id}/versions/1")
    assert response.status == 404


def test_chair_imports_a_draft(live_server, new_page):
    world = _world(live_server)
    page = new_page(world.chair)
    page.goto(f"/groups/{world.group.slug}/import")
    page.fill("textarea[name=source]", "# Pasted\n\n## Preamble\n\nWhy we meet.\n\n## 1. First\n\nDo it.\n\n### 1.1\n\nCarefully.\n")
    page.click("button:has-text('Preview')")
    assert "Preview: 3 clauses" in page.locator("h1").inner_text()
    screenshot(page, "import-preview")
    page.click("button:has-text('Publish as version 1')")
    page.wait_for_url(re.compile(r"/documents/\d+/versions/1$"))
    assert page.locator(".clause").count() == 3
    assert page.locator("h1.doc-title").inner_text() == "Pasted"


def test_group_pages_look_right(live_server, new_page):
    world = _world(live_server)
    page = new_page(world.chair)
    for name, url in (("home", "/"), ("group", f"/groups/{world.group.slug}"),
                      ("members", f"/groups/{world.group.slug}/members"),
                      ("settings", f"/groups/{world.group.slug}/settings"), ("account", "/account")):
        response = page.goto(url)
        assert response.status == 200, url
        screenshot(page, f"page-{name}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/groups/{world.group.slug}/members")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(page, "page-members-phone")
    assert page.console_errors == []
