"""Versions and the public record in a real browser: a chair takes the demo draft through three versions
(preview with the matching table, publish, compare inline and side by side, a thread following its clause
and taking a reply on the new version, orphaned annotations); a signed-out visitor reads the history, the
diffs and the outcome, downloads the exports and verifies the chain. Screenshots at wide and phone width
go to tests/artifacts/screenshots/."""
import json
import re

from deliberation.extensions import db
from deliberation.services.demo import __file__ as demo_module

from ..integration.version_helpers import add_comment, clause_numbered
from .conftest import SCREENSHOTS, screenshot

DEMO = open(demo_module.replace("__init__.py", "draft.md"), encoding="utf-8").read()
V2 = (DEMO.replace("nor mandate exceptional access mechanisms that create systemic vulnerabilities",
                   "nor mandate exceptional access mechanisms, which create systemic vulnerabilities for everyone")
      .replace("## 4. Vulnerability handling", "## 4. Research\n\nStates should fund independent security "
               "research.\n\n## 5. Vulnerability handling")
      .replace("### 4.1", "### 5.1").replace("## 5. Capacity building", "## 6. Capacity building"))
V3 = V2.replace("### 2(b)\n\nParticipation should be made possible for those with limited resources, including "
                "through remote participation, translation and support for travel.\n\n", "")


