"""Plain dicts for the versions API: a published version with its matching, and a comparison."""
# Where a carried thread landed: built with the live events' payloads, exported here for the comments list.
from ..services.comment_payloads import carried_annotation_json  # noqa: F401
from .serializers import version_summary_json


def clause_ref_json(clause) -> dict | None:
    if clause is None:
        return None
    return {"id": clause.id, "key": clause.key, "number": clause.number, "heading": clause.heading}


def published_json(version, plan) -> dict:
    return {
        **version_summary_json(version), "document_id": version.document_id,
        "matches": [{"clause_id": c.id, "predecessor_id": c.predecessor_id, "change": c.change} for c in plan.published],
        "removed": [clause_ref_json(c) for c in plan.removed],
    }


def comparison_json(comparison) -> dict:
    return {
        "from": version_summary_json(comparison.old), "to": version_summary_json(comparison.new),
        "counts": comparison.counts(),
        "clauses": [{"change": row.change, "old": clause_ref_json(row.old), "new": clause_ref_json(row.new),
                     "diff": [{"op": op, "text": text} for op, text in row.pieces]} for row in comparison.rows],
    }
