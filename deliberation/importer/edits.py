"""The chair's corrections in the import preview: split, merge, renumber, nest in or out, and one
clause per paragraph; and the warning for a draft that would become a few giant clauses.

The preview is the flattened clause list (`flatten`): (clause, depth, parent index) in reading order.
An edit is a small dict naming a clause by its index in the list as it stands when the edit applies:

    {"op": "split", "index": 3, "offset": 120}   the text from `offset` on becomes a new clause
    {"op": "merge", "index": 4}                  into the clause before it
    {"op": "renumber", "index": 2, "number": "2 bis"}   "" or None removes the number
    {"op": "indent", "index": 5}                 under the clause before it, with its sub-clauses
    {"op": "outdent", "index": 5}                one level up, with its sub-clauses
    {"op": "paragraphs"}                         every paragraph its own clause

so a list of edits replays the same way on the same draft. Nesting follows the depths: a clause's
parent is the nearest clause before it one level up; the clauses after an outdented clause that were
its siblings become its sub-clauses, as in any outline. A new clause (a split's second part, a
paragraph) comes right after the clause it was cut from: as its first sub-clause when that clause
has sub-clauses, so they keep their parent, and as its next sibling otherwise. Every edit keeps the
importer's limits (number of clauses, length of a clause, depth).
"""

from __future__ import annotations

import re

from ..i18n import N_
from .clauses import MAX_CLAUSE_CHARS, MAX_CLAUSES, DraftImportError, ParsedClause
from .nesting import MAX_DEPTH
from .scan import match_special

OPS = ("split", "merge", "renumber", "indent", "outdent", "paragraphs")
MAX_EDITS = 500
MAX_NUMBER_CHARS = 40  # the clause number column
# "A few giant clauses": no numbering found, at most this many clauses, one with this many paragraphs.
GIANT_MAX_CLAUSES = 10
GIANT_MIN_PARAGRAPHS = 4

Flat = list[tuple[ParsedClause, int, int | None]]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Where a split may fall: a paragraph, a list item or a line, a sentence (after . ; : ! ?).
_BOUNDARY = re.compile(r"\n\s*|(?<=[.;:!?])[ \t]+(?=\S)")
MAX_SPLIT_POINTS = 100


def paragraphs(text: str) -> list[str]:
    """A clause's paragraphs: the blocks of its text between blank lines."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def split_points(text: str) -> list[tuple[int, str, bool]]:
    """Where the preview offers to split a clause: (offset, the first words of the piece that would begin
    the new clause, whether it begins a new line) before each line, paragraph and sentence but the first."""
    starts = [match for match in _BOUNDARY.finditer(text) if match.end() < len(text)][:MAX_SPLIT_POINTS]
    points = []
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        words = text[match.end():end].split()
        points.append((match.end(), " ".join(words[:8]) + (" …" if len(words) > 8 else ""), "\n" in match.group()))
    return points


def few_giant_clauses(flat: Flat) -> int:
    """The paragraphs of the longest clause when the draft has no numbering (section names such as
    Preamble do not count), at most GIANT_MAX_CLAUSES clauses and one of GIANT_MIN_PARAGRAPHS
    paragraphs or more: a text whose structure was not recognised. Otherwise 0."""
    if len(flat) > GIANT_MAX_CLAUSES or any(
            clause.number and match_special(clause.number) is None for clause, _d, _p in flat):
        return 0
    longest = max((len(paragraphs(clause.text)) for clause, _d, _p in flat), default=0)
    return longest if longest >= GIANT_MIN_PARAGRAPHS else 0


def _refused(position: int, message: str, **params) -> DraftImportError:
    """An edit that cannot apply; the field names it by its place in the list: "edits[2]"."""
    place = f"edits[{position - 1}]"
    return DraftImportError(message, place, **params)


def apply_edits(flat: Flat, edits: list) -> Flat:
    """The preview after the edits, in order; DraftImportError(field="edits[i]") names the first
    edit that cannot apply. The clauses of `flat` are not changed."""
    if not isinstance(edits, list):
        raise DraftImportError("The edits must be a list.", "edits")
    if len(edits) > MAX_EDITS:
        raise DraftImportError("At most %(limit)s edits can be made in one preview.", "edits", limit=MAX_EDITS)
    rows = [[ParsedClause(c.number, c.heading, c.text), depth] for c, depth, _p in flat]
    for position, edit in enumerate(edits, start=1):
        op = edit.get("op") if isinstance(edit, dict) else None
        if op not in OPS:
            raise _refused(position, N_("The operation must be one of %(ops)s."), ops=", ".join(OPS))
        if op == "paragraphs":
            _one_clause_per_paragraph(rows)
        else:
            _APPLY[op](rows, _index(edit, rows, position), edit, position)
    return _flat(rows)


def _index(edit: dict, rows: list, position: int) -> int:
    index = edit.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(rows):
        raise _refused(position, N_("'index' must be the position of a clause, from 0 to %(last)s."),
                     last=len(rows) - 1)
    return index


def _subtree_end(rows: list, index: int) -> int:
    """The index just past the clause's sub-clauses."""
    depth, end = rows[index][1], index + 1
    while end < len(rows) and rows[end][1] > depth:
        end += 1
    return end


