"""Reviewed Word files coming back (issue 13, items 4 and 5): a copy of a version marked up in LibreOffice
(or Word) with comments and tracked changes is read, each item placed on its clause and words, previewed
without posting anything, and posted on confirmation; a .docx downloaded with comments and saved again by
LibreOffice finds every comment again on the same words. And the bad input: each refused, nothing posted."""
import io
import re
import zipfile

import docx
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Comment, RecordEvent, WordReview

from ..word_fixtures import libreoffice_docx  # noqa: F401  (a fixture)
from .version_helpers import add_comment, api_token, clause_numbered

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(client, version_id: int, data: bytes, headers: dict, name: str = "reviewed.docx", **form):
    return client.post(f"/api/v1/versions/{version_id}/reviews", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def _confirm(client, review_id: int, headers: dict, **body):
    return client.post(f"/api/v1/reviews/{review_id}/confirm", headers=headers, json=body)


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Comment)),
                db.session.scalar(select(func.count()).select_from(RecordEvent)))


def _items_by_text(items: list[dict]) -> dict:
    return {item["text"] or item.get("replacement_text"): item for item in items}


def test_a_libreoffice_reviewed_copy_previews_then_posts(app, client, world, libreoffice_docx):
    version = world.document.current_version_id
    headers = api_token(app, world.member)
    before = _counts(app)
    response = _upload(client, version, libreoffice_docx["reviewed"], headers)
    assert response.status_code == 201, response.get_json()
    preview = response.get_json()
    assert _counts(app) == before  # nothing posted, nothing recorded
    items = preview["items"]
    assert [item["n"] for item in items] == list(range(1, len(items) + 1))
    with app.app_context():
        preamble = db.session.scalar(select(Clause).where(Clause.version_id == version, Clause.number == "Preamble"))
        rights, impact, encryption = (clause_numbered(version, n) for n in ("1", "1.1", "2"))
        ids = {c.label: c.id for c in (preamble, rights, impact, encryption)}
    by_text = _items_by_text(items)
    whole = by_text["We support the preamble."]
    assert (whole["kind"], whole["clause_id"], whole["exact"], whole["anchor_status"], whole["word_author"]) == (
        "comment", ids["Preamble"], None, "exact", "Ana Reviewer")
    quoted = by_text["Which impact: on rights?"]
    assert (quoted["clause_id"], quoted["exact"], quoted["anchor_status"]) == (ids["1.1"], "assess the impact", "exact")
    inserted = by_text["and protect human"]
    assert (inserted["kind"], inserted["clause_id"], inserted["exact"], inserted["anchor_status"]) == (
        "amendment", ids["1"], "human", "exact")
    # A deletion next to an insertion is one amendment; the clause was also retyped ("encryptoin"): fuzzy.
    replaced = by_text["must"]
    assert (replaced["kind"], replaced["clause_id"], replaced["exact"], replaced["anchor_status"],
            replaced["word_author"]) == ("amendment", ids["2"], "should", "fuzzy", "Ben Desk")
    assert len(items) == 4

    response = _confirm(client, preview["id"], headers)
    assert response.status_code == 201, response.get_json()
    comment_ids = response.get_json()["comment_ids"]
    assert len(comment_ids) == 4
    with app.app_context():
        posted = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))}
        assert {c.author_id for c in posted.values()} == {world.member.id}
        amendment = next(c for c in posted.values() if c.replacement_text == "must")
        assert (amendment.kind, amendment.clause_id, amendment.quote_exact) == ("amendment", ids["2"], "should")
        assert "Word author: Ben Desk" in amendment.body_source
        note = next(c for c in posted.values() if c.quote_exact == "assess the impact")
        assert note.body_source.startswith("Which impact: on rights?")
        assert "From a reviewed Word file; Word author: Ana Reviewer" in note.body_source
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "word_review.confirmed"))
        assert event is not None and event.payload["comments"] == 4
    assert _confirm(client, preview["id"], headers).status_code == 409  # posted once only


