"""Exports of a document's public record: the whole record as one JSON document, the disposition report
as CSV, and the annotations as W3C Web Annotation JSON-LD.

Built from `public_record`, so an export never shows more than the record page: no drafts for
non-chairs, no hidden or deleted comments, comments only where the group publishes them, named
positions only after close, only public record events, and never an e-mail address. Links are made by
the caller (`Links`), so these functions need no request. A fixed number of queries per export.
"""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from ..anchoring import Selector
from ..extensions import db
from ..models import (
    COMMENT_KINDS, DISPOSITIONS, Clause, CommentAnchor, Document, EligibleVoter, Position, StakeholderGroup, User,
)
from ..models.rounds import DESIGNATIONS
from . import public_record as record
from .record import GENESIS
from .transparency.export_proofs import export_proofs
from .round_exports import _csv

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MOTIVATIONS = {"comment": "commenting", "question": "questioning", "amendment": "editing", "objection": "assessing"}
DISPOSITION_HEADER = ["reference", "permalink", "version", "clause", "lines", "kind", "in_reply_to", "author",
                      "stakeholder_group", "quoted_text", "comment", "proposed_text", "disposition", "rationale",
                      "carried_in_version", "disposition_date", "created_at"]


@dataclass(frozen=True)
class Links:
    """Absolute URLs for what an export points at, made by the view that serves it."""

    clause: Callable[[int, str], str]   # (version number, clause key) -> URL
    comment: Callable[[int], str]
    round: Callable[[int], str]
    export: str                         # this export's own URL


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _selector(source) -> Selector | None:
    if source.quote_exact is None:
        return None
    return Selector(source.quote_exact, source.quote_prefix or "", source.quote_suffix or "",
                    source.quote_start or 0, source.quote_end or 0)


def _selector_json(source) -> dict | None:
    selector = _selector(source)
    return None if selector is None else {"exact": selector.exact, "prefix": selector.prefix,
                                          "suffix": selector.suffix, "start": selector.start, "end": selector.end}


# --- the disposition report ----------------------------------------------------------------------

def dispositions_csv(rows: list[record.CommentRow], links: Links) -> str:
    return _csv(DISPOSITION_HEADER, ([
        row.comment.id, links.comment(row.comment.id), row.version_number, row.clause.label,
        f"{row.clause.first_line}-{row.clause.last_line}", COMMENT_KINDS[row.comment.kind], row.comment.parent_id,
        row.author, row.sector, row.comment.quote_exact, row.comment.body_source, row.comment.replacement_text,
        DISPOSITIONS.get(row.comment.disposition or "", ""), row.comment.disposition_rationale,
        row.disposition_version, _iso(row.comment.disposition_at), _iso(row.comment.created_at),
    ] for row in rows))


# --- W3C Web Annotation JSON-LD ------------------------------------------------------------------

def _annotation(row: record.CommentRow, links: Links) -> dict:
    comment = row.comment
    bodies = [{"type": "TextualBody", "value": comment.body_html, "format": "text/html", "purpose": "commenting"}]
    if comment.replacement_text:
        bodies.append({"type": "TextualBody", "value": comment.replacement_text, "format": "text/plain",
                       "purpose": "editing"})
    if comment.disposition:
        verdict = DISPOSITIONS[comment.disposition] + (f": {comment.disposition_rationale}"
                                                        if comment.disposition_rationale else "")
        bodies.append({"type": "TextualBody", "value": verdict, "format": "text/plain", "purpose": "assessing"})
    clause_url = links.clause(row.version_number, row.clause.key)
    selector = _selector(comment)
    if comment.parent_id is not None:
        target, motivation = links.comment(comment.parent_id), "replying"
    else:
        target = {"source": clause_url, "selector": selector.to_w3c()} if selector else clause_url
        motivation = MOTIVATIONS[comment.kind]
    annotation = {"id": links.comment(comment.id), "type": "Annotation", "motivation": motivation,
                  "created": _iso(comment.created_at), "creator": {"type": "Person", "name": row.author},
                  "body": bodies, "target": target}
    if comment.edited_at:
        annotation["modified"] = _iso(comment.edited_at)
    return annotation


