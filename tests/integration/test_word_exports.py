"""Word out (issue 13 items 1 and 2): a version as .docx, with its open comments as Word comments, and a
redline of two versions with tracked changes. Files are read back with python-docx/lxml, and LibreOffice
opens each download as an independent reader."""
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from lxml import etree

from deliberation.extensions import db
from deliberation.models import Clause, Version, WorkingGroup

from ..conftest import count_queries, sign_in
from ..word_fixtures import _missing
from .version_helpers import add_comment, clause_numbered, publish

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

REVISED = """# Sample recommendations

## Preamble

Security and rights go together.

## 1. Rights by design

Laws should respect and protect human rights from the outset.

### 1.1

Governments should assess the impact of proposed laws.

## 3. Oversight

Independent bodies should review surveillance.
"""


def _export(version_id: int, comments: bool = False) -> str:
    return f"/api/v1/versions/{version_id}/export.docx" + ("?comments=1" if comments else "")


def _redline(a: int, b: int) -> str:
    return f"/api/v1/versions/{a}/redline/{b}.docx"


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:200])
    assert response.mimetype == DOCX
    return response.data


def _part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name)) if name in archive.namelist() else None


def _body_texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _version(world) -> int:
    return world.document.current_version_id


# --- a version as Word ---------------------------------------------------------------------------

def test_version_docx_has_title_version_and_numbered_nested_clauses(app, client, world):
    response = client.get(_export(_version(world)))
    assert response.headers["Content-Disposition"] == 'attachment; filename="sample-recommendations-v1.docx"'
    word = docx.Document(io.BytesIO(_download(client, _export(_version(world)))))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs[0] == ("Title", "Sample recommendations")
    assert paragraphs[1][1].startswith("Discussion draft 1 · Open for comment · published ")
    with app.app_context():
        clauses = list(db.session.scalars(db.select(Clause).where(Clause.version_id == _version(world))
                                          .order_by(Clause.position)))
        expected = []
        for clause in clauses:
            heading = " ".join(part for part in (clause.number, clause.heading) if part)
            expected.append((f"Heading {clause.depth + 1}", heading))
            expected.append(("Normal", clause.text))
    assert paragraphs[2:] == expected
    assert ("Heading 2", "1.1") in paragraphs[2:]  # nested one level deeper, with the platform's number
    assert word.core_properties.title == "Sample recommendations"



def _threads(world) -> dict:
    """On version 1: a quoted thread with two replies (one hidden), an unquoted amendment, a hidden
    comment, a resolved thread and a thread whose first comment was deleted but keeps a visible reply."""
    from datetime import datetime, timezone

    alice, bob = world.members["civil_society"][0], world.members["government"][0]
    clause = clause_numbered(_version(world), "1.1")
    quoted = add_comment(clause, alice, quote="assess the impact", body="Say *which* impact.\n\nSecond line.")
    first = add_comment(clause, bob, parent=quoted, body="Human rights impact.")
    add_comment(clause, alice, parent=quoted, body="Secret reply", status="hidden")
    second = add_comment(clause, alice, parent=first, body="Agreed.")
    encryption = clause_numbered(_version(world), "2")
    amendment = add_comment(encryption, bob, kind="amendment", body="Stronger wording.",
                            replacement_text="Strong encryption must be protected.")
    add_comment(encryption, bob, body="Hidden remark", status="hidden")
    add_comment(encryption, alice, body="Resolved remark", resolved_at=datetime.now(timezone.utc))
    gone = add_comment(encryption, alice, quote="encryption", body="Deleted words", status="deleted")
    orphan_reply = add_comment(encryption, bob, parent=gone, body="Still standing.")
    ids = dict(quoted=quoted.id, first=first.id, second=second.id, amendment=amendment.id, orphan=orphan_reply.id)
    db.session.commit()
    return ids


def _comments(data: bytes) -> dict[str, dict]:
    """w:id -> {author, initials, date, text: [paragraphs], anchored: the document text in its range}."""
    part = _part(data, "word/comments.xml")
    if part is None:
        return {}
    found = {}
    for comment in part.iterfind("w:comment", NS):
        found[comment.get(f"{{{W}}}id")] = {
            "author": comment.get(f"{{{W}}}author"), "initials": comment.get(f"{{{W}}}initials"),
            "date": comment.get(f"{{{W}}}date"),
            "text": ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in comment.iterfind("w:p", NS)],
            "anchored": ""}
    open_ranges: set[str] = set()
    for element in _part(data, "word/document.xml").iter():
        if element.tag == f"{{{W}}}commentRangeStart":
            open_ranges.add(element.get(f"{{{W}}}id"))
        elif element.tag == f"{{{W}}}commentRangeEnd":
            open_ranges.discard(element.get(f"{{{W}}}id"))
        elif element.tag == f"{{{W}}}t":
            for comment_id in open_ranges:
                found[comment_id]["anchored"] += element.text or ""
    return found


