"""Reopening a consensus round in a real browser: the chair finds the button on the closed round's page
and in the objection register, confirms, and lands on the new round, which links back. Screenshots of
both pages at wide and phone width."""
import re

from deliberation.extensions import db

from .conftest import screenshot


def _answered_round(live_server):
    def build(make):
        from deliberation.models import User, Version
        from deliberation.services.objections import respond_to_objection
        from deliberation.services.positions import take_position
        from deliberation.services.rounds import close_round, open_round

        world = make.world()
        chair = db.session.merge(world.chair)
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(chair, version, scope="document", clause_ids=None, rule="consensus",
                            threshold="majority", quorum="1/2")
        objection, _ = take_position(db.session.get(User, world.member.id), round_, clause_id=None,
                                     position="object", statement="It weakens encryption.", formal=True)
        respond_to_objection(chair, round_, objection, "Clause 2 now protects encryption.")
        close_round(chair, round_)
        return world, round_.id

    return live_server.build(build)


def test_chair_reopens_a_round_after_answering_the_objection(live_server, new_page):
    world, round_id = _answered_round(live_server)
    member = new_page(world.member)
    member.goto(f"/rounds/{round_id}")
    assert member.locator("summary:has-text('Reopen the round')").count() == 0  # only the chair has it

    chair = new_page(world.chair)
    chair.goto(f"/documents/{world.document.id}/objections")
    assert chair.locator(".reopen-panel summary:has-text('Reopen the round')").count() == 1
    chair.locator(".reopen-panel summary").click()
    screenshot(chair, "rounds-reopen-register-wide")

    chair.goto(f"/rounds/{round_id}")
    chair.click("summary:has-text('Reopen the round')")
    assert chair.locator(".reopen-round__form .hint").is_visible()
    screenshot(chair, "rounds-reopen-closed-round-wide")
    chair.set_viewport_size({"width": 390, "height": 844})
    assert not chair.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), \
        "the closed round page scrolls sideways at phone width"
    screenshot(chair, "rounds-reopen-closed-round-phone")
    chair.set_viewport_size({"width": 1280, "height": 900})

    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click(".reopen-round__form button[type=submit]")
    chair.wait_for_url(re.compile(r"/rounds/\d+$"))
    new_id = int(chair.url.rsplit("/", 1)[1])
    assert new_id != round_id
    assert chair.locator(f".reopen-links a[href$='/rounds/{round_id}']").count() == 1
    assert "Open" in chair.locator(".round-state").inner_text()
    screenshot(chair, "rounds-reopen-new-round-wide")

    chair.goto(f"/rounds/{round_id}")
    assert chair.locator(f".reopen-links a[href$='/rounds/{new_id}']").count() == 1
    assert chair.locator("summary:has-text('Reopen the round')").count() == 0  # reopened once only
    assert chair.console_errors == [] and member.console_errors == []
