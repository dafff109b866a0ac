"""Word-level diff, similarity and diff rendering between clause versions."""
import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.textdiff import diff_html, similarity, tokenize, word_diff

words = st.sampled_from(["the", "chair", "may", "call", "a", "meeting", ",", ".", " ", "  ", "\n", "<b>"])
clauses = st.lists(words, max_size=40).map("".join) | st.text(max_size=80)


def rebuild(pieces, keep):
    return "".join(text for kind, text in pieces if kind in ("equal", keep))


@given(st.text())
def test_tokenize_round_trips(text):
    assert "".join(tokenize(text)) == text


def test_tokenize_separates_words_spaces_and_punctuation():
    assert tokenize("The chair,  may vote.") == ["The", " ", "chair", ",", "  ", "may", " ", "vote", "."]


@given(clauses, clauses)
def test_diff_rebuilds_both_versions(old, new):
    pieces = word_diff(old, new)

    assert rebuild(pieces, "delete") == old
    assert rebuild(pieces, "insert") == new
    assert all(text for _, text in pieces)
    assert all(a[0] != b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(not (a[0] == "insert" and b[0] == "delete") for a, b in zip(pieces, pieces[1:]))


def test_diff_reads_as_whole_word_changes():
    assert word_diff("the red car is here", "the blue bike is here") == [
        ("equal", "the "), ("delete", "red car"), ("insert", "blue bike"), ("equal", " is here"),
    ]


def test_diff_shows_punctuation_and_spacing_changes_alone():
    assert word_diff("Members vote, by post.", "Members vote by  post.") == [
        ("equal", "Members vote"), ("delete", ","), ("equal", " by"), ("delete", " "), ("insert", "  "),
        ("equal", "post."),
    ]


def test_diff_of_equal_and_empty_texts():
    assert word_diff("same text", "same text") == [("equal", "same text")]
    assert word_diff("", "") == []
    assert word_diff("", "new") == [("insert", "new")]
    assert word_diff("old", "") == [("delete", "old")]


def test_diff_of_a_long_clause_with_scattered_edits_is_quick():
    rng = random.Random(3)
    vocabulary = "the council shall meet members may vote by post any time notice chair of a in".split()
    old_words = [rng.choice(vocabulary) for _ in range(3000)]
    new_words = [w.upper() if rng.random() < 0.02 else w for w in old_words]
    old, new = " ".join(old_words), " ".join(new_words)

    started = time.perf_counter()
    pieces = word_diff(old, new)

    assert time.perf_counter() - started < 2
    assert rebuild(pieces, "insert") == new


@given(clauses, clauses)
def test_similarity_is_symmetric_and_bounded(a, b):
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0
    assert similarity(a, a) == 1.0


@pytest.mark.parametrize("a, b, expected", [
    ("The chair may call a meeting.", "The chair may call a meeting.", 1.0),
    ("The chair may call a meeting.", "the CHAIR may call a meeting", 1.0),
    ("The chair may call a meeting.", "Members vote by post", 0.0),
    ("", "", 1.0),
    ("", "words", 0.0),
    ("...", "!!!", 0.0),
])
def test_similarity_extremes(a, b, expected):
    assert similarity(a, b) == expected


def test_similarity_grows_with_shared_words():
    original = "The chair may call an extraordinary meeting at any time"
    assert similarity(original, "The chair may call a special meeting at any time") > similarity(
        original, "The secretary keeps the minutes of every meeting"
    ) > 0


def test_diff_html_escapes_everything():
    removed = diff_html("Vote <script>alert(1)</script> now & go", "Vote now & go")
    added = diff_html("Vote now", "Vote now <img src=x onerror=alert(1)>")

    assert "<script>" not in removed and "<img" not in added
    assert removed == "Vote <del>&lt;script&gt;alert(1)&lt;/script&gt; </del>now &amp; go"
    assert added == "Vote now<ins> &lt;img src=x onerror=alert(1)&gt;</ins>"


def test_diff_html_marks_changes():
    assert diff_html("the red car", "the blue car") == "the <del>red</del><ins>blue</ins> car"


@given(clauses, clauses)
def test_diff_html_only_adds_del_and_ins_tags(old, new):
    html = diff_html(old, new)
    for tag in ("<del>", "</del>", "<ins>", "</ins>"):
        html = html.replace(tag, "")
    assert "<" not in html and ">" not in html
