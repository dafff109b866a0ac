"""Placing a reviewed file's items on the clauses of a version.

First the clauses are found in the file's text, in reading order: each clause's text exactly (after the
clause before it), then, for those not found, a fuzzy search between its neighbours (the reviewer's copy
may differ in small ways). Too few clauses found means the file is another document. Then each item's
words are found in its clause with `anchoring.resolve_selector` (exact, then fuzzy, never a guess): an item
that covers its whole clause, or quotes nothing, sits on the whole clause.

Tracked changes in one paragraph with nothing but spaces between them are one amendment: the words they
cover (widened to whole words, and to the next word when only words were inserted or only deleted) and the
text those words become.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...i18n import N_
from ...anchoring import CONTEXT_CHARS, MAX_QUOTE_CHARS, Selector, resolve_selector
from ...word.layout import heading_text
from .reading import Change, ReviewedText

# A clause text longer than this is not searched fuzzily (the search is linear in the window times the quote).
MAX_FUZZY_CLAUSE = MAX_QUOTE_CHARS
# Fewer clauses than this share found exactly: another document (the fuzzy search is not even tried).
EXACT_FLOOR = 0.3
# Fewer clauses than this share found at all: another document.
FOUND_FLOOR = 0.5


@dataclass
class Region:
    clause: object
    start: int          # where its heading (or its text) starts in the file's text
    text_start: int
    end: int
    exact: bool


@dataclass
class Item:
    kind: str                    # "comment" | "amendment"
    author: str
    text: str
    start: int | None            # in the file's text; None: not in the main text
    end: int | None
    replacement_text: str | None = None
    new_paragraph: bool = False
    clause_id: int | None = None
    clause_label: str | None = None
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    quote_start: int | None = None
    quote_end: int | None = None
    anchor_status: str = "unplaced"
    score: float | None = None
    reason: str | None = None
    already_posted: bool = False


def find_clauses(clauses: list, text: str) -> tuple[list[Region], int]:
    """The regions of the clauses found in the file's text, in order, and how many have text to find."""
    found: dict[int, Region] = {}
    cursor = 0
    with_text = [c for c in clauses if c.text.strip()]
    for index, clause in enumerate(clauses):
        if not clause.text.strip():
            continue
        at = text.find(clause.text, cursor)
        if at == -1:
            continue
        found[index] = Region(clause, at, at, at + len(clause.text), True)
        cursor = at + len(clause.text)
    if with_text and len(found) < EXACT_FLOOR * len(with_text):
        return list(found.values()), len(with_text)
    for index, clause in enumerate(clauses):
        if index in found or not clause.text.strip() or len(clause.text) > MAX_FUZZY_CLAUSE:
            continue
        before = max((r.end for i, r in found.items() if i < index), default=0)
        after = min((r.start for i, r in found.items() if i > index), default=len(text))
        window = text[before:after]
        if not window.strip() or len(window) > 20 * len(clause.text) + 2000:
            continue
        anchor = resolve_selector(Selector(clause.text, "", "", 0, len(clause.text)), window)
        if anchor.selector is not None:
            found[index] = Region(clause, before + anchor.selector.start, before + anchor.selector.start,
                                  before + anchor.selector.end, False)
    _add_headings(found, text)
    _add_heading_only(clauses, found, text)
    return sorted(found.values(), key=lambda r: r.start), len(with_text)


def _add_headings(found: dict[int, Region], text: str) -> None:
    """Extend each found clause back over its heading line, when the heading is just before its text."""
    for region in found.values():
        heading = heading_text(region.clause)
        if not heading:
            continue
        at = text.rfind(heading, 0, region.text_start)
        if at != -1 and not text[at + len(heading):region.text_start].strip():
            region.start = at


def _add_heading_only(clauses: list, found: dict[int, Region], text: str) -> None:
    """A clause with a heading and no text: its heading line, between its found neighbours."""
    for index, clause in enumerate(clauses):
        if index in found or clause.text.strip():
            continue
        heading = heading_text(clause)
        if not heading:
            continue
        before = max((r.end for i, r in found.items() if i < index), default=0)
        after = min((r.start for i, r in found.items() if i > index), default=len(text))
        at = text.find(heading, before, after)
        if at != -1:
            found[index] = Region(clause, at, at + len(heading), at + len(heading), True)