# --- item 5: the round trip ------------------------------------------------------------------------

def test_a_download_with_comments_saved_again_by_libreoffice_finds_every_comment(app, client, world):
    from ..word_fixtures import libreoffice_resave

    version = world.document.current_version_id
    alice, bob = world.members["civil_society"][0], world.members["government"][0]
    with app.app_context():
        impact, encryption = clause_numbered(version, "1.1"), clause_numbered(version, "2")
        rights = clause_numbered(version, "1")
        written = [add_comment(impact, alice, quote="assess the impact", body="Which impact?"),
                   add_comment(impact, bob, quote="laws", body="All laws?"),
                   add_comment(rights, bob, quote="human rights", body="Which rights?"),
                   add_comment(encryption, alice, body="On the whole clause."),
                   add_comment(encryption, bob, quote="encryption", body="Define it.")]
        expected = sorted((c.clause_id, c.quote_exact or "") for c in written)
        db.session.commit()
    sign_in_headers = api_token(app, world.member)
    download = client.get(f"/api/v1/versions/{version}/export.docx?comments=1", headers=sign_in_headers)
    assert download.status_code == 200 and download.mimetype == DOCX
    resaved = libreoffice_resave(download.data)
    response = _upload(client, version, resaved, sign_in_headers)
    assert response.status_code == 201, response.get_json()
    items = response.get_json()["items"]
    assert all(item["kind"] == "comment" and item["anchor_status"] == "exact" for item in items), items
    assert sorted((item["clause_id"], item["exact"] or "") for item in items) == expected
    # They are the platform's own comments coming back: said so, and the page leaves them unticked.
    assert all(item["reason"].startswith("Already on the platform") for item in items), items
    with app.app_context():
        stored = db.session.get(WordReview, response.get_json()["id"]).items
    assert all(item["already_posted"] for item in stored)


# --- bad input: refused, nothing posted ----------------------------------------------------------------

def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def _plain_docx(paragraphs: list[str], comments: int = 0) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for n in range(comments):
        paragraph = document.paragraphs[n % len(paragraphs)]
        document.add_comment(paragraph.runs, text=f"Remark {n}", author="Member")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLE_TEXTS = ["Security and rights go together.", "Laws should respect human rights from the outset.",
                "Governments should assess the impact of proposed laws.", "Strong encryption should be protected."]


def _refused(app, client, world, data: bytes, status: int, code: str, message: str, name="reviewed.docx"):
    headers = api_token(app, world.member)
    before = _counts(app)
    response = _upload(client, world.document.current_version_id, data, headers, name=name)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and re.search(message, error["message"]), error
    assert _counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WordReview)) == 0
    return error


def test_an_unrelated_text_is_refused(app, client, world):
    data = _plain_docx(["The weather was fine all week.", "We went to the sea."], comments=2)
    _refused(app, client, world, data, 400, "another_document", "does not look like Sample recommendations")


def test_a_copy_of_another_document_is_refused_naming_it(app, client, world):
    from deliberation.services.documents import create_document

    with app.app_context():
        from deliberation.models import User, WorkingGroup
        chair = db.session.get(User, world.chair.id)
        group = db.session.get(WorkingGroup, world.group.id)
        create_document(chair, group, title="Other recommendations", fmt="markdown",
                        source="# Other recommendations\n\n## 1. Data\n\nData should be minimised always.\n\n"
                               "## 2. Access\n\nAccess should be logged and reviewed.\n", public=True)
        db.session.commit()
    data = _plain_docx(["1 Data", "Data should be minimised always.", "2 Access",
                        "Access should be logged and reviewed."], comments=1)
    _refused(app, client, world, data, 400, "another_document", "looks like Other recommendations")


def test_not_a_word_file(app, client, world):
    _refused(app, client, world, b"%PDF-1.4 not a docx", 400, "invalid", "not a valid Word document")
    _refused(app, client, world, b"hello", 400, "invalid", r"as a Word document \(.docx\)", name="notes.txt")


