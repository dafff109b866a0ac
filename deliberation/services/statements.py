"""Minority statements: eligible members attach them to an item of a closed round while the chair
keeps statements open. Markdown, sanitized once on write."""
from sqlalchemy import select

from ..extensions import db
from ..models import MinorityStatement, Round, RoundItem, User
from ..sanitize import MAX_BODY_CHARS, render_markdown
from .errors import Conflict, Forbidden, Invalid, NotFound
from .positions import eligible_voter
from .rounds import record_round_event


def add_minority_statement(actor, round_: Round, item_id: int, body: str) -> MinorityStatement:
    if round_.status != "closed":
        raise Conflict("Minority statements are attached once the round has closed.")
    if not round_.statements_open:
        raise Conflict("The chair has closed minority statements for this round.")
    item = db.session.get(RoundItem, item_id)
    if item is None or item.round_id != round_.id:
        raise NotFound("That item is not part of this round.")
    if eligible_voter(round_, actor) is None:
        raise Forbidden("Only members eligible in this round can attach a minority statement.")
    body = (body or "").strip()
    if not body:
        raise Invalid("Write the statement.", field="body")
    if len(body) > MAX_BODY_CHARS:
        raise Invalid("Use at most %(limit)s characters.", field="body", limit=MAX_BODY_CHARS)
    statement = MinorityStatement(item_id=item.id, user_id=actor.id, body_source=body,
                                  body_html=render_markdown(body))
    db.session.add(statement)
    db.session.flush()
    record_round_event("round.minority_statement", actor, round_, {"item_id": item.id, "statement_id": statement.id,
                                                        "clause_id": item.clause_id})
    return statement


def statements_by_item(round_: Round) -> dict[int, list[tuple[MinorityStatement, User | None]]]:
    rows = db.session.execute(
        select(MinorityStatement, User).join(RoundItem, RoundItem.id == MinorityStatement.item_id)
        .outerjoin(User, User.id == MinorityStatement.user_id)
        .where(RoundItem.round_id == round_.id).order_by(MinorityStatement.created_at))
    grouped: dict[int, list] = {}
    for statement, author in rows:
        grouped.setdefault(statement.item_id, []).append((statement, author))
    return grouped

