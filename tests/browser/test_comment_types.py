"""The type of comment in a real browser (issue 13 item 3): a member picks "Technical" in the comment form
(sent by the scripts to the API), the badge appears; the chair changes it to "Editorial" from the moderation
controls; the version page offers the comment-resolution table. Screenshots at 1366 and 390 px."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Comment

from .conftest import screenshot


def _world_and_clause(live_server):
    def build(make):
        world = make.world()
        clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                        Clause.number == "1"))
        return world, {"id": clause.id, "key": clause.key}
    return live_server.build(build)


def _type_of(live_server, body: str):
    with live_server.app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.body_source == body))
        value = comment.comment_type if comment else "missing"
        db.session.remove()
        return value


def test_member_types_a_comment_and_the_chair_changes_it(live_server, new_page):
    world, clause = _world_and_clause(live_server)
    clause_url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    member = new_page(world.member, width=1366)
    member.goto(clause_url)
    member.locator(f"#compose-{clause['key']} summary").click()
    composer = member.locator(f"#compose-{clause['key']} form")
    composer.locator("select[name=type]").select_option("technical")
    composer.locator("textarea[name=body]").fill("The threshold needs a number.")
    screenshot(member, "comment-type-composer-1366")
    composer.locator("button[type=submit]").click()
    badge = member.locator(".thread-list .comment .comment-type--technical")
    badge.wait_for()
    assert badge.inner_text() == "Technical"
    assert _type_of(live_server, "The threshold needs a number.") == "technical"
    assert member.console_errors == []
    screenshot(member, "comment-type-member-1366")

    chair = new_page(world.chair, width=1366)
    chair.goto(clause_url)
    item = chair.locator(".thread-list .comment").first
    item.locator("details[data-action=moderate] > summary").first.click()
    form = item.locator("form[action$='/type']")
    form.locator("select[name=type]").select_option("editorial")
    screenshot(chair, "comment-type-moderate-1366")
    form.locator("button[type=submit]").click()
    chair.locator(".thread-list .comment .comment-type--editorial").wait_for()
    assert _type_of(live_server, "The threshold needs a number.") == "editorial"
    assert chair.console_errors == []
    screenshot(chair, "comment-type-chair-1366")

    phone = new_page(world.member, width=390, height=844)
    phone.goto(f"/documents/{world.document.id}/versions/1")
    links = phone.locator(".word-downloads a[href$='/resolution.xlsx']")
    assert links.count() == 1
    screenshot(phone, "version-resolution-links-390")
    phone.goto(clause_url)
    phone.locator(".comment-type--editorial").first.wait_for()
    screenshot(phone, "comment-type-390")
    wide = new_page(world.chair, width=1366)
    wide.goto(f"/documents/{world.document.id}/comments?type=editorial")
    assert "The threshold needs a number." in wide.content()
    screenshot(wide, "all-comments-type-filter-1366")
