"""Long threads load in pages: the clause page and the comments API give each thread its first replies
by id and say how many are left; "Show N more replies" (a page of the thread without scripts, a
fragment with them, listReplies in the API) gives the rest, with the same rules for hidden and deleted
comments; a permalink to a late reply opens the page of its thread that shows it."""
import re

import pytest

from deliberation.services.thread_replies import REPLIES_PAGE_SIZE
from deliberation.services.threads import REPLIES_SHOWN

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, post


@pytest.fixture
def clause(app, world):
    return clauses(app, world.document.current_version_id)[1]


def _long_thread(app, world, clause, replies: int) -> list[int]:
    """A root and `replies` replies: every third answers the root, the others the reply before (so
    chains go deeper than the indentation)."""
    people = [world.chair, world.members["academia"][0], world.member]
    ids = [post(app, world.member, clause["id"], "The root")]
    for n in range(replies):
        parent = ids[0] if n % 3 == 0 else ids[-1]
        ids.append(post(app, people[n % 3], clause["id"], f"Reply {n}", parent_id=parent))
    return ids


def _ids(tree: list[dict]) -> list[int]:
    found, stack = [], list(tree)
    while stack:
        node = stack.pop()
        found.append(node["id"])
        stack.extend(node["replies"])
    return sorted(found)


def _page_url(world, clause):
    return f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"


def test_a_long_thread_shows_its_first_replies_and_pages_the_rest(app, client, world, clause):
    ids = _long_thread(app, world, clause, REPLIES_SHOWN + 15)
    listed = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()["comments"]
    root = listed[0]
    assert _ids([root]) == ids[:REPLIES_SHOWN + 1]
    assert (root["replies_total"], root["more_replies"], root["replies_after"]) == (
        REPLIES_SHOWN + 15, 15, ids[REPLIES_SHOWN])
    everything = client.get(f"/api/v1/clauses/{clause['id']}/comments?replies_limit=500").get_json()["comments"][0]
    assert _ids([everything]) == ids and everything["more_replies"] == 0 and everything["replies_after"] is None

    # The API pages through the rest; each page's subtrees go under parents already seen.
    seen, after = set(_ids([root])), root["replies_after"]
    while after is not None:
        page = client.get(f"/api/v1/comments/{ids[0]}/replies?after={after}&limit=4").get_json()
        assert all(reply["parent_id"] in seen for reply in page["replies"])
        seen.update(_ids(page["replies"]))
        assert page["more_replies"] == len(ids) - len(seen)
        after = page["next_after"]
    assert sorted(seen) == ids

    # The page: "Show 15 more replies", leading to the thread's page or, for the scripts, a fragment.
    html = client.get(_page_url(world, clause)).data.decode()
    assert "Reply 9" in html and "Reply 10" not in html
    more = re.search(r'<p class="more-replies"[^>]*>.*?</p>', html).group(0)
    assert "Show 15 more replies" in more
    href = re.search(r'href="([^"]+)"', more).group(1)
    assert href == f"{_page_url(world, clause)}/threads/{ids[0]}?after={ids[REPLIES_SHOWN]}"
    fragment = client.get(re.search(r'data-fragment-url="([^"]+)"', more).group(1)).data.decode()
    assert [int(i) for i in re.findall(r'data-comment-id="(\d+)"', fragment)] == ids[REPLIES_SHOWN + 1:]
    assert "<html" not in fragment and "more-replies" not in fragment
    thread = client.get(href).data.decode()
    assert "The root" in thread and "Reply 10" in thread and "Reply 24" in thread and "Reply 9<" not in thread
    assert "No more replies" not in thread and "more-replies" not in thread


def test_a_reply_whose_parent_is_on_another_page_says_whom_it_answers(app, client, world, clause):
    ids = _long_thread(app, world, clause, REPLIES_SHOWN + 2)
    # Past the cap: reply 10 answers reply 9 (on the clause page), reply 11 answers reply 10; then
    # another answer to reply 9.
    late = post(app, world.member, clause["id"], "Late answer", parent_id=ids[REPLIES_SHOWN])
    thread = client.get(f"{_page_url(world, clause)}/threads/{ids[0]}?after={ids[REPLIES_SHOWN]}").data.decode()
    notes = re.findall(r'<p class="comment__reply-to" data-reply-elsewhere>(.*?)</p>', thread)
    name = client.get(f"/api/v1/comments/{ids[REPLIES_SHOWN]}").get_json()["author"]["name"]
    assert notes == [f'in reply to <a href="/comments/{ids[REPLIES_SHOWN]}">{name}</a>'] * 2
    assert thread.index(f'id="comment-{ids[-1]}"') < thread.index(f'id="comment-{late}"')


