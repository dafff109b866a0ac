"""The HTML forms. Flask-WTF adds a CSRF token to each; services do the real validation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..i18n import LANGUAGES
from ..security.credentials import MIN_PASSWORD_LENGTH

ROLE_CHOICES = [("member", _l("Member")), ("chair", _l("Chair")), ("observer", _l("Observer"))]
RULE_CHOICES = [("each_group", _l("Each stakeholder group must support")),
                ("consensus", _l("Consensus (formal objections block)")),
                ("pooled", _l("Pooled vote (one member, one vote)"))]
THRESHOLD_CHOICES = [("majority", _l("Simple majority (more than 1/2)")), ("two_thirds", _l("Two thirds")),
                     ("three_quarters", _l("Three quarters"))]


class Form(FlaskForm):
    """The base of every form: its CSRF field renders without an id, since a page often holds several
    forms and an id must be unique in a page (Flask-WTF would render id="csrf_token" in each)."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}  # False: WTForms leaves the attribute out
            return super().render_field(field, render_kw)


class SignInForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class AcceptInvitationForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Choose a password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[("", _l("As my browser"))] + list(LANGUAGES.items()),
                         validators=[Optional()])


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)], default=_l("API token"),
                       id="token_name")  # the account page also has the profile's "name"


class ConfirmPasswordForm(Form):
    """Asks for the user's own password again before something that cannot be undone."""

    password = PasswordField(_l("Your password"), validators=[DataRequired()],
                             id="confirm_password")  # beside the password form's "password"


class EmptyForm(Form):
    """A form with nothing but its CSRF token, for buttons that change state."""


class GroupForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(min=3, max=64)])
    mandate = TextAreaField(_l("Mandate"), validators=[Optional(), Length(max=5000)])
    public = BooleanField(_l("Public: anyone can read its public documents"))


class AppointChairForm(Form):
    email = EmailField(_l("Chair's e-mail"), validators=[DataRequired(), Email()])
    stakeholder = SelectField(_l("Stakeholder group"), choices=[])


class SettingsForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    mandate = TextAreaField(_l("Mandate"), validators=[Optional(), Length(max=5000)])
    public = BooleanField(_l("Public working group"))
    public_comments = BooleanField(_l("Members' comments join the public record of public versions"))
    hide_running_tallies = BooleanField(_l("Hide running tallies until a round closes"))
    default_rule = SelectField(_l("Default decision rule"), choices=RULE_CHOICES)
    default_threshold = SelectField(_l("Default threshold"), choices=THRESHOLD_CHOICES)
    default_quorum = StringField(_l("Default quorum"), validators=[DataRequired(), Length(max=16)])


class StakeholderForm(Form):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)],
                       id="stakeholder_name")  # beside the settings form's "name"


class RenameStakeholderForm(Form):
    stakeholder_id = HiddenField(validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class InviteForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    stakeholder = SelectField(_l("Stakeholder group"), choices=[])
    affiliation = StringField(_l("Affiliation (organisation or country)"), validators=[Optional(), Length(max=200)])
    own_capacity = BooleanField(_l("Participates in their own capacity"))


class ImportForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    format = SelectField(_l("Format of pasted text"), choices=[("markdown", "Markdown"), ("text", _l("Plain text"))])
    source = TextAreaField(_l("Paste the draft"), validators=[Optional()])
    file = FileField(_l("…or upload a file (.md, .txt, .docx; 2 MB at most)"))
    public = BooleanField(_l("Public document (readable without signing in)"))
    action = HiddenField(default="preview")


class DocumentSettingsForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    public = BooleanField(_l("Public document"))
