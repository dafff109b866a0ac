"""The comment-resolution table (issue 13 item 3): a version's threads as .docx and .xlsx with the ISO/IEC
commenting template's columns, as the reader may read them; and the type of comment it shows."""
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from openpyxl import load_workbook

from deliberation.extensions import db
from deliberation.models import Clause, Comment, Membership, WorkingGroup

from ..conftest import count_queries, sign_in
from ..word_fixtures import _missing
from .version_helpers import add_comment, clause_numbered

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Ref.", "Stakeholder group", "Clause", "Lines", "Type of comment", "Comments", "Proposed change",
          "Disposition and rationale"]


def _url(version_id: int, fmt: str) -> str:
    return f"/api/v1/versions/{version_id}/resolution.{fmt}"


def _version(world) -> int:
    return world.document.current_version_id


def _threads(world) -> dict:
    """On version 1: a quoted technical comment with a reply and a disposition, an editorial amendment,
    a comment without type, a hidden comment, a deleted one, and a comment whose text looks like a formula."""
    alice, bob = world.members["civil_society"][0], world.members["government"][0]
    clause = clause_numbered(_version(world), "1.1")
    quoted = add_comment(clause, alice, quote="assess the impact", body="Say *which* impact.\n\nSecond line.",
                         comment_type="technical", disposition="accepted_in_part",
                         disposition_rationale="Human rights impact named.")
    add_comment(clause, bob, parent=quoted, body="A reply stays out.")
    encryption = clause_numbered(_version(world), "2")
    amendment = add_comment(encryption, bob, kind="amendment", body="Stronger wording.", comment_type="editorial",
                            replacement_text="Strong encryption must be protected.")
    plain = add_comment(clause_numbered(_version(world), "1"), bob, body="=HYPERLINK(\"http://x\")")
    add_comment(encryption, bob, body="Hidden remark", status="hidden")
    add_comment(encryption, alice, body="Deleted remark", status="deleted")
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == alice.id,
                                                               Membership.working_group_id == world.group.id))
    membership.affiliation = "Digital Rights Org"
    db.session.commit()
    return dict(quoted=quoted.id, amendment=amendment.id, plain=plain.id)


