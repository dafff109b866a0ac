"""Everything on the reading page by keyboard alone: reach a clause, select words with Shift+arrow keys,
open the annotation form, write, post, reply; focus stays visible and the polite live region speaks."""
from .conftest import screenshot


def _focus_ring(page) -> str:
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


def _tab_until(page, test: str, limit: int = 80) -> None:
    """Press Tab until document.activeElement satisfies the JS predicate `test` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element matching {test}")


def test_member_annotates_and_replies_by_keyboard(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.member)
    page.goto(f"/documents/{world.document.id}/versions/1")
    page.wait_for_load_state("networkidle")
    announcer = page.locator("[data-announcer]")
    assert announcer.get_attribute("aria-live") == "polite"
    before = announcer.text_content()

    # Reach the text of the clause "1. Rights by design" and select its first two words.
    _tab_until(page, "el => el.matches('[data-clause-text]') && el.textContent.startsWith('Laws should')")
    assert _focus_ring(page) not in ("none", "")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString().trim()") == "Laws should"

    # The annotate button comes right after the text.
    page.wait_for_selector(".annotate-button:not([hidden])")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('annotate-button')")
    assert _focus_ring(page) not in ("none", "")
    page.keyboard.press("Enter")

    # The form opens with the quote and focus in the comment box.
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'body'")
    quote = page.locator("[data-quote]:not([hidden]) [data-quote-text]")
    assert quote.inner_text() == "Laws should"
    page.keyboard.type("Which laws exactly?")
    _tab_until(page, "el => el.type === 'submit'")
    assert _focus_ring(page) not in ("none", "")
    page.keyboard.press("Enter")
    page.wait_for_selector(".comment:has-text('Which laws exactly?')")
    page.wait_for_function("(b) => document.querySelector('[data-announcer]').textContent !== b "
                           "&& document.querySelector('[data-announcer]').textContent !== ''", arg=before)
    assert page.locator("mark.anno").first.inner_text().strip() == "Laws should"

    # Reply: Tab to the comment's Reply control, open it with Space, write, send with Enter.
    _tab_until(page, "el => el.tagName === 'SUMMARY' && el.closest('[data-action=reply]')")
    assert _focus_ring(page) not in ("none", "")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type("The draft means criminal laws.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".comment:has-text('The draft means criminal laws.')")
    screenshot(page, "keyboard-annotation")
    assert page.console_errors == []
