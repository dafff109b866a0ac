"""Saved searches: "notify me when a new comment matches". A member saves a query; each comment posted
afterwards is matched against the saved queries of the people who may read it, in Python on the
comment's own words (the same folding and stemming as the index, so it matches exactly when a search
would find it), and the matches are delivered as notifications (services/notifications.py).
"""
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Clause, Membership, SavedSearch, User
from ...sanitize import plain_text
from ..comment_access import comments_are_public
from ..errors import Conflict, NotFound
from ..notifications import excerpt_of, notify
from .query import ParsedQuery, Term, parse_query
from .text import fold, index_forms, phrase_variants, stems_in_every_language

MAX_SAVED = 20


def saved_searches(user) -> list[SavedSearch]:
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                   .order_by(SavedSearch.created_at, SavedSearch.id)))


def save_search(user, query) -> SavedSearch:
    """Keep the query (checked as a search would check it); saving it twice keeps one."""
    query = (query or "").strip() if isinstance(query, str) else ""
    parse_query(query)
    existing = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.query == query))
    if existing is not None:
        return existing
    count = db.session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id))
    if count >= MAX_SAVED:
        raise Conflict("You can keep at most %(limit)s saved searches; delete one first.", limit=MAX_SAVED)
    saved = SavedSearch(user_id=user.id, query=query)
    db.session.add(saved)
    db.session.flush()
    return saved


def delete_saved_search(user, saved_id: int) -> None:
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound("There is no such saved search.")
    db.session.delete(saved)
    db.session.flush()


def _has(term: Term, stems: list[str], folded: list[str]) -> bool:
    if term.kind == "prefix":
        return any(word.startswith(fold(term.words[0])) for word in folded)
    if term.kind == "word":
        return bool(set(stems_in_every_language(term.words[0])) & set(stems))
    joined = " " + " ".join(stems) + " "
    return any(" " + " ".join(variant) + " " in joined for variant in phrase_variants(term.words))


def text_matches(parsed: ParsedQuery, text: str) -> bool:
    """Whether a search for `parsed` would find `text`."""
    _language, stems, folded = index_forms(text)
    stems_list, folded_list = stems.split(), folded.split()
    return all(_has(term, stems_list, folded_list) != term.negated for term in parsed.terms)


def notify_saved_searches(actor, comment, version, context: str, already: set[int] = frozenset()) -> None:
    """Notify the readers of this new comment whose saved searches it matches (one query, one insert);
    `already` are people notified of it otherwise (a reply, a mention)."""
    query = (select(SavedSearch.user_id, SavedSearch.query).join(User, User.id == SavedSearch.user_id)
             .where(SavedSearch.user_id != actor.id, User.deleted_at.is_(None)))
    if not comments_are_public(version):  # then only the group's participants and admins read it
        participants = select(Membership.user_id).where(Membership.working_group_id == version.document.working_group_id)
        query = query.where(or_(User.is_admin.is_(True), User.id.in_(participants)))
    text = "\n".join(part for part in (plain_text(comment.body_html), comment.replacement_text or "") if part)
    matched = {user_id for user_id, saved in db.session.execute(query)
               if user_id not in already and text_matches(parse_query(saved), text)}
    if matched:
        clause = db.session.get(Clause, comment.clause_id)
        notify("saved_search", matched, actor=actor, comment=comment, document=version.document, clause=clause,
               excerpt=excerpt_of(comment.body_html))

