"""The chair's corrections in the import preview (deliberation.importer.edits): split, merge, renumber, nest
in and out, one clause per paragraph, the few-giant-clauses rule, and edits that cannot apply."""

from __future__ import annotations

import pytest

from deliberation.importer import (MAX_CLAUSE_CHARS, MAX_CLAUSES, DraftImportError, apply_edits, few_giant_clauses,
                                   flatten, parse_draft, split_points)

DRAFT = """# Recommendations

## Preamble

The coalition recognises that rights apply online. States have duties.

## 1. Privacy

States should protect privacy.

### 1.1

Laws should be public.

### 1.2

Oversight should be independent.

## 2. Openness

Processes should be open.
"""


def preview(edits=None, source=DRAFT, fmt="markdown"):
    flat = flatten(parse_draft(source, fmt))
    return apply_edits(flat, edits) if edits is not None else flat


def outline(flat) -> list[str]:
    return ["  " * depth + (c.number or c.heading or c.text[:12]) for c, depth, _p in flat]


def test_the_draft():
    assert outline(preview()) == ["Preamble", "1", "  1.1", "  1.2", "2"]


def test_split_a_clause_at_an_offset():
    text = preview()[0][0].text
    offset = text.index("States have")
    flat = preview([{"op": "split", "index": 0, "offset": offset}])
    assert [(c.number, c.text) for c, _d, _p in flat[:2]] == [
        ("Preamble", "The coalition recognises that rights apply online."), (None, "States have duties.")]
    assert outline(flat) == ["Preamble", "States have ", "1", "  1.1", "  1.2", "2"]


def test_split_of_a_clause_with_sub_clauses_keeps_them_under_it():
    flat = preview([{"op": "split", "index": 1, "offset": len("States should")}])
    assert outline(flat) == ["Preamble", "1", "  protect priv", "  1.1", "  1.2", "2"]
    assert flat[3][2] == 1  # 1.1's parent is still clause 1


def test_merge_into_the_clause_above():
    flat = preview([{"op": "merge", "index": 3}])
    assert outline(flat) == ["Preamble", "1", "  1.1", "2"]
    assert flat[2][0].text == "Laws should be public.\n\nOversight should be independent."


def test_merge_a_clause_with_sub_clauses_and_a_heading():
    """2 merges into 1.2: its heading becomes a paragraph; 1 merges into the Preamble: 1.1 and 1.2 follow."""
    flat = preview([{"op": "merge", "index": 4}])
    assert flat[3][0].text == "Oversight should be independent.\n\nOpenness\n\nProcesses should be open."
    flat = preview([{"op": "merge", "index": 1}])
    assert outline(flat) == ["Preamble", "  1.1", "  1.2", "2"]
    assert flat[0][0].text.endswith("States have duties.\n\nPrivacy\n\nStates should protect privacy.")
    assert [parent for _c, _d, parent in flat] == [None, 0, 0, None]


def test_renumber_and_remove_a_number():
    flat = preview([{"op": "renumber", "index": 4, "number": "  3  bis "}, {"op": "renumber", "index": 0, "number": ""}])
    assert [c.number for c, _d, _p in flat] == [None, "1", "1.1", "1.2", "3 bis"]
    assert preview([{"op": "renumber", "index": 4, "number": None}])[4][0].number is None


def test_nest_in_and_out():
    flat = preview([{"op": "indent", "index": 4}])  # 2 goes under 1, after 1.2
    assert outline(flat) == ["Preamble", "1", "  1.1", "  1.2", "  2"]
    flat = preview([{"op": "indent", "index": 1}])  # 1 and its sub-clauses go under the Preamble
    assert outline(flat) == ["Preamble", "  1", "    1.1", "    1.2", "2"]
    flat = preview([{"op": "outdent", "index": 2}])  # 1.1 out: 1.2 after it becomes its sub-clause
    assert outline(flat) == ["Preamble", "1", "1.1", "  1.2", "2"]
    assert [parent for _c, _d, parent in flat] == [None, None, None, 2, None]


def test_edits_apply_in_order_on_the_list_as_it_stands():
    flat = preview([{"op": "split", "index": 0, "offset": 51}, {"op": "renumber", "index": 1, "number": "P2"},
                    {"op": "indent", "index": 1}, {"op": "merge", "index": 2}])
    assert outline(flat) == ["Preamble", "  P2", "    1.1", "    1.2", "2"]
    assert flat[1][0].text == "States have duties.\n\nPrivacy\n\nStates should protect privacy."


def test_the_parsed_clauses_are_not_changed():
    flat = preview()
    apply_edits(flat, [{"op": "merge", "index": 1}, {"op": "renumber", "index": 0, "number": "X"}])
    assert outline(flat) == ["Preamble", "1", "  1.1", "  1.2", "2"]


