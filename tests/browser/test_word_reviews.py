"""A reviewed Word copy in a real browser: a member uploads a copy of the version that LibreOffice wrote with
comments and tracked changes, checks the preview (each item's clause, words, amendment diff and anchoring),
drops one comment and posts the rest, and finds the comments and the amendments in place on the version.
Screenshots at 1366px and 390px go to tests/artifacts/screenshots/ (word-review-*)."""
from ..word_fixtures import libreoffice_docx  # noqa: F401  (a fixture)
from .conftest import screenshot
from .test_accessibility import axe_violations

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _both_widths(page, name: str) -> None:
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-wide")
    page.set_viewport_size(PHONE)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), name
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(WIDE)


def test_member_uploads_a_reviewed_copy_and_posts_it(live_server, new_page, libreoffice_docx):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.member, bypass_csp=True, **WIDE)  # axe is injected as a script
    version_url = f"/documents/{world.document.id}/versions/1"
    page.goto(version_url)
    page.click("text=Upload a reviewed Word copy")
    assert page.locator("h1").inner_text() == "Upload a reviewed Word copy"
    assert page.locator("select[name=on_behalf_of]").count() == 0  # members post as themselves
    assert axe_violations(page) == []
    _both_widths(page, "word-review-upload")
    page.set_input_files("input[name=file]", files=[{
        "name": "reviewed.docx", "buffer": libreoffice_docx["reviewed"],
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
    page.click("button:has-text('Preview the comments and changes')")

    assert page.locator("h1").inner_text() == "Reviewed Word copy"
    items = page.locator(".review-item")
    assert items.count() == 4
    replaced = page.locator(".review-item", has_text="Word author: Ben Desk")
    assert replaced.locator("del").inner_text().endswith("should") and replaced.locator("ins").inner_text().endswith("must")
    assert "approximate" in replaced.inner_text() and "Clause 2" in replaced.inner_text()
    quoted = page.locator(".review-item", has_text="Which impact: on rights?")
    assert quoted.locator("blockquote").inner_text() == "assess the impact" and "Clause 1.1" in quoted.inner_text()
    assert axe_violations(page) == []
    _both_widths(page, "word-review-preview")

    page.locator(".review-item", has_text="We support the preamble.").locator("input[type=checkbox]").uncheck()
    page.click("button:has-text('Post the ticked items')")
    page.wait_for_url(f"**{version_url}")
    assert "3 comments posted from the reviewed Word file." in page.locator("body").inner_text()
    marks = page.locator("mark.anno").all_inner_texts()
    assert "assess the impact" in marks and "should" in marks and "human" in marks
    page.goto(page.locator(".clause", has_text="Strong encryption").locator("a[href*='/clauses/']").first
              .get_attribute("href"))
    thread = page.locator(".thread-list .comment", has_text="Tracked changes from a reviewed Word file")
    assert "Word author: Ben Desk" in thread.first.inner_text() and "must" in thread.first.inner_text()
    assert "We support the preamble." not in page.content()
    screenshot(page, "word-review-posted")