def test_hidden_and_deleted_replies_keep_their_rules_in_pages(app, client, world, clause):
    ids = _long_thread(app, world, clause, REPLIES_SHOWN)  # the clause page shows all of these
    # Past the cap: a reply to reply 9 (whose author then deletes it: a tombstone holding a later reply),
    # a comment a chair hides, and a deleted one without replies.
    holder = post(app, world.member, clause["id"], "To be deleted", parent_id=ids[-1])
    post(app, world.chair, clause["id"], "Answer to a deleted comment", parent_id=holder)
    hidden = post(app, world.members["academia"][0], clause["id"], "Off topic", parent_id=ids[0])
    gone = post(app, world.member, clause["id"], "Gone", parent_id=ids[0])
    Api(client, world.chair)("POST", f"/api/v1/comments/{hidden}/hide", {"reason": "Off topic."})
    member = Api(app.test_client(), world.member)
    member("DELETE", f"/api/v1/comments/{holder}")
    member("DELETE", f"/api/v1/comments/{gone}")

    def thread(client_, replies_limit):
        return client_.get(f"/api/v1/clauses/{clause['id']}/comments?replies_limit={replies_limit}").get_json()[
            "comments"][0]

    anonymous = app.test_client()
    whole = thread(anonymous, 500)
    assert hidden not in _ids([whole]) and gone not in _ids([whole]) and holder in _ids([whole])
    capped = thread(anonymous, REPLIES_SHOWN)
    assert capped["more_replies"] == 1 and capped["replies_total"] == REPLIES_SHOWN + 1  # the answer only
    rest = anonymous.get(f"/api/v1/comments/{ids[0]}/replies?after={capped['replies_after']}").get_json()
    tombstone = rest["replies"][0]
    assert tombstone["id"] == holder and tombstone["status"] == "deleted" and tombstone["body"] is None
    assert [r["body"] for r in tombstone["replies"]] == ["Answer to a deleted comment"]
    assert _ids(rest["replies"]) == sorted([holder, holder + 1])
    # The chair reads the hidden one, and it counts for them; its author too.
    chair = app.test_client()
    sign_in(chair, world.chair)
    assert thread(chair, REPLIES_SHOWN)["more_replies"] == 2
    assert "Show 2 more replies" in chair.get(_page_url(world, clause)).data.decode()
    assert "Show 1 more reply<" in anonymous.get(_page_url(world, clause)).data.decode()
    # A cut between the deleted reply and its answer keeps the tombstone, to hold the answer to come.
    capped = thread(anonymous, REPLIES_SHOWN + 1)
    assert _ids([capped])[-1] == holder and capped["more_replies"] == 1


def test_a_permalink_to_a_late_reply_opens_its_thread_page(app, client, world, clause):
    ids = _long_thread(app, world, clause, REPLIES_SHOWN + 3)
    early = client.get(f"/comments/{ids[REPLIES_SHOWN]}").headers["Location"]
    assert early == f"{_page_url(world, clause)}#comment-{ids[REPLIES_SHOWN]}"
    late = client.get(f"/comments/{ids[-1]}").headers["Location"]
    assert late == f"{_page_url(world, clause)}/threads/{ids[0]}?after={ids[-1] - 1}#comment-{ids[-1]}"
    assert f'id="comment-{ids[-1]}"' in client.get(late).data.decode()
    # Replying without scripts comes back to the reply, on its thread's page.
    sign_in(client, world.member)
    token = csrf_token(client, _page_url(world, clause))
    posted = client.post(f"{_page_url(world, clause)}/comments",
                         data={"csrf_token": token, "body": "Me too.", "parent_id": str(ids[2])})
    assert "/threads/" in posted.headers["Location"] and "Me too." in client.get(posted.headers["Location"]).data.decode()


def test_a_thread_page_is_only_for_threads_of_that_clause(app, client, world, clause):
    ids = _long_thread(app, world, clause, 2)
    other = clauses(app, world.document.current_version_id)[0]
    assert client.get(f"{_page_url(world, other)}/threads/{ids[0]}").status_code == 404
    assert client.get(f"{_page_url(world, clause)}/threads/{ids[1]}").status_code == 404  # a reply, not a root
    assert client.get(f"/api/v1/comments/{ids[1]}/replies").status_code == 404
    assert client.get(f"/api/v1/comments/{ids[0]}/replies?clause={other['id']}").status_code == 404
    assert client.get(f"/api/v1/comments/{ids[0]}/replies?after=x").status_code == 400
    assert client.get(f"/api/v1/comments/{ids[0]}/replies").get_json()["next_after"] is None
    assert REPLIES_PAGE_SIZE >= REPLIES_SHOWN
