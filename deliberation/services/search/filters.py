"""The reader's filters, read from a query string (the page and the API share them) and applied as SQL."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import or_, select

from ...models import COMMENT_KINDS, DISPOSITIONS, SEARCH_KINDS, Comment, Document, SearchEntry, StakeholderGroup
from ..errors import Invalid

MAX_PAGE = 500


@dataclass(frozen=True)
class SearchFilters:
    working_group_id: int | None = None
    document_id: int | None = None
    version: str | int = "current"    # current (clauses of current versions) | all | a version id
    kind: str | None = None            # one of SEARCH_KINDS
    stakeholder_group: str | None = None  # a stakeholder group's key, the same across working groups
    author_id: int | None = None
    comment_type: str | None = None    # one of COMMENT_KINDS
    disposition: str | None = None     # one of DISPOSITIONS, or "none": comments still without one
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @property
    def narrowed(self) -> bool:
        """Whether any filter beyond the defaults is set (the page opens its filter panel)."""
        return any((self.working_group_id, self.document_id, self.version != "current", self.kind,
                    self.stakeholder_group, self.author_id, self.comment_type, self.disposition,
                    self.date_from, self.date_to))


def _int(args, name: str, *, minimum: int = 1):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < minimum or len(raw) > 12:
        raise Invalid("'%(name)s' must be a whole number of at least %(minimum)s.", field=name, name=name,
                      minimum=minimum)
    return int(raw)


def _choice(args, name: str, choices):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise Invalid("'%(name)s' must be one of: %(choices)s.", field=name, name=name, choices=", ".join(choices))
    return raw


def _date(args, name: str):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("'%(name)s' must be a date such as 2026-04-30.", field=name, name=name) from None


def filters_from(args, user=None) -> SearchFilters:
    """Read and check the filters; Invalid names the parameter that is wrong."""
    version = (args.get("version") or "current").strip()
    if version not in ("current", "all"):
        version = _int(args, "version")
    author = (args.get("author") or "").strip()
    author_id = getattr(user, "id", None) if author == "me" else _int(args, "author")
    stakeholder_group = (args.get("stakeholder_group") or "").strip() or None
    if stakeholder_group is not None and len(stakeholder_group) > 40:
        raise Invalid("'%(name)s' must be a stakeholder group's key.", field="stakeholder_group",
                      name="stakeholder_group")
    page = _int(args, "page") or 1
    if page > MAX_PAGE:
        raise Invalid("'%(name)s' must be at most %(limit)s.", field="page", name="page", limit=MAX_PAGE)
    return SearchFilters(
        working_group_id=_int(args, "working_group"), document_id=_int(args, "document_id"), version=version,
        kind=_choice(args, "kind", SEARCH_KINDS), stakeholder_group=stakeholder_group, author_id=author_id,
        comment_type=_choice(args, "comment_type", tuple(COMMENT_KINDS)),
        disposition=_choice(args, "disposition", (*DISPOSITIONS, "none")),
        date_from=_date(args, "from"), date_to=_date(args, "to"), page=page)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def apply_filters(query, filters: SearchFilters):
    """Use with a query joined as `access.joined_for_access` does."""
    if filters.working_group_id:
        query = query.where(SearchEntry.working_group_id == filters.working_group_id)
    if filters.document_id:
        query = query.where(SearchEntry.document_id == filters.document_id)
    if filters.version == "current":
        # Clause text of current versions; comments stay findable on every version: threads carry over.
        query = query.where(or_(SearchEntry.kind != "clause", SearchEntry.version_id == Document.current_version_id))
    elif filters.version != "all":
        query = query.where(SearchEntry.version_id == filters.version)
    if filters.kind:
        query = query.where(SearchEntry.kind == filters.kind)
    if filters.stakeholder_group:
        query = query.where(SearchEntry.stakeholder_group_id.in_(
            select(StakeholderGroup.id).where(StakeholderGroup.key == filters.stakeholder_group)))
    if filters.author_id:
        query = query.where(SearchEntry.author_id == filters.author_id)
    if filters.comment_type:
        query = query.where(SearchEntry.kind != "clause", Comment.kind == filters.comment_type)
    if filters.disposition == "none":
        query = query.where(SearchEntry.kind.in_(("comment", "amendment")), Comment.disposition.is_(None))
    elif filters.disposition:
        query = query.where(SearchEntry.kind != "clause", Comment.disposition == filters.disposition)
    if filters.date_from:
        query = query.where(SearchEntry.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(SearchEntry.created_at < _start_of(filters.date_to + timedelta(days=1)))
    return query
