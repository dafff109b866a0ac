"""Annotating in a real browser: select words, annotate them, see it arrive live in a second browser,
reply, see the reply arrive; offsets past astral characters; a busy clause at wide and phone widths; a
long thread whose "Show more replies" loads the rest in place, and counts a reply that arrives live."""
import re

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, User

from .conftest import screenshot

SELECT_WORDS = """([clauseId, words]) => {
  const text = document.querySelector(`.clause[data-clause-id="${clauseId}"] [data-clause-text]`);
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}"""


def _world_and_clause(live_server):
    def build(make):
        world = make.world()
        clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                        Clause.number == "1"))
        return world, {"id": clause.id, "key": clause.key}
    return live_server.build(build)


def test_annotate_then_reply_live_in_two_browsers(live_server, new_page):
    world, clause = _world_and_clause(live_server)
    version_url = f"/documents/{world.document.id}/versions/1"
    alice = new_page(world.member)
    bob = new_page(world.members["academia"][0])
    alice.goto(version_url)
    bob.goto(f"{version_url}/clauses/{clause['key']}")
    bob.wait_for_selector("[data-presence]:not([hidden])")
    alice.wait_for_function("() => document.querySelector('[data-presence-text]').textContent.includes('2 people')")

    assert alice.evaluate(SELECT_WORDS, [clause["id"], "human rights"])
    button = alice.locator(".annotate-button")
    button.wait_for(state="visible")
    button.click()
    composer = alice.locator(f"#compose-{clause['key']} form")
    composer.wait_for(state="visible")
    assert composer.locator("[data-quote-text]").inner_text() == "human rights"
    composer.locator("textarea[name=body]").fill("Which *human rights* do we mean?")
    composer.locator("label.kind-choice--question").click()
    composer.locator("button[type=submit]").click()
    alice.locator(".thread-list .comment").first.wait_for()
    assert alice.locator(".thread-list .comment .kind--question").count() == 1
    assert alice.locator(f'.clause[data-clause-id="{clause["id"]}"] mark.anno').inner_text() == "human rights"
    assert alice.url.endswith(version_url)  # no reload, no navigation

    # Bob sees it arrive without reloading, with its highlight, and the polite announcement.
    comment = bob.locator(".thread-list > li.comment").first
    comment.wait_for()
    assert "Which human rights do we mean?" in comment.inner_text()
    bob.wait_for_selector("mark.anno")
    bob.wait_for_function("() => document.querySelector('[data-announcer]').textContent.includes('New comment by')")
    comment.locator("details[data-action=reply] > summary").first.click()
    reply_form = comment.locator("details[data-action=reply] form").first
    reply_form.locator("textarea").fill("Those in the **Covenant**.")
    reply_form.locator("button[type=submit]").click()
    bob.locator(".replies .comment").first.wait_for()

    # Alice sees the reply appear in her open margin.
    reply = alice.locator(".thread-list .replies .comment").first
    reply.wait_for()
    assert "Those in the Covenant." in reply.inner_text()
    assert alice.locator(f'[data-clause-id="{clause["id"]}"] [data-open-count]').inner_text() == "1"
    screenshot(alice, "annotations-live-wide")
    assert alice.console_errors == [] and bob.console_errors == []


def test_keyboard_shortcut_and_offsets_past_astral_characters(live_server, new_page):
    source = "# Unicode\n\n## 1. One\n\nWe 🌍 protect 𝔘nicode rights here, and rights there.\n"

    def build(make):
        world = make.world()
        from deliberation.services.documents import create_document

        document = create_document(db.session.get(User, world.chair.id), world.group, title="Unicode",
                                   fmt="markdown", source=source, public=True)
        db.session.flush()
        clause = db.session.scalar(select(Clause).where(Clause.version_id == document.current_version_id))
        return world, document.id, {"id": clause.id, "key": clause.key, "text": clause.text}

    world, document_id, clause = live_server.build(build)
    page = new_page(world.member)
    page.goto(f"/documents/{document_id}/versions/1")
    assert page.evaluate(SELECT_WORDS, [clause["id"], "rights here"])
    page.locator(".annotate-button").wait_for(state="visible")
    page.keyboard.press("Alt+Shift+A")
    form = page.locator(f"#compose-{clause['key']} form")
    form.wait_for(state="visible")
    start = clause["text"].index("rights here")  # code points, as the server counts
    assert form.locator("[data-selector=start]").input_value() == str(start)
    assert form.locator("[data-selector=end]").input_value() == str(start + len("rights here"))
    form.locator("textarea[name=body]").fill("Only here?")
    with page.expect_response(re.compile(r"/api/v1/clauses/\d+/comments$")) as response:
        form.locator("button[type=submit]").click()
    assert response.value.json()["selector"]["start"] == start
    page.reload()
    assert page.locator("mark.anno").inner_text() == "rights here"
    assert page.console_errors == []


