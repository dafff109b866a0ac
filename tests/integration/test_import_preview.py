"""The import preview, made kinder: Word files with tracked changes (choose a reading or refuse; never taken
silently) and comments (counted, not imported), the chair's corrections (split, merge, renumber, nest in and
out, undo) and the one-click "one clause per paragraph", for a new document and a new version, through the
pages and the API. The Word files are LibreOffice's (tests/word_fixtures.py)."""
import html
import io
import re

import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Document, RecordEvent, Version

from ..conftest import csrf_token, sign_in
from ..word_fixtures import libreoffice_docx  # noqa: F401  (a fixture)

GIANT = "# Notes\n\n" + "\n\n".join(f"Paragraph {n} of the notes." for n in range(1, 6)) + "\n\n# More\n\nOne.\n"
NUMBERED = "1. First clause. It has two sentences.\n\n2. Second clause.\n\n3. Third clause.\n"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _clauses(app, document_title: str) -> list[tuple]:
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.title == document_title))
        rows = db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                                  .order_by(Clause.position))
        by_id = {}
        out = []
        for clause in rows:
            by_id[clause.id] = clause
            parent = by_id[clause.parent_id].number if clause.parent_id else None
            out.append((clause.number, clause.heading, clause.text, parent))
        return out


def _state(page: bytes) -> str:
    return re.search(rb'name="state" value="([^"]+)"', page).group(1).decode()


