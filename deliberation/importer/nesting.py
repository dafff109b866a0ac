"""Where a numbered clause goes in the tree, and what its full number is.

`OpenClauses` is the path of clauses still open (the innermost last). The rules:
- "1", "Article 3" (one decimal part) start a top-level clause; "1.1" goes under the nearest open
  "1", "1.1.1" under "1.1".
- A list that restarts at "1." inside a numbered clause is a sub-list: "1." under "2" reads "2.1",
  under "2(a)" "2(a)(1)"; its "2.", "3." follow it until the top-level numbering continues.
- A lettered, roman or "(n)" item is a sibling of the nearest open item of the same kind ("(b)"
  after "(a)"), otherwise a child of the innermost open clause: "(a)" after "2" is "2(a)", "(i)"
  after "2(a)" is "2(a)(i)". A written compound ("2(b)") goes under the clause it names.
- Section names (Preamble, Annex...) are top level; an unnumbered Markdown heading goes under the
  nearest open heading of a higher level.
Letters versus roman numerals: see `choose_reading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clauses import MAX_CLAUSES, DraftImportError, ParsedClause
from .numbering import Label, Reading

SUBLIST = "sublist"
# Deeper items are kept at this depth (as siblings), so that templates can recurse safely.
MAX_DEPTH = 12


@dataclass(eq=False)
class Node:
    clause: ParsedClause
    kind: str                            # "numbered", "special", "heading", "pre"
    level: int | None = None             # Markdown heading level; None for list items
    parts: tuple[int, ...] | None = None
    reading: Reading | None = None
    indent: int = 0
    blocks: list[list[list[str]]] = field(default_factory=list)
    raw_chars: int = 0


@dataclass
class Placement:
    parent: int                          # index into the open path; -1 for top level
    number: str
    parts: tuple[int, ...] | None = None
    reading: Reading | None = None
    plausible: bool = False              # continues the numbering in progress


class OpenClauses:
    def __init__(self, markdown: bool = False) -> None:
        self.markdown = markdown
        self.path: list[Node] = []
        self.roots: list[ParsedClause] = []
        self.count = 0
        self.last_top = 0

    def find(self, test) -> int:
        for j in range(len(self.path) - 1, -1, -1):
            if test(self.path[j]):
                return j
        return -1

    def _count(self) -> None:
        if self.count >= MAX_CLAUSES:
            raise DraftImportError(f"The draft has more than {MAX_CLAUSES:,} clauses. Split it into several documents.")
        self.count += 1

    def add_loose(self, node: Node) -> None:
        """A top-level clause that takes no children (the text before the first clause)."""
        self._count()
        self.roots.append(node.clause)

    def open(self, parent: int, node: Node) -> None:
        """Close everything below `parent` and open `node` as its last child."""
        self._count()
        parent = min(parent, MAX_DEPTH - 2)
        del self.path[parent + 1:]
        siblings = self.path[-1].clause.children if self.path else self.roots
        siblings.append(node.clause)
        self.path.append(node)
        if parent < 0 and node.parts is not None and len(node.parts) == 1:
            self.last_top = node.parts[0]

    def heading_parent(self, level: int) -> int:
        return self.find(lambda n: n.level is not None and n.level < level)

    def place(self, label: Label, following: Label | None, indent: int = 0,
              level: int | None = None) -> Placement:
        """Where `label` goes; `following` is the next numbered line's label, for lookahead."""
        if label.parts is not None:
            return self._place_decimal(label, indent, level)
        reading = choose_reading(label.readings, following, self.path)
        parent = -1
        if label.prefix:
            parent = self.find(lambda n: n.clause.number == label.prefix)
            if parent < 0 and label.prefix_parts:
                parent = self.find(lambda n: n.parts == label.prefix_parts)
            if parent < 0 and not label.prefix_parts:  # "(a)(i)" under "2(a)"
                parent = self.find(lambda n: (n.clause.number or "").endswith(label.prefix))
        if parent < 0:
            sibling = self.find(lambda n: n.reading is not None and n.reading.cls == reading.cls)
            parent = sibling - 1 if sibling >= 0 else len(self.path) - 1
        number = label.written if label.prefix_parts else _prefixed(self._at(parent), reading)
        plausible = reading.value == 1 or self.find(lambda n: n.reading is not None and (
            n.reading.cls, n.reading.value) == (reading.cls, reading.value - 1)) >= 0
        return Placement(parent, number, reading=reading, plausible=plausible)

    def _at(self, index: int) -> Node | None:
        return self.path[index] if index >= 0 else None

    def _place_decimal(self, label: Label, indent: int, level: int | None) -> Placement:
        parts = label.parts
        if len(parts) == 1:
            if level is None and not label.keyword:
                nested = self._sublist(parts[0], indent, SUBLIST + label.delimiter)
                if nested:
                    return nested
            return Placement(-1, label.decimal_number(), parts,
                             plausible=parts[0] in (1, self.last_top + 1))
        parent = self.find(lambda n: n.parts == parts[:-1])
        plausible = parent >= 0 and (parts[-1] == 1 or self.find(
            lambda n: n.parts == parts[:-1] + (parts[-1] - 1,)) >= 0)
        if parent < 0:
            parent = self.find(lambda n: n.parts is not None and n.parts == parts[:len(n.parts)])
        if parent < 0 and level is not None:
            parent = self.heading_parent(level)
        return Placement(parent, label.decimal_number(), parts, plausible=plausible)

    def _sublist(self, value: int, indent: int, cls: str) -> Placement | None:
        """"1." inside a numbered clause starts a sub-list; "2." continues it (see module doc).
        `cls` carries the delimiter: "3." after a "1)", "2)" sub-list is not its third item."""
        sibling = self.find(lambda n: n.reading is not None and n.reading.cls == cls
                            and n.indent <= indent)
        if sibling >= 0 and self.path[sibling].reading.value == value - 1:
            parent = sibling - 1
        elif value == 1 and self.last_top != 0 and self.find(lambda n: n.kind == "numbered") >= 0:
            parent = len(self.path) - 1
            if self.markdown:
                parent, value = self._markdown_list(indent, cls)
                if parent is None:
                    return Placement(-1, str(value), (value,), plausible=True)
        else:
            return None
        node = self.path[parent] if parent >= 0 else None
        reading = Reading(cls, value, str(value))
        # Under "2" the sub-list reads "2.1"; under "Article 2" it reads "Article 2(1)".
        if node is not None and node.parts is not None and node.clause.number[0].isdigit():
            parts = node.parts + (value,)
            return Placement(parent, ".".join(map(str, parts)), parts, reading, True)
        return Placement(parent, _prefixed(node, reading), None, reading, True)

    def _markdown_list(self, indent: int, cls: str) -> tuple[int | None, int]:
        """Markdown nests lists by indentation: a dedent closes the deeper items, and "1." at the
        indentation of an open "n." item continues that list, as Markdown renders it ("1. 1. 1."
        shows 1, 2, 3). Returns (parent, value); parent None means the top level."""
        parent = self.find(lambda n: n.indent <= indent or n.level is not None)
        node = self.path[parent] if parent >= 0 else None
        if (node is None or node.level is not None or node.kind != "numbered"
                or node.indent != indent):
            return parent, 1
        if node.reading is not None and node.reading.cls == cls:
            return parent - 1, node.reading.value + 1
        if parent == 0 and node.parts is not None and len(node.parts) == 1:
            return None, self.last_top + 1
        return parent, 1


