"""Importing drafts: pasted Markdown or text and uploaded .md, .txt or .docx files become clauses.

Public interface: `parse_draft`, `parse_title`, `decode_upload`, `flatten`, `ParsedClause`,
`DraftImportError` and the limits. Pure functions: no database, no Flask.
"""

from .clauses import (MAX_CLAUSE_CHARS, MAX_CLAUSES, MAX_UPLOAD_BYTES, DraftImportError,
                      ParsedClause, flatten)
from .parse import parse_draft, parse_title
from .upload import decode_upload

__all__ = ["DraftImportError", "ParsedClause", "parse_draft", "parse_title", "decode_upload",
           "flatten", "MAX_UPLOAD_BYTES", "MAX_CLAUSES", "MAX_CLAUSE_CHARS"]
