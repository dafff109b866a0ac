"""A whole endorsement round in a real browser: the chair opens it from the version page, members of
every sector take positions (on the ballot page, a few through the API), a second window watching the
consensus map sees it fill in live, the chair closes it and records designations, and the public
then reads the result. Screenshots of the map and tally at wide and phone width."""
import json
import re
import time
import urllib.request

from deliberation.extensions import db

from .conftest import SCREENSHOTS, screenshot

BALLOTS = {  # sector -> positions for the four clauses (Preamble, 1, 1.1, 2)
    "government": ["endorse", "endorse", "endorse_with_reservations", "endorse"],
    "civil_society": ["endorse", "object", "endorse", "endorse"],
    "private_sector": ["endorse", "endorse", "abstain", "object"],
    "academia": ["endorse", "endorse", "endorse", "endorse_with_reservations"],
}


def _setup(live_server):
    def build(make):
        from deliberation.services.accounts import create_token

        world = make.world()
        tokens = {}
        for key, users in world.members.items():
            _row, tokens[key] = create_token(db.session.merge(users[1]))
        return world, tokens

    return live_server.build(build)


def _api_position(base, token, round_id, clause_id, position, formal=False):
    body = {"clause_id": clause_id, "position": position, "formal": formal}
    if position in ("object", "endorse_with_reservations"):
        body["statement"] = "Stated through the API."
    request = urllib.request.Request(f"{base}/api/v1/rounds/{round_id}/positions", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)


def _fill_ballot(page, round_id, positions):
    page.goto(f"/rounds/{round_id}/ballot")
    items = page.locator("fieldset.ballot-item")
    assert items.count() == len(positions)
    for index, position in enumerate(positions):
        item = items.nth(index)
        item.locator(f"input[type=radio][value={position}]").check()
        if position in ("object", "endorse_with_reservations"):
            item.locator("textarea").fill("Stated on the ballot page.")
    page.click("button:has-text('Save my positions')")
    page.wait_for_load_state()
    assert "Saved" in page.locator(".flashes").inner_text()
    assert "You have answered every item." in page.locator("[data-ballot-progress]").inner_text()