def annotations_jsonld(document: Document, rows: list[record.CommentRow], links: Links) -> dict:
    """An AnnotationCollection with every readable comment, in one page."""
    items = [_annotation(row, links) for row in rows]
    return {"@context": ANNOTATION_CONTEXT, "id": links.export, "type": "AnnotationCollection",
            "label": f"Annotations on “{document.title}”", "total": len(items),
            "first": {"id": f"{links.export}#page-1", "type": "AnnotationPage", "partOf": links.export,
                      "startIndex": 0, "items": items}}


# --- the whole record as JSON --------------------------------------------------------------------

def _clauses_json(versions, links: Links) -> dict[int, list[dict]]:
    by_version: dict[int, list[dict]] = {v.id: [] for v in versions}
    numbers = {v.id: v.number for v in versions}
    for clause in db.session.scalars(select(Clause).where(Clause.version_id.in_(list(by_version)))
                                     .order_by(Clause.version_id, Clause.position)):
        by_version[clause.version_id].append({
            "id": clause.id, "key": clause.key, "number": clause.number, "heading": clause.heading,
            "text": clause.text, "parent_id": clause.parent_id, "position": clause.position, "depth": clause.depth,
            "first_line": clause.first_line, "last_line": clause.last_line, "predecessor_id": clause.predecessor_id,
            "change": clause.change, "permalink": links.clause(numbers[clause.version_id], clause.key)})
    return by_version


def _anchors_by_comment(versions) -> dict[int, list[dict]]:
    numbers = {v.id: v.number for v in versions}
    found: dict[int, list[dict]] = {}
    rows = db.session.execute(select(CommentAnchor, Clause.version_id)
                              .join(Clause, Clause.id == CommentAnchor.clause_id)
                              .where(Clause.version_id.in_(list(numbers))).order_by(CommentAnchor.id))
    for anchor, version_id in rows:
        found.setdefault(anchor.comment_id, []).append({
            "version": numbers[version_id], "clause_id": anchor.clause_id, "status": anchor.status,
            "score": anchor.score, "selector": _selector_json(anchor), "closed_at": _iso(anchor.closed_at)})
    return found


def _comment_json(row: record.CommentRow, anchors: dict, links: Links) -> dict:
    comment = row.comment
    return {
        "id": comment.id, "permalink": links.comment(comment.id), "version": row.version_number,
        "clause_id": comment.clause_id, "clause": row.clause.label, "parent_id": comment.parent_id,
        "root_id": comment.root_id, "kind": comment.kind, "author": row.author, "stakeholder_group": row.sector,
        "body": comment.body_source, "body_html": comment.body_html, "replacement_text": comment.replacement_text,
        "selector": _selector_json(comment), "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at), "resolved_at": _iso(comment.resolved_at),
        "disposition": {"value": comment.disposition, "label": DISPOSITIONS[comment.disposition],
                        "rationale": comment.disposition_rationale, "at": _iso(comment.disposition_at),
                        "carried_in_version": row.disposition_version} if comment.disposition else None,
        "anchors": anchors.get(comment.id, []),
    }


def _named_positions(rounds: list[record.RoundEntry]) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """Closed rounds only: item id -> named positions, round id -> electorate. Two queries."""
    closed = [entry.round.id for entry in rounds if entry.round.status == "closed"]
    positions: dict[int, list[dict]] = {}
    electorate: dict[int, list[dict]] = {}
    if not closed:
        return positions, electorate
    for position, user, sector in db.session.execute(
            select(Position, User, StakeholderGroup.name).join(User, User.id == Position.user_id)
            .join(StakeholderGroup, StakeholderGroup.id == Position.stakeholder_group_id)
            .where(Position.round_id.in_(closed)).order_by(Position.item_id, StakeholderGroup.position, User.name)):
        positions.setdefault(position.item_id, []).append({
            "name": user.display_name, "stakeholder_group": sector, "position": position.position,
            "statement": position.statement, "formal_objection": position.formal, "response": position.response,
            "withdrawn_at": _iso(position.withdrawn_at), "updated_at": _iso(position.updated_at)})
    for voter, user, sector in db.session.execute(
            select(EligibleVoter, User, StakeholderGroup.name).join(User, User.id == EligibleVoter.user_id)
            .join(StakeholderGroup, StakeholderGroup.id == EligibleVoter.stakeholder_group_id)
            .where(EligibleVoter.round_id.in_(closed)).order_by(StakeholderGroup.position, User.name)):
        electorate.setdefault(voter.round_id, []).append({"name": user.display_name, "stakeholder_group": sector})
    return positions, electorate


