"""Editing a working draft clause by clause: text and heading, insert, delete, move, split, merge.

A text save carries the revision of the clause it was made on; if the clause has changed since, the
save is refused (`StaleRevision`, with the clause as it is now) and nothing is written, so the editor
can compare both texts and lose nothing. Structural changes load the draft's clause list once, change
the tree in memory, and write back positions, depths, parents and numbers (`numbering.renumber`).
Every clause keeps its key; a split's new part and a merged clause name their predecessors.
"""
import uuid

from ...extensions import db
from ...i18n import N_
from ...importer import MAX_CLAUSE_CHARS, MAX_CLAUSES
from ...models import DraftClause, WorkingDraft
from ...models._base import utcnow
from ..errors import Conflict, Invalid
from .drafts import draft_clause, draft_clauses, require_editor, touch
from .numbering import PENDING, Node, is_numbered, renumber
from .payloads import announce_clause, announce_structure

MAX_HEADING_CHARS = 500
MOVES = ("up", "down", "in", "out")


class StaleRevision(Conflict):
    """A save on a clause that changed since the editor loaded it; `current` is the clause as it is now."""

    code = "stale_revision"

    def __init__(self, current: DraftClause):
        super().__init__(N_("Someone else changed this clause since you loaded it. Compare both texts and save "
                            "again."))
        self.current = current


