"""The public record of a document: its page (history, versions, diffs, rounds, support, the chain's head
and how to verify it, exports), a printable record with line numbers, and an Atom feed of its events."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from ..lines import number_lines
from ..links import external_url
from ..models import COMMENT_KINDS, DISPOSITIONS
from ..i18n import translated
from ..models.rounds import DESIGNATIONS, RULE_LABELS, THRESHOLD_LABELS
from ..services import public_record as record
from ..services.event_descriptions import describe_event
from ..services.transparency.checkpoint import signing_key
from ..services.transparency.witnesses import witness_statuses
from .helpers import load_document

bp = Blueprint("record", __name__)
LABELS = {"designations": DESIGNATIONS, "dispositions": DISPOSITIONS, "comment_kinds": COMMENT_KINDS}


def _labels() -> dict:
    """The record's labels in the reader's language (the models keep them English, marked with N_)."""
    return {name: translated(labels) for name, labels in LABELS.items()}


@bp.app_context_processor
def rule_words() -> dict:
    """A round's rule and threshold as they read inside a sentence, in the reader's language."""
    return {"rules": translated(RULE_LABELS), "thresholds": translated(THRESHOLD_LABELS)}


@bp.get("/documents/<int:document_id>/record")
def show(document_id: int):
    document = load_document(document_id)
    return render_template("record/show.html", document=document, data=record.document_record(current_user, document),
                           witnesses=witness_statuses(), record_key=signing_key().verifier_key, **_labels())


@bp.get("/documents/<int:document_id>/record/print")
def printable(document_id: int):
    document = load_document(document_id)
    printed = record.printable_record(current_user, document, request.args.get("version", ""))
    lines = {clause.id: number_lines(clause.text, clause.first_line + (1 if clause.heading else 0))
             for clause in printed.clauses}
    return render_template("record/print.html", document=document, printed=printed, data=printed.record, lines=lines,
                           **_labels())


@bp.get("/documents/<int:document_id>/record.atom")
def feed(document_id: int):
    document = load_document(document_id)
    body = render_template("record/feed.xml", document=document, events=record.document_events(document),
                           page=external_url("record.show", document_id=document.id))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.app_template_filter("describe_event")
def describe_event_filter(event) -> str:
    return describe_event(event.kind, event.payload)