def test_version_with_comments_as_word_comments(app, client, world):
    with app.app_context():
        _threads(world)
    plain = _download(client, _export(_version(world)))
    assert _comments(plain) == {}  # without ?comments=1, no comments
    response = client.get(_export(_version(world), comments=True))
    assert response.headers["Content-Disposition"].endswith('filename="sample-recommendations-v1-comments.docx"')
    comments = sorted(_comments(_download(client, _export(_version(world), comments=True))).values(),
                      key=lambda c: c["anchored"])
    assert len(comments) == 3, comments
    whole_clause, quoted, orphan = (next(c for c in comments if c["text"][0].startswith(start))
                                    for start in ("Proposed amendment:", "Say which", "Still standing."))
    alice, bob = world.members["civil_society"][0], world.members["government"][0]
    assert quoted["anchored"] == "assess the impact"
    assert quoted["author"] == f"{alice.display_name} (Civil society)"
    assert quoted["date"].endswith("Z") and quoted["initials"]
    assert quoted["text"][0] == "Say which impact." and quoted["text"][1] == "Second line."
    assert quoted["text"][2].startswith(f"Reply from {bob.display_name} (Government), ")
    assert quoted["text"][3:] == ["Human rights impact.", quoted["text"][4], "Agreed."]
    assert quoted["text"][4].startswith(f"Reply from {alice.display_name} (Civil society)")
    # the amendment quotes nothing: the whole clause, heading and text
    assert whole_clause["anchored"] == "2 EncryptionStrong encryption should be protected."
    assert whole_clause["text"] == ["Proposed amendment: Stronger wording.",
                                    "Proposed text: Strong encryption must be protected."]
    # the first comment was deleted: its visible reply stays, on the whole clause, and the deleted words do not
    assert orphan["anchored"] == whole_clause["anchored"]
    assert orphan["text"] == ["Still standing."] and orphan["author"] == f"{bob.display_name} (Government)"
    everything = repr(comments)
    for secret in ("Secret reply", "Hidden remark", "Resolved remark", "Deleted words"):
        assert secret not in everything


def test_hidden_comments_are_left_out_even_for_the_chair(app, client, world):
    with app.app_context():
        _threads(world)
    sign_in(client, world.chair)
    everything = repr(_comments(_download(client, _export(_version(world), comments=True))))
    assert "Say which impact." in everything
    assert "Secret reply" not in everything and "Hidden remark" not in everything


def test_comments_stay_out_where_the_public_may_not_read_them(app, client, world):
    with app.app_context():
        _threads(world)
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    assert _comments(_download(client, _export(_version(world), comments=True))) == {}
    sign_in(client, world.observer)
    assert len(_comments(_download(client, _export(_version(world), comments=True)))) == 3


def test_private_document_is_not_found_for_outsiders(app, client, world):
    private = world.private_document.current_version_id
    for url in (_export(private), _export(private, comments=True), _redline(private, private)):
        assert client.get(url).status_code == 404
        assert client.get(url).get_json()["error"]["code"] == "not_found"
    sign_in(client, world.outsider)
    assert client.get(_export(private)).status_code == 404
    assert client.get(_redline(private, private)).status_code == 404


def test_bad_comments_parameter_is_a_400_with_the_api_error_shape(client, world):
    response = client.get(f"/api/v1/versions/{_version(world)}/export.docx?comments=yes")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert response.get_json()["error"]["field"] == "comments"


def test_export_query_count_does_not_grow_with_clauses_or_comments(app, client, world):
    from tests.factories import Factory

    with app.app_context():
        _threads(world)
        chair = db.session.merge(world.chair)
        long_source = "# Long\n\n" + "".join(f"## {n}. Heading {n}\n\nText of clause {n}.\n\n### {n}.1\n\nSub {n}.\n\n"
                                             for n in range(1, 16))
        big = Factory().document(db.session.merge(world.group), chair, source=long_source, title="Long")
        big_version = big.current_version_id
        member = world.members["civil_society"][0]
        for clause in db.session.scalars(db.select(Clause).where(Clause.version_id == big_version)):
            root = add_comment(clause, member, quote=clause.text.split()[0] if clause.text else None,
                               body=f"On {clause.key}")
            add_comment(clause, world.members["government"][0], parent=root, body="A reply")
        db.session.commit()
    sign_in(client, world.members["civil_society"][0])
    counts = []
    for version_id in (_version(world), big_version):
        client.get(_export(version_id, comments=True))  # warm: the session's first request loads more
        with count_queries(app) as counter:
            assert len(_comments(_download(client, _export(version_id, comments=True)))) >= 3
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    redlines = []
    for version_id in (_version(world), big_version):
        with count_queries(app) as counter:
            _download(client, _redline(version_id, version_id))
        redlines.append(counter.count)
    assert redlines[0] == redlines[1], redlines


