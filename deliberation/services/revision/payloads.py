"""The working draft as the API returns it and as live events carry it to its editors."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...lines import line_count
from ...models import DraftClause, WorkingDraft
from ...realtime import draft_room, queue_event

if TYPE_CHECKING:
    from .amendments import DraftAmendmentView


def draft_clause_json(clause: DraftClause, first_line: int | None = None) -> dict:
    data = {"key": clause.key, "number": clause.number, "heading": clause.heading, "text": clause.text,
            "parent_key": clause.parent_key, "position": clause.position, "depth": clause.depth,
            "revision": clause.revision, "predecessor_keys": list(clause.predecessor_keys or [])}
    if first_line is not None:
        data["first_line"] = first_line
        data["last_line"] = first_line + max(1, line_count(clause.heading, clause.text)) - 1
    return data


def numbered_clauses_json(clauses: list[DraftClause]) -> list[dict]:
    """Clauses with their line numbers, counted through the draft as the published version will count them."""
    rows, next_line = [], 1
    for clause in clauses:
        row = draft_clause_json(clause, next_line)
        rows.append(row)
        next_line = row["last_line"] + 1
    return rows


def amendment_json(view: DraftAmendmentView) -> dict:
    comment = view.comment
    return {"comment_id": comment.id, "clause_key": view.clause_key, "status": view.status,
            "target_key": view.target_key, "disposition": comment.disposition, "quote": comment.quote_exact,
            "replacement_text": comment.replacement_text,
            "applied_text": view.application.applied_text if view.application else None,
            "by_hand": bool(view.application and view.application.status == "by_hand")}


def draft_json(draft: WorkingDraft, clauses: list[DraftClause], amendments: list[DraftAmendmentView]) -> dict:
    return {"id": draft.id, "document_id": draft.document_id, "base_version_id": draft.base_version_id,
            "base_version": draft.base_version.number, "updated_at": draft.updated_at.isoformat(),
            "clauses": numbered_clauses_json(clauses), "amendments": [amendment_json(a) for a in amendments]}


def announce_clause(draft: WorkingDraft, clause: DraftClause, actor) -> None:
    """A saved clause, for the draft's other editors (sent after commit)."""
    queue_event("draft_clause_saved", {"draft_id": draft.id, "by": actor.display_name,
                                       "clause": draft_clause_json(clause)}, draft_room(draft.id))


def announce_structure(draft: WorkingDraft, actor) -> None:
    """Clauses were added, removed or moved, or amendments applied: editors load the draft again."""
    queue_event("draft_changed", {"draft_id": draft.id, "by": actor.display_name}, draft_room(draft.id))


def announce_end(draft: WorkingDraft, actor, version_number: int | None = None) -> None:
    """The draft was published (as `version_number`) or discarded: editors' pages say so."""
    queue_event("draft_closed", {"draft_id": draft.id, "by": actor.display_name, "published": version_number},
                draft_room(draft.id))
