"""Renumbering a working draft's clauses after inserts, deletions, moves, splits and merges.

Pure functions over plain values. Numbers come from the imported draft ("Preamble", "1", "1.1",
"2(a)"). Within one list of sibling clauses, those numbered in the list's style (decimal "1", "1.1",
or letters "2(a)") are numbered again in reading order under their parent's new number; other labels
("Preamble", "Annex") are kept. A clause that was inserted or moved to another list has the number
`PENDING` until it takes the style of its new siblings.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

PENDING = "#"
_DECIMAL = re.compile(r"^(?:(\d+(?:\.\d+)*)\.)?(\d+)$")
_LETTER = re.compile(r"^(.*)\(([a-z]{1,2})\)$")


def is_numbered(number: str | None) -> bool:
    """Whether renumbering looks after this number (a decimal or letter number, or PENDING)."""
    return number == PENDING or bool(number and (_DECIMAL.match(number) or _LETTER.match(number)))


@dataclass
class Node:
    """A clause in the tree being renumbered: `number` is read and rewritten, `children` in reading order."""

    key: str
    number: str | None
    children: list[Node] = field(default_factory=list)


def _letters(index: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def _style(children: list[Node], parent_number: str | None) -> tuple[str, str] | None:
    """(style, prefix) of a sibling list: from its first decimal or letter number, else a default."""
    for child in children:
        if child.number and child.number != PENDING:
            if (match := _DECIMAL.match(child.number)):
                return "decimal", (match.group(1) + ".") if match.group(1) else ""
            if (match := _LETTER.match(child.number)):
                return "letter", match.group(1)
    if not any(child.number == PENDING for child in children):
        return None
    if parent_number is None:
        return "decimal", ""
    return ("decimal", parent_number + ".") if _DECIMAL.match(parent_number) else ("letter", parent_number)


def _in_style(number: str | None, style: str) -> bool:
    if number == PENDING:
        return True
    return bool(number and (_DECIMAL if style == "decimal" else _LETTER).match(number))


def _prefix(style: tuple[str, str], parent_number: str | None) -> str:
    """Sub-clauses follow their parent's (new) number: "1.1" under "2" becomes "2.1", "(a)" under "3" "3(a)"."""
    kind, prefix = style
    if parent_number is None or parent_number == PENDING:
        return prefix
    if kind == "decimal":
        return parent_number + "." if _DECIMAL.match(parent_number) else prefix
    return parent_number if is_numbered(parent_number) else prefix


def renumber(roots: list[Node]) -> None:
    """Number the tree again, top down, so children follow their parent's new number."""
    pending: list[tuple[list[Node], str | None]] = [(roots, None)]
    while pending:
        children, parent = pending.pop()
        style = _style(children, parent)
        count = 0
        for child in children:
            if style is not None and _in_style(child.number, style[0]):
                count += 1
                suffix = str(count) if style[0] == "decimal" else f"({_letters(count)})"
                child.number = _prefix(style, parent) + suffix
            elif child.number == PENDING:
                child.number = None
            pending.append((child.children, child.number))