def group_changes(changes: list[Change], reviewed: ReviewedText) -> list[Item]:
    """Adjacent tracked changes of one paragraph (only spaces between them) as one amendment each."""
    items: list[Item] = []
    groups: list[list[Change]] = []
    for change in sorted((c for c in changes if not c.new_paragraph), key=lambda c: (c.start, c.end)):
        last = groups[-1][-1] if groups else None
        if (last is not None and last.paragraph == change.paragraph
                and not reviewed.text[last.end:change.start].strip()):
            groups[-1].append(change)
        else:
            groups.append([change])
    for group in groups:
        items.append(_amendment(group, reviewed))
    for change in changes:
        if change.new_paragraph:
            items.append(Item("amendment", change.author, "", None, None, replacement_text=change.text,
                              new_paragraph=True))
    return items


def _authors(changes: list[Change]) -> str:
    return ", ".join(dict.fromkeys(c.author for c in changes if c.author))


def _amendment(group: list[Change], reviewed: ReviewedText) -> Item:
    text = reviewed.text
    first, last = reviewed.paragraphs[group[0].paragraph]
    start, end = group[0].start, max(c.end for c in group)
    while start > first and text[start - 1].isalnum() and (start == end or text[start].isalnum()):
        start -= 1
    while end < last and text[end].isalnum() and (end == start or text[end - 1].isalnum()):
        end += 1

    def after(s: int, e: int) -> str:
        out, at = [], s
        for change in group:
            out.append(text[at:change.start])
            if change.kind == "insert":
                out.append(change.text)
                at = change.start
            else:
                at = change.end
        out.append(text[at:e])
        return "".join(out)

    new = after(start, end)
    if not text[start:end].strip() or not new.strip():
        # Only words inserted, or only deleted: take in the next word (or the one before) to say where.
        nxt = end
        while nxt < last and text[nxt].isspace():
            nxt += 1
        while nxt < last and not text[nxt].isspace():
            nxt += 1
        if nxt > end:
            end = nxt
        else:
            while start > first and text[start - 1].isspace():
                start -= 1
            while start > first and not text[start - 1].isspace():
                start -= 1
        new = after(start, end)
    return Item("amendment", _authors(group), "", start, end, replacement_text=new.strip())


def place(item: Item, regions: list[Region], text: str) -> None:
    """Put the item on its clause and words, or leave it unplaced with the reason."""
    if item.start is None:
        return
    region = next((r for r in regions if r.start <= item.start <= r.end and item.start < r.end + 1), None)
    if region is None:
        item.reason = N_("The words are not in any clause of this version.")
        return
    clause = region.clause
    item.clause_id, item.clause_label = clause.id, clause.label
    start, end = max(item.start, region.text_start), min(item.end, region.end)
    whole = (item.start <= region.text_start and item.end >= region.end) or end <= start \
        or not text[start:end].strip()
    if whole and item.kind == "comment":
        item.anchor_status = "exact" if region.exact else "fuzzy"
        return
    if item.kind == "amendment" and (end <= start or item.start < region.text_start):
        item.clause_id = item.clause_label = None
        item.reason = N_("The change is not in the text of a clause (a heading or a number).")
        return
    exact = text[start:end]
    offset = start - region.text_start
    selector = Selector(exact, text[max(region.text_start, start - CONTEXT_CHARS):start],
                        text[end:min(region.end, end + CONTEXT_CHARS)], offset, offset + len(exact))
    anchor = resolve_selector(selector, clause.text)
    if anchor.selector is None:
        if item.kind == "comment":
            item.anchor_status, item.reason = "fuzzy", N_("The quoted words were not found; the comment is on the whole clause.")
            return
        item.clause_id = item.clause_label = None
        item.reason = N_("The changed words were not found in the clause.")
        return
    found = anchor.selector
    item.exact, item.prefix, item.suffix = found.exact, found.prefix, found.suffix
    item.quote_start, item.quote_end = found.start, found.end
    item.anchor_status = "exact" if anchor.status == "exact" and region.exact else "fuzzy"
    item.score = anchor.score
