"""Reading discussions on the pages: the margin of the reading pages, thread fragments for the
scripts, a long thread's own pages, comment permalinks and a chair's look at earlier texts.

The reading pages (documents.version and documents.clause) ask for their margin through the template
globals `version_annotations` and `clause_annotations`: one call each, a fixed number of queries.
"""
import json
from dataclasses import dataclass, field


from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..numbers import whole_number
from ..extensions import db
from ..i18n import translated
from ..models import COMMENT_KINDS, COMMENT_TYPES, DISPOSITIONS, Clause, Document, Version
from ..security import Permission, require
from ..services import comment_lookup, thread_replies, threads, version_threads
from ..services.comment_access import Viewer, viewer_for
from ..services.moderation import comment_revisions
from ..textdiff import diff_html
from .context import reader_datetime
from .helpers import load_document, load_version

bp = Blueprint("discussion", __name__)


@dataclass
class Margin:
    """What the reading page needs beside its clauses."""
    viewer: Viewer
    counts: dict = field(default_factory=dict)
    highlights: dict = field(default_factory=dict)
    page: threads.ThreadPage | None = None  # the open clause's threads (clause page)

    def count(self, clause: Clause) -> version_threads.ClauseCounts:
        return self.counts.get(clause.id) or version_threads.ClauseCounts(0, 0)

    def highlights_json(self, clause: Clause) -> str:
        return json.dumps(self.highlights.get(clause.id, []))


@bp.app_template_global()
def version_annotations(version: Version) -> Margin:
    viewer = viewer_for(current_user, version)
    if not viewer.can_read:
        return Margin(viewer)
    return Margin(viewer, version_threads.version_counts(version), version_threads.version_highlights(version))


@bp.app_template_global()
def clause_annotations(version: Version, clause: Clause) -> Margin:
    margin = version_annotations(version)
    if margin.viewer.can_read:
        margin.page = threads.clause_threads(clause, margin.viewer, after=_after())
    return margin


@bp.app_context_processor
def comment_labels() -> dict:
    return {"COMMENT_KINDS": translated(COMMENT_KINDS), "DISPOSITIONS": translated(DISPOSITIONS),
            "COMMENT_TYPES": translated(COMMENT_TYPES),
            "author_name": threads.author_name}


# A comment's time reads like every other time on the site (views/context.py).
bp.add_app_template_filter(reader_datetime, "comment_time")


@bp.app_template_global()
def amendment_diff(comment, clause_text: str) -> Markup:
    """The proposed text against the quoted words (or the whole clause); textdiff escapes every piece."""
    return Markup(diff_html(comment.quote_exact or clause_text, comment.replacement_text or ""))


def _after() -> int | None:
    return whole_number(request.args.get("after", ""))


def clause_by_key(version: Version, key: str) -> Clause:
    clause = db.session.scalar(select(Clause).where(Clause.version_id == version.id, Clause.key == key))
    if clause is None:
        abort(404)
    return clause


def clause_page_url(document: Document, version: Version, clause: Clause, after: int | None = None,
                    anchor: str | None = None) -> str:
    return url_for("documents.clause", document_id=document.id, number=version.number, key=clause.key,
                   after=after, _anchor=anchor)


@bp.get("/documents/<int:document_id>/versions/<int:number>/clauses/<key>/threads")
def thread_fragment(document_id: int, number: int, key: str):
    """The clause's threads as an HTML fragment (a page of them with `after`), for the scripts."""
    document = load_document(document_id)
    version = load_version(document, number)
    clause = clause_by_key(version, key)
    viewer = viewer_for(current_user, version)
    comment_lookup.ensure_can_read(current_user, viewer)
    page = threads.clause_threads(clause, viewer, after=_after())
    return render_template("annotations/_threads.html", document=document, version=version, clause=clause,
                           viewer=viewer, page=page, only_items=_after() is not None)


def thread_page_url(document: Document, version: Version, clause: Clause, root_id: int, after: int | None = None,
                    anchor: str | None = None) -> str:
    return url_for("discussion.thread_page", document_id=document.id, number=version.number, key=clause.key,
                   root_id=root_id, after=after, _anchor=anchor)


def comment_url(comment, version: Version, viewer: Viewer) -> str:
    """Where the comment shows: its clause page (the page of threads that holds it), or, for a reply
    past the first ones of a long thread, the page of its thread that starts with it."""
    clause = db.session.get(Clause, comment.clause_id)
    anchor = f"comment-{comment.id}"
    after_reply = thread_replies.reply_start(comment)
    if after_reply is not None:
        return thread_page_url(version.document, version, clause, comment.root_id, after_reply, anchor)
    return clause_page_url(version.document, version, clause, threads.page_start_for(comment, viewer), anchor)


def _thread(document_id: int, number: int, key: str, root_id: int):
    document = load_document(document_id)
    version = load_version(document, number)
    clause = clause_by_key(version, key)
    viewer = viewer_for(current_user, version)
    comment_lookup.ensure_can_read(current_user, viewer)
    root = thread_replies.thread_root(clause, viewer, root_id)
    page = thread_replies.thread_replies(clause, root, viewer, after=_after())
    return {"document": document, "version": version, "clause": clause, "viewer": viewer, "page": page}


@bp.get("/documents/<int:document_id>/versions/<int:number>/clauses/<key>/threads/<int:root_id>")
def thread_page(document_id: int, number: int, key: str, root_id: int):
    """A long thread's replies after `after`, a page at a time: where "Show more replies" leads without
    scripts, and where a permalink to a later reply opens."""
    context = _thread(document_id, number, key, root_id)
    back = threads.page_start_for(context["page"].root.comment, context["viewer"], context["clause"].id)
    return render_template("annotations/thread.html", back_after=back, **context)


@bp.get("/documents/<int:document_id>/versions/<int:number>/clauses/<key>/threads/<int:root_id>/replies")
def replies_fragment(document_id: int, number: int, key: str, root_id: int):
    """The same page of replies as an HTML fragment, for the scripts to place in the thread."""
    return render_template("annotations/_replies.html", **_thread(document_id, number, key, root_id))


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    comment, version, viewer = comment_lookup.readable_comment(current_user, comment_id)
    return redirect(comment_url(comment, version, viewer))


@bp.get("/comments/<int:comment_id>/fragment")
def comment_fragment(comment_id: int):
    """One comment as the caller may see it (no replies), for live updates; with `clause`, as it shows in
    that clause's discussion (a thread carried there from an earlier version)."""
    comment, version, viewer = comment_lookup.readable_comment(current_user, comment_id)
    clause = db.session.get(Clause, comment.clause_id)
    node = threads.single_node(comment, viewer)
    shown_on = whole_number(request.args.get("clause", ""))
    if shown_on is not None and shown_on != clause.id:
        listing, listing_version, listing_viewer = comment_lookup.readable_clause(current_user, shown_on)
        carried = threads.carried_onto(listing, comment) if listing_viewer.can_read else None
        if carried is not None:
            clause, version, viewer = listing, listing_version, listing_viewer
            node = threads.single_node(comment, viewer)
            node.carried = carried
    return render_template("annotations/_comment.html", node=node, document=version.document, version=version,
                           clause=clause, viewer=viewer)


@bp.get("/comments/<int:comment_id>/revisions")
def revisions(comment_id: int):
    comment, version, viewer = comment_lookup.readable_comment(current_user, comment_id)
    require(current_user, Permission.MODERATE, version)
    clause = db.session.get(Clause, comment.clause_id)
    return render_template("annotations/revisions.html", comment=comment, revisions=comment_revisions(comment),
                           document=version.document, version=version, clause=clause, viewer=viewer)