def clean_clause_text(text) -> str:
    if not isinstance(text, str):
        raise Invalid("The clause text must be a string.", field="text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_CLAUSE_CHARS:
        raise Invalid("A clause can be at most %(limit)s characters long.", field="text", limit=MAX_CLAUSE_CHARS)
    return text


def clean_heading(heading) -> str | None:
    if heading is None:
        return None
    if not isinstance(heading, str):
        raise Invalid("The heading must be a string.", field="heading")
    heading = " ".join(heading.split())
    if len(heading) > MAX_HEADING_CHARS:
        raise Invalid("A heading can be at most %(limit)s characters long.", field="heading", limit=MAX_HEADING_CHARS)
    return heading or None


def _saved(actor, draft: WorkingDraft, clause: DraftClause) -> None:
    clause.revision += 1
    clause.updated_by_id, clause.updated_at = actor.id, utcnow()
    touch(draft)


def check_revision(clause: DraftClause, revision) -> None:
    if isinstance(revision, bool) or not isinstance(revision, int):
        raise Invalid("'revision' must be the clause's revision you edited.", field="revision")
    if revision != clause.revision:
        raise StaleRevision(clause)


_UNCHANGED = object()


def edit_clause(actor, draft: WorkingDraft, key: str, *, revision, text=None, heading=_UNCHANGED) -> DraftClause:
    """Save a clause's text and/or heading, if `revision` is still the clause's revision."""
    require_editor(actor, draft.document)
    clause = draft_clause(draft, key)
    new_text = clean_clause_text(text) if text is not None else clause.text
    new_heading = clean_heading(heading) if heading is not _UNCHANGED else clause.heading
    # Lock the row so that two saves of the same revision cannot both pass the check.
    db.session.refresh(clause, with_for_update=True)
    check_revision(clause, revision)
    if (new_text, new_heading) != (clause.text, clause.heading):
        clause.text, clause.heading = new_text, new_heading
        _saved(actor, draft, clause)
        db.session.flush()
        announce_clause(draft, clause, actor)
    return clause


class DraftTree:
    """The draft's clauses as a tree, changed in memory and written back with `save`."""

    def __init__(self, draft: WorkingDraft):
        self.draft = draft
        self.rows = {clause.key: clause for clause in draft_clauses(draft)}
        self.nodes = {key: Node(key, clause.number) for key, clause in self.rows.items()}
        self.parent: dict[str, str | None] = {}
        self.roots: list[Node] = []
        for clause in self.rows.values():  # in reading order: a parent comes before its children
            parent = clause.parent_key if clause.parent_key in self.nodes else None
            self.parent[clause.key] = parent
            (self.nodes[parent].children if parent else self.roots).append(self.nodes[clause.key])

    def siblings(self, key: str) -> list[Node]:
        parent = self.parent[key]
        return self.nodes[parent].children if parent else self.roots

    def place(self, node: Node, parent: str | None, index: int) -> None:
        self.parent[node.key] = parent
        (self.nodes[parent].children if parent else self.roots).insert(index, node)

    def detach(self, key: str) -> Node:
        node = self.nodes[key]
        self.siblings(key).remove(node)
        return node

    def subtree(self, key: str) -> list[str]:
        keys, pending = [], [self.nodes[key]]
        while pending:
            node = pending.pop()
            keys.append(node.key)
            pending.extend(node.children)
        return keys

    def save(self, actor) -> None:
        renumber(self.roots)
        position, pending = 0, [(node, None, 0) for node in reversed(self.roots)]
        while pending:
            node, parent, depth = pending.pop()
            row = self.rows[node.key]
            row.position, row.depth, row.parent_key, row.number = position, depth, parent, node.number
            position += 1
            pending.extend((child, node.key, depth + 1) for child in reversed(node.children))
        touch(self.draft)
        db.session.flush()
        announce_structure(self.draft, actor)


def _new_clause(actor, draft: WorkingDraft, *, heading, text, numbered: bool, predecessors: list[str]) -> DraftClause:
    clause = DraftClause(draft_id=draft.id, key=uuid.uuid4().hex, position=-1, depth=0,
                         number=PENDING if numbered else None, heading=heading, text=text, revision=1,
                         predecessor_keys=predecessors, updated_by_id=actor.id)
    db.session.add(clause)
    return clause


def insert_clause(actor, draft: WorkingDraft, *, text, heading=None, after_key=None, before_key=None,
                  parent_key=None) -> DraftClause:
    """A new clause after or before another (same parent), or as the last sub-clause of `parent_key`."""
    require_editor(actor, draft.document)
    references = [k for k in (after_key, before_key, parent_key) if k is not None]
    if len(references) != 1 or not isinstance(references[0], str):
        raise Invalid("Say where the clause goes: one of after_key, before_key or parent_key.", field="after_key")
    text, heading = clean_clause_text(text), clean_heading(heading)
    tree = DraftTree(draft)
    if len(tree.rows) >= MAX_CLAUSES:
        raise Invalid("A draft can have at most %(limit)s clauses.", field="text", limit=MAX_CLAUSES)
    reference = references[0]
    if reference not in tree.nodes:
        draft_clause(draft, reference)  # raises the not-found error
    if parent_key is not None:
        parent, siblings = parent_key, tree.nodes[parent_key].children
        index, numbered = len(siblings), any(is_numbered(n.number) for n in siblings) or bool(tree.rows[parent_key].number)
    else:
        siblings = tree.siblings(reference)
        parent = tree.parent[reference]
        index = siblings.index(tree.nodes[reference]) + (1 if after_key is not None else 0)
        numbered = is_numbered(tree.rows[reference].number)
    clause = _new_clause(actor, draft, heading=heading, text=text, numbered=numbered, predecessors=[])
    tree.rows[clause.key] = clause
    tree.nodes[clause.key] = node = Node(clause.key, clause.number)
    tree.place(node, parent, index)
    tree.save(actor)
    return clause


def delete_clause(actor, draft: WorkingDraft, key: str) -> list[str]:
    """Delete a clause with its sub-clauses; returns the deleted keys."""
    require_editor(actor, draft.document)
    tree = DraftTree(draft)
    if key not in tree.nodes:
        draft_clause(draft, key)
    keys = tree.subtree(key)
    if len(keys) == len(tree.rows):
        raise Conflict("A draft needs at least one clause; change its text instead.")
    tree.detach(key)
    for gone in keys:
        db.session.delete(tree.rows.pop(gone))
    tree.save(actor)
    return keys


def move_clause(actor, draft: WorkingDraft, key: str, direction) -> DraftClause:
    """Up or down among its siblings, in (under the previous sibling) or out (after its parent)."""
    require_editor(actor, draft.document)
    if direction not in MOVES:
        raise Invalid("The direction must be up, down, in or out.", field="direction")
    tree = DraftTree(draft)
    if key not in tree.nodes:
        draft_clause(draft, key)
    node, siblings, parent = tree.nodes[key], tree.siblings(key), tree.parent[key]
    index = siblings.index(node)
    if direction == "up" and index > 0:
        siblings[index - 1], siblings[index] = node, siblings[index - 1]
    elif direction == "down" and index < len(siblings) - 1:
        siblings[index + 1], siblings[index] = node, siblings[index + 1]
    elif direction == "in" and index > 0:
        new_parent = siblings[index - 1]
        tree.detach(key)
        node.number = PENDING if is_numbered(node.number) else node.number
        tree.place(node, new_parent.key, len(new_parent.children))
    elif direction == "out" and parent is not None:
        outer = tree.siblings(parent)
        tree.detach(key)
        node.number = PENDING if is_numbered(node.number) else node.number
        tree.place(node, tree.parent[parent], outer.index(tree.nodes[parent]) + 1)
    else:
        raise Conflict("This clause cannot move %(direction)s from where it is.", direction=direction)
    tree.save(actor)
    return tree.rows[key]


def split_clause(actor, draft: WorkingDraft, key: str, offset, revision=None) -> tuple[DraftClause, DraftClause]:
    """Cut a clause's text at `offset`: the rest becomes a new clause after it; both name its predecessors."""
    require_editor(actor, draft.document)
    tree = DraftTree(draft)
    if key not in tree.nodes:
        draft_clause(draft, key)
    clause = tree.rows[key]
    if revision is not None:
        check_revision(clause, revision)
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise Invalid("'offset' must be a position in the clause's text.", field="offset")
    head, tail = clause.text[:offset].rstrip(), clause.text[offset:].strip()
    if not 0 < offset < len(clause.text) or not head or not tail:
        raise Invalid("Split the clause inside its text, with words on both sides.", field="offset")
    clause.text = head
    _saved(actor, draft, clause)
    second = _new_clause(actor, draft, heading=None, text=tail, numbered=is_numbered(clause.number),
                         predecessors=list(clause.predecessor_keys))
    tree.rows[second.key] = second
    tree.nodes[second.key] = node = Node(second.key, second.number)
    siblings = tree.siblings(key)
    tree.place(node, tree.parent[key], siblings.index(tree.nodes[key]) + 1)
    tree.save(actor)
    return clause, second


def merge_clause(actor, draft: WorkingDraft, key: str) -> DraftClause:
    """Append a clause's text to the previous sibling (or its parent, for a first sub-clause); its
    sub-clauses follow. The merged clause names the predecessors of both."""
    require_editor(actor, draft.document)
    tree = DraftTree(draft)
    if key not in tree.nodes:
        draft_clause(draft, key)
    siblings, index = tree.siblings(key), tree.siblings(key).index(tree.nodes[key])
    target_key = siblings[index - 1].key if index > 0 else tree.parent[key]
    if target_key is None:
        raise Conflict("The first clause has no previous clause to merge into.")
    merged, target = tree.rows[key], tree.rows[target_key]
    target.text = "\n\n".join(part for part in (target.text, merged.text) if part)
    if len(target.text) > MAX_CLAUSE_CHARS:
        raise Invalid("A clause can be at most %(limit)s characters long.", field="text", limit=MAX_CLAUSE_CHARS)
    target.predecessor_keys = list(dict.fromkeys([*target.predecessor_keys, *merged.predecessor_keys]))
    _saved(actor, draft, target)
    node = tree.detach(key)
    for child in node.children:
        tree.place(child, target_key, len(tree.nodes[target_key].children))
    db.session.delete(tree.rows.pop(key))
    tree.save(actor)
    return target
