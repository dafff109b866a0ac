"""Tests for deliberation.importer: numbering and nesting, Markdown and text, .docx, bad input."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.importer import (MAX_CLAUSE_CHARS, MAX_CLAUSES, MAX_UPLOAD_BYTES,
                                   DraftImportError, ParsedClause, decode_upload, flatten,
                                   parse_draft, parse_title)


def outline(clauses: list[ParsedClause]) -> list[str]:
    """Numbers indented two spaces per level; unnumbered clauses show their heading in brackets."""
    return ["  " * depth + (c.number if c.number is not None else f"[{c.heading}]")
            for c, depth, _ in flatten(clauses)]


def by_number(clauses: list[ParsedClause]) -> dict[str | None, ParsedClause]:
    return {c.number: c for c, _, _ in flatten(clauses)}


def letters(last: str, parent: str = "1. Governments should:") -> str:
    """A clause with lettered items from (a) to `last`."""
    items = [f"({chr(c)}) item {chr(c)};" for c in range(ord("a"), ord(last) + 1)]
    return "\n".join([parent, *items])


# -- numbering and nesting ------------------------------------------------------------------------

NUMBERING_CASES = [
    ("decimal", "text", "1. One.\n\n2. Two.", ["1", "2"]),
    ("one-level", "text", "1. One.\n1.1 A.\n1.2 B.\n2. Two.", ["1", "  1.1", "  1.2", "2"]),
    ("two-levels", "text", "1. One.\n\n1.1 A.\n\n1.1.1 Deep.\n\n1.2 B.",
     ["1", "  1.1", "    1.1.1", "  1.2"]),
    ("trailing-dot", "text", "1. One.\n\n1.1. A.\n\n1.2. B.", ["1", "  1.1", "  1.2"]),
    ("letters-under-2", "text", "1. One.\n\n2. Two:\n(a) x;\n(b) y.",
     ["1", "2", "  2(a)", "  2(b)"]),
    ("roman-under-letter", "text", "2. Two:\n(a) x:\n(i) r1;\n(ii) r2;\n(b) y.",
     ["2", "  2(a)", "    2(a)(i)", "    2(a)(ii)", "  2(b)"]),
    ("i-after-h-is-letter", "text", letters("h") + "\n(i) item i;\n(j) item j.",
     ["1"] + [f"  1({c})" for c in "abcdefghij"]),
    ("i-after-h-then-ii-is-roman", "text", letters("h") + "\n(i) sub one;\n(ii) sub two.",
     ["1"] + [f"  1({c})" for c in "abcdefgh"] + ["    1(h)(i)", "    1(h)(ii)"]),
    ("v-after-iv-is-roman", "text", "1. One:\n(a) x:\n(i) a;\n(ii) b;\n(iii) c;\n(iv) d;\n(v) e.",
     ["1", "  1(a)"] + [f"    1(a)({r})" for r in ("i", "ii", "iii", "iv", "v")]),
    ("v-after-u-is-letter", "text", letters("u") + "\n(v) item v.",
     ["1"] + [f"  1({chr(c)})" for c in range(ord("a"), ord("v") + 1)]),
    ("x-after-w-is-letter", "text", letters("w") + "\n(x) item x.",
     ["1"] + [f"  1({chr(c)})" for c in range(ord("a"), ord("x") + 1)]),
    ("x-after-ix-is-roman", "text",
     "1. One:\n" + "\n".join(f"({r}) r;" for r in "i ii iii iv v vi vii viii ix x".split()),
     ["1"] + [f"  1({r})" for r in "i ii iii iv v vi vii viii ix x".split()]),
    ("i-with-no-letters-is-roman", "text", "2. Two:\n(i) first;\n(ii) second.",
     ["2", "  2(i)", "  2(ii)"]),
    ("close-paren-letters", "text", "1. One:\na) x;\nb) y.", ["1", "  1(a)", "  1(b)"]),
    ("dot-letters", "text", "1. One:\n\na. x;\n\nb. y.", ["1", "  1(a)", "  1(b)"]),
    ("paren-numbers", "text", "1) One.\n\n2) Two.", ["1", "2"]),
    ("number-then-tab", "text", "1.\tOne.\n\n2\tTwo.", ["1", "2"]),
    ("compound-written", "text", "2. Two.\n\n2(a) x.\n\n2(b) y.\n\n2(b)(i) z.",
     ["2", "  2(a)", "  2(b)", "    2(b)(i)"]),
    ("compound-after-other", "text", "1. One.\n\n2. Two.\n\n3. Three.\n\n2(a) late.",
     ["1", "2", "3", "  2(a)"]),
    ("article-keyword", "text", "Article 1 - Scope\n\nText.\n\nArticle 2\n\nMore text.",
     ["Article 1", "Article 2"]),
    ("section-and-recommendation", "text",
     "Section 2\n\nText.\n\nRecommendation 4: Privacy\n\nText.", ["Section 2", "Recommendation 4"]),
    ("article-paragraphs", "text", "Article 1\n\n1. A.\n\n2. B.\n\nArticle 2\n\n1. C.",
     ["Article 1", "  Article 1(1)", "  Article 1(2)", "Article 2", "  Article 2(1)"]),
    ("keyword-children", "text", "Article 3\n\n3.1 Text.\n\n(a) More.", ["Article 3", "  3.1",
                                                                          "    3.1(a)"]),
    ("year-is-not-a-number", "text", "1. In 2016 the coalition met.\n2016 was a good year.", ["1"]),
    ("count-is-not-a-number", "text", "1. Many agreed:\n10 governments signed.", ["1"]),
    ("wrapped-decimal-is-text", "text", "1. It affects\n1.5 million people.", ["1"]),
    ("year-dot-at-paragraph-start", "text", "1. One.\n\n2016. That year.", ["1"]),
    ("special-names", "text", "Preamble\n\nText.\n\nDEFINITIONS:\n\nText.\n\nIntroduction\n\nT.",
     ["Preamble", "Definitions", "Introduction"]),
    ("annex-with-id", "text", "1. One.\n\nAnnex A - Glossary\n\nWords.", ["1", "Annex A"]),
    ("crlf-nbsp", "text", "1.\u00a0One.\r\n\r\n2.\u00a0Two.\r\n(a)\u00a0x.", ["1", "2", "  2(a)"]),
    ("en-dash", "text", "1 \u2013 Privacy\n\nText.\n\n2 \u2013 Security\n\nText.", ["1", "2"]),
    ("trailing-whitespace", "text", "1.   One.   \n   \n2.\t Two.\t", ["1", "2"]),
    ("upper-letters-under-roman", "text", "1. One:\n(a) x:\n(i) y:\n(A) z.",
     ["1", "  1(a)", "    1(a)(i)", "      1(a)(i)(A)"]),
    ("paren-digits", "text", "1. One:\n(1) x;\n(2) y.", ["1", "  1(1)", "  1(2)"]),
    ("orphan-sub-number", "text", "1.1 Alone.\n\n1.2 Next.", ["1.1", "1.2"]),
    ("c-without-b-is-letter", "text", "1. One.\n\n(c) x.\n\n(d) y.", ["1", "  1(c)", "  1(d)"]),
    ("v-without-iv-is-roman", "text", "1. One.\n\n(v) x.\n\n(vi) y.", ["1", "  1(v)", "  1(vi)"]),
    ("md-headings", "markdown", "## 1. One\n\nText.\n\n### 1.1 Sub\n\nText.\n\n## 2. Two",
     ["1", "  1.1", "2"]),
    ("md-list-under-heading", "markdown", "## 2. Two\n\nStates should:\n\n1. publish;\n2. consult.",
     ["2", "  2.1", "  2.2"]),
    ("md-nested-list", "markdown", "1. One:\n   1. x;\n   2. y.\n2. Two.",
     ["1", "  1.1", "  1.2", "2"]),
    ("md-lazy-numbering", "markdown", "1. a\n1. b\n1. c", ["1", "2", "3"]),
    ("md-lazy-nested-list", "markdown", "1. a\n   1. x\n   1. y\n1. b",
     ["1", "  1.1", "  1.2", "2"]),
    ("text-sublist", "text", "2. States should:\n1) publish;\n2) consult.\n3. Next.",
     ["2", "  2.1", "  2.2", "3"]),
    ("text-sublist-under-letter", "text", "1. One:\n(a) x:\n1. y;\n2. z.\n(b) w.",
     ["1", "  1(a)", "    1(a)(1)", "    1(a)(2)", "  1(b)"]),
    ("md-escaped-number", "markdown", "1. One.\n\n1\\. Not a number.", ["1"]),
    ("md-unnumbered-heading", "markdown", "## Part A\n\n### Rationale\n\nText.\n\n1. One.",
     ["[Part A]", "  [Rationale]", "1"]),
    ("md-numbered-heading-without-dot", "markdown", "## 1 One\n\n## 2 Two", ["1", "2"]),
]


@pytest.mark.parametrize("fmt,source,expected",
                         [case[1:] for case in NUMBERING_CASES],
                         ids=[case[0] for case in NUMBERING_CASES])
def test_numbering_and_nesting(fmt, source, expected):
    assert outline(parse_draft(source, fmt)) == expected


def test_there_are_enough_numbering_cases():
    assert len(NUMBERING_CASES) >= 25


def test_numbered_text_stays_with_its_clause():
    clauses = by_number(parse_draft(
        "1. In 2016 the coalition met.\n2016 was a good year.\n10 governments signed.", "text"))
    assert clauses["1"].text == ("In 2016 the coalition met. 2016 was a good year. "
                                 "10 governments signed.")


def test_heading_versus_text_on_a_numbered_line():
    clauses = by_number(parse_draft(
        "1. Human rights by design\n\nPolicies should respect rights.\n\n"
        "2. Policies should be open.\n\n3. Short line\n4. Another short line", "text"))
    assert (clauses["1"].heading, clauses["1"].text) == (
        "Human rights by design", "Policies should respect rights.")
    assert (clauses["2"].heading, clauses["2"].text) == (None, "Policies should be open.")
    assert (clauses["3"].heading, clauses["3"].text) == (None, "Short line")


@pytest.mark.parametrize("source", ["Article 3 \u2013 Scope\n\nThis applies.",
                                    "Article 3: Scope\n\nThis applies.",
                                    "Article 3\nScope\n\nThis applies."])
def test_keyword_headings(source):
    clause = parse_draft(source, "text")[0]
    assert (clause.number, clause.heading, clause.text) == ("Article 3", "Scope", "This applies.")


def test_numbered_line_alone_with_heading_below():
    clause = parse_draft("1.\nHuman rights by design\n\nPolicies should respect rights.", "text")[0]
    assert (clause.heading, clause.text) == ("Human rights by design",
                                             "Policies should respect rights.")


@pytest.mark.parametrize("source", [
    "# Preamble\n\nText.\n\n# Definitions\n\nMore.",
    "**Preamble**\n\nText.\n\n**Definitions**\n\nMore.",
    "Preamble\n========\n\nText.\n\nDefinitions:\n\nMore.",
])
def test_special_names_have_no_heading(source):
    clauses = parse_draft(source, "markdown")
    assert [(c.number, c.heading, c.text) for c in clauses] == [
        ("Preamble", None, "Text."), ("Definitions", None, "More.")]


def test_text_before_the_first_clause_is_kept():
    clauses = parse_draft("Some opening words that are\nnot a title.\n\n1. One.", "text")
    assert (clauses[0].number, clauses[0].heading) == (None, None)
    assert clauses[0].text == "Some opening words that are not a title."
    assert clauses[1].number == "1"


# -- a FOC-like draft, end to end -----------------------------------------------------------------

FOC_TEXT = """\
Recommendations for Human Rights Based Approaches to Cybersecurity

