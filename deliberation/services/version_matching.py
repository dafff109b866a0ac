"""Matching the clauses of a revised draft to the clauses of the version it revises.

Pure functions over plain values, so the matcher can be tested without a database. A new clause is
matched to at most one predecessor, and a predecessor to at most one new clause:

1. clauses whose heading and text are identical match first (a renumbered or moved clause is still
   the same clause), the nearest one in reading order when the same text occurs several times;
2. the remaining pairs are ranked by word similarity (`textdiff.similarity`), with a bonus for the
   same number and a smaller one for a nearby place, and taken best first. A pair must be at least
   half alike, or a little alike when it keeps its number (a clause reworded in place is still it).

What is left over is new (in the revised draft) or removed (from the old version). A split clause
keeps its predecessor on the part that carries its number; a merged clause keeps the predecessor it
resembles most, and the others are removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..textdiff import similarity

MIN_SIMILARITY = 0.5
MIN_SIMILARITY_SAME_NUMBER = 0.3
SAME_NUMBER_BONUS = 0.1
NEARBY_BONUS = 0.05
# Above this many candidate pairs only pairs that keep their number or stay nearby are compared,
# so a long draft rewritten throughout does not take quadratic time.
MAX_PAIRS = 40_000
NEARBY = 25

_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class ClauseText:
    """What the matcher needs of a clause, old or new."""

    number: str | None
    heading: str | None
    text: str

    @property
    def content(self) -> str:
        return f"{self.heading or ''}\n{self.text}"


def match_clauses(old: list[ClauseText], new: list[ClauseText]) -> list[int | None]:
    """For each new clause, the index of its predecessor in `old`, or None when it is new."""
    matches: list[int | None] = [None] * len(new)
    taken: set[int] = set()
    _match_identical(old, new, matches, taken)
    _match_similar(old, new, matches, taken)
    return matches


def change_of(predecessor: ClauseText | None, clause: ClauseText) -> str:
    """unchanged | changed | new. A renumbered clause with the same heading and text is unchanged."""
    if predecessor is None:
        return "new"
    same = predecessor.heading == clause.heading and predecessor.text == clause.text
    return "unchanged" if same else "changed"


def _has_words(clause: ClauseText) -> bool:
    return bool(_WORD.search(clause.content))


def _relative_distance(i: int, j: int, new_count: int, old_count: int) -> float:
    return abs(i / max(new_count, 1) - j / max(old_count, 1))


def _match_identical(old, new, matches, taken) -> None:
    by_content: dict[str, list[int]] = {}
    for j, clause in enumerate(old):
        if _has_words(clause):  # empty clauses are alike by nothing but their number
            by_content.setdefault(clause.content, []).append(j)
    for i, clause in enumerate(new):
        candidates = [j for j in by_content.get(clause.content, ()) if j not in taken]
        if not candidates:
            continue
        best = min(candidates, key=lambda j: (old[j].number != clause.number,
                                              _relative_distance(i, j, len(new), len(old))))
        matches[i] = best
        taken.add(best)


def _match_similar(old, new, matches, taken) -> None:
    free_new = [i for i, m in enumerate(matches) if m is None]
    free_old = [j for j in range(len(old)) if j not in taken]
    restrict = len(free_new) * len(free_old) > MAX_PAIRS
    scored: list[tuple[float, int, int]] = []
    for i in free_new:
        for j in free_old:
            same_number = new[i].number is not None and new[i].number == old[j].number
            distance = _relative_distance(i, j, len(new), len(old))
            if restrict and not same_number and abs(i - j) > NEARBY:
                continue
            alike = similarity(old[j].content, new[i].content)
            if not (_has_words(new[i]) or _has_words(old[j])):
                alike = 1.0 if same_number else 0.0
            if alike < (MIN_SIMILARITY_SAME_NUMBER if same_number else MIN_SIMILARITY):
                continue
            score = alike + (SAME_NUMBER_BONUS if same_number else 0) + NEARBY_BONUS * (1 - distance)
            scored.append((score, i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    for _score, i, j in scored:
        if matches[i] is None and j not in taken:
            matches[i] = j
            taken.add(j)
