"""Importing a draft: `parse_draft` turns Markdown or plain text into a tree of clauses.

The work is split in three steps: `scan` classifies lines, `find_title` sets the document title
aside, and `tree.TreeBuilder` nests the clauses by their numbers. See `tree` for the rules.
"""

from __future__ import annotations

from ..i18n import N_
from .clauses import MAX_SOURCE_CHARS, DraftImportError, ParsedClause
from .scan import find_title, normalise_source, scan, title_text
from .tree import TreeBuilder

FORMATS = {"markdown": "markdown", "md": "markdown", "text": "text", "txt": "text",
           "plain": "text"}

NO_CLAUSES = N_("No clauses were recognised. Number the clauses (1., 1.1, (a), (i)...) or give them "
                "headings (# Preamble, ## 1. Title), each on its own line.")


def _prepare(source: str, fmt: str) -> tuple[str, str]:
    if fmt not in FORMATS:
        raise DraftImportError("Choose Markdown or plain text as the format of the draft.")
    if not isinstance(source, str) or not source.strip():
        raise DraftImportError("The draft is empty. Paste its text or upload a file.")
    if len(source) > MAX_SOURCE_CHARS:
        raise DraftImportError(
            f"The draft is longer than {MAX_SOURCE_CHARS:,} characters. Split it into several documents.")
    return normalise_source(source), FORMATS[fmt]


def parse_draft(source: str, fmt: str) -> list[ParsedClause]:
    """fmt is "markdown" or "text". Returns the top-level clauses in reading order, nested by
    numbering. Raises DraftImportError("No clauses were recognised ...") when nothing
    clause-like is found, and for empty or oversized drafts."""
    source, fmt = _prepare(source, fmt)
    lines = scan(source, fmt)
    clauses = TreeBuilder(lines, fmt, skip=find_title(lines, fmt)).build()
    if all(c.number is None and c.heading is None and not c.children for c in clauses):
        raise DraftImportError(NO_CLAUSES)
    return clauses


def parse_title(source: str, fmt: str) -> str | None:
    """The document's title (first Markdown heading above the others, or a short first line of
    text), which parse_draft leaves out of the clauses; None if there is none."""
    try:
        source, fmt = _prepare(source, fmt)
    except DraftImportError:
        return None
    lines = scan(source, fmt)
    title = find_title(lines, fmt)
    return title_text([lines[i] for i in title], fmt) if title else None