Preamble

The Freedom Online Coalition (FOC) is committed to protecting and promoting human rights,
online and offline.

Recalling that the same rights that people have offline must also be protected online;

Recognising that cybersecurity and human rights are complementary, mutually reinforcing and
interdependent;

Definition

Cybersecurity is the preservation \u2013 through policy, technology, and education \u2013 of the
availability, confidentiality and integrity of information and its underlying infrastructure.

Recommendations

1. Human rights by design

Cybersecurity policies and decision-making processes should protect and respect human rights.

2. Openness

The development of cybersecurity-related legislation should be open and transparent:
(a) laws should be publicly available;
(b) processes should include all stakeholders, including:
(i) civil society;
(ii) the private sector;
(iii) academia.
(c) oversight should be independent.

3. Governments should promote:

3.1 Encryption and anonymity tools.

3.2 Secure-by-design products, for example:
- automatic updates;
- strong defaults.
"""

FOC_MARKDOWN = """\
# Recommendations for Human Rights Based Approaches to Cybersecurity

## Preamble

The **Freedom Online Coalition** (FOC) is committed to protecting and promoting human rights,
online and offline.

_Recalling_ that the same rights that people have offline must also be protected online;

Recognising that cybersecurity and human rights are complementary, mutually reinforcing and
interdependent;