def test_over_the_upload_limit(app, client, world):
    data = _plain_docx(SAMPLE_TEXTS, comments=1) + b"\0" * (2 * 1024 * 1024)
    _refused(app, client, world, data, 413, "too_large", "larger than the 2 MB limit")


def test_a_zip_bomb_is_refused(app, client, world, monkeypatch):
    import deliberation.importer.docx as word

    monkeypatch.setattr(word, "MAX_UNCOMPRESSED_BYTES", 20_000)
    data = _rezip(_plain_docx(SAMPLE_TEXTS, comments=1), {"word/padding.xml": b"<a/>" * 10_000})
    _refused(app, client, world, data, 400, "invalid", "too large once uncompressed")


def test_entities_are_not_expanded(app, client, world):
    data = _plain_docx(SAMPLE_TEXTS, comments=1)
    bomb = ('<?xml version="1.0"?><!DOCTYPE w:comments [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh"))
            + ']><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              '<w:comment w:id="0" w:author="M"><w:p><w:r><w:t>&h;</w:t></w:r></w:p></w:comment></w:comments>')
    headers = api_token(app, world.member)
    response = _upload(client, world.document.current_version_id,
                       _rezip(data, {"word/comments.xml": bomb.encode()}), headers)
    if response.status_code == 201:
        assert all(len(item["text"]) < 100 for item in response.get_json()["items"])
    else:
        assert response.status_code == 400 and "not a valid Word document" in response.get_json()["error"]["message"]


def test_external_relationships_are_never_fetched(app, client, world, monkeypatch):
    import socket

    document = docx.Document()
    for text in SAMPLE_TEXTS:
        document.add_paragraph(text)
    document.add_comment(document.paragraphs[0].runs, text="Fine.", author="Member")
    document.part.relate_to("http://127.0.0.1:9/track.png", docx.opc.constants.RELATIONSHIP_TYPE.IMAGE,
                            is_external=True)
    buffer = io.BytesIO()
    document.save(buffer)

    def no_network(*args, **kwargs):
        raise AssertionError("the review reader opened a connection")

    headers = api_token(app, world.member)
    monkeypatch.setattr(socket, "create_connection", no_network)
    response = _upload(client, world.document.current_version_id, buffer.getvalue(), headers)
    assert response.status_code == 201
    assert [item["text"] for item in response.get_json()["items"]] == ["Fine."]


def test_no_comments_and_no_changes(app, client, world):
    _refused(app, client, world, _plain_docx(SAMPLE_TEXTS), 400, "empty_review",
             "no Word comments and no tracked changes")


def test_more_than_500_items(app, client, world):
    _refused(app, client, world, _plain_docx(SAMPLE_TEXTS, comments=501), 400, "too_many_items",
             "501 comments and changes; at most 500")


def test_comments_in_a_footnote_are_listed_as_not_imported(app, client, world, libreoffice_docx):
    data = libreoffice_docx["reviewed"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        comments = archive.read("word/comments.xml").decode()
        footnotes = archive.read("word/footnotes.xml").decode()
    comments = comments.replace("</w:comments>", '<w:comment w:id="77" w:author="Ben Desk"><w:p><w:r><w:t>'
                                "In the footnote.</w:t></w:r></w:p></w:comment></w:comments>")
    footnotes = re.sub(r"(<w:t[^>]*>See the 2025 report\.</w:t></w:r>)",
                       r'\1<w:r><w:commentReference w:id="77"/></w:r>', footnotes)
    assert 'w:id="77"' in footnotes
    headers = api_token(app, world.member)
    response = _upload(client, world.document.current_version_id,
                       _rezip(data, {"word/comments.xml": comments.encode(),
                                     "word/footnotes.xml": footnotes.encode()}), headers)
    assert response.status_code == 201
    preview = response.get_json()
    outside = _items_by_text(preview["items"])["In the footnote."]
    assert (outside["anchor_status"], outside["clause_id"]) == ("unplaced", None)
    assert "footnote" in outside["reason"]
    response = _confirm(client, preview["id"], headers)
    with app.app_context():
        bodies = [c.body_source for c in db.session.scalars(select(Comment).where(
            Comment.id.in_(response.get_json()["comment_ids"])))]
    assert len(bodies) == 4 and not any("In the footnote." in b for b in bodies)


def test_a_failure_while_posting_posts_nothing(app, client, world, libreoffice_docx, monkeypatch):
    import deliberation.services.reviews.confirm as confirm

    headers = api_token(app, world.member)
    preview = _upload(client, world.document.current_version_id, libreoffice_docx["reviewed"], headers).get_json()
    real, calls = confirm.post_comment, []

    def third_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(confirm, "post_comment", third_fails)
    before = _counts(app)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = _confirm(client, preview["id"], headers)
    assert response.status_code == 500
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(WordReview, preview["id"]).status == "pending"


# --- keep, drop, place by hand; a chair for a member -----------------------------------------------

def test_skip_and_place_by_hand(app, client, world):
    version = world.document.current_version_id
    data = _plain_docx(["Sample recommendations", "Preamble", *SAMPLE_TEXTS, "An aside nobody placed."])
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    document.add_comment(paragraphs[3].runs, text="Keep this.", author="Member")
    document.add_comment(paragraphs[4].runs, text="Drop this.", author="Member")
    document.add_comment(paragraphs[6].runs, text="Place this.", author="Member")
    buffer = io.BytesIO()
    document.save(buffer)
    headers = api_token(app, world.member)
    preview = _upload(client, version, buffer.getvalue(), headers).get_json()
    items = _items_by_text(preview["items"])
    assert items["Place this."]["anchor_status"] == "unplaced"
    assert items["Place this."]["reason"] == "The words are not in any clause of this version."
    with app.app_context():
        target = clause_numbered(version, "2").id
        other = clause_numbered(world.private_document.current_version_id, "2").id
    bad = _confirm(client, preview["id"], headers, place={str(items["Place this."]["n"]): other})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "place"
    response = _confirm(client, preview["id"], headers, skip=[items["Drop this."]["n"]],
                        place={str(items["Place this."]["n"]): target})
    assert response.status_code == 201
    with app.app_context():
        posted = list(db.session.scalars(select(Comment).where(Comment.id.in_(response.get_json()["comment_ids"]))
                                         .order_by(Comment.id)))
        assert [(c.body_source.split("\n")[0], c.clause_id, c.quote_exact) for c in posted] == [
            ("Keep this.", clause_numbered(version, "1").id, None), ("Place this.", target, None)]
        assert posted[0].body_source.endswith("_From a reviewed Word file; Word author: Member_")


def test_a_chair_uploads_for_a_member_and_the_record_says_so(app, client, world, libreoffice_docx):
    version = world.document.current_version_id
    chair_headers = api_token(app, world.chair)
    member = world.members["government"][0]
    response = _upload(client, version, libreoffice_docx["reviewed"], chair_headers, on_behalf_of=str(member.id))
    assert response.status_code == 201, response.get_json()
    response = _confirm(client, response.get_json()["id"], chair_headers)
    assert response.status_code == 201
    with app.app_context():
        authors = set(db.session.scalars(select(Comment.author_id).where(
            Comment.id.in_(response.get_json()["comment_ids"]))))
        assert authors == {member.id}
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "word_review.confirmed"))
        assert event.actor_id == world.chair.id and event.payload["on_behalf_of"] == member.id
    # A member cannot upload for someone else.
    refused = _upload(client, version, libreoffice_docx["reviewed"], api_token(app, world.member),
                      on_behalf_of=str(member.id))
    assert refused.status_code == 403


