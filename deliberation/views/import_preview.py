"""The import preview's state and the chair's steps in it, shared by the new-document and new-version pages.

The preview keeps its state in one signed hidden field (itsdangerous with the app's secret key, compressed):
the format, the text (for a Word file with tracked changes, both readings), how many tracked changes and
comments the file has, the chair's choice between the readings, and the list of edits (`importer.edits`).
Each step posts the state back with the button pressed (`op`): an edit is appended to the list, "undo"
takes the last one back, a choice of reading starts the edits afresh. Publishing hands the chosen text and
the edits to the service, so what is published is exactly what the preview showed.

Buttons: op="apply" (also the form's default, for Enter) takes the numbers typed in the number-<i> fields;
"split:<i>" splits clause i before the offset chosen in split-<i>; "merge:<i>", "indent:<i>", "outdent:<i>";
"paragraphs"; "undo"; "reset"; "tracked:accepted" and "tracked:rejected". Every edit button also takes the
typed numbers first, so a number typed before another button is not lost.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..importer import DraftImportError, few_giant_clauses, read_upload
from ..importer.revisions import MODES, REJECTED
from ..services.documents import preview_draft
from ..services.errors import Invalid
from .helpers import form_error

STATE_SALT = "import-preview"
_INDEXED = ("split", "merge", "indent", "outdent")


@dataclass
class PreviewState:
    fmt: str
    text: str
    rejected: str | None = None      # a Word file's text as if all tracked changes were rejected
    tracked_changes: int = 0
    comments: int = 0
    tracked: str | None = None       # the chair's choice: "accepted" or "rejected"
    edits: list = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.rejected if self.tracked == REJECTED and self.rejected is not None else self.text

    @property
    def awaiting_choice(self) -> bool:
        """A Word file with tracked changes shows nothing to publish until the chair picks a reading."""
        return bool(self.tracked_changes) and self.tracked not in MODES

    def token(self) -> str:
        return _serializer().dumps(asdict(self))


@dataclass
class Preview:
    """What the preview page shows: the state, and (once there is a text to show) what `build` made of it."""

    state: PreviewState
    built: object = None
    giant: int = 0                   # paragraphs of the longest clause when the draft is a few giant clauses


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=STATE_SALT)


def _submitted_token() -> PreviewState | None:
    token = request.form.get("state")
    if not token:
        return None
    try:
        return PreviewState(**_serializer().loads(token))
    except (BadSignature, TypeError, ValueError):
        raise Invalid("The preview could not be read back. Start the import again.") from None


def submitted_state(form) -> PreviewState:
    """The state the preview posted back; else a new one from the upload, or from the pasted text."""
    state = _submitted_token()
    if state is not None:
        return state
    upload = form.file.data
    if upload and upload.filename:
        try:
            fmt, draft = read_upload(upload.filename, upload.read())
        except DraftImportError as exc:
            raise Invalid(exc.template, field="file", **exc.params) from None
        return PreviewState(fmt, draft.text, draft.rejected, draft.tracked_changes, draft.comments)
    if not (form.source.data or "").strip():
        raise Invalid("Paste the draft or choose a file.", field="source")
    return PreviewState(form.format.data, form.source.data)


def posted_back(form) -> bool:
    """The preview's own form came back (with a state and a valid CSRF token), even if a field is invalid."""
    return "state" in request.form and not form.csrf_token.errors


def shown_again(build) -> Preview | None:
    """After a refusal, the posted-back preview as it was; None when there is none to show."""
    try:
        state = _submitted_token()
        return _built(state, build) if state is not None else None
    except Invalid:
        return None


def publishing(form) -> bool:
    """Publish was pressed (not one of the preview's buttons); a pending choice of reading refuses it."""
    return form.action.data == "publish" and not request.form.get("op")


def ready_to_publish(state: PreviewState) -> PreviewState:
    if state.awaiting_choice:
        raise Invalid("The Word file has tracked changes: choose which text to import first.")
    return state


def show(state: PreviewState, build, form) -> Preview:
    """Apply the button pressed, if any, and build what the page shows; a refused step puts its reason on
    the form and the page shows the state as it was. `build(state)` returns the parsed preview or the
    version plan, and its flat clause list, or raises Invalid (only the first build of a text can fail)."""
    if request.form.get("op"):
        try:
            stepped = _step(state)
            return _built(stepped, build)
        except Invalid as exc:
            form_error(form, exc)
    return _built(state, build)


def _built(state: PreviewState, build) -> Preview:
    if state.awaiting_choice:
        return Preview(state)
    built, flat = build(state)
    return Preview(state, built, few_giant_clauses(flat))


def _step(state: PreviewState) -> PreviewState:
    op, _, argument = request.form.get("op", "").partition(":")
    if op == "undo":
        return _with(state, edits=state.edits[:-1])
    if op == "reset":
        return _with(state, edits=[])
    if op == "tracked":
        if argument not in MODES or not state.tracked_changes:
            raise Invalid("Choose to import the text as if all changes were accepted, or as if all were rejected.")
        return _with(state, tracked=argument, edits=[])
    if state.awaiting_choice:
        raise Invalid("The Word file has tracked changes: choose which text to import first.")
    edits = state.edits + _typed_numbers(state)
    if op == "paragraphs":
        edits.append({"op": "paragraphs"})
    elif op in _INDEXED:
        edit = {"op": op, "index": _number(argument)}
        if op == "split":
            edit["offset"] = _number(request.form.get(f"split-{argument}", ""))
        edits.append(edit)
    elif op != "apply":
        raise Invalid("This button is not one the preview knows. Start the import again.")
    return _with(state, edits=edits)


def _typed_numbers(state: PreviewState) -> list[dict]:
    """A renumber edit for each number field the chair changed."""
    _title, flat = preview_draft(state.fmt, state.source, state.edits)
    edits = []
    for index, (clause, _depth, _parent) in enumerate(flat):
        typed = request.form.get(f"number-{index}")
        if typed is not None and " ".join(typed.split()) != (clause.number or ""):
            edits.append({"op": "renumber", "index": index, "number": typed})
    return edits


def _number(value: str) -> int:
    if not value.isdigit():
        raise Invalid("This button is not one the preview knows. Start the import again.")
    return int(value)


def _with(state: PreviewState, **changes) -> PreviewState:
    return PreviewState(**{**asdict(state), **changes})
