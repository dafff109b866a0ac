"""Importing drafts through the pages (preview, publish, uploads, bad input) and reading versions."""
import io
import re

from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Document

from ..conftest import count_queries, csrf_token, sign_in
from ..factories import SAMPLE_DRAFT


def _documents(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Document))


def test_paste_preview_then_publish(app, client, world):
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    token = csrf_token(client, url)
    before = _documents(app)
    preview = client.post(url, data={"csrf_token": token, "format": "markdown", "source": SAMPLE_DRAFT,
                                     "action": "preview", "title": ""})
    assert preview.status_code == 200 and b"Preview: 4 clauses" in preview.data
    assert _documents(app) == before  # a preview writes nothing
    published = client.post(url, data={"csrf_token": token, "format": "markdown", "source": SAMPLE_DRAFT,
                                       "action": "publish", "title": "Pasted", "public": "y"})
    assert published.status_code == 302
    assert _documents(app) == before + 1
    page = client.get(published.headers["Location"])
    assert page.status_code == 200 and b"Pasted" in page.data


def test_upload_docx(app, client, world):
    from docx import Document as Docx

    docx = Docx()
    docx.add_heading("Uploaded recommendations", 0)
    docx.add_heading("Preamble", 1)
    docx.add_paragraph("We, the group, agree.")
    docx.add_heading("1. First", 1)
    docx.add_paragraph("Do the first thing.")
    buffer = io.BytesIO()
    docx.save(buffer)
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "format": "markdown", "source": "",
                                      "action": "preview", "file": (io.BytesIO(buffer.getvalue()), "draft.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.data[:300]
    assert b"Do the first thing." in response.data


def test_bad_uploads_show_clear_errors(app, client, world):
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    token = csrf_token(client, url)
    cases = [
        (("not a zip".encode(), "draft.docx"), b"not a valid"),
        (("1. caf\xe9".encode("latin-1"), "draft.txt"), b"UTF-8"),
        ((b"1. " + b"a" * (2 * 1024 * 1024 + 10), "big.md"), b"2 MB"),
        ((b"1. hello", "draft.pdf"), b"Unsupported file type"),
    ]
    before = _documents(app)
    for (content, name), message in cases:
        response = client.post(url, data={"csrf_token": token, "format": "markdown", "source": "", "action": "publish",
                                          "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code in (400, 413), name
        assert message.lower() in response.data.lower(), (name, re.findall(rb'field__error[^<]*<', response.data))
    empty = client.post(url, data={"csrf_token": token, "format": "text", "source": "  ", "action": "publish"})
    assert empty.status_code == 400 and b"Paste the draft or choose a file" in empty.data
    nothing = client.post(url, data={"csrf_token": token, "format": "text", "source": "just some words", "action": "publish"})
    assert nothing.status_code == 400 and b"No clauses were recognised" in nothing.data
    assert _documents(app) == before


def test_upload_over_the_request_limit_shows_the_message_on_the_form(app, client, world):
    """A body over MAX_CONTENT_LENGTH is refused before the view reads it; the answer is still the form."""
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    token = csrf_token(client, url)
    huge = b"1. " + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    before = _documents(app)
    response = client.post(url, data={"csrf_token": token, "format": "markdown", "source": "", "action": "publish",
                                      "file": (io.BytesIO(huge), "huge.md")}, content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.data.decode()
    assert "2 MB" in html and 'class="field__error' in html  # the message sits on the form's file field
    assert f'action="{url}"' in html and 'name="csrf_token"' in html and 'type="file"' in html
    assert _documents(app) == before
    outsider = app.test_client()  # someone who may not import still learns nothing about the group
    sign_in(outsider, world.other_member)
    refused = outsider.post(url, data={"file": (io.BytesIO(huge), "huge.md")}, content_type="multipart/form-data")
    assert refused.status_code in (404, 413) and b"Import a draft" not in refused.data


def test_version_page_has_line_numbers_and_permalinks(app, client, world):
    response = client.get(f"/documents/{world.document.id}/versions/1")
    html = response.data.decode()
    numbers = [int(n) for n in re.findall(r'data-line="(\d+)"', html)]
    assert numbers == list(range(1, len(numbers) + 1))  # continuous through the version
    with app.app_context():
        clause = db.session.scalar(select(Clause).where(Clause.number == "1.1",
                                                        Clause.version_id == world.document.current_version_id))
        key = clause.key
    assert f"/documents/{world.document.id}/versions/1/clauses/{key}" in html
    single = client.get(f"/documents/{world.document.id}/versions/1/clauses/{key}")
    assert single.status_code == 200 and b"Governments should assess" in single.data


NUMBER_ONLY_DRAFT = """# Numbers only

## 1. Scope

These recommendations apply to every member.

## 2.

(a) The first sub-clause stands under a bare number.

(b) So does the second.

## 3. Review

The group reviews them each year.
"""


def test_clause_with_only_a_number_keeps_line_numbers_continuous(app, client, world, make):
    """A clause with a number but no heading or text still takes a line: the page draws it, and the
    numbers on the page are 1..N without a gap and are the ones the API gives."""
    with app.app_context():
        document = make.document(db.session.merge(world.group), db.session.merge(world.chair),
                                 source=NUMBER_ONLY_DRAFT, title="Numbers only")
        db.session.commit()
        document_id, version_id = document.id, document.current_version_id
    html = client.get(f"/documents/{document_id}/versions/1").data.decode()
    shown = [int(n) for n in re.findall(r'data-line="(\d+)"', html)]
    api = client.get(f"/api/v1/versions/{version_id}").get_json()
    assert shown == list(range(1, len(shown) + 1))
    clauses = api["clauses"]
    assert [c["number"] for c in clauses] == ["1", "2", "2(a)", "2(b)", "3"]
    assert clauses[0]["first_line"] == 1 and clauses[-1]["last_line"] == len(shown)
    for clause in clauses:  # each clause's lines are drawn inside its own article
        article = re.search(rf'<article [^>]*data-clause-id="{clause["id"]}".*?</article>', html, re.S).group(0)
        own = [int(n) for n in re.findall(r'data-line="(\d+)"', article)]
        assert own == list(range(clause["first_line"], clause["last_line"] + 1)), clause["number"]
    bare = clauses[1]
    single = client.get(f"/documents/{document_id}/versions/1/clauses/{bare['key']}").data.decode()
    assert f'data-line="{bare["first_line"]}"' in single
    printed = client.get(f"/documents/{document_id}/record/print").data.decode()
    text = printed[printed.index('id="text-heading"'):printed.index('id="dispositions-heading"')]
    assert [int(n) for n in re.findall(r'data-line="(\d+)"', text)] == shown  # the printable record agrees


def test_version_page_queries_do_not_grow_with_clauses(app, client, world, make):
    url = f"/documents/{world.document.id}/versions/1"
    client.get(url)
    with count_queries(app) as small:
        client.get(url)
    long_draft = "\n\n".join(f"## {n}. Heading {n}\n\nText of clause {n}, long enough to wrap over more than one printed line "
                             f"of the discussion draft so that numbering matters.\n\n### {n}.1\n\nSub-clause." for n in range(1, 60))
    with app.app_context():
        document = make.document(db.session.merge(world.group), db.session.merge(world.chair), source=long_draft)
        db.session.commit()
        big = f"/documents/{document.id}/versions/1"
    client.get(big)
    with count_queries(app) as large:
        response = client.get(big)
    assert response.status_code == 200 and b"Sub-clause." in response.data
    assert large.count == small.count


def test_private_group_pages_are_404_for_outsiders(client, world):
    sign_in(client, world.member)
    for url in (f"/groups/{world.other_group.slug}", f"/documents/{world.other_document.id}/versions/1",
                f"/groups/{world.other_group.slug}/members"):
        assert client.get(url).status_code == 404


def test_stakeholder_groups_add_and_rename(app, client, world):
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/settings"
    token = csrf_token(client, url)
    added = client.post(f"/groups/{world.group.slug}/stakeholder-groups", data={"csrf_token": token, "key": "technical", "name": "Technical community"})
    assert added.status_code == 302
    bad = client.post(f"/groups/{world.group.slug}/stakeholder-groups", data={"csrf_token": token, "key": "Bad Key!", "name": "X"})
    assert bad.status_code == 400
    with app.app_context():
        from deliberation.models import StakeholderGroup
        sector = db.session.scalar(select(StakeholderGroup).where(StakeholderGroup.key == "technical"))
        sector_id = sector.id
    renamed = client.post(f"/groups/{world.group.slug}/stakeholder-groups/rename",
                          data={"csrf_token": token, "stakeholder_id": sector_id, "name": "Tech community"})
    assert renamed.status_code == 302
    assert b"Tech community" in client.get(url).data
