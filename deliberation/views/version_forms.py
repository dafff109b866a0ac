"""Forms of the version pages: a revised draft to import, and the chair's actions on orphaned annotations."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from .forms import Form


class NewVersionForm(Form):
    label = StringField(_l("Label"), validators=[Optional(), Length(max=120)])
    format = SelectField(_l("Format of pasted text"), choices=[("markdown", "Markdown"), ("text", _l("Plain text"))])
    source = TextAreaField(_l("Paste the revised draft"), validators=[Optional()])
    file = FileField(_l("…or upload a file (.md, .txt, .docx; 2 MB at most)"))
    action = HiddenField(default="preview")


class ReattachForm(Form):
    clause_id = SelectField(_l("Clause"), coerce=int, choices=[], validate_choice=False)
    quote = StringField(_l("Words to attach it to (optional)"), validators=[Optional(), Length(max=2000)])


class ReviewUploadForm(Form):
    file = FileField(_l("Reviewed copy (.docx with Word comments or tracked changes; 2 MB at most)"))
    on_behalf_of = SelectField(_l("Post as"), coerce=int, choices=[], validate_choice=False, default=0)
