"""The comment-resolution table of a version, with the columns of the ISO/IEC commenting template:
stakeholder group (and affiliation where the reader may see it), clause, line numbers, type of comment,
comment, proposed change, and the chair's disposition with its rationale.

One row per thread opened on the version: a thread's first comment is what the chair answers, so replies
(the discussion around it) are left out, as are hidden and deleted comments, even for a chair (a file
travels further than a page), and threads carried from earlier versions (they have a row in the table
of the version they were written on). Rows follow the clauses' reading order, then where the quote
starts (a comment on the whole clause first), then the order they were written in.

Affiliations are shown to the group's participants and the site admins, who see them on the members page;
other readers get the stakeholder group only. One query for the rows, whatever their number; the .docx and
the .xlsx are written from the same rows (resolution_docx, resolution_xlsx).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from sqlalchemy import and_, func, select

from ..extensions import db
from ..lines import number_lines
from ..models import COMMENT_KINDS, COMMENT_TYPES, DISPOSITIONS, Clause, Comment, Membership, StakeholderGroup, Version
from ..services.comment_access import Viewer
from .comments import plain_text

COLUMNS = (
    lazy_gettext("Ref."), lazy_gettext("Stakeholder group"), lazy_gettext("Clause"), lazy_gettext("Lines"),
    lazy_gettext("Type of comment"), lazy_gettext("Comments"), lazy_gettext("Proposed change"),
    lazy_gettext("Disposition and rationale"),
)


@dataclass(frozen=True)
class ResolutionRow:
    ref: int                # the comment's id, as the platform's links cite it
    stakeholder: str        # "Civil society", or "Civil society: Example Org" for readers who may see it
    clause: str
    lines: str              # "12" or "12-14"
    comment_type: str       # "" when unset
    comment: str
    proposed_change: str
    disposition: str        # "Accepted in part: because ..." or ""

    @property
    def cells(self) -> tuple:
        return (self.ref, self.stakeholder, self.clause, self.lines, self.comment_type, self.comment,
                self.proposed_change, self.disposition)


def _lines(clause: Clause, start: int | None, end: int | None) -> str:
    """The platform's own line numbers (deliberation.lines) the comment's quote covers, else the clause's."""
    first, last = clause.first_line, clause.last_line
    if start is not None and end is not None and end > start:
        numbered = number_lines(clause.text, clause.first_line + (1 if clause.heading else 0))
        covered = [line.number for line in numbered if line.start < end and line.start + len(line.text) > start]
        if covered:
            first, last = covered[0], covered[-1]
    return str(first) if first == last else f"{first}-{last}"


def _stakeholder(group: str | None, affiliation: str | None, own_capacity: bool | None, with_affiliation: bool) -> str:
    parts = [group or gettext("No stakeholder group")]
    if with_affiliation and affiliation:
        parts.append(affiliation + (f" ({gettext('in own capacity')})" if own_capacity else ""))
    return ": ".join(parts)


def _comment_text(kind: str, body_html: str) -> str:
    text = "\n".join(plain_text(body_html))
    return text if kind == "comment" else f"{gettext(COMMENT_KINDS[kind])}: {text}"


def _disposition(value: str | None, rationale: str | None) -> str:
    if not value:
        return ""
    label = gettext(DISPOSITIONS[value])
    return f"{label}: {rationale}" if rationale else label


def resolution_rows(version: Version, viewer: Viewer, with_affiliation: bool) -> list[ResolutionRow]:
    """The table's rows for a reader (an empty table for one who may not read the comments): one query."""
    if not viewer.can_read:
        return []
    working_group_id = version.document.working_group_id
    rows = db.session.execute(
        select(Comment.id, Comment.kind, Comment.comment_type, Comment.body_html, Comment.replacement_text,
               Comment.quote_start, Comment.quote_end, Comment.disposition, Comment.disposition_rationale,
               Clause, StakeholderGroup.name, Membership.affiliation, Membership.own_capacity)
        .join(Clause, Clause.id == Comment.clause_id)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Comment.stakeholder_group_id)
        .outerjoin(Membership, and_(Membership.user_id == Comment.author_id,
                                    Membership.working_group_id == working_group_id))
        .where(Comment.version_id == version.id, Comment.parent_id.is_(None), Comment.status == "visible")
        .order_by(Clause.position, func.coalesce(Comment.quote_start, -1), Comment.id))
    types = {key: gettext(label) for key, label in COMMENT_TYPES.items()}
    return [ResolutionRow(
        ref=row.id, stakeholder=_stakeholder(row.name, row.affiliation, row.own_capacity, with_affiliation),
        clause=row.Clause.label, lines=_lines(row.Clause, row.quote_start, row.quote_end),
        comment_type=types.get(row.comment_type, ""), comment=_comment_text(row.kind, row.body_html),
        proposed_change=row.replacement_text or "",
        disposition=_disposition(row.disposition, row.disposition_rationale),
    ) for row in rows]


def table_title(version: Version) -> str:
    return gettext("Comment-resolution table: %(title)s, %(label)s", title=version.document.title,
                   label=version.label)
