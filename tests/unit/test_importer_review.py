"""Word documents under review: tracked changes read as accepted or rejected (never silently), comments
counted, and the importer's bad-input rules (zip bombs, entity expansion, external relationships) holding
for them. The fixtures are built with python-docx and raw WordprocessingML here, so these tests run fast;
tests/integration/test_import_review.py reads files that LibreOffice wrote."""

from __future__ import annotations

import io
import socket
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from deliberation.importer import DraftImportError, decode_upload, parse_draft, read_upload
from deliberation.importer.revisions import count_revisions

W = nsdecls("w")
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
WHO = 'w:author="Reviewer" w:date="2026-01-01T10:00:00Z"'


def _run(text: str, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def _paragraph(body: str, mark: str = "") -> str:
    """A w:p; mark is "ins" or "del" for a paragraph mark inserted or deleted."""
    ppr = f'<w:pPr><w:rPr><w:{mark} w:id="90" {WHO}/></w:rPr></w:pPr>' if mark else ""
    return f"<w:p {W}>{ppr}{body}</w:p>"


def _docx(*paragraphs: str, comments: int = 0) -> bytes:
    document = docx.Document()
    body = document.element.body
    for xml in paragraphs:
        body.insert(len(body) - 1, parse_xml(xml))  # before the section properties
    for n in range(comments):
        document.add_comment(document.paragraphs[0].runs or document.paragraphs[0].add_run("x"),
                             text=f"Comment {n}", author="Member")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _readings(data: bytes) -> tuple[str, str | None, int, int]:
    fmt, draft = read_upload("review.docx", data)
    assert fmt == "markdown"
    return draft.text, draft.rejected, draft.tracked_changes, draft.comments


def test_insertions_and_deletions_in_a_paragraph():
    data = _docx(_paragraph(_run("1. States should protect ") + f'<w:ins w:id="1" {WHO}>{_run("everyone")}</w:ins>'
                            + f'<w:del w:id="2" {WHO}>{_run("nobody", deleted=True)}</w:del>' + _run(" online.")))
    accepted, rejected, changes, comments = _readings(data)
    assert accepted == "1. States should protect everyone online.\n"
    assert rejected == "1. States should protect nobody online.\n"
    assert (changes, comments) == (2, 0)


def test_whole_paragraphs_inserted_and_deleted_join_through_their_marks():
    data = _docx(
        _paragraph(_run("1. First.")),
        _paragraph(f'<w:del w:id="3" {WHO}>{_run("2. Deleted clause.", deleted=True)}</w:del>', mark="del"),
        _paragraph(_run("3. Third.")),
        _paragraph(f'<w:ins w:id="4" {WHO}>{_run("4. Inserted clause.")}</w:ins>', mark="ins"),
        _paragraph(_run("5. Fifth.")),
    )
    accepted, rejected, changes, _ = _readings(data)
    assert accepted == "1. First.\n\n3. Third.\n\n4. Inserted clause.\n\n5. Fifth.\n"
    assert rejected == "1. First.\n\n2. Deleted clause.\n\n3. Third.\n\n5. Fifth.\n"
    assert changes == 2  # a whole paragraph is one change, its text and its mark together


def test_a_deleted_paragraph_mark_alone_joins_two_paragraphs():
    data = _docx(_paragraph(_run("1. States should "), mark="del"), _paragraph(_run("protect rights.")))
    accepted, rejected, changes, _ = _readings(data)
    assert accepted == "1. States should protect rights.\n"
    assert rejected == "1. States should\n\nprotect rights.\n"
    assert changes == 1


def test_moves_nested_revisions_and_formatting_changes():
    data = _docx(
        _paragraph(f'<w:moveFrom w:id="5" {WHO}>{_run("Moved words. ", deleted=True)}</w:moveFrom>'
                   + _run("1. Stays.")),
        _paragraph(_run("2. Gets ") + f'<w:moveTo w:id="6" {WHO}>{_run("Moved words.")}</w:moveTo>'),
        # inserted by one reviewer, deleted by another: in neither reading
        _paragraph(_run("3. Keeps") + f'<w:ins w:id="7" {WHO}><w:del w:id="8" {WHO}>'
                   + _run(" nothing", deleted=True) + "</w:del></w:ins>" + _run(".")),
        # a formatting change only: not a change of the text
        _paragraph(f'<w:r><w:rPr><w:b/><w:rPrChange w:id="9" {WHO}><w:rPr/></w:rPrChange></w:rPr>'
                   '<w:t>4. Bold now.</w:t></w:r>'),
    )
    accepted, rejected, changes, _ = _readings(data)
    assert accepted.split("\n\n") == ["1. Stays.", "2. Gets Moved words.", "3. Keeps.", "**4. Bold now.**\n"]
    assert rejected.split("\n\n") == ["Moved words. 1. Stays.", "2. Gets", "3. Keeps.", "**4. Bold now.**\n"]
    assert changes == 4


def test_table_rows_inserted_and_deleted():
    def row(text: str, mark: str) -> str:
        trpr = f'<w:trPr><w:{mark} w:id="11" {WHO}/></w:trPr>' if mark else ""
        return f"<w:tr>{trpr}<w:tc><w:p>{_run(text)}</w:p></w:tc></w:tr>"

    table = f"<w:tbl {W}><w:tblGrid><w:gridCol/></w:tblGrid>{row('Kept', '')}{row('Added', 'ins')}{row('Gone', 'del')}</w:tbl>"
    document = docx.Document()
    document.add_paragraph("1. A clause with a table:")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(table))
    buffer = io.BytesIO()
    document.save(buffer)
    accepted, rejected, changes, _ = _readings(buffer.getvalue())
    assert accepted.endswith("| Kept |\n| Added |\n") and rejected.endswith("| Kept |\n| Gone |\n")
    assert changes == 2


