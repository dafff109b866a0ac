"""What every Word file made here shares: the title and version lines, a clause's heading with the number
the platform shows (written out as text, not Word list numbering, so "2(a)" stays "2(a)" in any reader
and in every version), nesting as indentation, and a safe file name."""
from __future__ import annotations

import io
import re
import unicodedata

from docx import Document as WordDocument
from docx.shared import Cm
from flask_babel import format_date, gettext

from ..models import Clause, Document, Version

HEADING_LEVELS = 8  # Word has Heading 1..9; the title takes the first level, clauses the rest
INDENT_PER_LEVEL = Cm(0.75)


def new_word_document(document: Document):
    """A blank .docx with the document's title as its title."""
    word = WordDocument()
    word.core_properties.title = document.title
    word.add_heading(document.title, level=0)
    return word


def version_line(version: Version) -> str:
    """"Discussion draft 2 · Open for comment · published 5 December 2026" in the reader's language."""
    return gettext("%(label)s · %(status)s · published %(date)s", label=version.label,
                   status=gettext(version.status_label), date=format_date(version.created_at, "long"))


def heading_text(clause: Clause) -> str:
    """The clause's number and heading as the platform shows them; "" when it has neither."""
    return " ".join(part for part in (clause.number, clause.heading) if part)


def add_heading(word, clause: Clause):
    """A heading paragraph for the clause, one level per nesting depth (None when it has no heading)."""
    text = heading_text(clause)
    if not text:
        return None
    return word.add_heading(text, level=min(clause.depth + 1, HEADING_LEVELS))


def add_body_paragraph(word, clause: Clause):
    """An empty body paragraph indented to the clause's depth."""
    paragraph = word.add_paragraph()
    if clause.depth:
        paragraph.paragraph_format.left_indent = INDENT_PER_LEVEL * clause.depth
    return paragraph


def to_bytes(word) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def slug(text: str) -> str:
    """ASCII letters, digits and hyphens only, so the name survives every browser and file system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "document"


def file_name(document: Document, *suffixes: str) -> str:
    """"sample-recommendations-v2.docx", "sample-recommendations-v1-v2-redline.docx"."""
    return "-".join([slug(document.title), *suffixes]) + ".docx"


def attachment_header(name: str) -> str:
    return f'attachment; filename="{name}"'
