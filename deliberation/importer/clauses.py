"""What the importer hands back: parsed clauses, uploaded drafts, the import error, the size limits,
`flatten`."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_CLAUSES = 2000
MAX_CLAUSE_CHARS = 50_000
# A pasted draft is read whole; this keeps one request from parsing an arbitrarily large text.
MAX_SOURCE_CHARS = 3_000_000


class DraftImportError(ValueError):
    """message is shown to the user; field names the form field ('source', 'file' or 'edits').
    A message with %(name)s parameters keeps its template and params, for translation."""

    def __init__(self, message: str, field: str = "source", **params):
        self.template, self.params = message, params
        self.message = message % {k: f"{v:,}" if isinstance(v, int) else v for k, v in params.items()} \
            if params else message
        super().__init__(self.message)
        self.field = field


@dataclass
class ParsedClause:
    """One clause of an imported draft.

    number: normalised as written ("Preamble", "1", "1.1", "2(a)", "2(a)(i)", "Article 3"), or None.
    heading: the clause's heading, if it has one. text: its own body as plain text, paragraphs
    separated by a blank line, bullet items as "- item" lines. children: nested clauses in order.
    """

    number: str | None
    heading: str | None
    text: str
    children: list[ParsedClause] = field(default_factory=list)


@dataclass(frozen=True)
class UploadedDraft:
    """An uploaded file read for import. `text` is the draft (for a Word document, its body as
    Markdown-ish text as if every tracked change were accepted); `rejected` is a Word document's
    text as if every change were rejected (None when it has no tracked changes); `comments` is how
    many Word comments it has, which are not imported."""

    text: str
    rejected: str | None = None
    tracked_changes: int = 0
    comments: int = 0


def flatten(clauses: list[ParsedClause]) -> list[tuple[ParsedClause, int, int | None]]:
    """(clause, depth, index of the parent in this list) for every clause, in reading order."""
    out: list[tuple[ParsedClause, int, int | None]] = []
    pending: list[tuple[ParsedClause, int, int | None]] = [(c, 0, None) for c in reversed(clauses)]
    while pending:  # iterative: a deep tree must not hit the recursion limit
        clause, depth, parent = pending.pop()
        index = len(out)
        out.append((clause, depth, parent))
        pending.extend((child, depth + 1, index) for child in reversed(clause.children))
    return out