def _busy_clause(make):
    """30 threads on one clause: replies three deep, amendments, objections, a hidden comment,
    dispositions, an edited comment and resolved threads."""
    from deliberation.services.comments import edit_comment, post_comment
    from deliberation.services.moderation import set_disposition, set_hidden, set_resolved

    world = make.world()
    chair = db.session.get(User, world.chair.id)
    people = [db.session.get(User, u.id) for users in world.members.values() for u in users]
    clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                    Clause.number == "1"))
    words = ["Laws", "should respect", "human rights", "from the outset"]
    for n in range(30):
        author = people[n % len(people)]
        kind = ("comment", "question", "amendment", "objection")[n % 4]
        root = post_comment(author, clause, kind=kind,
                            body=f"Thread {n + 1}: " + ("a *short* remark." if n % 3 else
                                                        "a longer remark that explains why the wording matters "
                                                        "for member states and for civil society alike."),
                            selector={"exact": words[n % 4]} if n % 2 == 0 else None,
                            replacement_text="must respect and protect" if kind == "amendment" else None)
        if n % 3 == 0:
            reply = post_comment(people[(n + 1) % len(people)], clause, body="I agree with this.", parent_id=root.id)
            post_comment(author, clause, body=f"Thanks @{people[(n + 1) % len(people)].handle}.", parent_id=reply.id)
        if n % 5 == 0:
            set_disposition(chair, root, disposition=("accepted", "not_accepted", "noted")[n % 3],
                            rationale="Discussed at the meeting of 3 March.")
        if n == 7:
            set_hidden(chair, root, reason="Personal remarks.")
        if n == 4:
            edit_comment(author, root, body=root.body_source + " (edited)")
        if n % 6 == 1:
            set_resolved(chair, root)
    return world, {"id": clause.id, "key": clause.key}