def test_someone_elses_review_is_not_found(app, client, world, libreoffice_docx):
    version = world.document.current_version_id
    preview = _upload(client, version, libreoffice_docx["reviewed"], api_token(app, world.member)).get_json()
    other = api_token(app, world.members["government"][0])
    assert client.get(f"/api/v1/reviews/{preview['id']}", headers=other).status_code == 404
    assert _confirm(client, preview["id"], other).status_code == 404


# --- the pages ------------------------------------------------------------------------------------------

def test_the_pages_upload_preview_and_confirm(app, client, world, libreoffice_docx):
    from ..conftest import count_queries, csrf_token, sign_in

    sign_in(client, world.member)
    version_page = f"/documents/{world.document.id}/versions/1"
    page = client.get(version_page).get_data(as_text=True)
    upload_url = f"/documents/{world.document.id}/versions/1/reviews/new"
    assert upload_url in page and "Upload a reviewed Word copy" in page
    token = csrf_token(client, upload_url)
    refused = client.post(upload_url, data={"csrf_token": token, "file": (io.BytesIO(b"nope"), "x.docx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "not a valid Word document" in refused.get_data(as_text=True)
    response = client.post(upload_url, data={"csrf_token": token,
                                             "file": (io.BytesIO(libreoffice_docx["reviewed"]), "reviewed.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview_url = response.headers["Location"]
    with count_queries(app) as counter:
        html = client.get(preview_url).get_data(as_text=True)
    assert counter.count <= 12  # the same whatever the number of items
    assert "Which impact: on rights?" in html and "deleted: </span>should</del><ins>" in html and "inserted: </span>and protect </ins>human" in html
    assert "Word author: Ben Desk" in html and "approximate" in html
    review_id = int(preview_url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        items = db.session.get(WordReview, review_id).items
    keep = {f"keep-{item['n']}": "1" for item in items if item["text"] != "We support the preamble."}
    response = client.post(f"/reviews/{review_id}/confirm", data={"csrf_token": token, **keep})
    assert response.status_code == 302 and response.headers["Location"].endswith(version_page)
    with app.app_context():
        review = db.session.get(WordReview, review_id)
        assert review.status == "confirmed" and len(review.comment_ids) == 3
    # Another member cannot see it.
    other = app.test_client()
    sign_in(other, world.members["government"][0])
    assert other.get(preview_url).status_code == 404


def test_word_text_and_author_names_are_text_not_markup(app, client, world):
    from ..conftest import sign_in

    document = docx.Document()
    for text in SAMPLE_TEXTS:
        document.add_paragraph(text)
    document.add_comment(document.paragraphs[1].runs, text="<script>alert(1)</script> **bold**",
                         author="<img src=x onerror=alert(1)> [click](javascript:alert(1))")
    buffer = io.BytesIO()
    document.save(buffer)
    sign_in(client, world.member)
    headers = api_token(app, world.member)
    preview = _upload(client, world.document.current_version_id, buffer.getvalue(), headers).get_json()
    html = client.get(f"/reviews/{preview['id']}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    ids = _confirm(client, preview["id"], headers).get_json()["comment_ids"]
    with app.app_context():
        comment = db.session.get(Comment, ids[0])
        assert "<script" not in comment.body_html and "<img" not in comment.body_html
        assert "href" not in comment.body_html
        assert "[click](javascript:alert(1))" in comment.body_html  # the name as typed, as text


def test_a_multipart_part_without_a_name_is_a_clean_answer_not_a_500(app, client, world):
    """Found by the API fuzzer on this upload: werkzeug gives a part with no name the key None."""
    headers = api_token(app, world.member)
    body = b"--bnd\r\nContent-Disposition: form-data\r\n\r\nx\r\n--bnd--\r\n"
    response = client.post(f"/api/v1/versions/{world.document.current_version_id}/reviews", headers=headers,
                           data=body, content_type="multipart/form-data; boundary=bnd")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "file"