def _xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _docx_rows(data: bytes) -> list[list[str]]:
    table = docx.Document(io.BytesIO(data)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _get(client, version_id: int, fmt: str) -> bytes:
    response = client.get(_url(version_id, fmt))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == {"docx": DOCX, "xlsx": XLSX}[fmt]
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="sample-recommendations-v1-resolution.{fmt}"'
    return response.data


def test_the_table_has_the_iso_columns_one_row_per_thread_in_clause_order(app, client, world):
    with app.app_context():
        ids = _threads(world)
    sign_in(client, world.chair)
    rows = _xlsx_rows(_get(client, _version(world), "xlsx"))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [ids["plain"], ids["quoted"], ids["amendment"]]  # clauses 1, 1.1, 2
    by_ref = {row[0]: row for row in rows[1:]}
    quoted = by_ref[ids["quoted"]]
    assert quoted[1] == "Civil society: Digital Rights Org"
    assert quoted[2] == "1.1" and quoted[4] == "Technical"
    assert quoted[5] == "Say which impact.\nSecond line." and quoted[6] is None
    assert quoted[7] == "Accepted in part: Human rights impact named."
    amendment = by_ref[ids["amendment"]]
    assert amendment[4] == "Editorial" and amendment[5] == "Proposed amendment: Stronger wording."
    assert amendment[6] == "Strong encryption must be protected." and amendment[7] is None
    assert by_ref[ids["plain"]][4] is None  # written without a type: unset
    text = repr(rows)
    assert "A reply stays out." not in text and "Hidden remark" not in text and "Deleted remark" not in text


def test_line_numbers_are_the_platforms_own(app, client, world):
    with app.app_context():
        ids = _threads(world)
        clause = db.session.get(Clause, db.session.get(Comment, ids["quoted"]).clause_id)
        text_line = clause.first_line + (1 if clause.heading else 0)
        whole = db.session.get(Clause, db.session.get(Comment, ids["plain"]).clause_id)
        whole_lines = f"{whole.first_line}-{whole.last_line}" if whole.last_line != whole.first_line \
            else str(whole.first_line)
    rows = {row[0]: row for row in _xlsx_rows(_get(client, _version(world), "xlsx"))[1:]}
    assert rows[ids["quoted"]][3] == str(text_line)  # the quoted words' line, not the heading's
    assert rows[ids["plain"]][3] == whole_lines       # a comment on the whole clause: all its lines


def test_a_comment_that_looks_like_a_formula_stays_text(app, client, world):
    with app.app_context():
        ids = _threads(world)
    sheet = load_workbook(io.BytesIO(_get(client, _version(world), "xlsx"))).active
    cell = next(row[5] for row in sheet.iter_rows(min_row=2) if row[0].value == ids["plain"])
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_the_docx_table_has_the_same_rows(app, client, world):
    with app.app_context():
        ids = _threads(world)
    sign_in(client, world.chair)
    rows = _docx_rows(_get(client, _version(world), "docx"))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [str(ids["plain"]), str(ids["quoted"]), str(ids["amendment"])]
    quoted = rows[2]
    assert quoted[1:5] == ["Civil society: Digital Rights Org", "1.1", quoted[3], "Technical"]
    assert quoted[5] == "Say which impact.\nSecond line."
    assert quoted[7] == "Accepted in part: Human rights impact named."
    word = docx.Document(io.BytesIO(_get(client, _version(world), "docx")))
    assert word.sections[0].page_width > word.sections[0].page_height  # landscape
    assert "Comment-resolution table" in [p.text for p in word.paragraphs]


def test_affiliations_only_for_those_who_see_the_members(app, client, world):
    with app.app_context():
        ids = _threads(world)
    public = {row[0]: row for row in _xlsx_rows(_get(client, _version(world), "xlsx"))[1:]}
    assert public[ids["quoted"]][1] == "Civil society"
    assert "Digital Rights Org" not in repr(_docx_rows(_get(client, _version(world), "docx")))
    sign_in(client, world.observer)
    observer = {row[0]: row for row in _xlsx_rows(_get(client, _version(world), "xlsx"))[1:]}
    assert observer[ids["quoted"]][1] == "Civil society: Digital Rights Org"


def test_no_table_where_the_comments_are_kept_to_members(app, client, world):
    with app.app_context():
        _threads(world)
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    for fmt in ("docx", "xlsx"):
        response = client.get(_url(_version(world), fmt))
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    sign_in(client, world.outsider)
    for fmt in ("docx", "xlsx"):
        response = client.get(_url(_version(world), fmt))
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    sign_in(client, world.observer)
    assert len(_xlsx_rows(_get(client, _version(world), "xlsx"))) == 4


def test_private_document_and_missing_version_are_not_found(app, client, world):
    private = world.private_document.current_version_id
    sign_in(client, world.outsider)
    for fmt in ("docx", "xlsx"):
        assert client.get(_url(private, fmt)).status_code == 404
        assert client.get(_url(999999, fmt)).get_json()["error"]["code"] == "not_found"


def test_query_count_is_the_same_for_few_and_many_comments(app, client, world):
    from tests.factories import Factory

    with app.app_context():
        _threads(world)
        chair = db.session.merge(world.chair)
        source = "# Long\n\n" + "".join(f"## {n}. Heading {n}\n\nText of clause {n}.\n\n" for n in range(1, 21))
        big = Factory().document(db.session.merge(world.group), chair, source=source, title="Long")
        members = [m for group in world.members.values() for m in group]
        for index, clause in enumerate(db.session.scalars(db.select(Clause).where(Clause.version_id ==
                                                                                   big.current_version_id))):
            for n in range(5):
                add_comment(clause, members[(index + n) % len(members)], body=f"On {clause.key} #{n}",
                            comment_type="general", disposition="noted", disposition_rationale="Seen.")
        db.session.commit()
        big_version = big.current_version_id
    sign_in(client, world.members["civil_society"][0])
    for fmt in ("xlsx", "docx"):
        counts = []
        for version_id in (_version(world), big_version):
            client.get(_url(version_id, fmt))  # warm: the session's first request loads more
            with count_queries(app) as counter:
                response = client.get(_url(version_id, fmt))
            assert response.status_code == 200
            counts.append(counter.count)
        assert counts[0] == counts[1], (fmt, counts)
    assert len(_xlsx_rows(client.get(_url(big_version, "xlsx")).data)) > 100


def test_the_version_page_links_to_the_table_for_those_who_read_comments(app, client, world):
    version = _version(world)
    page = client.get(f"/documents/{world.document.id}/versions/1").get_data(as_text=True)
    assert f'href="/api/v1/versions/{version}/resolution.docx"' in page
    assert f'href="/api/v1/versions/{version}/resolution.xlsx"' in page
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    page = client.get(f"/documents/{world.document.id}/versions/1").get_data(as_text=True)
    assert "resolution.xlsx" not in page


# --- LibreOffice as an independent reader ------------------------------------------------------------

def _soffice(outdir: Path, fmt: str, files: list[Path]) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        _missing("soffice is not installed (make libreoffice, or apt-get install libreoffice-calc-nogui)")
    profile = Path(outdir, "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=300)


def test_libreoffice_opens_both_tables(app, client, world):
    with app.app_context():
        _threads(world)
    sign_in(client, world.chair)
    with tempfile.TemporaryDirectory(prefix="resolution-") as work:
        xlsx, word = Path(work, "table.xlsx"), Path(work, "words.docx")
        xlsx.write_bytes(_get(client, _version(world), "xlsx"))
        word.write_bytes(_get(client, _version(world), "docx"))
        _soffice(Path(work), "pdf", [xlsx, word])
        if not Path(work, "table.pdf").exists():  # soffice is there, Calc is not: it skips what it cannot open
            _missing("LibreOffice Calc is not installed (make libreoffice, or apt-get install libreoffice-calc-nogui)")
        assert Path(work, "table.pdf").stat().st_size > 1000 and Path(work, "words.pdf").stat().st_size > 1000
        _soffice(Path(work), "csv", [xlsx])  # Calc reads the sheet: is every cell where it belongs?
        csv_text = Path(work, "table.csv").read_text(encoding="utf-8")
        if shutil.which("pdftotext"):
            subprocess.run(["pdftotext", "-layout", str(Path(work, "words.pdf"))], check=True, timeout=60)
        else:
            _soffice(Path(work), "txt:Text", [word])
        words = Path(work, "words.txt").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(HEADER)
    assert "Civil society: Digital Rights Org,1.1," in csv_text
    assert "Accepted in part: Human rights impact named." in csv_text
    assert '"=HYPERLINK(""http://x"")"' in csv_text  # text, not a formula's result
    for expected in ("Comment-resolution table", "Disposition and", "Strong encryption", "Digital Rights Org",
                     "Technical", "Editorial"):  # words, as table cells wrap them onto lines
        assert expected in words, expected
