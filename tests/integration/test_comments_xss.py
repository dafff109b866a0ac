"""Every payload of tests/xss/payloads.txt, posted as comments, amendments, reasons and rationales,
comes out inert: in the API (body_html passes the sanitizer's allow-list checks) and on every page that
shows it (nothing executable anywhere in the markup). The browser test checks that nothing runs."""
import re

import pytest
from bleach._vendor import html5lib

from tests.unit.test_sanitize import assert_inert
from tests.xss.corpus import load_payloads

from ..conftest import sign_in
from .comments_support import Api, clauses

PAYLOADS = load_payloads()
OWN_SCRIPTS = re.compile(r"^/static/(js|vendor)/[\w.\-]+\.js$")


def assert_page_inert(html: str) -> None:
    """No script but our own files, no event handlers or inline styles, no dangerous URLs, anywhere."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("iframe", "object", "embed", "svg", "math", "base", "meta") or \
            element.tag == "meta" and element.get("http-equiv") is None, element.tag
        if element.tag == "script":
            assert OWN_SCRIPTS.match(element.get("src") or ""), element.get("src")
            assert not (element.text or "").strip()
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert name.lower() not in ("style", "srcdoc", "formaction"), (element.tag, name)
            if name in ("href", "src", "action"):
                compact = re.sub(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028\u2029\ufeff]", "", value).lower()
                assert not compact.startswith(("javascript:", "data:", "vbscript:")), (element.tag, value)


@pytest.fixture
def posted(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    member = Api(app.test_client(), world.member)
    root = member("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Payloads follow."}).get_json()
    results = []
    for payload in PAYLOADS:
        response = member("POST", f"/api/v1/clauses/{clause['id']}/comments",
                          {"body": payload, "parent_id": root["id"]})
        assert response.status_code == 201, (payload, response.get_json())
        results.append(response.get_json())
    amendment = member("POST", f"/api/v1/clauses/{clause['id']}/comments", {
        "body": "Amend.", "kind": "amendment", "replacement_text": "\n".join(PAYLOADS[:40])}).get_json()
    chair = Api(app.test_client(), world.chair)
    for payload, comment in zip(PAYLOADS[:60], results[:60]):
        assert chair("POST", f"/api/v1/comments/{comment['id']}/disposition",
                     {"disposition": "noted", "rationale": payload}).status_code == 200
    for payload, comment in zip(PAYLOADS[60:80], results[60:80]):
        assert chair("POST", f"/api/v1/comments/{comment['id']}/hide", {"reason": payload}).status_code == 200
    return {"clause": clause, "root": root, "comments": results, "amendment": amendment}


def test_every_payload_is_inert_in_the_api(app, world, posted):
    for payload, comment in zip(PAYLOADS, posted["comments"]):
        assert comment["body"] == payload.strip("\n\r")  # the source is kept as written
        assert_inert(comment["body_html"])
    api = app.test_client()
    listing = api.get(f"/api/v1/clauses/{posted['clause']['id']}/comments?replies_limit=500").get_json()
    replies = listing["comments"][0]["replies"]
    assert len(replies) == len(PAYLOADS) - 20  # the 20 hidden ones are not shown to the public
    root = listing["comments"][0]["id"]
    replies += api.get(f"/api/v1/comments/{root}/replies?limit=200").get_json()["replies"]
    for reply in replies:
        assert_inert(reply["body_html"])


def test_every_payload_is_inert_on_the_pages(app, world, posted):
    clause = posted["clause"]
    chair = app.test_client()
    sign_in(chair, world.chair)
    member = app.test_client()
    sign_in(member, world.member)
    root = chair.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()["comments"][0]
    thread = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}/threads/{root['id']}"
    pages = [
        (app.test_client(), f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"),
        (app.test_client(), thread),
        (chair, f"{thread}?after={root['replies_after']}"),
        (chair, f"{thread}/replies?after={root['replies_after']}"),
        (chair, f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"),
        (chair, f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}/threads"),
        (chair, f"/documents/{world.document.id}/comments"),
        (chair, f"/documents/{world.document.id}/comments?page=2"),
        (member, "/notifications"),
        (chair, f"/comments/{posted['amendment']['id']}/fragment"),
    ] + [(chair, f"/comments/{c['id']}/fragment") for c in posted["comments"][55:85]]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_inert(response.data.decode())
    page = chair.get(f"{thread}?after={root['replies_after']}").data.decode()  # the thread's later replies
    document = html5lib.parse(page, namespaceHTMLElements=False)
    bodies = [el for el in document.iter() if isinstance(el.tag, str) and el.get("class") == "comment__body"]
    assert len(bodies) >= 50
    from xml.etree.ElementTree import tostring

    for body in bodies:
        inner = "".join(tostring(child, encoding="unicode", method="html") for child in body)
        assert_inert((body.text or "") + inner)
