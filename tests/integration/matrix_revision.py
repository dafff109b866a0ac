"""Permission expectations for working drafts (issue 12): the editor pages and the API. Only the group's
chairs (and members a chair names editor, see test_revision_api) may open, read, edit or publish one;
bodies are left invalid where a chair's call would otherwise publish or delete, and the discards come last."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Document, DraftClause, User
from deliberation.services.revision.drafts import open_draft

from .test_permissions import OK, PAGE_LOGIN, roles

EDITOR_PAGE = roles(403, anonymous=PAGE_LOGIN, chair=OK)
EDITOR_API = roles(403, anonymous=401, chair=OK)
EDITOR_MISSING = roles(403, anonymous=401, chair=404)


def _drafts(app, w):
    with app.app_context():
        chair = db.session.get(User, w.chair.id)
        public = open_draft(chair, db.session.get(Document, w.document.id))
        private = open_draft(chair, db.session.get(Document, w.private_document.id))
        key = db.session.scalar(select(DraftClause.key).where(DraftClause.draft_id == public.id).limit(1))
        db.session.commit()
        return public.id, private.id, key


def expectations(app, w) -> dict:
    draft, private_draft, key = _drafts(app, w)
    doc = w.document.id
    page, api = f"/documents/{doc}/working-draft", f"/api/v1/working-drafts/{draft}"
    return {
        "revision.editor": [("GET", page, roles(403, anonymous=PAGE_LOGIN, chair=200))],
        "revision.start": [("POST", page, EDITOR_PAGE)],  # the chair is told a draft exists
        "revision.save_clause": [("POST", f"{page}/clauses/{key}", EDITOR_PAGE)],
        "revision.insert_clause": [("POST", f"{page}/clauses", EDITOR_PAGE)],
        "revision.change_structure": [("POST", f"{page}/clauses/{key}/move", EDITOR_PAGE)],
        "revision.apply_amendment": [("POST", f"{page}/amendments/999999/apply", EDITOR_PAGE)],
        "revision.undo_amendment": [("POST", f"{page}/amendments/999999/undo", EDITOR_PAGE)],
        "revision.review": [("GET", f"{page}/review", roles(403, anonymous=PAGE_LOGIN, chair=200))],
        "revision.publish": [("POST", f"{page}/publish", EDITOR_PAGE, {"label": "x" * 200})],
        # Naming and taking off editors is the chairs' (MANAGE_DOCUMENTS): a named editor may not.
        "revision.add_editor": [("POST", f"{page}/editors", EDITOR_PAGE)],
        "revision.remove_editor": [("POST", f"{page}/editors/999999/remove",
                                    roles(403, anonymous=PAGE_LOGIN, chair=404))],
        "api.open_working_draft": [("POST", f"/api/v1/documents/{doc}/working-draft", EDITOR_API)],
        "api.find_working_draft": [("GET", f"/api/v1/documents/{doc}/working-draft", EDITOR_API)],
        "api.get_working_draft": [("GET", api, EDITOR_API)],
        "api.edit_draft_clause": [("PATCH", f"{api}/clauses/{key}", EDITOR_API)],
        "api.insert_draft_clause": [("POST", f"{api}/clauses", EDITOR_API)],
        "api.delete_draft_clause": [("DELETE", f"{api}/clauses/nokey", EDITOR_MISSING)],
        "api.move_draft_clause": [("POST", f"{api}/clauses/{key}/move", EDITOR_API)],
        "api.split_draft_clause": [("POST", f"{api}/clauses/{key}/split", EDITOR_API)],
        "api.merge_draft_clause": [("POST", f"{api}/clauses/nokey/merge", EDITOR_MISSING)],
        "api.apply_draft_amendment": [("POST", f"{api}/amendments/999999/apply", EDITOR_API, {"text": 5})],
        "api.undo_draft_amendment": [("DELETE", f"{api}/amendments/999999/apply", EDITOR_MISSING)],
        "api.working_draft_checklist": [("GET", f"{api}/checklist", EDITOR_API)],
        "api.publish_working_draft": [("POST", f"{api}/publish", EDITOR_API, {"label": 5})],
        "api.add_document_editor": [("POST", f"/api/v1/documents/{doc}/editors", EDITOR_API)],
        "api.remove_document_editor": [("DELETE", f"/api/v1/documents/{doc}/editors/999999", EDITOR_MISSING)],
        "api.discard_working_draft": [("DELETE", f"/api/v1/working-drafts/{private_draft}",
                                       roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "revision.discard": [("POST", f"{page}/discard", EDITOR_PAGE)],
    }