def _wait_until(page, expression: str, timeout: float = 15) -> None:
    """Poll from the test side: wait_for_function evaluates strings in the page, which the CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def _tally_version(page) -> int:
    return int(page.eval_on_selector("#tally", "e => Number(e.dataset.version || 0)"))


def test_a_whole_round_in_the_browser(live_server, new_page):
    world, tokens = _setup(live_server)
    chair = new_page(world.chair)
    chair.goto(f"/documents/{world.document.id}/versions/1")
    chair.click("a:has-text('Open a round')")
    chair.check("input[name=scope][value=every]")
    assert chair.locator("[data-clause-choices]").is_hidden()
    chair.check("input[name=scope][value=chosen]")
    assert chair.locator("[data-clause-choices]").is_visible()
    chair.check("input[name=scope][value=every]")
    chair.click("button:has-text('Open the round')")
    chair.wait_for_url(re.compile(r"/rounds/\d+$"))
    round_id = int(chair.url.rsplit("/", 1)[1])
    assert chair.locator("section.tally-item").count() == 4

    watcher = new_page(world.observer)
    watcher.goto(f"/rounds/{round_id}")
    watcher.wait_for_selector("#tally[data-joined=true]")
    assert watcher.locator(".map-value").first.text_content() == "—"

    with live_server.app.app_context():
        from sqlalchemy import select

        from deliberation.models import RoundItem

        clauses = list(db.session.scalars(select(RoundItem.clause_id).where(RoundItem.round_id == round_id)
                                          .order_by(RoundItem.position)))
    seen = _tally_version(watcher)
    for key, positions in BALLOTS.items():
        member = new_page(world.members[key][0])
        _fill_ballot(member, round_id, positions)
        _wait_until(watcher, f"Number(document.querySelector('#tally').dataset.version || 0) > {seen}")
        seen = _tally_version(watcher)
        if key == "government":  # the map part-filled: other sectors have no quorum yet
            watcher.locator(".map-panel").screenshot(path=str(SCREENSHOTS / "rounds-map-filling.png"))
        for clause_id, position in zip(clauses, positions):
            _api_position(live_server.url, tokens[key], round_id, clause_id, position,
                          formal=position == "object" and key == "civil_society")
    # The map has filled in: civil society split on clause 1, every sector behind the preamble.
    _wait_until(watcher, "[...document.querySelectorAll('.map-value')].filter(e => e.textContent === '100%').length >= 8")
    assert watcher.locator("text=Not adopted").count() >= 1
    assert watcher.console_errors == []
    screenshot(watcher, "rounds-map-live-wide")

    chair.reload()
    screenshot(chair, "rounds-tally-wide")
    chair.locator(".map-panel").screenshot(path=str(SCREENSHOTS / "rounds-map-wide.png"))
    chair.set_viewport_size({"width": 390, "height": 844})
    assert not chair.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), \
        "the round page scrolls sideways at phone width"
    screenshot(chair, "rounds-tally-phone")
    chair.locator(".map-panel").screenshot(path=str(SCREENSHOTS / "rounds-map-phone.png"))
    chair.locator("section.tally-item").nth(1).screenshot(path=str(SCREENSHOTS / "rounds-item-phone.png"))
    chair.set_viewport_size({"width": 1280, "height": 900})

    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click("button:has-text('Close the round')")
    chair.wait_for_load_state()
    assert "results are frozen" in chair.locator(".flashes").inner_text()
    for index, designation in enumerate(["full_consensus", "strong_support", "consensus", "divergence"]):
        form = chair.locator("form.designation-form").nth(index)
        form.locator("select").select_option(designation)
        if designation == "divergence":
            form.locator("input[name=note]").fill("The private sector objects to clause 2.")
        form.locator("button:has-text('Record')").click()
        chair.wait_for_load_state()
    assert chair.locator(".record-item .designation").count() == 4

    public = new_page()
    public.goto(f"/rounds/{round_id}")
    assert "Closed" in public.locator(".round-state").inner_text()
    assert public.locator(".consensus-record .designation").count() == 4
    assert "The private sector objects to clause 2." in public.content()
    public.click("a:has-text('Named positions')")
    assert public.locator("tbody tr").count() == 9
    public.locator(".item-picker a").nth(2).click()  # clause 1.1: government endorsed with reservations
    assert "Stated on the ballot page." in public.content() and "Stated through the API." in public.content()
    public.goto(f"/rounds/{round_id}")
    screenshot(public, "rounds-public-wide")
    public.set_viewport_size({"width": 390, "height": 844})
    assert not public.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(public, "rounds-public-phone")
    assert public.console_errors == [] and chair.console_errors == []


def test_ballot_at_phone_width(live_server, new_page):
    world, _tokens = _setup(live_server)
    with live_server.app.app_context():
        from deliberation.models import User, Version
        from deliberation.services.rounds import open_round

        round_ = open_round(db.session.get(User, world.chair.id),
                            db.session.get(Version, world.document.current_version_id), scope="clauses",
                            rule="consensus", threshold="two_thirds", quorum="1/2")
        db.session.commit()
        round_id = round_.id
    member = new_page(world.member, width=390, height=844)
    member.goto(f"/rounds/{round_id}/ballot")
    first = member.locator("fieldset.ballot-item").first
    first.locator("input[value=object]").check()
    assert first.locator("[data-statement-field]").get_attribute("class").count("is-required") == 1
    assert first.locator("[data-formal-field] input").is_enabled()
    first.locator("input[value=endorse]").check()
    assert first.locator("[data-formal-field] input").is_disabled()
    first.locator("input[value=object]").check()
    member.click("button:has-text('Save my positions')")
    member.wait_for_load_state()
    assert "Give the reason for your objection." in member.content()
    assert not member.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(member, "rounds-ballot-phone")
    assert member.console_errors == [] or all("400" in e for e in member.console_errors)
