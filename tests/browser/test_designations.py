"""A chair designates a whole round on one page (issue 15, finding 3): fills in the tally's reading, tries
"Full consensus" on an item blocked by a formal objection, is asked for a reason, gives one, and the public
record shows it. Screenshots at desktop and phone width."""
import pytest

from .conftest import screenshot


def _blocked_clauses(make):
    from sqlalchemy import select

    from deliberation.extensions import db
    from deliberation.models import Clause, Version
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import close_round, open_round

    world = make.world()
    version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
    clauses = db.session.scalars(select(Clause).where(Clause.version_id == version.id).order_by(Clause.position)).all()
    round_ = open_round(world.chair, version, scope="clauses", clause_ids=[c.id for c in clauses],
                        rule="consensus", threshold="majority", quorum="1/2")
    for members in world.members.values():
        for member in members:
            for clause in clauses:
                take_position(member, round_, clause_id=clause.id, position="endorse")
    take_position(world.chair, round_, clause_id=clauses[0].id, position="object", statement="A red line.", formal=True)
    close_round(world.chair, round_)
    world.round_id, world.first_clause = round_.id, clauses[0].label
    return world


@pytest.mark.parametrize("width", [1366, 390])
def test_chair_designates_a_round_and_overrides_the_tally_with_a_reason(live_server, new_page, width):
    world = live_server.build(_blocked_clauses)
    page = new_page(world.chair, width=width)
    page.goto(f"/rounds/{world.round_id}")
    page.click("a:has-text('Record designations')")
    assert page.locator("select[name^=designation-]").first.input_value() == ""  # nothing preselected
    page.click("a:has-text(\"Fill in the tally's reading\")")
    selects = page.locator("select[name^=designation-]")
    readings = [selects.nth(i).input_value() for i in range(selects.count())]
    assert readings[0] == "divergence" and set(readings[1:]) == {"full_consensus"}, readings
    screenshot(page, f"designations-{width}")
    selects.first.select_option("full_consensus")
    page.click("button:has-text('Record designations')")
    assert "the tally contradicts this designation" in page.inner_text("[role=alert]")
    override = page.locator("input[name^=override-]")
    assert override.count() == 1
    override.fill("The objection was withdrawn in the plenary; the withdrawal is being filed.")
    screenshot(page, f"designations-override-{width}")
    page.click("button:has-text('Record designations')")
    page.wait_for_url(f"**/rounds/{world.round_id}#record")
    assert "Designations recorded." in page.inner_text(".flashes")
    record = new_page(width=width)
    record.goto(f"/documents/{world.document.id}/record")
    assert "The objection was withdrawn in the plenary" in record.inner_text("#rounds")
