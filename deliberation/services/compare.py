"""Comparing any two versions of a document clause by clause, with word-level differences.

Clauses are followed across versions by their key (a successor carries its predecessor's key), so two
versions far apart compare as directly as neighbours. Rows come in the reading order of the later
text, each removed clause after the clause that preceded it. Two queries, whatever the length.
"""
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import select

from ..extensions import db
from ..models import Clause, Version
from ..textdiff import word_diff
from .errors import Invalid

CHANGES = ("unchanged", "changed", "new", "removed")


@dataclass
class ClauseDiff:
    old: Clause | None
    new: Clause | None
    change: str  # unchanged | changed | new | removed
    pieces: list[tuple[str, str]] = field(default_factory=list)  # word diff of the text, old -> new

    @property
    def clause(self) -> Clause:
        return self.new or self.old

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    @property
    def heading_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.heading != self.new.heading

    def inline_html(self) -> Markup:
        return _render(self.pieces, ("equal", "delete", "insert"))

    def old_html(self) -> Markup:
        return _render(self.pieces, ("equal", "delete"))

    def new_html(self) -> Markup:
        return _render(self.pieces, ("equal", "insert"))


_TAGS = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}


def _render(pieces, kinds) -> Markup:
    return Markup("".join(_TAGS[kind].format(escape(text)) for kind, text in pieces if kind in kinds))


@dataclass
class Comparison:
    old: Version
    new: Version
    rows: list[ClauseDiff]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(CHANGES, 0)
        for row in self.rows:
            counts[row.change] += 1
        return counts


def _diff(old: Clause | None, new: Clause | None) -> ClauseDiff:
    if old is None:
        return ClauseDiff(None, new, "new", [("insert", new.text)] if new.text else [])
    if new is None:
        return ClauseDiff(old, None, "removed", [("delete", old.text)] if old.text else [])
    if old.text == new.text and old.heading == new.heading:
        return ClauseDiff(old, new, "unchanged", [("equal", new.text)] if new.text else [])
    return ClauseDiff(old, new, "changed", word_diff(old.text, new.text))


def compare_versions(old: Version, new: Version) -> Comparison:
    """Every clause of both versions, paired by key, in the reading order of `new`."""
    if old.document_id != new.document_id:
        raise Invalid("Both versions must belong to the same document.", field="version")
    clauses = db.session.scalars(select(Clause).where(Clause.version_id.in_((old.id, new.id)))
                                 .order_by(Clause.position))
    old_clauses, new_clauses = [], []
    for clause in clauses:
        (old_clauses if clause.version_id == old.id else new_clauses).append(clause)
    if old.id == new.id:
        new_clauses = old_clauses
    return Comparison(old, new, pair_clauses(old_clauses, new_clauses))


def pair_clauses(old_clauses: list, new_clauses: list) -> list[ClauseDiff]:
    """Rows pairing two clause lists by key (clauses of versions, or of a working draft), in the new
    list's reading order, each removed clause after the row of the nearest earlier old clause kept."""
    old_by_key = {clause.key: clause for clause in old_clauses}
    new_keys = {clause.key for clause in new_clauses}
    after: dict[str | None, list] = {}
    previous_key = None
    for clause in old_clauses:
        if clause.key in new_keys:
            previous_key = clause.key
        else:
            after.setdefault(previous_key, []).append(clause)
    rows = [_diff(removed, None) for removed in after.get(None, [])]
    for clause in new_clauses:
        rows.append(_diff(old_by_key.get(clause.key), clause))
        rows += [_diff(removed, None) for removed in after.get(clause.key, [])]
    return rows
