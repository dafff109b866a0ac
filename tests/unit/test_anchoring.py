"""Selectors and their resolution against edited clause text (DOMAIN.md section 4)."""
import random
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deliberation.anchoring import (
    AMBIGUITY_MARGIN,
    CONTEXT_CHARS,
    FUZZY_THRESHOLD,
    Selector,
    SelectorError,
    _edit_distances,
    make_selector,
    resolve_selector,
    selector_from_input,
)

CLAUSE = (
    "1. The assembly meets at least four times a year. "
    "2. The chair may call an extraordinary meeting at any time on seven days' notice. "
    "3. Members vote by a show of hands unless a secret ballot is requested."
)
QUOTE = "The chair may call an extraordinary meeting at any time"
SENTENCE_2 = "2. The chair may call an extraordinary meeting at any time on seven days' notice. "
REWORDED = "The chair can call a special meeting at any time"
TYPO = ("extraordinary", "extrordinary")


def selector_for(text, quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return make_selector(text, start, start + len(quote))


# (name, old text, quote, new text, expected status, expected anchored text or None)
EDITS = [
    ("unchanged", CLAUSE, QUOTE, CLAUSE, "exact", QUOTE),
    ("typo fixed inside the quote", CLAUSE.replace(*TYPO), QUOTE.replace(*TYPO), CLAUSE, "fuzzy", QUOTE),
    ("words inserted before", CLAUSE, QUOTE,
     CLAUSE.replace("a year.", "a year, in spring and in autumn at the least."), "exact", QUOTE),
    ("sentence moved within the clause", CLAUSE, QUOTE,
     CLAUSE.replace(SENTENCE_2, "") + " " + SENTENCE_2.strip(), "exact", QUOTE),
    ("quote deleted", CLAUSE, QUOTE, CLAUSE.replace(SENTENCE_2, ""), "orphaned", None),
    ("whitespace changed", CLAUSE, QUOTE, CLAUSE.replace("chair may call an", "chair  may\ncall an"),
     "fuzzy", "The chair  may\ncall an extraordinary meeting at any time"),
    ("punctuation changed", CLAUSE, QUOTE, CLAUSE.replace("meeting at any time", "meeting, at any time,"),
     "fuzzy", "The chair may call an extraordinary meeting, at any time"),
    ("case and comma changed", CLAUSE, QUOTE, CLAUSE.replace("The chair may", "The Chair may,"),
     "fuzzy", "The Chair may, call an extraordinary meeting at any time"),
    ("slightly reworded", CLAUSE, QUOTE, CLAUSE.replace(QUOTE, REWORDED), "fuzzy", REWORDED),
    ("moved with part of its context and a typo fixed", CLAUSE.replace(*TYPO), QUOTE.replace(*TYPO),
     CLAUSE.replace(SENTENCE_2, "") + " 4. " + SENTENCE_2.strip(), "fuzzy", QUOTE),
    ("moved to a new context and a typo fixed", CLAUSE.replace(*TYPO), QUOTE.replace(*TYPO),
     CLAUSE.replace(SENTENCE_2, "") + " Also, " + QUOTE + ".", "orphaned", None),
    ("lookalike elsewhere, original gone", CLAUSE, QUOTE,
     CLAUSE.replace(SENTENCE_2, "") + " 4. The secretary may call an extraordinary meeting at any time.",
     "orphaned", None),
    ("two lookalikes, original gone", CLAUSE, QUOTE,
     CLAUSE.replace(SENTENCE_2, "") + " 4. The secretary may call an extraordinary meeting at any time."
     " 5. The treasurer may call an extraordinary meeting at any time.", "orphaned", None),
    ("clause pasted twice, quote reworded in both", CLAUSE, QUOTE,
     (CLAUSE.replace(QUOTE, REWORDED) + " ") * 2, "orphaned", None),
    ("text rewritten", CLAUSE, QUOTE, "Meetings are governed by the standing orders.", "orphaned", None),
    ("empty text", CLAUSE, QUOTE, "", "orphaned", None),
]


@pytest.mark.parametrize("name, old, quote, new, status, anchored", EDITS, ids=[e[0] for e in EDITS])
def test_resolve_after_edit(name, old, quote, new, status, anchored):
    anchor = resolve_selector(selector_for(old, quote), new)

    assert anchor.status == status
    if anchored is None:
        assert anchor.selector is None and anchor.score is None
        return
    assert anchor.selector.exact == anchored
    assert new[anchor.selector.start:anchor.selector.end] == anchored
    if status == "fuzzy":
        assert FUZZY_THRESHOLD <= anchor.score < 1
    else:
        assert anchor.score is None


def test_reworded_quote_scores_below_a_typo_fix():
    typo = resolve_selector(selector_for(CLAUSE, QUOTE), CLAUSE.replace(*TYPO))
    reworded = resolve_selector(selector_for(CLAUSE, QUOTE), CLAUSE.replace(QUOTE, REWORDED))
    assert reworded.score < typo.score


REPEATED = "A member may speak twice on a motion. The chair may speak twice on a motion."


def test_repeated_phrase_context_decides():
    selector = selector_for(REPEATED, "may speak twice", occurrence=1)
    new = REPEATED.replace("A member may", "A member of the assembly may")

    anchor = resolve_selector(selector, new)

    assert anchor.status == "exact"
    assert anchor.selector.start == new.index("The chair ") + len("The chair ")


def test_repeated_phrase_without_its_context_is_orphaned_not_guessed():
    selector = selector_for(REPEATED, "may speak twice", occurrence=1)
    new = "In committee, every delegate may speak twice. In plenary, observers may speak twice if invited."

    assert resolve_selector(selector, new).status == "orphaned"


def test_identical_repeats_go_to_the_one_nearest_the_old_position():
    section = "Text that comes before the quoted words: QUOTED WORDS and some text that comes after them. "
    selector = selector_for(section, "QUOTED WORDS")
    new = "Preamble. " + section + section

    anchor = resolve_selector(selector, new)

    assert (anchor.status, anchor.selector.start) == ("exact", new.index("QUOTED WORDS"))


def test_selector_context_and_w3c_form():
    selector = make_selector(CLAUSE, CLAUSE.index(QUOTE), CLAUSE.index(QUOTE) + len(QUOTE))

    assert len(selector.prefix) == len(selector.suffix) == CONTEXT_CHARS
    assert CLAUSE.index(QUOTE) == selector.start and selector.prefix.endswith("a year. 2. ")
    assert selector.to_w3c() == [
        {"type": "TextQuoteSelector", "exact": QUOTE, "prefix": selector.prefix, "suffix": selector.suffix},
        {"type": "TextPositionSelector", "start": selector.start, "end": selector.end},
    ]
    assert make_selector("abc", 0, 3) == Selector("abc", "", "", 0, 3)


@pytest.mark.parametrize("start, end", [(5, 5), (6, 5), (-1, 3), (0, len(CLAUSE) + 1), (2, 3)])
def test_make_selector_rejects_bad_ranges_and_blank_quotes(start, end):
    with pytest.raises(SelectorError):
        make_selector(CLAUSE, start, end)  # CLAUSE[2:3] is a space


def test_selector_from_input_finds_the_quote():
    start = CLAUSE.index(QUOTE)
    end = start + len(QUOTE)
    expected = make_selector(CLAUSE, start, end)

    assert selector_from_input(CLAUSE, {"exact": QUOTE, "start": start, "end": end}) == expected
    assert selector_from_input(CLAUSE, {"exact": QUOTE}) == expected
    assert selector_from_input(CLAUSE, {"exact": QUOTE, "start": "0", "end": "9"}) == expected  # stale
    assert selector_from_input(CLAUSE, {"exact": QUOTE, "prefix": "x" * 100 + "a year. 2. "}) == expected


def test_selector_from_input_uses_context_for_repeated_quotes():
    selector = selector_from_input(REPEATED, {"exact": "may speak twice", "prefix": "The chair "})

    assert selector == selector_for(REPEATED, "may speak twice", occurrence=1)
    with pytest.raises(SelectorError, match="more than once"):
        selector_from_input(REPEATED, {"exact": "may speak twice"})


@pytest.mark.parametrize("data, message", [
    ({"exact": "the board may"}, "The quoted text is not in this clause."),
    ({"exact": QUOTE, "start": 60, "end": 55}, "start of the quote must come before"),
    ({"exact": QUOTE, "start": 60, "end": 60}, "start of the quote must come before"),
    ({"exact": QUOTE, "start": 0, "end": len(CLAUSE) + 1}, "outside this clause"),
    ({"exact": QUOTE, "start": -1, "end": 5}, "whole number"),
    ({"exact": QUOTE, "start": "five", "end": 9}, "whole number"),
    ({"exact": QUOTE, "start": True, "end": 9}, "whole number"),
    ({"exact": QUOTE, "start": 3}, "both the start and the end"),
    ({"exact": "   "}, "not only spaces"),
    ({"exact": ""}, "not only spaces"),
    ({}, "not only spaces"),
    ({"exact": 42}, "not only spaces"),
    ({"exact": "a" * 2001}, "at most 2000"),
    ({"exact": QUOTE, "prefix": 7}, "must be text"),
])
def test_selector_from_input_rejects_bad_input(data, message):
    with pytest.raises(SelectorError, match=message):
        selector_from_input(CLAUSE, data)


def test_selector_error_is_a_value_error():
    assert issubclass(SelectorError, ValueError)


def test_thresholds_leave_room_for_a_decision():
    assert 0 < AMBIGUITY_MARGIN < 1 - FUZZY_THRESHOLD


def _words(seed, count):
    rng = random.Random(seed)
    vocabulary = ("the council shall meet members may vote by post any time notice chair secretary quorum "
                  "of a in assembly motion amendment debate rules standing orders").split()
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def test_fuzzy_search_of_a_long_quote_in_a_long_clause_is_fast():
    text = _words(1, 4000)[:20000]
    selector = make_selector(text, 10000, 10300)
    quote = text[10000:10300]
    edited = text[:10000] + quote[:100] + "NEW WORDS" + quote[110:250] + quote[260:] + text[10300:]

    started = time.perf_counter()
    anchor = resolve_selector(selector, edited)
    elapsed = time.perf_counter() - started

    assert anchor.status == "fuzzy" and anchor.selector.start == 10000
    assert elapsed < 0.5


# --- properties ----------------------------------------------------------------------------------

texts = st.text(alphabet="ab .\n", min_size=1, max_size=200) | st.text(min_size=1, max_size=200)


@given(text=texts, data=st.data())
def test_a_fresh_selector_resolves_exactly_in_place(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())

    anchor = resolve_selector(make_selector(text, start, end), text)

    assert (anchor.status, anchor.selector.start, anchor.selector.end) == ("exact", start, end)


@given(text=st.text(min_size=40, max_size=300), inserted=st.text(min_size=1, max_size=60), data=st.data())
@settings(max_examples=200)
def test_text_inserted_far_before_the_quote_keeps_the_anchor(text, inserted, data):
    start = data.draw(st.integers(CONTEXT_CHARS, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    at = data.draw(st.integers(0, start - CONTEXT_CHARS))
    selector = make_selector(text, start, end)
    new = text[:at] + inserted + text[at:]

    anchor = resolve_selector(selector, new)

    assert anchor.status == "exact" and anchor.selector.exact == selector.exact
    in_context = selector.prefix + selector.exact + selector.suffix
    if new[start:end] != selector.exact and new.find(in_context) == new.rfind(in_context):
        assert anchor.selector.start == start + len(inserted)


def _levenshtein_rows(pattern, text, anchored):
    row = [j if anchored else 0 for j in range(len(text) + 1)]
    for i, char in enumerate(pattern, 1):
        previous, row = row, [i]
        for j, other in enumerate(text, 1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other)))
    return row[1:]


@given(pattern=st.text(alphabet="abc", min_size=1, max_size=80), text=st.text(alphabet="abc", max_size=80))
def test_bit_parallel_distances_match_the_textbook_table(pattern, text):
    for anchored in (True, False):
        assert _edit_distances(pattern, text, anchored) == _levenshtein_rows(pattern, text, anchored)
