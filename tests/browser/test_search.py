"""Search in a real browser: a member searches from the header box, narrows with the filters and
lands on the highlighted comment; the public finds the public comment and nothing of a private group.
Screenshots at 1366 and 390 px go to tests/artifacts/screenshots/."""
from deliberation.extensions import db

from ..integration.search_support import post
from .conftest import screenshot


def _setup(live_server):
    def build(make):
        world = make.world()
        public = post(world.member, world.document, "We fear **backdoors** in messaging apps.").id
        question = post(world.members["private_sector"][0], world.document,
                        "Would a backdoor for lawful access ever be safe?", kind="question").id
        private = post(world.other_group_member, world.other_document, "Private talk of backdoors.").id
        db.session.commit()
        return world, public, question, private

    return live_server.build(build)


def _no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_a_member_searches_filters_and_lands_on_the_comment(new_page, live_server):
    world, public, question, private = _setup(live_server)
    page = new_page(world.member, width=1366, height=900)
    page.goto("/")
    page.fill("#site-search-q", "backdoor")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search?q=backdoor*")
    assert "2 results" in page.locator(".search-total").inner_text()
    assert page.locator(".search-result mark").first.inner_text().lower().startswith("backdoor")
    assert page.locator(f"a[href='/comments/{private}']").count() == 0
    screenshot(page, "search-results-wide")

    page.click(".search-filters summary")
    page.select_option("#f-type", "question")
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**comment_type=question*")
    assert "1 result" in page.locator(".search-total").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page), "the search page scrolls sideways at phone width"
    screenshot(page, "search-results-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click(f"a[href='/comments/{question}']")
    page.wait_for_url(f"**#comment-{question}")
    target = page.locator(f"#comment-{question}")
    target.wait_for(state="visible")
    assert "lawful access" in target.inner_text()
    assert page.evaluate(f"document.querySelector('#comment-{question}').matches(':target')")
    shadow = page.evaluate(f"getComputedStyle(document.querySelector('#comment-{question} > .comment__card')).boxShadow")
    assert shadow and shadow != "none", "the comment a search result leads to is highlighted"
    screenshot(page, "search-landed-on-comment")
    assert not page.console_errors


def test_the_public_finds_public_comments_only(new_page, live_server):
    world, public, question, private = _setup(live_server)
    page = new_page(None, width=390, height=844)
    page.goto("/search?q=backdoors")
    links = page.locator(".search-result__link")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert f"/comments/{public}" in hrefs and f"/comments/{private}" not in hrefs
    assert _no_sideways_scroll(page)
    screenshot(page, "search-public-phone")
    page.goto('/search?q="lawful access"')
    snippets = page.locator(".search-result__snippet")
    assert snippets.count() >= 1
    for index in range(snippets.count()):
        assert snippets.nth(index).locator("mark").all_inner_texts() == ["lawful", "access"]
    assert not page.console_errors
