"""Plain dicts for the versions API: a published version with its matching, and a comparison."""
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


def carried_annotation_json(anchor, original_clause_id: int, original_version: int | None = None,
                            sees_body: bool = True) -> dict:
    """What the comments list adds to a thread carried onto a later version's clause (see
    services.threads.clause_threads): where it landed, how surely, and where it was written. A thread
    whose root the reader may not see still says where it came from, but not where its words are."""
    selector = None
    if sees_body and anchor.status != "orphaned" and anchor.quote_exact is not None:
        selector = {"exact": anchor.quote_exact, "prefix": anchor.quote_prefix or "", "suffix": anchor.quote_suffix or "",
                    "start": anchor.quote_start, "end": anchor.quote_end}
    return {"anchor_status": anchor.status if sees_body else None,
            "anchor_score": anchor.score if sees_body else None, "selector": selector,
            "clause_id": anchor.clause_id, "original_clause_id": original_clause_id,
            "original_version": original_version}
