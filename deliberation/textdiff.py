"""Word-level differences between two versions of a clause, for people to read.

`word_diff` compares the texts word by word (whitespace and punctuation are tokens of their own, so
nothing is lost) and tidies the result so a reworded passage reads as one deletion followed by one
insertion rather than a comb of single words. `diff_html` renders it with <del>/<ins>, escaping every
piece of text. `similarity` is a word-level score for matching clauses across versions.
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from markupsafe import escape

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w+")
_WORD_UNIT = re.compile(r"\s+|(?:\w+|[^\w\s])\s*")  # a word or mark with the whitespace after it
_REFINE_LIMIT = 200  # a longer rewrite reads better as one deletion and one insertion anyway


def tokenize(text: str) -> list[str]:
    """Words, runs of whitespace and single punctuation marks, in order: "".join(tokens) == text."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changes from old to new as ("equal" | "delete" | "insert", text) pieces, in order.

    Joining the equal and delete pieces gives `old`, the equal and insert pieces give `new`. Within
    a changed passage the deletion comes before the insertion, and no two neighbours share a kind.
    """
    return _merge(_absorb_lone_spaces(_diff(_WORD_UNIT.findall(old), _WORD_UNIT.findall(new), refine=True)))


def _diff(old_parts: list[str], new_parts: list[str], refine: bool) -> list[tuple[str, str]]:
    """Diff two part lists; with `refine`, re-diff each small replaced passage token by token.

    The first pass runs over words with their trailing whitespace: with whitespace as separate
    tokens, SequenceMatcher would pair every space with every other and take seconds on a long
    clause. The second pass shows what changed inside a passage, down to a comma or a space.
    """
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, old_parts, new_parts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_parts[i1:i2]), "".join(new_parts[j1:j2])
        if tag == "equal":
            pieces.append(("equal", removed))
        elif refine and tag == "replace" and max(i2 - i1, j2 - j1) <= _REFINE_LIMIT:
            pieces += _diff(tokenize(removed), tokenize(added), refine=False)
        else:
            pieces += [("delete", removed), ("insert", added)]
    return pieces


def _absorb_lone_spaces(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fold whitespace that is all that is left unchanged between two changes into both of them.

    "the [-red-][+blue+] [-car-][+bike+]" then reads "the [-red car-][+blue bike+]".
    """
    tidy = []
    for index, (kind, text) in enumerate(pieces):
        after_change = index > 0 and pieces[index - 1][0] != "equal"
        before_change = index + 1 < len(pieces) and pieces[index + 1][0] != "equal"
        if kind == "equal" and text.isspace() and after_change and before_change:
            tidy += [("delete", text), ("insert", text)]
        else:
            tidy.append((kind, text))
    return tidy


def _merge(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join each run of changes into one deletion then one insertion, and neighbours of one kind."""
    merged: list[tuple[str, str]] = []
    deleted, inserted = [], []

    def flush_changes() -> None:
        for kind, texts in (("delete", deleted), ("insert", inserted)):
            if texts:
                merged.append((kind, "".join(texts)))
                texts.clear()

    for kind, text in pieces:
        if not text:
            continue
        if kind == "equal":
            flush_changes()
            if merged and merged[-1][0] == "equal":
                merged[-1] = ("equal", merged[-1][1] + text)
            else:
                merged.append((kind, text))
        else:
            (deleted if kind == "delete" else inserted).append(text)
    flush_changes()
    return merged


def similarity(a: str, b: str) -> float:
    """How alike two texts are by their words, from 0 (no word in common) to 1 (the same words).

    The Dice coefficient of the two multisets of case-folded words: linear in the texts' length, so
    cheap enough to compare every clause of one version with every clause of the next, and word
    order does not count (a clause whose sentences were reordered is still the same clause). Texts
    without any word count as alike only when they are equal apart from surrounding space.
    """
    words_a = Counter(word.casefold() for word in _WORD.findall(a))
    words_b = Counter(word.casefold() for word in _WORD.findall(b))
    if not words_a and not words_b:
        return float(a.strip() == b.strip())
    shared = sum((words_a & words_b).values())
    return 2 * shared / (sum(words_a.values()) + sum(words_b.values()))


def diff_html(old: str, new: str) -> str:
    """The word diff as HTML: deletions in <del>, insertions in <ins>, all text escaped."""
    tags = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    return "".join(tags[kind].format(escape(text)) for kind, text in word_diff(old, new))
