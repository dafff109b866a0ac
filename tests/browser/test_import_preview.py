"""The import preview in a real browser: a chair uploads a Word file that LibreOffice wrote with tracked changes
and comments, is asked which text to import, takes "as if all changes were accepted", splits the preamble
before its second sentence, merges clause 5 into clause 4, and publishes. Screenshots at 1366px and 390px go
to tests/artifacts/screenshots/ (import-*)."""
import re

from ..word_fixtures import libreoffice_docx  # noqa: F401  (a fixture)
from .conftest import SCREENSHOTS, screenshot
from .test_accessibility import axe_violations

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _both_widths(page, name: str) -> None:
    """Screenshots at desktop and phone width; at phone width nothing scrolls sideways."""
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-wide")
    page.set_viewport_size(PHONE)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), name
    screenshot(page, f"{name}-phone")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone-top.png"))
    page.set_viewport_size(WIDE)


def _item(page, label: str):
    return page.locator(".preview-item", has=page.locator(".preview-item__label", has_text=label))


def test_chair_imports_a_reviewed_word_file(live_server, new_page, libreoffice_docx):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.chair, bypass_csp=True, **WIDE)  # axe is injected as a script
    page.goto(f"/groups/{world.group.slug}/import")
    page.set_input_files("input[name=file]", files=[{
        "name": "reviewed.docx", "buffer": libreoffice_docx["tracked"],
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
    page.click("button:has-text('Preview')")

    notice = page.locator("#tracked-changes")
    assert "This Word file has 4 tracked changes" in notice.inner_text()
    assert "2 comments" in page.locator("#word-comments").inner_text()
    assert page.locator(".preview-item").count() == 0 and page.locator("text=Publish as version 1").count() == 0
    assert axe_violations(page) == []
    _both_widths(page, "import-tracked-choice")

    page.click("button:has-text('Import the text as if all changes were accepted')")
    assert page.locator("h1").inner_text() == "Preview: 5 clauses"
    assert "as if all changes were accepted" in notice.inner_text()

    preamble = _item(page, "Preamble")
    preamble.locator("summary:has-text('Correct')").click()
    preamble.locator("select[name^=split-]").select_option(label="It has met three times this year.")
    preamble.locator("button:has-text('Split')").click()
    assert page.locator("h1").inner_text() == "Preview: 6 clauses"
    assert _item(page, "Preamble").locator(".preview-item__text").inner_text() == \
        "The coalition recognises that human rights apply online."

    last = _item(page, "5")
    last.locator("summary:has-text('Correct')").click()
    last.locator("button:has-text('Merge into the clause above')").click()
    assert page.locator("h1").inner_text() == "Preview: 5 clauses"
    assert "2 corrections made in this preview." in page.locator("#preview-edits").inner_text()
    _item(page, "4").locator("summary:has-text('Correct')").click()  # the tools, open, in the screenshots
    assert axe_violations(page) == []
    _both_widths(page, "import-corrected")

    page.fill("input[name=title]", "Reviewed recommendations")
    page.click("button:has-text('Publish as version 1')")
    page.wait_for_url(re.compile(r"/documents/\d+/versions/1$"))
    text = page.locator("main").inner_text()
    assert "It has met three times this year." in text and "protect everyone online" in text
    assert "Remedies should be available to all.\nProcesses should be open" in text or \
        "Processes should be open to all stakeholders." in text
    assert "nobody" not in text and "keep records" not in text
    assert page.console_errors == []