def test_busy_clause_at_wide_and_phone_width(live_server, new_page):
    world, clause = live_server.build(_busy_clause)
    url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    page = new_page(world.chair, width=1280, height=1000)
    page.goto(url)
    assert page.locator(".thread-list > li.comment").count() == 20  # a page of threads, then "Load more"
    page.locator("[data-load-more] a").click()
    page.wait_for_function("() => document.querySelectorAll('.thread-list > li.comment').length === 30")
    assert page.locator("mark.anno").count() >= 10
    assert page.locator(".comment--hidden").count() == 1
    margin = page.locator(".margin").bounding_box()
    text = page.locator(".clause__text").bounding_box()
    assert margin["x"] >= text["x"] + text["width"], "the threads sit beside the text on a wide screen"
    screenshot(page, "annotations-busy-clause-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), "sideways scroll"
    margin = page.locator(".margin").bounding_box()
    text = page.locator(".clause__text").bounding_box()
    assert margin["y"] >= text["y"] + text["height"] - 1, "the threads sit below the text on a phone"
    screenshot(page, "annotations-busy-clause-phone")
    assert page.console_errors == []


def test_version_page_opens_a_clause_discussion_in_the_margin(live_server, new_page):
    world, clause = live_server.build(_busy_clause)
    page = new_page(world.member, width=1280, height=1000)
    page.goto(f"/documents/{world.document.id}/versions/1")
    toggle = page.locator(f'[data-clause-id="{clause["id"]}"] [data-toggle-threads]')
    assert toggle.locator("[data-open-count]").inner_text() == "25"  # 30 threads, 5 of them resolved
    toggle.click()
    page.locator(f"#threads-{clause['key']} .thread-list > li.comment").first.wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".comment--hidden").count() == 0  # members other than its author do not see it
    screenshot(page, "annotations-version-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(page, "annotations-version-phone")
    chair = new_page(world.chair, width=1280, height=1000)
    chair.goto(f"/documents/{world.document.id}/comments")
    screenshot(chair, "annotations-all-comments")
    member = new_page(world.members["government"][0], width=1280, height=900)
    member.goto("/notifications")
    screenshot(member, "annotations-notifications")
    assert page.console_errors == [] and chair.console_errors == []


def _long_thread(make):
    """A clause with a short thread and a long one: a root and 25 replies, chains going deeper than the
    indentation (replies 1-6 each answer the one before, the others answer the root or reply 3)."""
    from deliberation.services.comments import post_comment
    from deliberation.services.threads import REPLIES_SHOWN

    world = make.world()
    people = [db.session.get(User, u.id) for users in world.members.values() for u in users]
    clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                    Clause.number == "1"))
    post_comment(people[1], clause, body="A short thread before the long one.")
    root = post_comment(people[0], clause, kind="question", body="Which rights does this clause mean?")
    replies = []
    for n in range(25):
        parent = replies[-1] if 0 < n < 7 else (replies[2] if n % 4 == 0 and n > 7 else root)
        replies.append(post_comment(people[(n + 1) % len(people)], clause, parent_id=parent.id,
                                    body=f"Reply {n}: " + ("the *Covenant* ones, surely." if n % 3 else
                                                           "all of them, and the wording should say so plainly.")))
    assert len(replies) > REPLIES_SHOWN
    return world, {"id": clause.id, "key": clause.key}, root.id, [r.id for r in replies]


