"""Uploaded files: check size and type, decode text, hand .docx files to the Word converter."""

from __future__ import annotations

import re

from .clauses import MAX_UPLOAD_BYTES, DraftImportError
from .docx import docx_to_markdown

TEXT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text"}
ACCEPTED = ".md, .markdown, .txt or .docx"


def _extension(filename: str) -> str:
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def decode_upload(filename: str, data: bytes) -> tuple[str, str]:
    """Returns (fmt, source) for an uploaded file: .md/.markdown -> markdown, .txt -> text,
    .docx -> Markdown-ish text with headings and list numbers kept (fmt "markdown").
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
        return "markdown", docx_to_markdown(data)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source = None
    if source is None or "\x00" in source:
        raise DraftImportError("The file is not UTF-8 text. Save it with UTF-8 encoding and "
                               "upload it again.", field="file")
    return TEXT_FORMATS[ext], source
