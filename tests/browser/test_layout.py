"""The reading layout a reviewer would choose (issue 15, item 8), measured with bounding boxes.

At 1366 x 768 the contents list, the text and the margin comments sit side by side in the viewport; a
thread opens beside the text without moving the clauses below; the round page's sections fold away
(the consensus map first) so the page is short; at 390 px no table is cut off (a scroll box with the
first column held in place) and numbered lines wrap under their text, not under their number."""
from pathlib import Path

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, User

from .conftest import screenshot

DRAFT = (Path(__file__).resolve().parents[2] / "deliberation" / "services" / "demo" / "draft.md").read_text()
POSITIONS = ("endorse", "endorse", "endorse_with_reservations", "endorse", "endorse", "endorse", "abstain",
             "endorse", "endorse", "object", "endorse")


def _closed_round(make):
    """The demo draft (17 clauses) with comments on several clauses, and a closed round on every clause
    in which all eight members took a position."""
    from deliberation.services.comments import post_comment
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import close_round, open_round

    world = make.world()
    chair = db.session.get(User, world.chair.id)
    people = [db.session.get(User, u.id) for users in world.members.values() for u in users]
    document = make.document(world.group, chair, source=DRAFT, title="Rights-respecting cybersecurity")
    db.session.flush()
    clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                                      .order_by(Clause.position)))
    for n, clause in enumerate(clauses[1:8]):
        for k in range(1 + n % 3):
            post_comment(people[(n + k) % len(people)], clause, kind=("comment", "question", "amendment")[k],
                         body=f"Remark {k + 1} on this clause: the wording should say who is responsible.",
                         replacement_text="should" if k == 2 else None,
                         selector={"exact": clause.text[:25]} if clause.text and k == 0 else None)
    from deliberation.models import Version
    version = db.session.get(Version, document.current_version_id)
    round_ = open_round(chair, version, scope="clauses", rule="consensus", threshold="two_thirds", quorum="1/2")
    db.session.flush()
    for p, person in enumerate(people):
        for c, clause in enumerate(clauses):
            position = POSITIONS[(p + c) % len(POSITIONS)]
            take_position(person, round_, clause_id=clause.id, position=position,
                          statement="Needs a clearer duty holder." if position in ("object", "endorse_with_reservations")
                          else None)
    db.session.flush()
    close_round(chair, round_)
    return world, {"document_id": document.id, "round_id": round_.id,
                   "clauses": [{"id": c.id, "key": c.key, "label": c.label} for c in clauses]}


WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# The rows of a numbered line as drawn: [left, top] of each row of its text, in order.
LINE_ROWS = """line => {
  const range = document.createRange();
  range.selectNodeContents(line);
  const rows = new Map();
  for (const r of range.getClientRects()) {
    if (r.width < 1) continue;
    const top = Math.round(r.top);
    const row = [...rows.keys()].find(t => Math.abs(t - top) < 6);
    if (row === undefined) rows.set(top, r.left); else rows.set(row, Math.min(rows.get(row), r.left));
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([top, left]) => [left, top]);
}"""

# Every visible table: its box, and whether it sits in a box that scrolls sideways within the viewport
# with its first column held in place.
TABLES = """() => [...document.querySelectorAll('main table')].filter(t => t.getClientRects().length).map(t => {
  let scroller = null;
  for (let e = t; e && e !== document.body; e = e.parentElement) {
    const o = getComputedStyle(e).overflowX;
    if (o === 'auto' || o === 'scroll') { scroller = e; break; }
  }
  const firsts = [...t.querySelectorAll('tr > :first-child')];
  const box = t.getBoundingClientRect();
  return {cls: t.className, right: box.right, left: box.left,
          scrollerRight: scroller ? scroller.getBoundingClientRect().right : null,
          sticky: firsts.length > 0 && firsts.every(c => getComputedStyle(c).position === 'sticky')};
})"""


