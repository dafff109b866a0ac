"""The HTML forms. Flask-WTF adds a CSRF token to each; services do the real validation."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..i18n import LANGUAGES
from ..security.credentials import MIN_PASSWORD_LENGTH

ROLE_CHOICES = [("member", "Member"), ("chair", "Chair"), ("observer", "Observer")]
RULE_CHOICES = [("each_group", "Each stakeholder group must support"), ("consensus", "Consensus (formal objections block)"),
                ("pooled", "Pooled vote (one member, one vote)")]
THRESHOLD_CHOICES = [("majority", "Simple majority (more than 1/2)"), ("two_thirds", "Two thirds"),
                     ("three_quarters", "Three quarters")]


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    locale = SelectField("Language", choices=[("", "As my browser")] + list(LANGUAGES.items()), validators=[Optional()])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])
    confirm = PasswordField("Repeat the new password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=80)], default="API token")


class ConfirmPasswordForm(FlaskForm):
    """Asks for the user's own password again before something that cannot be undone."""

    password = PasswordField("Your password", validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Address (slug)", validators=[DataRequired(), Length(min=3, max=64)])
    mandate = TextAreaField("Mandate", validators=[Optional(), Length(max=5000)])
    public = BooleanField("Public: anyone can read its public documents")


class AppointChairForm(FlaskForm):
    email = EmailField("Chair's e-mail", validators=[DataRequired(), Email()])
    stakeholder = SelectField("Stakeholder group", choices=[])


class SettingsForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    mandate = TextAreaField("Mandate", validators=[Optional(), Length(max=5000)])
    public = BooleanField("Public working group")
    public_comments = BooleanField("Members' comments join the public record of public versions")
    hide_running_tallies = BooleanField("Hide running tallies until a round closes")
    default_rule = SelectField("Default decision rule", choices=RULE_CHOICES)
    default_threshold = SelectField("Default threshold", choices=THRESHOLD_CHOICES)
    default_quorum = StringField("Default quorum", validators=[DataRequired(), Length(max=16)])


class StakeholderForm(FlaskForm):
    key = StringField("Key", validators=[DataRequired(), Length(max=40)])
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])


class RenameStakeholderForm(FlaskForm):
    stakeholder_id = HiddenField(validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    role = SelectField("Role", choices=ROLE_CHOICES)
    stakeholder = SelectField("Stakeholder group", choices=[])
    affiliation = StringField("Affiliation (organisation or country)", validators=[Optional(), Length(max=200)])
    own_capacity = BooleanField("Participates in their own capacity")


class ImportForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=300)])
    format = SelectField("Format of pasted text", choices=[("markdown", "Markdown"), ("text", "Plain text")])
    source = TextAreaField("Paste the draft", validators=[Optional()])
    file = FileField("…or upload a file (.md, .txt, .docx; 2 MB at most)")
    public = BooleanField("Public document (readable without signing in)")
    action = HiddenField(default="preview")


class DocumentSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    public = BooleanField("Public document")
