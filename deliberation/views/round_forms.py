"""Forms of the rounds and support pages. Flask-WTF adds the CSRF token; services do the real checks."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateTimeLocalField, EmailField, HiddenField, RadioField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..models.rounds import DESIGNATIONS
from .forms import RULE_CHOICES, THRESHOLD_CHOICES

SCOPE_CHOICES = [("document", "The whole document"), ("every", "Every clause, one by one"),
                 ("chosen", "Chosen clauses")]


class OpenRoundForm(FlaskForm):
    scope = RadioField("What is put to the group", choices=SCOPE_CHOICES, default="document")
    clause_ids = SelectMultipleField("Clauses", coerce=int, choices=[], validate_choice=False)
    rule = SelectField("Decision rule", choices=RULE_CHOICES)
    threshold = SelectField("Threshold", choices=THRESHOLD_CHOICES)
    quorum = StringField("Quorum", validators=[DataRequired(), Length(max=16)])
    closes_at = DateTimeLocalField("Closes at (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    live_tally = BooleanField("Members and observers see the running tally while the round is open")


class DesignationForm(FlaskForm):
    designation = SelectField("Designation", choices=list(DESIGNATIONS.items()))
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class StatementForm(FlaskForm):
    body = TextAreaField("Minority statement", validators=[DataRequired(), Length(max=20000)])


class ResponseForm(FlaskForm):
    response = TextAreaField("Response to the objection", validators=[DataRequired(), Length(max=5000)])


class ToggleForm(FlaskForm):
    accept = HiddenField()


class SupportForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    organisation = StringField("Organisation (optional)", validators=[Optional(), Length(max=200)])
    sector = SelectField("Sector", choices=[])
    country = StringField("Country (optional)", validators=[Optional(), Length(max=100)])
    statement = TextAreaField("Statement (optional)", validators=[Optional(), Length(max=5000)])
    email = EmailField("E-mail (for verification only; never shown)", validators=[DataRequired(), Length(max=254)])


class ReviewForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])
