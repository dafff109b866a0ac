"""Forms of the version pages: a revised draft to import, and the chair's actions on orphaned annotations."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class NewVersionForm(FlaskForm):
    label = StringField("Label", validators=[Optional(), Length(max=120)])
    format = SelectField("Format of pasted text", choices=[("markdown", "Markdown"), ("text", "Plain text")])
    source = TextAreaField("Paste the revised draft", validators=[Optional()])
    file = FileField("…or upload a file (.md, .txt, .docx; 2 MB at most)")
    action = HiddenField(default="preview")


class ReattachForm(FlaskForm):
    clause_id = SelectField("Clause", coerce=int, choices=[], validate_choice=False)
    quote = StringField("Words to attach it to (optional)", validators=[Optional(), Length(max=2000)])
