"""Documents and versions: importing a draft (preview, then publish as a version) and reading it back."""
import uuid

from sqlalchemy import select

from ..extensions import db
from ..importer import DraftImportError, ParsedClause, apply_edits, flatten, parse_draft, parse_title
from ..lines import line_count
from ..models import Clause, Document, Version, WorkingGroup
from ..realtime import queue_access_check
from .errors import Conflict, Invalid, NotFound
from .record import append_event
from .validation import clean_text

FORMATS = ("markdown", "text")


def preview_draft(fmt: str, source: str, edits: list | None = None
                  ) -> tuple[str | None, list[tuple[ParsedClause, int, int | None]]]:
    """Parse without writing: the suggested title and the flattened clause tree, with the chair's
    preview edits applied in order (`importer.edits`), or Invalid."""
    if fmt not in FORMATS:
        raise Invalid("The format must be markdown or text.", field="format")
    try:
        flat = flatten(parse_draft(source or "", fmt))
        return parse_title(source or "", fmt), apply_edits(flat, edits) if edits else flat
    except DraftImportError as exc:
        raise Invalid(exc.template, field=exc.field, **exc.params) from None


def _add_clauses(version: Version, flat) -> list[Clause]:
    """Store the flattened tree with continuous line numbers; keys are new (matching comes with versions)."""
    rows: list[Clause] = []
    next_line = 1
    for position, (parsed, depth, parent_index) in enumerate(flat):
        # A bare number ("2." over its sub-clauses) still takes a line; the page draws the number on it.
        lines = max(1, line_count(parsed.heading, parsed.text))
        clause = Clause(
            version_id=version.id, key=uuid.uuid4().hex, number=parsed.number, heading=parsed.heading,
            text=parsed.text, position=position, depth=depth, first_line=next_line,
            last_line=next_line + lines - 1, change="new",
        )
        rows.append(clause)
        next_line += lines
    db.session.add_all(rows)
    db.session.flush()  # ids for parent links
    for clause, (_parsed, _depth, parent_index) in zip(rows, flat):
        if parent_index is not None:
            clause.parent_id = rows[parent_index].id
    version.line_count = next_line - 1
    db.session.flush()
    return rows


def create_document(actor, group: WorkingGroup, *, title: str, fmt: str, source: str,
                    public: bool = False, edits: list | None = None) -> Document:
    """A new document with its version 1 published (open for comment): the draft as the preview
    showed it, with the chair's edits."""
    suggested, flat = preview_draft(fmt, source, edits)
    title = clean_text(title or suggested or "", "title", max_length=300)
    document = Document(working_group_id=group.id, title=title, public=public, created_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    version = Version(document_id=document.id, number=1, label="Discussion draft 1", status="open",
                      source_format=fmt, source=source, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    clauses = _add_clauses(version, flat)
    document.current_version_id = version.id
    db.session.flush()
    append_event("document.created", actor=actor, subject=document, working_group_id=group.id,
                 document_id=document.id, payload={"title": title, "public": public}, public=public)
    append_event("version.published", actor=actor, subject=version, working_group_id=group.id,
                 document_id=document.id, public=public,
                 payload={"number": 1, "label": version.label, "clauses": len(clauses)})
    return document


def update_document(actor, document: Document, *, title: str, public: bool) -> None:
    document.title = clean_text(title, "title", max_length=300)
    changed_visibility = document.public != public
    document.public = public
    append_event("document.updated", actor=actor, subject=document, working_group_id=document.working_group_id,
                 document_id=document.id, payload={"title": document.title, "public": public},
                 public=public or changed_visibility)
    if changed_visibility:  # its live readers who may no longer read leave its rooms
        queue_access_check(document_id=document.id)


def group_documents(group: WorkingGroup) -> list[Document]:
    return list(db.session.scalars(
        select(Document).where(Document.working_group_id == group.id).order_by(Document.created_at.desc())
    ))


def document_versions(document: Document) -> list[Version]:
    return list(db.session.scalars(select(Version).where(Version.document_id == document.id)
                                   .order_by(Version.number)))


def version_clauses(version: Version) -> list[Clause]:
    """All clauses of a version in reading order: one query, whatever the length."""
    return list(db.session.scalars(select(Clause).where(Clause.version_id == version.id).order_by(Clause.position)))


def get_version(document: Document, number: int) -> Version:
    version = db.session.scalar(select(Version).where(Version.document_id == document.id, Version.number == number))
    if version is None:
        raise NotFound("There is no such version.")
    return version


def ensure_not_archived(document: Document) -> None:
    if document.archived:
        raise Conflict("This document is archived.")
