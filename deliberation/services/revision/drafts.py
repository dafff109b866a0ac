"""Opening and discarding a document's working draft, reading it, and the `editor` right on a document."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Clause, Document, DocumentEditor, DraftClause, Membership, User, WorkingDraft
from ...models._base import utcnow
from ...security import Permission, can
from ..documents import ensure_not_archived, version_clauses
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ...realtime import queue_access_check
from ..record import append_event
from ..versions import current_version
from .payloads import announce_end


def require_editor(actor, document: Document) -> None:
    """Chairs and the document's named editors may work on its working draft; anyone else is refused."""
    if not can(actor, Permission.EDIT_DRAFT, document):
        raise Forbidden("Only the group's chairs and this document's editors may work on its working draft.")


def draft_of(document: Document) -> WorkingDraft | None:
    return db.session.scalar(select(WorkingDraft).where(WorkingDraft.document_id == document.id))


def _record(kind: str, actor, draft: WorkingDraft, payload: dict) -> None:
    document = draft.document
    append_event(kind, actor=actor, subject=draft, subject_type="working_draft",
                 working_group_id=document.working_group_id, document_id=document.id, public=False,
                 payload={"base_version": draft.base_version.number, **payload})


def open_draft(actor, document: Document) -> WorkingDraft:
    """A working draft of the next version: a copy of the current version's clauses, keys kept."""
    require_editor(actor, document)
    ensure_not_archived(document)
    db.session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
    if draft_of(document) is not None:
        raise Conflict("This document already has a working draft; open it or discard it first.",
                       code="draft_exists")
    base = current_version(document)
    draft = WorkingDraft(document_id=document.id, base_version_id=base.id, created_by_id=actor.id)
    db.session.add(draft)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another chair opened one at the same moment
        raise Conflict("This document already has a working draft; open it or discard it first.",
                       code="draft_exists") from None
    clauses = version_clauses(base)
    key_of = {clause.id: clause.key for clause in clauses}
    db.session.add_all(DraftClause(
        draft_id=draft.id, key=clause.key, parent_key=key_of.get(clause.parent_id), position=clause.position,
        depth=clause.depth, number=clause.number, heading=clause.heading, text=clause.text, revision=1,
        predecessor_keys=[clause.key], updated_by_id=actor.id) for clause in clauses)
    db.session.flush()
    _record("working_draft.opened", actor, draft, {"clauses": len(clauses)})
    return draft


def discard_draft(actor, draft: WorkingDraft) -> None:
    """Throw the working draft away; the current version is untouched."""
    require_editor(actor, draft.document)
    _record("working_draft.discarded", actor, draft, {})
    announce_end(draft, actor)
    db.session.delete(draft)
    db.session.flush()


def draft_clauses(draft: WorkingDraft) -> list[DraftClause]:
    """The draft's clauses in reading order: one query."""
    return list(db.session.scalars(select(DraftClause).where(DraftClause.draft_id == draft.id)
                                   .order_by(DraftClause.position)))


def draft_clause(draft: WorkingDraft, key: str) -> DraftClause:
    """A clause of this draft by key; a key of another draft or version is not found here."""
    clause = db.session.scalar(select(DraftClause).where(DraftClause.draft_id == draft.id, DraftClause.key == key))
    if clause is None:
        raise NotFound("This working draft has no clause with that key.", code="unknown_clause")
    return clause


def touch(draft: WorkingDraft) -> None:
    draft.updated_at = utcnow()


def base_clauses_by_key(draft: WorkingDraft) -> dict[str, Clause]:
    return {clause.key: clause for clause in version_clauses(draft.base_version)}


def document_editors(document: Document) -> list[DocumentEditor]:
    return list(db.session.scalars(select(DocumentEditor).where(DocumentEditor.document_id == document.id)
                                   .order_by(DocumentEditor.id)))


def find_editor(document: Document, user_id) -> DocumentEditor:
    editor = db.session.scalar(select(DocumentEditor).where(DocumentEditor.document_id == document.id,
                                                            DocumentEditor.user_id == user_id))
    if editor is None:
        raise NotFound("This member is not an editor of the document.")
    return editor


def editor_candidates(document: Document) -> list[User]:
    """The group's members (not chairs, not observers) who are not editors yet, by name: one query."""
    named = select(DocumentEditor.user_id).where(DocumentEditor.document_id == document.id)
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.working_group_id == document.working_group_id, Membership.role == "member",
               User.deleted_at.is_(None), User.id.not_in(named))
        .order_by(User.name, User.id)))


def add_editor(actor, document: Document, user: User) -> DocumentEditor:
    """A chair names a member of the group co-editor of the document's working drafts."""
    if not can(actor, Permission.MANAGE_DOCUMENTS, document):
        raise Forbidden("Only the group's chairs may name editors.")
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.working_group_id == document.working_group_id))
    if membership is None or membership.role != "member":
        raise Invalid("Name a member of this working group (chairs are editors already).", field="user_id")
    existing = db.session.scalar(select(DocumentEditor).where(DocumentEditor.document_id == document.id,
                                                              DocumentEditor.user_id == user.id))
    if existing is not None:
        return existing
    editor = DocumentEditor(document_id=document.id, user_id=user.id, added_by_id=actor.id)
    db.session.add(editor)
    db.session.flush()
    append_event("document.editor_added", actor=actor, subject=document, working_group_id=document.working_group_id,
                 document_id=document.id, payload={"user_id": user.id, "name": user.display_name})
    _forget_cached_rights()
    return editor


def remove_editor(actor, document: Document, editor: DocumentEditor) -> None:
    if not can(actor, Permission.MANAGE_DOCUMENTS, document):
        raise Forbidden("Only the group's chairs may name editors.")
    if editor.document_id != document.id:
        raise NotFound("Not found.")
    db.session.delete(editor)
    db.session.flush()
    append_event("document.editor_removed", actor=actor, subject=document,
                 working_group_id=document.working_group_id, document_id=document.id,
                 payload={"user_id": editor.user_id})
    _forget_cached_rights()
    queue_access_check(document_id=document.id, user_id=editor.user_id)  # out of the draft's live room


def _forget_cached_rights() -> None:
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_editor_of", None)