def choose_reading(readings: tuple[Reading, ...], following: Label | None,
                   path: list[Node]) -> Reading:
    """Pick between a letter and a roman reading of "(i)", "(v)", "(x)", "(l)", "(c)"...

    1. If the next numbered line is unambiguous and continues one reading ("(ii)" after "(i)",
       "(j)" after "(i)"), take that reading.
    2. Else take the reading whose predecessor is the nearest open item: "(i)" after "(h)" is a
       letter, "(v)" after "(iv)" is roman, "(x)" after "(w)" is a letter.
    3. Else "i", "v", "x" (either case) are roman and "l", "c", "d", "m" are letters, so a list
       that starts with "(i)" under "(a)" or under "2" is roman.
    """
    if len(readings) == 1:
        return readings[0]
    if following is not None and len(following.readings) == 1:
        nxt = following.readings[0]
        for r in readings:
            if (nxt.cls, nxt.value) == (r.cls, r.value + 1):
                return r
    for node in reversed(path):
        if node.reading is not None:
            for r in readings:
                if (node.reading.cls, node.reading.value) == (r.cls, r.value - 1):
                    return r
    roman = readings[0].token.lower() in ("i", "v", "x")
    return next(r for r in readings if (r.cls.lower() == "roman") == roman)


def _prefixed(parent: Node | None, reading: Reading) -> str:
    if parent is None or parent.kind != "numbered" or parent.clause.number is None:
        return reading.display
    return parent.clause.number + reading.display


def needs_context(label: Label) -> bool:
    """Labels that count only where they continue the numbering, even at a paragraph start:
    years ("2016. was a year" needs a 2015 before it) and capitals with a dot ("J. Doe")."""
    values = label.parts or tuple(r.value for r in label.readings if r.cls == "digit")
    return label.weak or any(v >= 1000 for v in values)