def _page_box(locator):
    """The element's box in page coordinates (bounding_box is relative to the viewport, which may scroll)."""
    return locator.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }")


def _box(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return box


def test_text_margin_and_contents_side_by_side_at_1366(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(world.member, **WIDE)
    page.goto(f"/documents/{data['document_id']}/versions/1")
    assert page.locator("nav.toc").is_visible(), "the contents list is hidden at 1366 px"
    toc = _box(page, "nav.toc")
    clause = page.locator(f'.clause[data-clause-id="{data["clauses"][3]["id"]}"]')
    text = clause.locator(".clause__text").bounding_box()
    margin = clause.locator(".margin__bar").bounding_box()
    assert toc["x"] >= 0 and toc["x"] + toc["width"] <= text["x"], (toc, text)
    assert text["x"] + text["width"] <= margin["x"], (text, margin)
    assert margin["x"] + margin["width"] <= WIDE["width"], "the margin is past the right edge of the window"
    assert margin["x"] - (text["x"] + text["width"]) <= 48, "the comment margin is far from the text"
    assert text["width"] >= 600, f"the reading column is only {text['width']} px wide"
    # The numbered lines fit the column: none wraps at this width.
    rows = page.eval_on_selector_all(".clause__text .line", f"lines => lines.map({LINE_ROWS}).map(r => r.length)")
    assert max(rows) == 1, "numbered lines wrap at 1366 px"
    screenshot(page, "layout-reading-wide")


def test_an_open_thread_sits_beside_the_text_and_moves_nothing(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(world.member, **WIDE)
    page.goto(f"/documents/{data['document_id']}/versions/1")
    clause, following = (page.locator(f'.clause[data-clause-id="{c["id"]}"]') for c in data["clauses"][3:5])
    before = _page_box(following.locator(".clause__text"))
    own_before = _page_box(clause)
    clause.locator("[data-toggle-threads]").click()
    clause.locator(".thread-list > li.comment").first.wait_for()
    after = _page_box(following.locator(".clause__text"))
    assert abs(after["y"] - before["y"]) <= 4, f"opening a thread moved the next clause by {after['y'] - before['y']} px"
    assert abs(_page_box(clause)["height"] - own_before["height"]) <= 4, "the open thread left a gap in the text"
    threads = clause.locator("[data-threads-panel]").bounding_box()
    text = clause.locator(".clause__text").bounding_box()
    assert threads["x"] >= text["x"] + text["width"], "the thread opened over the text"
    assert threads["x"] + threads["width"] <= WIDE["width"]
    screenshot(page, "layout-thread-open-wide")
    # The thread is still read and closed from the keyboard.
    toggle = clause.locator("[data-toggle-threads]")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    # Threads open one at a time beside the text, so that one never hides under another; Escape closes one.
    later = following.locator("[data-toggle-threads]")
    later.click()
    following.locator(".thread-list > li.comment").first.wait_for()
    toggle.click()
    clause.locator("[data-threads-panel]").wait_for(state="visible")
    assert following.locator("[data-threads-panel]").is_hidden() and later.get_attribute("aria-expanded") == "false"
    clause.locator("[data-threads-panel] summary").first.focus()
    page.keyboard.press("Escape")
    assert clause.locator("[data-threads-panel]").is_hidden()
    assert page.evaluate("document.activeElement.matches('[data-toggle-threads]')"), "focus is lost on Escape"
    # The last clause's discussion reaches below the text: the text's box grows to hold it.
    last = page.locator(f'.clause[data-clause-id="{data["clauses"][-1]["id"]}"]')
    last.locator("[data-toggle-threads]").click()
    last.locator("[data-threads-panel] [data-threads]").wait_for()
    panel, draft = _page_box(last.locator("[data-threads-panel]")), _page_box(page.locator(".draft"))
    assert panel["y"] + panel["height"] <= draft["y"] + draft["height"], "the discussion hangs out of the text's box"
    assert page.console_errors == []


def test_round_page_folds_its_sections_with_the_map_first(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(world.member, **WIDE)
    page.goto(f"/rounds/{data['round_id']}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the round page is {height} px tall at 1366 px"
    sections = page.locator("main details.fold")
    assert sections.count() >= len(data["clauses"]) + 2
    first = page.eval_on_selector("main", "m => m.querySelector('.map-panel, .tally-item, .consensus-record, .electorate-panel')"
                                          ".className")
    assert "map-panel" in first, "the consensus map is not the first section"
    assert page.locator(".map-panel svg").is_visible(), "the map is folded away"
    # An item opens and closes from the keyboard; its summary says the outcome while folded.
    item = page.locator("section.tally-item").nth(2)
    assert item.locator("summary .outcome").is_visible()
    assert not item.locator(".tally-table").is_visible()
    item.locator("summary").focus()
    page.keyboard.press("Enter")
    assert item.locator(".tally-table").is_visible()
    assert item.locator("summary").get_attribute("aria-expanded") in (None, "true")
    page.keyboard.press("Space")
    assert not item.locator(".tally-table").is_visible()
    # A link to an item opens it.
    anchor = page.locator("section.tally-item").nth(5).get_attribute("id")
    page.goto(f"/rounds/{data['round_id']}#{anchor}")
    assert page.locator("section.tally-item").nth(5).locator(".tally-table").is_visible()
    screenshot(page, "layout-round-wide")
    assert page.console_errors == []


def test_round_sections_open_without_scripts(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(None, java_script_enabled=False, **WIDE)
    page.goto(f"/rounds/{data['round_id']}")
    record = page.locator("section.consensus-record")
    assert not record.locator(".record-item").first.is_visible(), "the consensus record does not fold"
    record.locator("summary").first.click()
    assert record.locator(".record-item").first.is_visible()
    item = page.locator("section.tally-item").first
    item.locator("summary").click()
    assert item.locator(".tally-table").is_visible()


def test_no_table_is_cut_off_at_phone_width(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(world.member, **PHONE)
    for url in (f"/rounds/{data['round_id']}", f"/rounds/{data['round_id']}/positions",
                f"/documents/{data['document_id']}/record"):
        page.goto(url)
        page.eval_on_selector_all("main details", "ds => ds.forEach(d => { d.open = true; })")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), url
        for table in page.evaluate(TABLES):
            if table["right"] <= PHONE["width"] + 1:
                continue
            assert table["scrollerRight"] is not None and table["scrollerRight"] <= PHONE["width"] + 1, (url, table)
            assert table["sticky"], f"{url}: {table['cls']} scrolls sideways without its first column held in place"
    page.goto(f"/rounds/{data['round_id']}/positions")
    rows = page.locator(".positions-table tbody tr")
    assert rows.count() == 9  # the chair and eight members
    for n in range(rows.count()):
        cell = rows.nth(n).locator("td").nth(2)  # Member is a th: Group, Affiliation, Position
        box = cell.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] + 1, \
            f"the Position column is cut off: {box}"
        assert cell.inner_text().strip()
    screenshot(page, "layout-positions-phone")


def test_numbered_lines_wrap_under_their_text_at_phone_width(live_server, new_page):
    world, data = live_server.build(_closed_round)
    page = new_page(world.member, **PHONE)
    page.goto(f"/documents/{data['document_id']}/versions/1")
    wrapped = 0
    for rows in page.eval_on_selector_all(".clause__text .line", f"lines => lines.map({LINE_ROWS})"):
        if len(rows) < 2:
            continue
        wrapped += 1
        first_left = rows[0][0]
        for left, _top in rows[1:]:
            assert left >= first_left + 8, f"a wrapped line continues flush with its number's line: {rows}"
    assert wrapped >= 10, "expected long lines to wrap at 390 px"
    screenshot(page, "layout-reading-phone")