def test_threads_carried_onto_a_later_version_come_with_it(app, client, world):
    with app.app_context():
        _threads(world)
    _old_id, new_id, _new = _two_versions(app, world)
    comments = _comments(_download(client, _export(new_id, comments=True)))
    carried = next(c for c in comments.values() if "Say which impact." in c["text"])
    assert carried["anchored"] == "assess the impact"  # clause 1.1 is unchanged: the words were found again
    assert carried["text"][:2] == ["From version 1, clause 1.1", "Say which impact."] and "Agreed." in carried["text"]
    # clause 2 was removed: its threads wait as orphans beside a clause, as on the page, on the whole clause
    orphan = next(c for c in comments.values() if "Proposed amendment: Stronger wording." in c["text"])
    assert orphan["text"][0] == "From version 1, clause 2 · orphaned: its clause was removed"
    assert orphan["anchored"] == "1.1Governments should assess the impact of proposed laws."


# --- a redline of two versions ---------------------------------------------------------------------

def _two_versions(app, world) -> tuple[int, int, Version]:
    with app.app_context():
        new, _plan = publish(world.document.id, world.chair, REVISED, label="Discussion draft 2")
        db.session.commit()
        return _version(world), new.id, new


def _changes(data: bytes) -> list[tuple[str, str, str, str]]:
    """(kind, text, author, date) of each tracked run change, in document order."""
    changes = []
    for element in _part(data, "word/document.xml").iter(f"{{{W}}}ins", f"{{{W}}}del"):
        kind = "ins" if element.tag.endswith("ins") else "del"
        text = "".join(t.text or "" for t in element.iter(f"{{{W}}}t", f"{{{W}}}delText"))
        if element.getparent().tag != f"{{{W}}}rPr":  # a tracked paragraph mark has no text
            changes.append((kind, text, element.get(f"{{{W}}}author"), element.get(f"{{{W}}}date")))
    return changes


def test_redline_has_word_level_tracked_changes(app, client, world):
    old_id, new_id, _new = _two_versions(app, world)
    with app.app_context():
        published = db.session.get(Version, new_id).created_at
    response = client.get(_redline(old_id, new_id))
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="sample-recommendations-v1-v2-redline.docx"'
    data = _download(client, _redline(old_id, new_id))
    changes = _changes(data)
    assert {(author, date) for _kind, _text, author, date in changes} == \
        {("version 2", published.strftime("%Y-%m-%dT%H:%M:%SZ"))}
    texts = [(kind, text) for kind, text, _author, _date in changes]
    assert ("ins", "and protect ") in texts  # a word-level change inside clause 1
    assert ("del", "2 Encryption") in texts and ("del", "Strong encryption should be protected.") in texts
    assert ("ins", "3 Oversight") in texts and ("ins", "Independent bodies should review surveillance.") in texts
    # The unchanged clauses are plain text, and the whole text reads as version 1 with deletions, 2 with insertions
    document = _part(data, "word/document.xml")
    marks = document.findall(".//w:pPr/w:rPr/w:del", NS) + document.findall(".//w:pPr/w:rPr/w:ins", NS)
    assert len(marks) == 4  # removed clause 2 and new clause 3: heading and text paragraphs tracked whole
    ids = [element.get(f"{{{W}}}id") for element in document.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    assert len(ids) == len(set(ids))
    with app.app_context():
        expected = {number: "".join(" ".join(p for p in (c.number, c.heading) if p) + c.text
                                    for c in db.session.scalars(db.select(Clause).where(Clause.version_id == vid)
                                                                .order_by(Clause.position)))
                    for number, vid in ((1, old_id), (2, new_id))}
    accepted = "".join(t.text or "" for t in document.iter(f"{{{W}}}t"))
    rejected = "".join(t.text or "" for t in document.iter(f"{{{W}}}t", f"{{{W}}}delText")
                       if t.getparent().getparent().tag != f"{{{W}}}ins")
    assert accepted.endswith(expected[2]) and rejected.endswith(expected[1])  # after the title lines
    paragraphs = _body_texts(data)
    assert "Governments should assess the impact of proposed laws." in paragraphs
    assert paragraphs[1] == "Changes from Discussion draft 1 to Discussion draft 2"


def test_redline_of_versions_of_different_documents_is_not_found(app, client, world):
    with app.app_context():
        from tests.factories import Factory

        other = Factory().document(db.session.merge(world.group), db.session.merge(world.chair), title="Other")
        db.session.commit()
        other_version = other.current_version_id
    response = client.get(_redline(_version(world), other_version))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get(_redline(_version(world), 999999)).status_code == 404


# --- LibreOffice as an independent reader ------------------------------------------------------------

def _soffice(outdir: Path, fmt: str, files: list[Path]) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        _missing("soffice is not installed (make libreoffice, or apt-get install libreoffice-writer-nogui)")
    profile = Path(outdir, "profile").as_uri()  # a profile of its own: no lock shared with other sessions
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=300)