def test_show_more_replies_loads_the_rest_of_a_long_thread_in_place(live_server, new_page):
    from deliberation.services.threads import REPLIES_SHOWN

    world, clause, root, replies = live_server.build(_long_thread)
    url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    page = new_page(world.member, width=1280, height=1000)
    page.goto(url)
    thread = page.locator(f"#comment-{root}")
    more = thread.locator(":scope > [data-more-replies] a")
    assert more.inner_text() == f"Show {25 - REPLIES_SHOWN} more replies"
    assert thread.locator("li.comment").count() == REPLIES_SHOWN
    deep = page.eval_on_selector_all("li.comment", "items => items.filter(i => Number(i.dataset.depth) >= 4).length")
    assert deep and page.locator(".comment__reply-to").count() == deep  # these no longer indent: they say whom they answer
    thread.scroll_into_view_if_needed()
    screenshot(page, "annotations-long-thread-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), "sideways scroll"
    thread.scroll_into_view_if_needed()
    screenshot(page, "annotations-long-thread-phone")
    page.set_viewport_size({"width": 1280, "height": 1000})

    # A reply to a comment not shown yet arrives live: it is counted behind "Show more".
    other = new_page(world.members["academia"][0])
    other.goto(url)
    page.wait_for_selector("[data-presence]:not([hidden])")
    posted = other.evaluate("""([clauseId, parentId]) => fetch(`/api/v1/clauses/${clauseId}/comments`, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content},
        body: JSON.stringify({body: "A late answer.", parent_id: parentId})}).then(r => r.json())""",
                            [clause["id"], replies[-1]])
    page.wait_for_function(f"() => document.querySelector('#comment-{root} > [data-more-replies] a').textContent"
                           f" === 'Show {26 - REPLIES_SHOWN} more replies'")

    more.click()
    page.wait_for_function(f"() => document.querySelectorAll('#comment-{root} li.comment').length === 26")
    assert thread.locator(":scope > [data-more-replies]").count() == 0
    # Every reply sits under its parent, in reading order; none was shown twice.
    order = page.eval_on_selector_all(f"#comment-{root} li.comment", "items => items.map(i => Number(i.dataset.commentId))")
    assert sorted(order) == sorted(replies + [posted["id"]])
    for reply_id, parent_id in page.eval_on_selector_all(
            f"#comment-{root} li.comment", "items => items.map(i => [Number(i.dataset.commentId), Number(i.dataset.parentId)])"):
        placed_under = page.evaluate(f"document.getElementById('comment-{reply_id}').parentElement.closest('li.comment').id")
        answered = page.evaluate(f"Number(document.getElementById('comment-{reply_id}').dataset.depth)")
        assert placed_under == f"comment-{parent_id}" or answered > 4, (reply_id, parent_id, placed_under)
    assert page.locator(f"#comment-{posted['id']}").is_visible()
    assert page.evaluate("document.activeElement.closest('li.comment').id") == f"comment-{replies[REPLIES_SHOWN]}"
    screenshot(page, "annotations-long-thread-loaded")
    assert page.console_errors == [] and other.console_errors == []

    # Without scripts the same link opens a page of the thread, where replies to comments on the clause
    # page say whom they answer, with a link.
    plain = new_page(world.member, width=390, height=844, java_script_enabled=False)
    plain.goto(url)
    plain.locator(f"#comment-{root} > [data-more-replies] a").click()
    plain.wait_for_load_state()
    assert f"/threads/{root}?after=" in plain.url
    assert plain.locator(f"#comment-{root} li.comment").count() == 26 - REPLIES_SHOWN
    assert plain.locator("[data-reply-elsewhere] a").count() == 4  # replies 12, 16, 20 and 24 answer reply 2
    assert not plain.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(plain, "annotations-long-thread-page-phone")



def _post_as(live_server, headers, clause_id, body):
    import json
    import urllib.request

    request = urllib.request.Request(f"{live_server.url}/api/v1/clauses/{clause_id}/comments", method="POST",
                                     data=json.dumps({"body": body}).encode(),
                                     headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_comments_that_arrive_while_reading_get_a_visible_notice(live_server, new_page):
    """Issue 15 item 9: "2 new comments · Show", announced politely; Show opens each one in turn; the
    reader's own comments do not count. Wide and phone width."""
    from ..integration.version_helpers import api_token

    world, clause = _world_and_clause(live_server)
    alice = new_page(world.member, width=1366)
    alice.goto(f"/documents/{world.document.id}/versions/1")
    alice.wait_for_selector("[data-presence]:not([hidden])")  # joined the version's room
    notice = alice.locator("[data-news]")
    assert notice.is_hidden()

    bob = api_token(live_server.app, world.members["academia"][0])
    first = _post_as(live_server, bob, clause["id"], "Narrow the definition of *critical*.")
    alice.wait_for_function("() => document.querySelector('[data-news-text]').textContent === '1 new comment'")
    second = _post_as(live_server, bob, clause["id"], "And define *essential services*.")
    alice.wait_for_function("() => document.querySelector('[data-news-text]').textContent === '2 new comments'")
    alice.wait_for_function("() => document.querySelector('[data-announcer]').textContent.includes('New comment by')")
    _post_as(live_server, api_token(live_server.app, world.member), clause["id"], "My own note.")  # not counted
    alice.wait_for_timeout(500)
    assert notice.locator("[data-news-text]").inner_text() == "2 new comments"
    screenshot(alice, "live-notice-1366")

    notice.locator("[data-news-show]").click()
    target = alice.locator(f"#comment-{first['id']}")
    target.wait_for(state="visible")
    alice.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'comment-{first['id']}'")
    assert notice.locator("[data-news-text]").inner_text() == "1 new comment"
    notice.locator("[data-news-show]").click()
    alice.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'comment-{second['id']}'")
    assert notice.is_hidden()

    alice.set_viewport_size({"width": 390, "height": 844})
    _post_as(live_server, bob, clause["id"], "One more.")
    notice.wait_for(state="visible")
    assert not alice.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    screenshot(alice, "live-notice-390")
    notice.locator("[data-news-dismiss]").click()
    assert notice.is_hidden()
    assert alice.console_errors == []