def _round_json(entry: record.RoundEntry, positions: dict, electorate: dict, links: Links) -> dict:
    round_ = entry.round
    closed = round_.status == "closed"
    return {
        "id": round_.id, "permalink": links.round(round_.id), "version": entry.version_number, "scope": round_.scope,
        "rule": round_.rule, "threshold": round_.threshold, "quorum": round_.quorum, "status": round_.status,
        "opened_at": _iso(round_.opened_at), "closes_at": _iso(round_.closes_at), "closed_at": _iso(round_.closed_at),
        "electorate": electorate.get(round_.id) if closed else None,
        "items": [{
            "id": item.id, "clause_id": item.clause_id, "clause": item.clause.label if item.clause else None,
            "result": entry.result(item),
            "designation": {"value": item.designation, "label": DESIGNATIONS[item.designation],
                            "note": item.designation_note, "at": _iso(item.designated_at)} if item.designation else None,
            "positions": positions.get(item.id, []) if closed else None,
            "minority_statements": [{"author": author, "body_html": statement.body_html,
                                     "created_at": _iso(statement.created_at)}
                                    for statement, author in entry.statements.get(item.id, [])],
        } for item in entry.items],
    }


def event_json(event) -> dict:
    """Every field the hash covers, so anyone can recompute each entry's hash (see the record page)."""
    return {"seq": event.seq, "kind": event.kind, "working_group_id": event.working_group_id,
            "document_id": event.document_id, "subject_type": event.subject_type, "subject_id": event.subject_id,
            "actor_id": event.actor_id, "actor_name": event.actor_name, "payload": event.payload,
            "public": event.public, "created_at": event.created_at.isoformat(timespec="microseconds"),
            "prev_hash": event.prev_hash, "hash": event.hash}


def record_json(viewer, document: Document, links: Links, since: int | None = None) -> dict:
    """The document's whole public record in one JSON document, with the signed checkpoint and the
    proofs of its events (and of consistency with an earlier tree of `since` events, if given)."""
    data = record.document_record(viewer, document, events=None)
    versions = [entry.version for entry in data.versions]
    clauses = _clauses_json(versions, links)
    rows = record.disposition_report(viewer, document, versions)
    anchors = _anchors_by_comment(versions) if rows else {}
    positions, electorate = _named_positions(data.rounds)
    group = document.working_group
    return {
        "document": {"id": document.id, "title": document.title, "public": document.public,
                     "current_version_id": document.current_version_id, "created_at": _iso(document.created_at),
                     "working_group": {"id": group.id, "slug": group.slug, "name": group.name}},
        "record_head": {"seq": data.head.seq if data.head else 0, "hash": data.head.hash if data.head else GENESIS},
        "versions": [{"id": e.version.id, "number": e.version.number, "label": e.version.label,
                      "status": e.version.status, "created_at": _iso(e.version.created_at),
                      "line_count": e.version.line_count, "changes": e.counts, "clauses": clauses[e.version.id]}
                     for e in data.versions],
        "comments": [_comment_json(row, anchors, links) for row in rows] if data.comments_readable else None,
        "rounds": [_round_json(entry, positions, electorate, links) for entry in data.rounds],
        "formal_objections": [{"round_id": e.round.id, "version": e.version_number,
                               "clause": e.clause.label if e.clause else None, "member": e.member,
                               "stakeholder_group": e.sector, "reason": e.reason, "lodged_at": _iso(e.lodged_at),
                               "state": e.state, "response": e.current.response if e.current else None}
                              for e in data.objections],
        "supports": [{"version": next(v.number for v in versions if v.id == version_id), "name": s.name,
                      "organisation": s.organisation, "sector": s.sector, "country": s.country,
                      "statement": s.statement, "verified_at": _iso(s.reviewed_at)}
                     for version_id, found in data.supports.items() for s in found],
        "events": [event_json(event) for event in reversed(data.events)],
        "transparency": export_proofs([event.seq for event in data.events], since),
    }