def _shift(rows: list, start: int, end: int, by: int, position: int) -> None:
    if any(rows[i][1] + by >= MAX_DEPTH for i in range(start, end)):
        raise _refused(position, N_("Clauses can be nested at most %(limit)s levels deep."), limit=MAX_DEPTH)
    for i in range(start, end):
        rows[i][1] += by


def _insert_part(rows: list, index: int, text: str) -> None:
    """A new unnumbered clause cut from rows[index], right after it (see the module docstring)."""
    if len(rows) >= MAX_CLAUSES:
        raise DraftImportError("The draft would have more than %(limit)s clauses.", "edits", limit=MAX_CLAUSES)
    depth = rows[index][1]
    has_children = index + 1 < len(rows) and rows[index + 1][1] > depth
    rows.insert(index + 1, [ParsedClause(None, None, text), depth + 1 if has_children else depth])


def _split(rows: list, index: int, edit: dict, position: int) -> None:
    clause = rows[index][0]
    offset = edit.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset < len(clause.text):
        raise _refused(position, N_("'offset' must be a position inside the clause's text, from 1 to %(last)s."),
                     last=max(len(clause.text) - 1, 1))
    head, tail = clause.text[:offset].rstrip(), clause.text[offset:].strip()
    if not head or not tail:
        raise _refused(position, N_("A split needs text on both sides."))
    clause.text = head
    _insert_part(rows, index, tail)


def _merge(rows: list, index: int, edit: dict, position: int) -> None:
    if index == 0:
        raise _refused(position, N_("The first clause has no clause before it to merge into."))
    into, (clause, depth) = rows[index - 1], rows[index]
    text = "\n\n".join(part for part in (into[0].text, clause.heading, clause.text) if part)
    if len(text) > MAX_CLAUSE_CHARS:
        raise _refused(position, N_("The merged clause would be longer than %(limit)s characters."),
                     limit=MAX_CLAUSE_CHARS)
    # Its sub-clauses follow the text they belong to: they become sub-clauses of the clause merged into.
    _shift(rows, index + 1, _subtree_end(rows, index), into[1] - depth, position)
    into[0].text = text
    del rows[index]


def _renumber(rows: list, index: int, edit: dict, position: int) -> None:
    number = edit.get("number")
    if number is not None and not isinstance(number, str):
        raise _refused(position, N_("'number' must be a string, or null for no number."))
    number = " ".join((number or "").split())
    if len(number) > MAX_NUMBER_CHARS or any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in number):
        raise _refused(position, N_("A clause number is at most %(limit)s characters, without control characters."),
                     limit=MAX_NUMBER_CHARS)
    rows[index][0].number = number or None


def _indent(rows: list, index: int, edit: dict, position: int) -> None:
    if index == 0 or rows[index - 1][1] < rows[index][1]:
        raise _refused(position, N_("Only a clause with a clause before it at its own level can go under it."))
    _shift(rows, index, _subtree_end(rows, index), 1, position)


def _outdent(rows: list, index: int, edit: dict, position: int) -> None:
    if rows[index][1] == 0:
        raise _refused(position, N_("The clause is already at the top level."))
    _shift(rows, index, _subtree_end(rows, index), -1, position)


def _one_clause_per_paragraph(rows: list) -> None:
    index = 0
    while index < len(rows):
        parts = paragraphs(rows[index][0].text)
        if len(parts) > 1:
            rows[index][0].text = parts[0]
            for offset, text in enumerate(parts[1:]):  # each after the one before, in reading order
                _insert_part(rows, index + offset, text)
            index += len(parts) - 1
        index += 1


def _flat(rows: list) -> Flat:
    out: Flat = []
    open_at: list[int] = []  # the index of the open clause at each depth
    for index, (clause, depth) in enumerate(rows):
        depth = min(depth, len(open_at))  # never deeper than one below the clause before
        del open_at[depth:]
        out.append((clause, depth, open_at[-1] if open_at else None))
        open_at.append(index)
    return out


_APPLY = {"split": _split, "merge": _merge, "renumber": _renumber, "indent": _indent, "outdent": _outdent}
