"""Uploaded files: check size and type, decode text, hand .docx files to the Word converter."""

from __future__ import annotations

import re

from ..i18n import N_
from .clauses import MAX_UPLOAD_BYTES, DraftImportError, UploadedDraft
from .docx import read_docx
from .revisions import MODES, REJECTED

TEXT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text"}
ACCEPTED = ".md, .markdown, .txt or .docx"
TRACKED_CHANGES = N_("The Word document has %(count)s tracked changes. Choose whether to import its text as "
                     "if all changes were accepted or as if all were rejected.")


def _extension(filename: str) -> str:
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def read_upload(filename: str, data: bytes) -> tuple[str, UploadedDraft]:
    """Returns (fmt, draft) for an uploaded file: .md/.markdown -> markdown, .txt -> text,
    .docx -> Markdown-ish text with headings and list numbers kept (fmt "markdown"), with its
    tracked changes and comments counted. A text file is an UploadedDraft with nothing to count.
    Raises DraftImportError(field="file") for files over 2 MB, text that is not UTF-8, a .docx
    that is not a Word document, and other file types."""
    ext = _extension(filename)
    if ext == ".doc":
        raise DraftImportError("Word 97-2003 (.doc) files are not supported. Save the file as "
                               ".docx and upload it again.", field="file")
    if ext not in TEXT_FORMATS and ext != ".docx":
        shown = f" ({ext})" if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""
        raise DraftImportError(f"Unsupported file type{shown}. Upload a {ACCEPTED} file.",
                               field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DraftImportError(
            f"The file is larger than the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit.",
            field="file")
    if not data:
        raise DraftImportError("The file is empty.", field="file")
    if ext == ".docx":
        return "markdown", read_docx(data)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source = None
    if source is None or "\x00" in source:
        raise DraftImportError("The file is not UTF-8 text. Save it with UTF-8 encoding and "
                               "upload it again.", field="file")
    return TEXT_FORMATS[ext], UploadedDraft(source)


def decode_upload(filename: str, data: bytes, tracked: str | None = None) -> tuple[str, str]:
    """(fmt, source) for an uploaded file, as `read_upload` reads it. A .docx with tracked changes
    needs `tracked`, "accepted" or "rejected": its text is never taken with the changes silently."""
    fmt, draft = read_upload(filename, data)
    if not draft.tracked_changes:
        return fmt, draft.text
    if tracked not in MODES:
        raise DraftImportError(TRACKED_CHANGES, field="file", count=draft.tracked_changes)
    return fmt, draft.rejected if tracked == REJECTED else draft.text