class Preview:
    """Drives the import page the way a browser without JavaScript does: each button posts the whole form
    (its hidden fields and the matching's selects, as shown)."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url
        self.token = csrf_token(client, url)
        self.page: bytes = b""
        self.status = 0

    def start(self, *, source: str = "", upload: tuple[bytes, str] | None = None, **fields):
        data = {"csrf_token": self.token, "format": "markdown", "source": source, "action": "preview", **fields}
        if upload:
            data["file"] = (io.BytesIO(upload[0]), upload[1])
        return self._post(data, multipart=upload is not None)

    def press(self, op: str | None, **fields):
        hidden = {name: html.unescape(value) for name, value in
                  re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)">', self.text())}
        for name, options in re.findall(r'<select name="(match-\d+)"[^>]*>(.*?)</select>', self.text(), re.S):
            chosen = re.search(r'<option value="([^"]*)" selected>', options) or re.search(r'value="([^"]*)"', options)
            hidden[name] = chosen.group(1)
        data = {**hidden, "csrf_token": self.token, **fields}
        if op:
            data["op"] = op
        return self._post(data)

    def _post(self, data, multipart=False):
        response = self.client.post(self.url, data=data,
                                    content_type="multipart/form-data" if multipart else None)
        self.status = response.status_code
        if response.status_code != 302:
            self.page = response.data
        return response

    def text(self) -> str:
        return self.page.decode()


@pytest.fixture
def chair_import(client, world):
    sign_in(client, world.chair)
    return Preview(client, f"/groups/{world.group.slug}/import")


# -- Word files under review --------------------------------------------------------------------------

def test_tracked_changes_wait_for_the_chairs_choice(app, chair_import, libreoffice_docx):
    documents = _count(app, Document)
    chair_import.start(upload=(libreoffice_docx["tracked"], "reviewed.docx"))
    assert chair_import.status == 200
    page = chair_import.text()
    assert "This Word file has 4 tracked changes" in page and "Nothing is imported until you choose" in page
    assert "This Word file has 2 comments. They were not imported." in page
    assert "Publish as version 1" not in page and "preview-item" not in page
    assert f'href="{chair_import.url}"' in page and "Refuse this file" in page  # refuse: back to an empty form

    # Publishing before choosing is refused, and writes nothing.
    chair_import.press(None, title="Too soon")
    assert chair_import.status == 400 and "choose which text to import first" in chair_import.text()
    assert _count(app, Document) == documents

    chair_import.press("tracked:accepted")
    page = chair_import.text()
    assert chair_import.status == 200 and "Preview: 5 clauses" in page
    assert "imported as if all changes were accepted" in page and "protect everyone online" in page
    assert "Import it as if all changes were rejected instead" in page
    response = chair_import.press(None, title="Reviewed, accepted")
    assert response.status_code == 302
    clauses = _clauses(app, "Reviewed, accepted")
    assert [c[0] for c in clauses] == ["Preamble", "1", "3", "4", "5"]
    assert clauses[1][2].startswith("States should protect everyone online.")


def test_tracked_changes_rejected(app, chair_import, libreoffice_docx):
    chair_import.start(upload=(libreoffice_docx["tracked"], "reviewed.docx"))
    chair_import.press("tracked:accepted")
    chair_import.press("merge:2")  # a correction, undone by the change of reading
    assert "1 correction made" in chair_import.text()
    chair_import.press("tracked:rejected")
    page = chair_import.text()
    assert "imported as if all changes were rejected" in page and "correction made" not in page
    chair_import.press(None, title="Reviewed, rejected")
    clauses = _clauses(app, "Reviewed, rejected")
    assert [c[0] for c in clauses] == ["Preamble", "1", "2", "3", "5"]
    assert clauses[1][2].startswith("States should protect nobody online.")


def test_comments_alone_need_no_choice(app, chair_import, libreoffice_docx):
    chair_import.start(upload=(libreoffice_docx["comments"], "commented.docx"))
    page = chair_import.text()
    assert "This Word file has 3 comments. They were not imported." in page
    assert "tracked change" not in page and "Preview: 2 clauses" in page
    response = chair_import.press(None, title="Commented")
    assert response.status_code == 302
    assert [c[2] for c in _clauses(app, "Commented")] == ["States should protect privacy.",
                                                         "Companies should publish reports."]


def test_a_direct_publish_of_a_reviewed_file_is_refused(app, client, world, libreoffice_docx):
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    documents = _count(app, Document)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "format": "markdown", "source": "",
                                      "action": "publish", "title": "Straight through",
                                      "file": (io.BytesIO(libreoffice_docx["tracked"]), "reviewed.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and b"choose which text to import first" in response.data
    assert _count(app, Document) == documents


# -- corrections in the preview -------------------------------------------------------------------------

def test_split_merge_renumber_nest_and_undo(app, chair_import):
    chair_import.start(source=NUMBERED)
    page = chair_import.text()
    assert "Preview: 3 clauses" in page and 'name="number-0" value="1"' in page
    assert '<option value="14">It has two sentences.</option>' in page  # where clause 1 can be split
    chair_import.press("split:0", **{"split-0": "14"})
    assert "Preview: 4 clauses" in chair_import.text()
    chair_import.press("indent:1")
    # A number typed in a field is taken with the next button, here the merge of clause 3 into clause 2.
    chair_import.press("merge:3", **{"number-1": "1 bis"})
    page = chair_import.text()
    assert "Preview: 3 clauses" in page and "4 corrections made" in page and 'value="1 bis"' in page
    chair_import.press("outdent:1")
    chair_import.press("undo")
    assert "4 corrections made" in chair_import.text()
    # Enter in a number field presses the form's first button: "apply" takes the typed numbers.
    chair_import.press("apply", **{"number-2": "2."})
    assert "5 corrections made" in chair_import.text()
    assert chair_import.press(None, title="Corrected").status_code == 302
    assert _clauses(app, "Corrected") == [
        ("1", None, "First clause.", None), ("1 bis", None, "It has two sentences.", "1"),
        ("2.", None, "Second clause.\n\nThird clause.", None)]


def test_undo_all(chair_import):
    chair_import.start(source=NUMBERED)
    chair_import.press("merge:1")
    chair_import.press("merge:1")
    assert "Preview: 1 clauses" in chair_import.text()
    chair_import.press("reset")
    page = chair_import.text()
    assert "Preview: 3 clauses" in page and "correction made" not in page


def test_a_correction_that_cannot_apply_leaves_the_preview_as_it_was(app, chair_import):
    chair_import.start(source=NUMBERED)
    before = _state(chair_import.page)
    chair_import.press("merge:0")
    assert chair_import.status == 400 and "no clause before it" in chair_import.text()
    assert "Preview: 3 clauses" in chair_import.text() and _state(chair_import.page) == before
    for op, fields in (("split:0", {"split-0": "abc"}), ("merge:x", {}), ("explode:1", {})):
        chair_import.press(op, **fields)
        assert chair_import.status == 400 and "not one the preview knows" in chair_import.text(), op
    chair_import.press("renumber", **{"number-0": "x" * 41})
    assert chair_import.status == 400


def test_a_tampered_state_is_refused(app, chair_import):
    chair_import.start(source=NUMBERED)
    documents = _count(app, Document)
    token = _state(chair_import.page)
    response = chair_import.client.post(chair_import.url, data={
        "csrf_token": chair_import.token, "action": "publish", "title": "Forged", "state": token[:-3] + "abc"})
    assert response.status_code == 400 and b"could not be read back" in response.data
    assert _count(app, Document) == documents


def test_one_clause_per_paragraph(app, chair_import):
    chair_import.start(source=GIANT)
    page = chair_import.text()
    assert "No numbering was found" in page and "the longest has 5 paragraphs" in page
    chair_import.press("paragraphs")
    page = chair_import.text()
    assert "Preview: 6 clauses" in page and "No numbering was found" not in page
    chair_import.press(None, title="Notes")
    assert [c[2] for c in _clauses(app, "Notes")][:2] == ["Paragraph 1 of the notes.", "Paragraph 2 of the notes."]


def test_a_numbered_draft_gets_no_warning(chair_import):
    chair_import.start(source=NUMBERED)
    assert "No numbering was found" not in chair_import.text()


def test_publish_records_the_corrected_clauses(app, chair_import):
    chair_import.start(source=NUMBERED)
    chair_import.press("merge:2")
    events = _count(app, RecordEvent)
    chair_import.press(None, title="Recorded")
    assert _count(app, RecordEvent) == events + 2
    with app.app_context():
        event = db.session.scalars(select(RecordEvent).order_by(RecordEvent.id.desc())).first()
        assert event.kind == "version.published" and event.payload["clauses"] == 2


# -- a new version --------------------------------------------------------------------------------------

def test_new_version_from_a_reviewed_file_with_corrections(app, client, world, libreoffice_docx):
    sign_in(client, world.chair)
    preview = Preview(client, f"/documents/{world.document.id}/versions/new")
    preview.start(upload=(libreoffice_docx["tracked"], "reviewed.docx"), label="Reviewed")
    assert "This Word file has 4 tracked changes" in preview.text() and "Publish as version 2" not in preview.text()
    preview.press("tracked:rejected", label="Reviewed")
    page = preview.text()
    assert "Preview: 5 clauses" in page and 'name="match-4"' in page
    preview.press("merge:4", label="Reviewed")
    page = preview.text()
    assert "Preview: 4 clauses" in page and 'name="match-4"' not in page
    response = preview.press(None, label="Reviewed")
    assert response.status_code == 302
    with app.app_context():
        version = db.session.scalar(select(Version).where(Version.document_id == world.document.id,
                                                          Version.number == 2))
        assert version.label == "Reviewed"
        texts = [c.text for c in db.session.scalars(select(Clause).where(Clause.version_id == version.id)
                                                     .order_by(Clause.position))]
    assert len(texts) == 4 and texts[-1] == ("Oversight bodies should be independent.\n\n"
                                             "Processes should be open to all stakeholders.")


def test_new_version_refused_matching_keeps_the_corrections(app, client, world):
    sign_in(client, world.chair)
    preview = Preview(client, f"/documents/{world.document.id}/versions/new")
    preview.start(source=NUMBERED)
    preview.press("merge:1")
    # A matching that gives one clause two successors: refused, the preview stays with its corrections and
    # the chair's matching.
    old = re.search(r'<select name="match-0".*?<option value="(\d+)"', preview.text(), re.S).group(1)
    preview.press(None, **{"match-0": old, "match-1": old})
    page = preview.text()
    assert preview.status == 400 and "1 correction made" in page and "both revise clause" in page
    assert len(re.findall(rf'<option value="{old}" selected>', page)) == 2


# -- the API --------------------------------------------------------------------------------------------

class _Api:
    """A client that calls the API with a personal token."""

    def __init__(self, app, client, user):
        from deliberation.services.accounts import create_token

        with app.app_context():
            _row, plain = create_token(db.session.merge(user))
            db.session.commit()
        self.client, self.headers = client, {"Authorization": f"Bearer {plain}"}

    def post(self, url, json):
        return self.client.post(url, json=json, headers=self.headers)


def test_api_preview_and_publish_with_edits(app, client, world):
    client = _Api(app, client, world.chair)
    body = {"working_group_id": world.group.id, "format": "text", "source": NUMBERED, "title": "By API"}
    shown = client.post("/api/v1/documents/preview", json=body)
    assert shown.status_code == 200
    assert [(c["index"], c["number"], c["depth"]) for c in shown.json["clauses"]] == [(0, "1", 0), (1, "2", 0),
                                                                                     (2, "3", 0)]
    assert shown.json["few_giant_clauses"] == 0
    assert shown.json["clauses"][0]["split_points"][0] == {"offset": 14, "words": "It has two sentences."}
    edits = [{"op": "split", "index": 0, "offset": 14}, {"op": "indent", "index": 1},
             {"op": "renumber", "index": 1, "number": "1.1"}, {"op": "merge", "index": 3}]
    shown = client.post("/api/v1/documents/preview", json={**body, "edits": edits})
    assert [(c["number"], c["parent_index"]) for c in shown.json["clauses"]] == [("1", None), ("1.1", 0), ("2", None)]
    created = client.post("/api/v1/documents", json={**body, "edits": edits})
    assert created.status_code == 201
    assert [c[:2] for c in _clauses(app, "By API")] == [("1", None), ("1.1", None), ("2", None)]


def test_api_giant_clauses_and_version_preview(app, client, world):
    client = _Api(app, client, world.chair)
    shown = client.post("/api/v1/documents/preview", json={"working_group_id": world.group.id,
                                                            "format": "markdown", "source": GIANT})
    assert shown.json["few_giant_clauses"] == 5
    url = f"/api/v1/documents/{world.document.id}/versions"
    planned = client.post(url + "/preview", json={"format": "text", "source": NUMBERED,
                                                  "edits": [{"op": "merge", "index": 2}]})
    assert planned.status_code == 200 and len(planned.json["clauses"]) == 2
    assert {"predecessor_id", "change", "number", "depth"} <= set(planned.json["clauses"][0])
    published = client.post(url, json={"format": "text", "source": NUMBERED, "edits": [{"op": "merge", "index": 2}]})
    assert published.status_code == 201 and len(published.json["matches"]) == 2


@pytest.mark.parametrize("edits, field", [
    ([{"op": "merge", "index": 0}], "edits[0]"),
    ([{"op": "renumber", "index": 0, "number": "A"}, {"op": "outdent", "index": 9}], "edits[1]"),
    ("merge", "edits"),
])
def test_api_refuses_bad_edits_and_writes_nothing(app, client, world, edits, field):
    client = _Api(app, client, world.chair)
    documents, versions = _count(app, Document), _count(app, Version)
    body = {"working_group_id": world.group.id, "format": "text", "source": NUMBERED, "title": "No", "edits": edits}
    for url, payload in (("/api/v1/documents", body), ("/api/v1/documents/preview", body),
                         (f"/api/v1/documents/{world.document.id}/versions", body),
                         (f"/api/v1/documents/{world.document.id}/versions/preview", body)):
        response = client.post(url, json=payload)
        assert response.status_code == 400, url
        assert response.json["error"]["code"] == "invalid" and response.json["error"]["field"] == field, url
    assert (_count(app, Document), _count(app, Version)) == (documents, versions)


def test_api_preview_needs_the_right_to_import(app, client, world):
    client = _Api(app, client, world.members["civil_society"][0])
    body = {"working_group_id": world.group.id, "format": "text", "source": NUMBERED}
    assert client.post("/api/v1/documents/preview", json=body).status_code == 403
    assert client.post(f"/api/v1/documents/{world.document.id}/versions/preview", json=body).status_code == 403


# -- the command line -----------------------------------------------------------------------------------

def test_cli_import_asks_for_a_reading_of_tracked_changes(app, world, tmp_path, libreoffice_docx):
    reviewed = tmp_path / "reviewed.docx"
    reviewed.write_bytes(libreoffice_docx["tracked"])
    documents = _count(app, Document)
    command = ["import-draft", "--group", world.group.slug, "--title", "From the shell", str(reviewed)]
    refused = app.test_cli_runner().invoke(args=command)
    assert refused.exit_code != 0 and "4 tracked changes" in refused.output and "Traceback" not in refused.output
    assert _count(app, Document) == documents
    imported = app.test_cli_runner().invoke(args=[*command[:-1], "--tracked-changes", "rejected", str(reviewed)])
    assert imported.exit_code == 0, imported.output
    assert [c[0] for c in _clauses(app, "From the shell")] == ["Preamble", "1", "2", "3", "5"]
