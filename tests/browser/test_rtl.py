"""Right-to-left readiness: with dir="rtl" forced on <html> (no interface language is right-to-left yet), the
line numbers of the reading page and of the printable record sit in the gutter to the right of the text,
because the style sheets place them with logical properties."""
from .conftest import screenshot

# Where a line's number (its ::before) is drawn, from the used values of its position and margins.
GUTTER = """line => {
    const box = line.getBoundingClientRect(), mark = getComputedStyle(line, '::before');
    const left = box.left + parseFloat(mark.left) + parseFloat(mark.marginLeft);
    return {textLeft: box.left, textRight: box.right, numberLeft: left, numberRight: left + parseFloat(mark.width)};
}"""


def _gutter_sides(page, selector):
    sides = page.eval_on_selector(selector, GUTTER)
    on_the_left = sides["numberRight"] <= sides["textLeft"] + 1
    on_the_right = sides["numberLeft"] >= sides["textRight"] - 1
    return on_the_left, on_the_right


def _force_rtl(page):
    page.evaluate("document.documentElement.dir = 'rtl'")


def test_line_numbers_follow_the_reading_direction(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.member)
    for url, line, name in [(f"/documents/{world.document.id}/versions/1", ".clause__text .line", "version-rtl"),
                            (f"/documents/{world.document.id}/record/print", ".print-line", "record-print-rtl")]:
        page.goto(url)
        assert _gutter_sides(page, line) == (True, False), f"{url}: left to right, numbers on the left"
        _force_rtl(page)
        assert _gutter_sides(page, line) == (False, True), f"{url}: right to left, numbers on the right"
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{url} scrolls sideways right to left"
        screenshot(page, name)
    assert page.console_errors == []
