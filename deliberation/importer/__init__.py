"""Importing drafts: pasted Markdown or text and uploaded .md, .txt or .docx files become clauses.

Public interface: `parse_draft`, `parse_title`, `read_upload`, `decode_upload`, `flatten`,
`apply_edits`, `split_points` and `few_giant_clauses` (the chair's corrections in the preview), `ParsedClause`,
`UploadedDraft`, `DraftImportError` and the limits. Pure functions: no database, no Flask.
"""

from .clauses import (MAX_CLAUSE_CHARS, MAX_CLAUSES, MAX_UPLOAD_BYTES, DraftImportError,
                      ParsedClause, UploadedDraft, flatten)
from .edits import apply_edits, few_giant_clauses, split_points
from .parse import parse_draft, parse_title
from .upload import decode_upload, read_upload

__all__ = ["DraftImportError", "ParsedClause", "UploadedDraft", "parse_draft", "parse_title",
           "read_upload", "decode_upload", "flatten", "apply_edits", "few_giant_clauses", "split_points",
           "MAX_UPLOAD_BYTES", "MAX_CLAUSES", "MAX_CLAUSE_CHARS"]
