"""Forms for discussing clauses. Templates write their HTML by hand (one reply form per comment needs
ids of its own); these classes read and CSRF-check what comes back. Services do the real validation."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ..numbers import whole_number
from ..models import COMMENT_KINDS, COMMENT_TYPES, DISPOSITIONS
from ..services.errors import Invalid
from .forms import Form


def _optional_int(value: str | None, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    number = whole_number(value)
    if number is None:
        raise Invalid("That is not a valid reference.", field=field)
    return number


_TYPE_CHOICES = [("", _l("No type"))] + [(key, _l(label)) for key, label in COMMENT_TYPES.items()]


class CommentForm(Form):
    kind = SelectField(_l("Kind"), choices=[(key, _l(label)) for key, label in COMMENT_KINDS.items()], default="comment",
                       validate_choice=False)
    type = SelectField(_l("Type of comment"), choices=_TYPE_CHOICES, default="", validate_choice=False)
    body = TextAreaField(_l("Comment"))
    replacement_text = TextAreaField(_l("Proposed text"))
    parent_id = HiddenField()
    selector_exact = HiddenField()
    selector_prefix = HiddenField()
    selector_suffix = HiddenField()
    selector_start = HiddenField()
    selector_end = HiddenField()

    def parent(self) -> int | None:
        return _optional_int(self.parent_id.data, "parent_id")

    def selector(self) -> dict | None:
        """The quoted range from the hidden fields, or None for a comment on the whole clause."""
        if not self.selector_exact.data:
            return None
        return {"exact": self.selector_exact.data, "prefix": self.selector_prefix.data or "",
                "suffix": self.selector_suffix.data or "", "start": self.selector_start.data or None,
                "end": self.selector_end.data or None}


class EditForm(Form):
    body = TextAreaField(_l("Comment"))
    replacement_text = TextAreaField(_l("Proposed text"))


class HideForm(Form):
    reason = StringField(_l("Reason"))
    hidden = HiddenField(default="1")


class DispositionForm(Form):
    disposition = SelectField(_l("Disposition"), choices=[(key, _l(label)) for key, label in DISPOSITIONS.items()],
                              validate_choice=False)
    rationale = TextAreaField(_l("Rationale"))
    version_id = HiddenField()

    def carrying_version(self) -> int | None:
        return _optional_int(self.version_id.data, "version_id")


class TypeForm(Form):
    type = SelectField(_l("Type of comment"), choices=_TYPE_CHOICES, default="", validate_choice=False)


class ResolveForm(Form):
    resolved = HiddenField(default="1")


class BulkModerationForm(Form):
    """The workbench's action on the selected comments (or on one, from its row)."""
    action = SelectField(_l("Action"), choices=[
        ("disposition", _l("Record a disposition")), ("hide", _l("Hide")), ("unhide", _l("Show again")),
        ("resolve", _l("Resolve the threads")), ("reopen", _l("Reopen the threads"))], validate_choice=False)
    disposition = SelectField(_l("Disposition"), choices=[(key, _l(label)) for key, label in DISPOSITIONS.items()],
                              validate_choice=False)
    rationale = TextAreaField(_l("Rationale, or reason for hiding"))
    back = HiddenField()

    def comment_ids(self) -> list[int]:
        from flask import request

        ids = [whole_number(value) for value in request.form.getlist("comment_ids")]
        if any(i is None for i in ids):
            raise Invalid("That is not a valid reference.", field="comment_ids")
        return ids