def _no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def _phone(page, name: str) -> None:
    """At phone width: no sideways scrolling; the whole page and its first screen as screenshots."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page), f"{name} scrolls sideways at phone width"
    screenshot(page, f"{name}-phone")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone-top.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def _setup(live_server):
    def build(make):
        from deliberation.models import User

        world = make.world()
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        document = make.document(group, chair, source=DEMO, title="")
        member = db.session.get(User, world.member.id)
        v1 = document.current_version_id
        add_comment(clause_numbered(v1, "3.1"), member, quote="exceptional access mechanisms",
                    body="Define *exceptional access*.")
        add_comment(clause_numbered(v1, "2(b)"), member, quote="remote participation", body="And captioning.")
        return world, document.id

    return live_server.build(build)


def _publish(page, document_id, source, expect_clauses, name):
    page.goto(f"/documents/{document_id}")
    page.click(".doc-meta a:has-text('New version')")
    page.fill("textarea[name=source]", source)
    page.click("button:has-text('Preview the matching')")
    assert f"Preview: {expect_clauses} clauses" in page.locator("h1").inner_text()
    screenshot(page, f"{name}-preview-wide")
    _phone(page, f"{name}-preview")
    page.click("button:has-text('Publish as version')")
    page.wait_for_url(re.compile(rf"/documents/{document_id}/compare\?to=\d+$"))


def test_chair_takes_the_demo_draft_through_three_versions(live_server, new_page):
    world, document_id = _setup(live_server)
    page = new_page(world.chair)

    _publish(page, document_id, V2, 15, "version2")
    assert "is published: 1 changed, 1 new and 0 removed clauses" in page.locator(".flashes").inner_text()
    changed = page.locator(".diff-clause--changed")
    assert changed.count() == 1 and "3.1" in changed.inner_text()
    assert "for everyone" in " ".join(changed.locator("ins").all_inner_texts())
    assert page.locator(".diff-clause--new").count() == 1
    screenshot(page, "compare-inline-wide")
    page.check("input[value=side]")
    page.click("button:has-text('Compare')")
    assert page.locator(".diff-sides").count() > 0
    screenshot(page, "compare-side-wide")
    _phone(page, "compare-side")

    # The thread on 3.1 follows its clause: shown on version 2 with where it came from, its words
    # highlighted there, and a reply there continues it.
    with live_server.app.app_context():
        from deliberation.models import Document

        key = clause_numbered(db.session.get(Document, document_id).current_version_id, "3.1").key
    page.goto(f"/documents/{document_id}/versions/2/clauses/{key}")
    carried = page.locator(".comment--carried")
    assert carried.count() == 1 and "From version 1, clause 3.1" in carried.inner_text()
    root_id = carried.get_attribute("data-comment-id")
    marks = page.locator(f'mark.anno[data-comment-id="{root_id}"]')
    assert "".join(marks.all_text_contents()) == "exceptional access mechanisms"
    carried.locator("details[data-action=reply] > summary").first.click()
    carried.locator(f"#reply-{root_id}").fill("Still needs a definition in version 2.")
    carried.locator("button:has-text('Post reply')").first.click()
    carried.locator(".replies .comment__body:has-text('Still needs a definition')").wait_for()
    screenshot(page, "carried-thread-wide")

    _publish(page, document_id, V3, 14, "version3")
    assert page.locator(".diff-clause--removed").count() == 1
    # ... and on to version 3, with the reply written on version 2
    page.goto(f"/documents/{document_id}/versions/3/clauses/{key}")
    carried = page.locator(".comment--carried")
    assert carried.count() == 1 and "From version 1, clause 3.1" in carried.inner_text()
    assert "Still needs a definition in version 2." in carried.locator(".replies").inner_text()
    page.goto(f"/documents/{document_id}/orphans")
    orphans = page.locator(".orphan")
    assert orphans.count() == 1 and "its clause was removed in version 3" in orphans.inner_text()
    screenshot(page, "orphans-wide")
    _phone(page, "orphans")
    page.fill(".orphan input[name=quote]", "limited resources")
    page.select_option(".orphan select[name=clause_id]", label="2(a)")
    page.fill(".orphan input[name=quote]", "adequate time for response")
    page.click(".orphan button:has-text('Re-attach')")
    assert "attached to clause 2(a)" in page.locator(".flashes").inner_text()
    assert page.locator(".orphan").count() == 0
    assert page.console_errors == []

    # A signed-out visitor reads the record, follows a diff, downloads the exports and verifies the chain.
    visitor = new_page()
    visitor.goto(f"/documents/{document_id}/record")
    history = visitor.locator("#history tbody tr")
    assert history.count() == 3
    assert "Open for comment" in history.nth(0).inner_text() and "Superseded" in history.nth(2).inner_text()
    head = visitor.locator("[data-record-head]").inner_text()
    screenshot(visitor, "record-wide")
    _phone(visitor, "record")
    visitor.click("#history a:has-text('what changed') >> nth=1")
    assert visitor.locator(".diff-clause--changed").count() == 1
    record = json.loads(visitor.request.get(f"/api/v1/documents/{document_id}/record.json").text())
    assert [v["number"] for v in record["versions"]] == [1, 2, 3]
    carried = [a for c in record["comments"] for a in c["anchors"] if a["version"] == 3]
    # both comments follow their clauses: 3.1's quote is still there; 2(b)'s was re-attached to 2(a)
    assert [a["status"] for a in carried] == ["exact", "exact"]
    csv_text = visitor.request.get(f"/api/v1/documents/{document_id}/dispositions.csv").text()
    assert csv_text.startswith("reference,permalink,version,clause")
    jsonld = json.loads(visitor.request.get(f"/api/v1/documents/{document_id}/annotations.jsonld").text())
    # the two annotations and the reply written on version 2
    assert jsonld["@context"] == "http://www.w3.org/ns/anno.jsonld" and jsonld["total"] == 3
    verification = json.loads(visitor.request.get("/api/v1/record/verify").text())
    assert verification["ok"] and verification["head"] == head
    with live_server.app.app_context():
        result = live_server.app.test_cli_runner().invoke(args=["verify-record"])
    assert result.exit_code == 0 and head in result.output
    visitor.goto(f"/documents/{document_id}/record/print")
    assert visitor.locator(".print-line").count() > 20
    screenshot(visitor, "record-print-screen")
    _phone(visitor, "record-print")
    visitor.emulate_media(media="print")
    screenshot(visitor, "record-print-media")
    assert visitor.console_errors == []