def test_a_docx_without_tracked_changes_has_one_reading_and_counts_its_comments():
    data = _docx(_paragraph(_run("1. One clause.")), comments=3)
    accepted, rejected, changes, comments = _readings(data)
    assert (accepted, rejected, changes, comments) == ("1. One clause.\n", None, 0, 3)
    assert decode_upload("x.docx", data) == ("markdown", "1. One clause.\n")


def test_decode_upload_never_takes_tracked_changes_silently():
    data = _docx(_paragraph(_run("1. A") + f'<w:ins w:id="1" {WHO}>{_run(" new")}</w:ins>' + _run(" clause.")))
    with pytest.raises(DraftImportError) as refused:
        decode_upload("x.docx", data)
    assert refused.value.field == "file" and "1 tracked changes" in refused.value.message
    assert decode_upload("x.docx", data, tracked="accepted")[1] == "1. A new clause.\n"
    assert decode_upload("x.docx", data, tracked="rejected")[1] == "1. A clause.\n"


def test_count_revisions_ignores_a_mark_alone_on_a_property():
    body = parse_xml(f"<w:body {W}>" + _paragraph(f'<w:ins w:id="1" {WHO}>{_run("x")}</w:ins>', mark="ins")
                     + "</w:body>")
    assert count_revisions(body) == 1


# -- bad input keeps being refused --------------------------------------------------------------------

def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def test_entities_in_the_document_or_the_comments_are_not_expanded():
    bomb = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh"))
            + f']><w:document {W}><w:body><w:p><w:r><w:t>1. &h;</w:t></w:r></w:p></w:body></w:document>')
    data = _rezip(_docx(_paragraph(_run("1. x"))), {"word/document.xml": bomb.encode()})
    try:
        _fmt, draft = read_upload("bomb.docx", data)
    except DraftImportError as exc:
        assert "not a valid Word document" in exc.message
    else:
        assert len(draft.text) < 100  # 10^8 characters had the entities been expanded


def test_a_comments_part_with_an_entity_bomb_is_not_expanded():
    data = _docx(_paragraph(_run("1. x")), comments=1)
    bomb = ('<?xml version="1.0"?><!DOCTYPE w:comments [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh"))
            + f']><w:comments {W}><w:comment w:id="0"><w:p><w:r><w:t>&h;</w:t></w:r></w:p></w:comment></w:comments>')
    data = _rezip(data, {"word/comments.xml": bomb.encode()})
    try:
        _fmt, draft = read_upload("bomb.docx", data)
    except DraftImportError as exc:
        assert "not a valid Word document" in exc.message
    else:
        assert draft.comments == 1


def test_external_relationships_are_never_fetched(monkeypatch):
    """A hyperlink and an attached template pointing outside: the import reads the text without a connection."""
    document = docx.Document()
    paragraph = document.add_paragraph("1. See ")
    rid = document.part.relate_to("http://127.0.0.1:9/track.png", docx.opc.constants.RELATIONSHIP_TYPE.IMAGE,
                                  is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}">{_run("the link")}</w:hyperlink>'))
    document.part._settings_part.relate_to("file:///etc/passwd", ATTACHED_TEMPLATE,
                                     is_external=True)
    buffer = io.BytesIO()
    document.save(buffer)

    def no_network(*args, **kwargs):
        raise AssertionError("the importer opened a connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    _fmt, draft = read_upload("links.docx", buffer.getvalue())
    assert draft.text == "1. See the link\n" and "root:" not in draft.text


def test_a_review_docx_that_inflates_too_much_is_refused(monkeypatch):
    import deliberation.importer.docx as word

    data = _docx(_paragraph(_run("1. A ") + f'<w:ins w:id="1" {WHO}>{_run("new")}</w:ins>'), comments=2)
    monkeypatch.setattr(word, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(DraftImportError, match="too large once uncompressed"):
        read_upload("big.docx", data)


def test_both_readings_parse_into_clauses():
    data = _docx(_paragraph(_run("1. First.")),
                 _paragraph(f'<w:ins w:id="4" {WHO}>{_run("2. Added.")}</w:ins>', mark="ins"))
    _fmt, draft = read_upload("x.docx", data)
    assert [c.number for c in parse_draft(draft.text, "markdown")] == ["1", "2"]
    assert [c.number for c in parse_draft(draft.rejected, "markdown")] == ["1"]