def test_libreoffice_opens_every_download(app, client, world):
    with app.app_context():
        _threads(world)
    old_id, new_id, _new = _two_versions(app, world)
    downloads = {"version": _export(old_id), "comments": _export(old_id, comments=True),
                 "redline": _redline(old_id, new_id)}
    with tempfile.TemporaryDirectory(prefix="word-out-") as work:
        files = []
        for name, url in downloads.items():
            files.append(Path(work, f"{name}.docx"))
            files[-1].write_bytes(_download(client, url))
        _soffice(Path(work), "pdf", files)
        assert all(Path(work, f"{name}.pdf").stat().st_size > 1000 for name in downloads)
        if shutil.which("pdftotext"):
            for name in downloads:
                subprocess.run(["pdftotext", "-layout", str(Path(work, f"{name}.pdf"))], check=True, timeout=60)
        else:
            _soffice(Path(work), "txt:Text", files)
        text = {name: Path(work, f"{name}.txt").read_text(encoding="utf-8-sig") for name in downloads}
        _soffice(Path(work), "fodt", files[1:])  # how LibreOffice itself understood the comments and changes
        commented = etree.parse(str(Path(work, "comments.fodt")))
        redline = etree.parse(str(Path(work, "redline.fodt")))
    for name in ("version", "comments"):
        assert "Sample recommendations" in text[name]
        assert "1.1" in text[name] and "Governments should assess the impact of proposed laws." in text[name]
        assert "Strong encryption should be protected." in text[name]
    assert "Independent bodies should review surveillance." in text["redline"]
    assert "protect human rights" in text["redline"]

    office = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
              "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0", "dc": "http://purl.org/dc/elements/1.1/"}
    annotations = commented.findall(".//office:annotation", office)
    assert len(annotations) == 3
    alice = world.members["civil_society"][0]
    quoted = next(a for a in annotations if "Say which impact." in "".join(a.itertext()))
    assert quoted.findtext("dc:creator", namespaces=office) == f"{alice.display_name} (Civil society)"
    assert "Agreed." in "".join(quoted.itertext())
    regions = redline.findall(".//text:tracked-changes/text:changed-region", office)
    kinds = {child.tag.split("}")[1] for region in regions for child in region}
    assert kinds == {"insertion", "deletion"}
    assert {c.text for c in redline.findall(".//text:changed-region//dc:creator", office)} == {"version 2"}


# --- the links in the pages ---------------------------------------------------------------------------

def test_version_and_compare_pages_link_to_the_downloads(app, client, world):
    old_id, new_id, _new = _two_versions(app, world)
    page = client.get(f"/documents/{world.document.id}/versions/2").get_data(as_text=True)
    assert f'href="/api/v1/versions/{new_id}/export.docx"' in page
    assert f'href="/api/v1/versions/{new_id}/export.docx?comments=1"' in page
    assert "Word (.docx)" in page and "Word with comments" in page and "Redline (.docx)" not in page
    compare = client.get(f"/documents/{world.document.id}/compare?from=1&to=2").get_data(as_text=True)
    assert f'href="/api/v1/versions/{old_id}/redline/{new_id}.docx"' in compare and "Redline (.docx)" in compare
    same = client.get(f"/documents/{world.document.id}/compare?from=2&to=2").get_data(as_text=True)
    assert "Redline (.docx)" not in same
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    page = client.get(f"/documents/{world.document.id}/versions/2").get_data(as_text=True)
    assert "Word (.docx)" in page and "Word with comments" not in page  # the public may not read them here
    sign_in(client, world.observer)
    assert "Word with comments" in client.get(f"/documents/{world.document.id}/versions/2").get_data(as_text=True)