## Definition

Cybersecurity is the preservation \u2013 through policy, technology, and education \u2013 of the
availability, confidentiality and integrity of information and its underlying infrastructure.

## Recommendations

### 1. Human rights by design

Cybersecurity policies and decision-making processes should protect and respect human rights.

### 2. Openness

The development of cybersecurity-related legislation should be open and transparent:

(a) laws should be publicly available;

(b) processes should include all stakeholders, including:

  (i) civil society;
  (ii) the private sector;
  (iii) academia.

(c) oversight should be independent.

### 3. Governments should promote:

3.1 Encryption and anonymity tools.

3.2 Secure-by-design products, for example:
- automatic updates;
- strong defaults.
"""

FOC_OUTLINE = ["Preamble", "Definition", "[Recommendations]", "1", "2", "  2(a)", "  2(b)",
               "    2(b)(i)", "    2(b)(ii)", "    2(b)(iii)", "  2(c)", "3", "  3.1", "  3.2"]


@pytest.mark.parametrize("fmt,source", [("text", FOC_TEXT), ("markdown", FOC_MARKDOWN)])
def test_foc_like_draft(fmt, source):
    clauses = parse_draft(source, fmt)
    assert outline(clauses) == FOC_OUTLINE
    assert parse_title(source, fmt) == ("Recommendations for Human Rights Based Approaches to "
                                        "Cybersecurity")
    numbered = by_number(clauses)
    assert numbered["Preamble"].heading is None
    assert numbered["Preamble"].text == (
        "The Freedom Online Coalition (FOC) is committed to protecting and promoting human "
        "rights, online and offline.\n\n"
        "Recalling that the same rights that people have offline must also be protected online;"
        "\n\nRecognising that cybersecurity and human rights are complementary, mutually "
        "reinforcing and interdependent;")
    assert numbered["Definition"].text.startswith(
        "Cybersecurity is the preservation \u2013 through policy, technology, and education \u2013")
    assert numbered["1"].heading == "Human rights by design"
    assert numbered["1"].text.startswith("Cybersecurity policies and decision-making")
    assert numbered["2"].heading == "Openness"
    assert numbered["2(b)"].text == "processes should include all stakeholders, including:"
    assert numbered["2(b)(ii)"].text == "the private sector;"
    assert numbered["3.2"].text == ("Secure-by-design products, for example:\n"
                                    "- automatic updates;\n- strong defaults.")
    assert numbered[None].heading == "Recommendations" and numbered[None].text == ""


def test_flatten_gives_depth_and_parent_index():
    rows = flatten(parse_draft(FOC_TEXT, "text"))
    index = {c.number: i for i, (c, _, _) in enumerate(rows)}
    assert rows[index["2(b)(i)"]][1:] == (2, index["2(b)"])
    assert rows[index["2(b)"]][1:] == (1, index["2"])
    assert rows[index["Preamble"]][1:] == (0, None)
    assert [c.number for c, _, _ in rows[index["2"]:index["3"]]] == [
        "2", "2(a)", "2(b)", "2(b)(i)", "2(b)(ii)", "2(b)(iii)", "2(c)"]


# -- Markdown versus text -------------------------------------------------------------------------

def test_markdown_inline_markup_is_stripped():
    source = ("1. **Bold** and _em_ and *star* with [a link](https://example.org) and `code`, "
              "***both***, snake_case_name stays, 2 * 3 * 4 stays, \\*escaped\\* stays, "
              "signature: ______ stays.")
    assert parse_draft(source, "markdown")[0].text == (
        "Bold and em and star with a link and code, both, snake_case_name stays, 2 * 3 * 4 "
        "stays, *escaped* stays, signature: ______ stays.")


def test_plain_text_keeps_markup_characters():
    clauses = parse_draft("1. **Bold** stays.\n\n# Not a heading", "text")
    assert clauses[0].text == "**Bold** stays.\n\n# Not a heading"


@pytest.mark.parametrize("line,heading,text", [
    ("1. **Privacy.** States should protect it.", "Privacy", "States should protect it."),
    ("1. **Privacy**: States should protect it.", "Privacy", "States should protect it."),
    ("1. **Privacy** \u2013 States should protect it.", "Privacy", "States should protect it."),
    ("1. **Privacy**", "Privacy", ""),
    ("1. **States** should protect it.", None, "States should protect it."),
])
def test_markdown_bold_run_in_heading(line, heading, text):
    clause = parse_draft(line, "markdown")[0]
    assert (clause.heading, clause.text) == (heading, text)


def test_markdown_title_needs_other_headings_or_clauses():
    assert parse_title("# Title\n\n## Preamble\n\nText.", "markdown") == "Title"
    assert parse_title("# Only heading\n\nText.", "markdown") is None
    assert parse_title("# Preamble\n\n## 1. One", "markdown") is None
    assert parse_title("# A\n\ntext\n\n# B\n\ntext", "markdown") is None
    assert parse_title("## Part A\n\n### Rationale", "markdown") is None
    clauses = parse_draft("# Only heading\n\nText.", "markdown")
    assert [(c.number, c.heading, c.text) for c in clauses] == [(None, "Only heading", "Text.")]


def test_text_title_is_a_short_first_line():
    assert parse_title("Draft recommendations\n\n1. One.", "text") == "Draft recommendations"
    assert parse_title("This first line is a sentence.\n\n1. One.", "text") is None
    assert parse_title("1. One.\n\n2. Two.", "text") is None
    assert parse_title("", "text") is None


def test_title_of_two_short_lines_and_a_colon_heading():
    source = ("Freedom Online Coalition\nRecommendations on Cybersecurity\n\n"
              "Definition: Cybersecurity is the preservation of information.\n\n"
              "Recommendations:\n\n1. Laws should respect rights.\n\n2. Processes should be open."
              "\n\nIn particular\n\n(a) they should be public.")
    assert parse_title(source, "text") == ("Freedom Online Coalition Recommendations on "
                                           "Cybersecurity")
    clauses = parse_draft(source, "text")
    assert outline(clauses) == ["Definition", "[Recommendations]", "1", "2", "  2(a)"]
    assert clauses[0].text == "Cybersecurity is the preservation of information."
    assert by_number(clauses)["2"].text == "Processes should be open.\n\nIn particular"


def test_setext_headings_and_tables_in_markdown():
    source = "Title\n=====\n\nPreamble\n--------\n\nText.\n\n| a | b |\n|---|---|\n| c | d |\n"
    clauses = parse_draft(source, "markdown")
    assert parse_title(source, "markdown") == "Title"
    assert [(c.number, c.text) for c in clauses] == [("Preamble", "Text.\n\na | b\nc | d")]


def test_short_lines_after_a_colon_are_not_headings():
    source = "1. The coalition notes:\n\nPrivacy online\n\nSecurity online\n\n2. Two."
    clauses = by_number(parse_draft(source, "text"))
    assert clauses["1"].text == "The coalition notes:\n\nPrivacy online\n\nSecurity online"


# -- .docx ----------------------------------------------------------------------------------------

def _add_list_definition(document, abstract_id: int, levels: list[tuple[str, str]]) -> None:
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for ilvl, (fmt, text) in enumerate(levels):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants abstractNums before nums
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(abstract_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    numbering.append(num)


def _numbered(document, text: str, num_id: int, ilvl: int):
    paragraph = document.add_paragraph(text)
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", ilvl), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), str(value))
        num_pr.append(child)
    paragraph._p.get_or_add_pPr().append(num_pr)
    return paragraph


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def foc_docx() -> bytes:
    """A Word draft with Title/Heading styles, real list numbering (numPr) and a table."""
    document = docx.Document()
    document.add_paragraph("Recommendations on Cybersecurity", style="Title")
    document.add_heading("Preamble", level=1)
    document.add_paragraph("The coalition recognises that rights apply online.")
    document.add_heading("Definition", level=1)
    document.add_paragraph("Cybersecurity is the preservation of information.")
    _add_list_definition(document, 90, [("decimal", "%1."), ("lowerLetter", "(%2)"),
                                        ("lowerRoman", "(%3)")])
    _add_list_definition(document, 91, [("decimal", "%1."), ("decimal", "%1.%2")])
    _numbered(document, "Governments should protect rights:", 90, 0)
    _numbered(document, "publish laws;", 90, 1)
    _numbered(document, "first;", 90, 2)
    _numbered(document, "second;", 90, 2)
    _numbered(document, "consult.", 90, 1)
    _numbered(document, "Openness", 90, 0).runs[0].bold = True
    document.add_paragraph("Processes should be open.")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Actor", (0, 1): "Role", (1, 0): "Government",
                             (1, 1): "Regulate"}.items():
        table.cell(row, col).text = text
    document.add_heading("Annex", level=1)
    _numbered(document, "First annex point.", 91, 0)
    _numbered(document, "Detail.", 91, 1)
    return _docx_bytes(document)


def test_docx_headings_numbering_and_table(foc_docx):
    fmt, source = decode_upload("draft.docx", foc_docx)
    assert fmt == "markdown"
    assert "# Recommendations on Cybersecurity" in source
    assert "\n1. Governments should protect rights:" in source
    assert "\n(a) publish laws;" in source and "\n(ii) second;" in source
    assert "| Actor | Role |" in source
    clauses = parse_draft(source, fmt)
    assert parse_title(source, fmt) == "Recommendations on Cybersecurity"
    # The annex restarts its numbering: its "1." is a top-level clause again.
    assert outline(clauses) == ["Preamble", "Definition", "1", "  1(a)", "    1(a)(i)",
                                "    1(a)(ii)", "  1(b)", "2", "Annex", "1", "  1.1"]
    numbered = by_number(clauses)
    assert numbered["1(a)(ii)"].text == "second;"
    assert numbered["2"].heading == "Openness"
    assert numbered["2"].text == "Processes should be open.\n\nActor | Role\nGovernment | Regulate"


def test_docx_list_styles_and_formats():
    document = docx.Document()
    document.add_paragraph("Item by style.", style="List Number")
    document.add_paragraph("Second by style.", style="List Number")
    _add_list_definition(document, 92, [("upperRoman", "%1."), ("upperLetter", "%2)")])
    _numbered(document, "Part one.", 92, 0)
    _numbered(document, "Point.", 92, 1)
    _numbered(document, "Point.", 92, 1)
    _numbered(document, "Part two.", 92, 0)
    _, source = decode_upload("x.docx", _docx_bytes(document))
    assert source.split("\n\n") == ["1. Item by style.", "2. Second by style.", "I. Part one.",
                                    "A) Point.", "B) Point.", "II. Part two.\n"]


def _append_xml(paragraph, tag: str, text: str) -> None:
    wrapper = OxmlElement(tag)
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if tag == "w:del" else "w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    wrapper.append(run)
    paragraph._p.append(wrapper)


def test_docx_numbered_headings_overrides_and_tracked_changes():
    document = docx.Document()
    _add_list_definition(document, 93, [("decimal", "%1."), ("decimal", "%1.%2.")])
    _numbered(document, "Scope", 93, 0).style = document.styles["Heading 1"]
    paragraph = _numbered(document, "Applies to", 93, 1)
    _append_xml(paragraph, "w:del", " nobody")
    _append_xml(paragraph, "w:ins", " everyone.")
    # A second list instance of the same definition that restarts at 5.
    numbering = document.part.numbering_part.element
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "94")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "93")
    num.append(ref)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "5")
    override.append(start)
    num.append(override)
    numbering.append(num)
    _numbered(document, "Fifth.", 94, 0)
    data = _docx_bytes(document)
    # Never silently: the caller says which text it wants (tests/unit/test_importer_review.py).
    _assert_file_error("x.docx", data, "2 tracked changes")
    assert decode_upload("x.docx", data, tracked="rejected")[1] == "# 1. Scope\n\n1.1. Applies to nobody\n\n5. Fifth.\n"
    _, source = decode_upload("x.docx", data, tracked="accepted")
    assert source == "# 1. Scope\n\n1.1. Applies to everyone.\n\n5. Fifth.\n"
    clauses = parse_draft(source, "markdown")
    assert [(c.number, c.heading, c.text) for c, _, _ in flatten(clauses)] == [
        ("1", "Scope", ""), ("1.1", None, "Applies to everyone."), ("5", None, "Fifth.")]


def test_docx_that_inflates_too_much(foc_docx, monkeypatch):
    import deliberation.importer.docx as word
    monkeypatch.setattr(word, "MAX_UNCOMPRESSED_BYTES", 1000)
    _assert_file_error("draft.docx", foc_docx, "too large")


def test_docx_without_numbering_definitions_or_text():
    document = docx.Document()
    _numbered(document, "Numbered with an unknown list.", 77, 0)
    document.add_paragraph("")
    document.add_paragraph("# starts with a hash")
    _, source = decode_upload("x.docx", _docx_bytes(document))
    assert source == "1. Numbered with an unknown list.\n\n\\# starts with a hash\n"
    assert parse_draft(source, "markdown")[0].text == "Numbered with an unknown list.\n\n" \
        "# starts with a hash"


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["", "   \n\t\n", "\r\n\u00a0"])
def test_empty_draft(source):
    with pytest.raises(DraftImportError) as err:
        parse_draft(source, "text")
    assert err.value.field == "source" and "empty" in err.value.message


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_no_clauses(fmt):
    with pytest.raises(DraftImportError, match="No clauses were recognised"):
        parse_draft("just a sentence in lower case.\nand another one.", fmt)


def test_title_only_is_no_clauses():
    with pytest.raises(DraftImportError, match="No clauses were recognised"):
        parse_draft("A title\n\nnothing else but prose.", "text")


def test_unknown_format():
    with pytest.raises(DraftImportError):
        parse_draft("1. One.", "html")


def test_too_many_clauses():
    source = "\n".join(f"{n}. Clause." for n in range(1, MAX_CLAUSES + 2))
    with pytest.raises(DraftImportError, match="more than 2,000 clauses"):
        parse_draft(source, "text")
    assert len(parse_draft("\n".join(f"{n}. C." for n in range(1, MAX_CLAUSES + 1)), "text")) \
        == MAX_CLAUSES


def test_nesting_depth_is_capped():
    source = "\n".join(" " * depth + "1. x" for depth in range(0, 40, 2))
    depths = [depth for _, depth, _ in flatten(parse_draft(source, "markdown"))]
    assert len(depths) == 20 and max(depths) == 11


def test_clause_too_long():
    long = " ".join(["word"] * (MAX_CLAUSE_CHARS // 5 + 10))
    with pytest.raises(DraftImportError, match="Clause 2 is longer than 50,000 characters"):
        parse_draft(f"1. Short.\n\n2. {long}", "text")


def _assert_file_error(filename: str, data: bytes, words: str) -> None:
    with pytest.raises(DraftImportError) as err:
        decode_upload(filename, data)
    assert err.value.field == "file"
    assert words in err.value.message
    assert "Traceback" not in err.value.message and "Error" not in err.value.message


def test_upload_text_and_markdown():
    assert decode_upload("draft.md", "1. One.".encode()) == ("markdown", "1. One.")
    assert decode_upload("DRAFT.MARKDOWN", b"x") == ("markdown", "x")
    assert decode_upload("C:\\drafts\\draft.txt", b"\xef\xbb\xbf1. One.") == ("text", "1. One.")


def test_upload_not_utf8():
    _assert_file_error("draft.txt", "1. Caf\u00e9".encode("latin-1"), "not UTF-8")
    _assert_file_error("draft.md", "1. One".encode("utf-16"), "not UTF-8")


def test_upload_too_large():
    _assert_file_error("draft.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "2 MB")
    assert decode_upload("draft.txt", b"a" * MAX_UPLOAD_BYTES)[0] == "text"


def test_upload_corrupt_docx():
    _assert_file_error("draft.docx", b"PK\x03\x04 not really a zip", "not a valid Word document")
    _assert_file_error("draft.docx", b"plain text", "not a valid Word document")


def test_upload_docx_without_document_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/other.xml", "<x/>")
    _assert_file_error("draft.docx", buffer.getvalue(), "not a valid Word document")


def test_upload_docx_with_broken_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types")
        package.writestr("word/document.xml", "<broken")
    _assert_file_error("draft.docx", buffer.getvalue(), "not a valid Word document")


@pytest.mark.parametrize("filename", ["draft.pdf", "draft", "draft.odt", "", "x.docx.exe"])
def test_upload_unsupported_extension(filename):
    _assert_file_error(filename, b"1. One.", "Upload a .md, .markdown, .txt or .docx file")


def test_upload_legacy_doc_and_empty_file():
    _assert_file_error("draft.doc", b"\xd0\xcf\x11\xe0", ".docx")
    _assert_file_error("draft.txt", b"", "empty")


# -- properties -----------------------------------------------------------------------------------

_FIRST_WORDS = st.sampled_from("the coalition states governments experts data".split())
_WORDS = st.sampled_from("the coalition states should protect rights online and offline "
                         "security privacy data 2016 10. 1.1 (a) governments experts".split())
_SENTENCE = st.tuples(_FIRST_WORDS, st.lists(_WORDS, max_size=12)).map(
    lambda words: " ".join([words[0].capitalize(), *words[1]]) + ".")
_PARAGRAPHS = st.lists(_SENTENCE, min_size=1, max_size=3)
_ROMANS = "i ii iii iv v vi vii viii ix x xi xii".split()


@st.composite
def numbered_drafts(draw):
    """A well-formed draft: "1."-style top level, then "1.1" or "(a)" children, "(i)" below."""
    expected: list[tuple[str, str, str]] = []   # (number as written on the line, number, text)
    for top in range(1, draw(st.integers(1, 5)) + 1):
        expected.append((f"{top}.", str(top), draw(_PARAGRAPHS)))
        style = draw(st.sampled_from(["decimal", "letters", "none"]))
        for child in range(1, draw(st.integers(0, 4)) + 1 if style != "none" else 1):
            if style == "decimal":
                written = number = f"{top}.{child}"
            else:
                written, number = f"({chr(96 + child)})", f"{top}({chr(96 + child)})"
            expected.append((written, number, draw(_PARAGRAPHS)))
            if style == "letters":
                for sub in range(draw(st.integers(0, 3))):
                    roman = _ROMANS[sub]
                    expected.append((f"({roman})", f"{number}({roman})", draw(_PARAGRAPHS)))
    return expected


def _render(expected, fmt: str, compact: bool) -> str:
    """Markdown puts top-level clauses in headings; compact drafts have no blank line before
    a numbered line."""
    chunks = []
    for written, number, paragraphs in expected:
        if fmt == "markdown" and number.isdigit():
            chunks.append(f"## {written} Clause {number}\n\n" + "\n\n".join(paragraphs))
        else:
            chunks.append(f"{written} " + "\n\n".join(paragraphs))
    return ("\n" if compact else "\n\n").join(chunks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(numbered_drafts(), st.sampled_from(["text", "markdown"]), st.booleans())
def test_numbered_drafts_round_trip(expected, fmt, compact):
    clauses = flatten(parse_draft(_render(expected, fmt, compact), fmt))
    assert [c.number for c, _, _ in clauses] == [number for _, number, _ in expected]
    for (clause, depth, _), (written, number, paragraphs) in zip(clauses, expected):
        assert clause.text == "\n\n".join(paragraphs)
        assert depth == number.count(".") + number.count("(")


_SOUP = st.lists(st.sampled_from([
    "1.", "1.1", "2(a)", "(a)", "(i)", "(h)", "(v)", "a)", "I.", "(1)", "Article 3", "Preamble",
    "Annex A", "# ", "## ", "**", "_", "`", "[t](u)", "- ", "| x |", "|---|", "===", "---", "\n",
    "\n\n", "\r\n", " ", "\t", "\u00a0", "word", "Word", ":", ".", "2016", "9999.", "\\", "<b>",
    "1.1.1.1.1.1.1.1.1", "(mix)", "\x00", "\ufeff"]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _SOUP), st.sampled_from(["text", "markdown"]))
def test_parse_never_raises_anything_else(source, fmt):
    try:
        clauses = parse_draft(source, fmt)
    except DraftImportError as err:
        assert err.message
        return
    for clause, _, _ in flatten(clauses):
        assert isinstance(clause.text, str) and len(clause.text) <= MAX_CLAUSE_CHARS
    parse_title(source, fmt)
