"""Revising a draft in the platform: working drafts, clause editing, applying accepted amendments, publishing.

- `drafts`: open and discard a document's working draft, load it and its clauses, name co-editors.
- `editing`: change, insert, delete, move, split and merge clauses; each save checks the clause's revision.
- `numbering`: recompute the numbers of numbered clauses after the structure changes.
- `amendments`: the accepted amendments of the base version, apply (exact, then fuzzy) and undo.
- `publishing`: the checklist, the comparison with the base version, and publishing the draft as the next
  version through the same path as a re-import (services.versions), with the exact predecessor map.

Editing a working draft is private to its editors, so clause saves write no record event; opening,
discarding and publishing a draft do, and publishing writes the events a re-import writes.
"""