GIANT = "# Notes\n\n" + "\n\n".join(f"Paragraph {n} of the notes." for n in range(1, 6)) + \
    "\n\n# More\n\nOne.\n\nTwo.\n"


def test_few_giant_clauses_and_one_clause_per_paragraph():
    flat = preview(source=GIANT)
    assert outline(flat) == ["Notes", "More"]
    assert few_giant_clauses(flat) == 5
    flat = preview([{"op": "paragraphs"}], source=GIANT)
    assert [c.text for c, _d, _p in flat] == [f"Paragraph {n} of the notes." for n in range(1, 6)] + ["One.", "Two."]
    assert [c.heading for c, _d, _p in flat] == ["Notes", None, None, None, None, "More", None]
    assert few_giant_clauses(flat) == 0


@pytest.mark.parametrize("source, expected", [
    (DRAFT, 0),                                                          # numbered
    (GIANT.replace("# More", "# 1. More"), 0),                           # one number is enough
    (GIANT.replace("# Notes", "# Preamble"), 5),                         # a section name is not numbering
    ("# A\n\none\n\ntwo\n\nthree\n", 0),                                 # three paragraphs are fine
    ("".join(f"# H{n}\n\none\n\ntwo\n\nthree\n\nfour\n\n" for n in range(11)), 0),  # eleven clauses: structured
])
def test_the_few_giant_clauses_rule(source, expected):
    assert few_giant_clauses(preview(source=source)) == expected


def test_one_clause_per_paragraph_keeps_sub_clauses_under_their_parent():
    flat = preview([{"op": "paragraphs"}], source="1. Lead.\n\nMore lead.\n\n1.1 Sub.\n")
    assert outline(flat) == ["1", "  More lead.", "  1.1"]


def test_split_points_offer_lines_paragraphs_and_sentences():
    points = split_points("One. Two; three.\n\n- a\n- b")
    assert [(offset, words, line) for offset, words, line in points] == [
        (5, "Two;", False), (10, "three.", False), (18, "- a", True), (22, "- b", True)]
    assert split_points("One sentence only.") == []


@pytest.mark.parametrize("edits, words", [
    ("merge", "must be a list"),
    ([{"op": "explode", "index": 0}], "must be one of"),
    (["merge"], "must be one of"),
    ([{"op": "merge"}], "from 0 to 4"),
    ([{"op": "merge", "index": 5}], "from 0 to 4"),
    ([{"op": "merge", "index": True}], "from 0 to 4"),
    ([{"op": "merge", "index": 0}], "no clause before it"),
    ([{"op": "split", "index": 0}], "'offset'"),
    ([{"op": "split", "index": 0, "offset": 0}], "'offset'"),
    ([{"op": "split", "index": 0, "offset": 10_000}], "'offset'"),
    ([{"op": "renumber", "index": 0, "number": 3}], "must be a string"),
    ([{"op": "renumber", "index": 0, "number": "x" * 41}], "at most 40 characters"),
    ([{"op": "renumber", "index": 0, "number": "1\x00"}], "control characters"),
    ([{"op": "indent", "index": 0}], "at its own level"),
    ([{"op": "indent", "index": 2}], "at its own level"),
    ([{"op": "outdent", "index": 0}], "already at the top level"),
    ([{"op": "renumber", "index": 0, "number": "1"}] * 501, "At most 500 edits"),
])
def test_edits_that_cannot_apply(edits, words):
    with pytest.raises(DraftImportError) as refused:
        preview(edits)
    assert words in refused.value.message
    assert refused.value.field.startswith("edits")


def test_a_refused_edit_names_its_place():
    with pytest.raises(DraftImportError) as refused:
        preview([{"op": "renumber", "index": 0, "number": "A"}, {"op": "outdent", "index": 0}])
    assert refused.value.field == "edits[1]"


def test_limits_hold_through_edits():
    long = "\n\n".join(["word " * 5000] * 2)
    source = f"1. {'x ' * 20_000}\n\n2. {long}\n"
    with pytest.raises(DraftImportError, match="longer than 50,000 characters"):
        preview([{"op": "merge", "index": 1}], source=source)
    many = "\n".join(f"{n}. Clause." for n in range(1, MAX_CLAUSES)) + "\n\n" + f"{MAX_CLAUSES}. a\n\nb\n\nc"
    with pytest.raises(DraftImportError, match="more than 2,000 clauses"):
        preview([{"op": "paragraphs"}], source=many)
    deep = "\n".join(" " * depth + "1. x" for depth in range(0, 40, 2))
    with pytest.raises(DraftImportError, match="at most 12 levels deep"):
        preview([{"op": "indent", "index": 19}], source=deep, fmt="markdown")
    assert MAX_CLAUSE_CHARS == 50_000
