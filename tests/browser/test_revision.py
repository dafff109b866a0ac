"""Revising a draft in the platform, in a real browser (issue 12, "Done when"): a chair takes the demo draft
to version 2 without leaving the platform. Two accepted amendments are applied (one after the chair edited
the same clause, so the fuzzy search places it), a clause is split and two are merged, an edit conflict with
a co-editor in a second browser context is resolved with both texts shown, the checklist is reviewed and the
draft published; the amendments' threads then read "applied in version 2". Screenshots of the working draft
at 1366 and 390 pixels wide go to tests/artifacts/screenshots/."""
import re

from playwright.sync_api import expect

from deliberation.extensions import db
from deliberation.services.demo import __file__ as demo_module

from ..integration.revision_helpers import amendment
from ..integration.version_helpers import clause_numbered
from .conftest import SCREENSHOTS, screenshot

DEMO = open(demo_module.replace("__init__.py", "draft.md"), encoding="utf-8").read()


def _setup(live_server):
    def build(make):
        from deliberation.models import User
        from deliberation.services.revision.drafts import add_editor

        world = make.world()
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        document = make.document(group, chair, source=DEMO, title="")
        member = db.session.get(User, world.member.id)
        v1 = document.current_version_id
        fuzzy = amendment(clause_numbered(v1, "1.1"), member, "publish that assessment",
                          "publish that assessment in full")
        exact = amendment(clause_numbered(v1, "3.1"), member, "exceptional access mechanisms",
                          "exceptional access mechanisms or client-side scanning")
        add_editor(chair, document, db.session.get(User, world.members["government"][0].id))
        return world, document.id, fuzzy.id, exact.id, world.members["government"][0]

    return live_server.build(build)


def _clause(page, number):
    """The editor's article for the clause numbered `number`."""
    return page.locator("article.draft-clause").filter(
        has=page.locator(".draft-clause__number", has_text=re.compile(rf"^{re.escape(number)}$")))


def _type(page, number, text):
    """Replace a clause's text and wait for the autosave's answer."""
    with page.expect_response(lambda r: "/clauses/" in r.url and r.request.method == "PATCH") as saved:
        _clause(page, number).locator("textarea.draft-clause__text").fill(text)
    return saved.value


def _submit(page, locator):
    with page.expect_navigation():
        locator.click()


