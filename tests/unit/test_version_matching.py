"""Matching the clauses of a revised draft to their predecessors: renumbering, insertion, splits, merges."""
from hypothesis import given
from hypothesis import strategies as st

from deliberation.services.version_matching import ClauseText, change_of, match_clauses

PREAMBLE = ClauseText("Preamble", "Preamble", "Security and rights go together in every policy we write.")
ONE = ClauseText("1", "Rights by design", "Laws should respect human rights from the outset, not afterwards.")
TWO = ClauseText("2", "Encryption", "Strong encryption should be protected and promoted by every government.")
THREE = ClauseText("3", "Vulnerabilities", "Researchers who report flaws in good faith should be protected from threats.")
OLD = [PREAMBLE, ONE, TWO, THREE]


def renumber(clause, number):
    return ClauseText(number, clause.heading, clause.text)


def test_identical_drafts_match_one_to_one():
    assert match_clauses(OLD, OLD) == [0, 1, 2, 3]
    assert [change_of(o, n) for o, n in zip(OLD, OLD)] == ["unchanged"] * 4


def test_an_inserted_clause_shifts_the_numbers():
    inserted = ClauseText("2", "Capacity", "Build capacity in civil society to protect itself online.")
    new = [PREAMBLE, ONE, inserted, renumber(TWO, "3"), renumber(THREE, "4")]
    assert match_clauses(OLD, new) == [0, 1, None, 2, 3]
    # renumbered with the same heading and text: the clause itself did not change
    assert change_of(TWO, new[3]) == "unchanged"


def test_an_inserted_clause_before_an_edited_renumbered_one():
    inserted = ClauseText("2", "Capacity", "Governments should build capacity in civil society.")
    edited = ClauseText("3", "Encryption", "Strong encryption should be protected and promoted by all governments.")
    new = [PREAMBLE, ONE, inserted, edited, renumber(THREE, "4")]
    assert match_clauses(OLD, new) == [0, 1, None, 2, 3]
    assert change_of(TWO, edited) == "changed"


def test_renumbered_clauses_in_another_order():
    new = [PREAMBLE, renumber(THREE, "1"), renumber(ONE, "2"), renumber(TWO, "3")]
    assert match_clauses(OLD, new) == [0, 3, 1, 2]


def test_a_removed_clause_has_no_successor():
    new = [PREAMBLE, ONE, renumber(THREE, "2")]
    assert match_clauses(OLD, new) == [0, 1, 3]


def test_a_split_clause_keeps_its_predecessor_on_the_part_with_its_number():
    first = ClauseText("2", "Encryption", "Strong encryption should be protected")
    second = ClauseText("3", "Encryption, continued", "and promoted by every government.")
    new = [PREAMBLE, ONE, first, second, renumber(THREE, "4")]
    matches = match_clauses(OLD, new)
    assert matches[2] == 2 and matches[3] is None and matches[4] == 3


def test_merged_clauses_keep_the_predecessor_they_resemble_most():
    merged = ClauseText("2", "Encryption and vulnerabilities", TWO.text + " " + THREE.text[:40])
    assert match_clauses(OLD, [PREAMBLE, ONE, merged]) == [0, 1, 2]


def test_a_rewritten_clause_that_keeps_its_number_is_still_the_clause():
    reworded = ClauseText("1", "Rights by design", "Laws should protect human rights from the start.")
    assert match_clauses(OLD, [PREAMBLE, reworded, TWO, THREE])[1] == 1


def test_a_different_text_under_an_old_number_is_new():
    unrelated = ClauseText("3", "Capacity", "Training for judges and police on digital evidence.")
    assert match_clauses(OLD, [PREAMBLE, ONE, TWO, unrelated]) == [0, 1, 2, None]


def test_empty_clauses_match_by_number_only():
    old = [ClauseText("1", None, ""), ClauseText("1.1", None, "Text.")]
    new = [ClauseText("1", None, ""), ClauseText("2", None, "")]
    assert match_clauses(old, new) == [0, None]


def test_the_same_text_twice_matches_in_order():
    same = ClauseText("1", None, "The same words.")
    old = [same, renumber(same, "2")]
    assert match_clauses(old, [renumber(same, "1"), renumber(same, "2")]) == [0, 1]


texts = st.text(alphabet="abc de.", min_size=0, max_size=30)
clause_lists = st.lists(st.builds(ClauseText, st.sampled_from(["1", "2", "3", None]), st.none(), texts), max_size=8)


@given(clause_lists, clause_lists)
def test_no_predecessor_is_used_twice(old, new):
    matches = match_clauses(old, new)
    used = [m for m in matches if m is not None]
    assert len(used) == len(set(used)) and all(0 <= m < len(old) for m in used)


@given(clause_lists)
def test_an_unchanged_draft_matches_itself(clauses):
    matches = match_clauses(clauses, clauses)
    assert all(change_of(clauses[m], c) == "unchanged" for m, c in zip(matches, clauses) if m is not None)
    # every clause with a word in it finds itself (or an identical twin)
    assert all(m is not None for m, c in zip(matches, clauses) if any(ch.isalpha() for ch in c.text))
