"""The all-comments list as the chairs' workbench in Chromium (issue 15, item 4): a chair filters,
selects three comments with the keyboard and disposes of them in one step; a member opens the list
(it answered 403 before) and reads it without the chair's controls; the phone layout keeps every card
whole. Before this change the list had no checkboxes and refused members, so both halves fail there."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Comment, User

from .conftest import screenshot


def _comments(make):
    from deliberation.services.comments import post_comment

    world = make.world()
    clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                           Clause.text != "").order_by(Clause.position)))
    member = db.session.get(User, world.member.id)
    gov = db.session.get(User, world.members["government"][0].id)
    ids = []
    for n in range(4):
        ids.append(post_comment(member if n % 2 else gov, clauses[n % len(clauses)],
                                body=f"Tariff remark number {n}: the wording of this clause is too broad for "
                                     "small operators.").id)
    post_comment(member, clauses[0], body="Unrelated praise.")
    return world, ids


def test_a_chair_disposes_of_three_comments_in_one_step_and_a_member_reads_the_list(live_server, new_page):
    world, ids = live_server.build(_comments)
    url = f"/documents/{world.document.id}/comments"
    page = new_page(world.chair, width=1366, height=900)
    page.goto(url)
    page.fill("#f-text", "tariff")
    page.press("#f-text", "Enter")
    page.wait_for_url("**q=tariff**")
    assert page.locator(".report-item").count() == 4
    for comment_id in ids[:3]:  # by keyboard: focus the box, press Space
        page.focus(f"#pick-{comment_id}")
        page.keyboard.press("Space")
    assert page.locator("input[name=comment_ids]:checked").count() == 3
    page.select_option("#bulk-action", "disposition")
    page.select_option("#bulk-disposition", "accepted_in_part")
    page.fill("#bulk-rationale", "Narrowed to large operators in clause 3.")
    screenshot(page, "workbench-1366")
    page.get_by_role("button", name="Apply to the selected comments").click()
    page.wait_for_url("**q=tariff**")
    assert page.locator(".report-item__disposition.disposition--accepted_in_part").count() == 3
    assert "Narrowed to large operators" in page.locator(".report-list").inner_text()
    with live_server.app.app_context():
        dispositions = dict(db.session.execute(select(Comment.id, Comment.disposition).where(Comment.id.in_(ids))).all())
    assert [dispositions[i] for i in ids] == ["accepted_in_part"] * 3 + [None]
    assert page.console_errors == []

    phone = new_page(world.chair, width=390, height=844)
    phone.goto(url)
    widest = phone.evaluate("() => Math.max(...[...document.querySelectorAll('.report-item, .workbench')]"
                            ".map(e => e.getBoundingClientRect().right))")
    assert widest <= 390, widest  # nothing cut off on a phone
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(phone, "workbench-390")
    # One comment from its own row, by keyboard: open "Dispose, hide or resolve", hide it with a reason.
    row = phone.locator(".report-item").nth(2)  # User of the government group's remark
    row.locator("summary").focus()
    phone.keyboard.press("Enter")
    row.locator("textarea[name=rationale]").fill("Duplicate of an earlier remark.")
    screenshot(phone, "workbench-row-390")
    row.get_by_role("button", name="Hide").click()
    phone.wait_for_load_state()
    assert phone.locator(".report-item").nth(2).locator(".comment__hidden-note").inner_text().endswith(
        "Duplicate of an earlier remark.")

    member = new_page(world.member, width=1366, height=900)
    response = member.goto(url)
    assert response.status == 200  # was 403
    assert member.locator(".report-item").count() == 5
    hidden = member.locator(".report-item").nth(2).inner_text()  # someone else's, hidden: no words, no author
    assert "Comment hidden by a chair." in hidden and "Tariff remark number 2" not in hidden
    assert member.locator("input[name=comment_ids]").count() == 0 and member.locator("#workbench").count() == 0
    screenshot(member, "workbench-member-1366")