def test_chair_takes_the_demo_draft_to_version_2(live_server, new_page):
    world, document_id, fuzzy_id, exact_id, co_editor = _setup(live_server)
    page = new_page(world.chair, width=1366)
    page.goto(f"/documents/{document_id}")
    page.click(".doc-meta a:has-text('Working draft')")
    _submit(page, page.locator("button:has-text('Start a revision')"))
    assert page.locator("article.draft-clause").count() == 14

    # Edit 1.1 around the amendment's quote, then apply it: the exact quote is gone, the fuzzy search finds it.
    edited = ("Governments should assess the human rights impact of proposed cybersecurity legislation before "
              "it is adopted, publish this assessment, and invite public comment on it.")
    assert _type(page, "1.1", edited).status == 200
    page.locator("[data-save-state].draft-state--saved").wait_for()
    _submit(page, page.locator(f"#amendment-{fuzzy_id} button:has-text('Apply')"))
    text_11 = _clause(page, "1.1").locator("textarea.draft-clause__text").input_value()
    assert "publish that assessment in full, and invite" in text_11
    _submit(page, page.locator(f"#amendment-{exact_id} button:has-text('Apply')"))
    assert "or client-side scanning" in _clause(page, "3.1").locator("textarea.draft-clause__text").input_value()
    assert page.locator(".amendment--applied").count() == 2

    # Split 2(b) after its first sentence part, at the cursor; merge 1.2 into 1.1.
    two_b = _clause(page, "2(b)")
    area = two_b.locator("textarea.draft-clause__text")
    cut = area.input_value().index(" including")
    area.evaluate("(el, cut) => { el.focus(); el.setSelectionRange(cut, cut); "
                  "el.dispatchEvent(new Event('keyup')); }", cut)
    two_b.locator("summary:has-text('Clause tools')").click()
    _submit(page, two_b.locator("button:has-text('Split')"))
    assert _clause(page, "2(c)").locator("textarea.draft-clause__text").input_value().startswith("including through remote")
    one_two = _clause(page, "1.2")
    one_two.locator("summary:has-text('Clause tools')").click()
    _submit(page, one_two.locator("button:has-text('Merge into the previous clause')"))
    assert "Assessments should pay particular attention" in _clause(page, "1.1").locator("textarea.draft-clause__text").input_value()
    assert _clause(page, "1.2").count() == 0
    screenshot(page, "working-draft-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(page, "working-draft-phone")
    page.screenshot(path=str(SCREENSHOTS / "working-draft-phone-top.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    # A co-editor in another browser, without live updates, edits 4.1 from the text it loaded; the chair
    # saved 4.1 meanwhile: the co-editor's save is refused and both texts are shown; keeping theirs saves it.
    other = new_page(co_editor, width=1366)
    other.context.route("**/vendor/socket.io.min.js", lambda route: route.abort())
    other.goto(f"/documents/{document_id}/working-draft")
    assert _type(page, "4.1", "Researchers who report vulnerabilities in good faith must be protected.").status == 200
    refused = _type(other, "4.1", "Security researchers acting in good faith should be protected from prosecution.")
    assert refused.status == 409
    conflict = _clause(other, "4.1").locator(".draft-clause__conflict")
    assert "Researchers who report vulnerabilities in good faith must be protected." in conflict.inner_text()
    screenshot(other, "working-draft-conflict")
    with other.expect_response(lambda r: "/clauses/" in r.url and r.request.method == "PATCH") as kept:
        conflict.locator("button:has-text('Keep my text')").click()
    assert kept.value.status == 200
    other.locator("[data-save-state].draft-state--saved").wait_for()
    # ... and the chair's page shows the co-editor's text live, saying who changed it.
    expect(_clause(page, "4.1").locator("textarea.draft-clause__text")).to_have_value(re.compile("prosecution"))
    assert co_editor.name in _clause(page, "4.1").locator("[data-clause-state]").inner_text()

    # Review the checklist and the comparison, then publish.
    page.goto(f"/documents/{document_id}/working-draft/review")
    checklist = page.locator(".checklist").inner_text()
    assert "Every accepted amendment is applied." in checklist
    assert "or client-side scanning" in " ".join(page.locator(".diff ins").all_inner_texts())
    assert "prosecution" in page.locator(".diff").inner_text()
    screenshot(page, "working-draft-review")
    page.fill("input[name=label]", "Discussion draft 2")
    page.fill("textarea[name=note]", "Two amendments applied; 2(b) split and 1.2 merged into 1.1.")
    _submit(page, page.locator("button:has-text('Publish as version 2')"))
    assert re.search(rf"/documents/{document_id}/versions/2$", page.url)
    assert "Discussion draft 2" in page.locator(".doc-meta").inner_text()

    # The amendments' threads read "applied in version 2", with a link to the clause that carries them.
    for comment_id in (fuzzy_id, exact_id):
        page.goto(f"/comments/{comment_id}")
        applied = page.locator(".disposition__applied a")
        assert applied.inner_text() == "Applied in version 2"
        assert "/versions/2#clause-" in applied.get_attribute("href")
    screenshot(page, "working-draft-applied-thread")
    assert page.console_errors == []


def test_a_co_editor_taken_off_is_told_at_once(live_server, new_page):
    """The chair names a member editor and then takes them off on the editor page; the member's open editor
    says, without a reload, that it can no longer save. Wide, phone width and French."""
    world, document_id, _fuzzy, _exact, _co_editor = _setup(live_server)
    chair = new_page(world.chair, width=1366)
    chair.goto(f"/documents/{document_id}/working-draft")
    _submit(chair, chair.locator("button:has-text('Start a revision')"))
    chair.select_option("#new-editor", label=world.member.display_name)
    _submit(chair, chair.locator(".draft-editors__add button"))
    expect(chair.locator("[data-draft-editors]")).to_contain_text(world.member.display_name)
    chair.locator("#editors-heading").scroll_into_view_if_needed()
    screenshot(chair, "working-draft-editors-1366")

    member = new_page(world.member, width=390, height=844)
    member.context.set_extra_http_headers({"Accept-Language": "fr"})
    member.goto(f"/documents/{document_id}/working-draft")
    member.wait_for_function("() => window.io && document.querySelector('[data-draft-presence]')")
    member.wait_for_timeout(500)  # the socket joins the draft's room
    item = chair.locator(".draft-editors__item", has_text=world.member.display_name)
    _submit(chair, item.locator("button"))
    notice = member.locator("[data-draft-presence]")
    expect(notice).to_be_visible(timeout=10000)
    expect(notice).to_contain_text("Vous ne pouvez plus modifier ce projet")
    expect(notice).to_have_attribute("role", "alert")
    assert not member.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    notice.scroll_into_view_if_needed()
    screenshot(member, "working-draft-access-lost-fr-390")
    notice.screenshot(path=str(SCREENSHOTS / "working-draft-access-lost-notice-fr-390.png"))
    assert chair.console_errors == [] and member.console_errors == []
