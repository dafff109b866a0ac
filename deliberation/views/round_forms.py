"""Forms of the rounds and support pages. Flask-WTF adds the CSRF token; services do the real checks."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateTimeLocalField, EmailField, HiddenField, RadioField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..models.rounds import DESIGNATIONS
from .forms import RULE_CHOICES, THRESHOLD_CHOICES, Form

SCOPE_CHOICES = [("document", _l("The whole document")), ("every", _l("Every clause, one by one")),
                 ("chosen", _l("Chosen clauses"))]


class OpenRoundForm(Form):
    scope = RadioField(_l("What is put to the group"), choices=SCOPE_CHOICES, default="document")
    clause_ids = SelectMultipleField(_l("Clauses"), coerce=int, choices=[], validate_choice=False)
    rule = SelectField(_l("Decision rule"), choices=RULE_CHOICES)
    threshold = SelectField(_l("Threshold"), choices=THRESHOLD_CHOICES)
    quorum = StringField(_l("Quorum"), validators=[DataRequired(), Length(max=16)])
    closes_at = DateTimeLocalField(_l("Closes at (UTC, optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    live_tally = BooleanField(_l("Members and observers see the running tally while the round is open"))


class ReopenRoundForm(Form):
    """Reopening a consensus round after a formal objection was answered: everything else is copied."""
    closes_at = DateTimeLocalField(_l("Closes at (UTC, optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class DesignationForm(Form):
    designation = SelectField(_l("Designation"), choices=[(key, _l(label)) for key, label in DESIGNATIONS.items()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class StatementForm(Form):
    body = TextAreaField(_l("Minority statement"), validators=[DataRequired(), Length(max=20000)])


class ResponseForm(Form):
    response = TextAreaField(_l("Response to the objection"), validators=[DataRequired(), Length(max=5000)])


class ToggleForm(Form):
    accept = HiddenField()


class SupportForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=[])
    country = StringField(_l("Country (optional)"), validators=[Optional(), Length(max=100)])
    statement = TextAreaField(_l("Statement (optional)"), validators=[Optional(), Length(max=5000)])
    email = EmailField(_l("E-mail (for verification only; never shown)"), validators=[DataRequired(), Length(max=254)])


class ReviewForm(Form):
    decision = HiddenField(validators=[DataRequired()])
