"""Building the clause tree from classified lines: clause starts, paragraphs, headings.

Paragraphs belong to the last clause opened; text before the first clause becomes an unnumbered
clause of its own, so nothing is lost. A numbered line in the middle of a paragraph is only a
clause if its number continues the numbering in progress (a wrapped "1.5 million people" stays
text). Where each clause goes in the tree is decided in `nesting`.
"""

from __future__ import annotations

import re

from .clauses import MAX_CLAUSE_CHARS, DraftImportError, ParsedClause
from .nesting import Node, OpenClauses, Placement, needs_context
from .numbering import Label, match_label
from .scan import (BLANK, BULLET, HEADING, ITEM, ROW, SKIP, SPECIAL, TEXT, Line, collapse,
                   heading_like, match_special, strip_inline)

# "**Heading.** text": groups 2 heading, 3 a "." or ":" after it, 4 a dash after it, 5 the text.
_LEADING_BOLD_RE = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).){1,200})(?<=\S)\1([.:]?)"
                              r"(?:[ \t]+(?:([\u2013\u2014-])[ \t]+)?(.*))?$")
# Raw text beyond this is refused before markup stripping, which would otherwise do the work.
_RAW_LIMIT = 4 * MAX_CLAUSE_CHARS


class TreeBuilder:
    def __init__(self, lines: list[Line], fmt: str, skip: list[int] | None = None):
        self.lines = lines
        self.markdown = fmt == "markdown"
        self.skip = set(skip or ())     # the title's lines
        self.has_headings = any(line.kind == HEADING for line in lines)
        self.outline = OpenClauses(self.markdown)
        self.nodes: list[Node] = []
        self.target: Node | None = None
        self.block: list[list[str]] = []
        self.prev: str | None = None
        self.listing = False        # inside a run of short lines after "...:"; not headings
        self.block_in_listing = False
        self.consumed: int | None = None  # a heading line under "Article 1", already used
        self.next_item: list[int | None] = [None] * len(lines)
        self.next_content: list[int | None] = [None] * len(lines)
        item = content = None
        for i in range(len(lines) - 1, -1, -1):
            self.next_item[i], self.next_content[i] = item, content
            if lines[i].kind == ITEM:
                item = i
            if lines[i].kind not in (BLANK, SKIP):
                content = i

    # -- driving -----------------------------------------------------------------------------

    def build(self) -> list[ParsedClause]:
        for i, line in enumerate(self.lines):
            if i == self.consumed:
                self.prev = HEADING
            elif i in self.skip:
                self._flush()
                self.prev = BLANK
            else:
                self._line(i, line)
        self._flush()
        self._finish()
        return self.outline.roots

    def _line(self, i: int, line: Line) -> None:
        kind = line.kind
        start = self.prev in (None, BLANK, HEADING)
        if kind == SKIP:
            return
        if kind == BLANK:
            self._flush()
        elif kind == HEADING:
            self._flush()
            self._heading(i, line)
        elif kind == SPECIAL and (start or not line.text):
            self._flush()
            heading, text = self._item_heading(i, line, keyword=True)
            self._open(-1, Node(ParsedClause(line.number, heading, ""), "special"))
            self._add("text", text)
            kind = ITEM
        elif kind == ITEM and self._item(i, line, start):
            pass
        elif kind == TEXT and start and self._generic_heading(i, line):
            kind = HEADING
        else:
            self._add({BULLET: "bullet", ROW: "row"}.get(kind, "text"),
                      line.text if kind in (BULLET, ROW) else line.raw)
            kind = TEXT
        self.prev = kind

    # -- clause starts ------------------------------------------------------------------------

    def _heading(self, i: int, line: Line) -> None:
        text = strip_inline(line.text) if self.markdown else collapse(line.text)
        special = match_special(text)
        if special:
            node = Node(ParsedClause(special[0], special[1] or None, ""), "special", line.level)
            self._open(-1, node)
            return
        found = match_label(text, heading=True)
        if found:
            place = self.outline.place(found[0], self._following(i), 0, line.level)
            if place.plausible or not needs_context(found[0]):
                self._open_numbered(place, found[1] or None, line.level, 0)
                return
        node = Node(ParsedClause(None, text or None, ""), "heading", line.level)
        self._open(self.outline.heading_parent(line.level), node)

    def _item(self, i: int, line: Line, start: bool) -> bool:
        place = self.outline.place(line.label, self._following(i), line.indent)
        if not place.plausible and (not start or needs_context(line.label)):
            return False
        self._flush()
        heading, text = self._item_heading(i, line, keyword=bool(line.label.keyword))
        self._open_numbered(place, heading, None, line.indent)
        self._add("text", text)
        return True

    def _generic_heading(self, i: int, line: Line) -> bool:
        """A short line standing alone in plain text (or **bold** in Markdown) is a heading."""
        if self.markdown and self.has_headings and not line.bold:
            return False
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if len(line.text) > 400 or (
                nxt is not None and nxt.kind not in (BLANK, ITEM, SPECIAL, HEADING)):
            return False
        text = strip_inline(line.text) if self.markdown else collapse(line.text)
        following = self.next_content[i]
        if following is None:
            return False
        following = self.lines[following]
        if following.kind == ITEM and following.label.parts is None:
            return False  # "In particular" before "(a)" leads into the list
        if text.endswith(":") and following.kind == ITEM and len(following.label.parts) == 1:
            text = text[:-1].rstrip()  # "Recommendations:" before "1."
        if not heading_like(text, 100, 12):
            return False
        last = self.target.blocks[-1][-1][1] if self.target and self.target.blocks else ""
        if self.listing or last.rstrip().endswith(":"):
            self.listing = self.block_in_listing = True
            return False
        special = match_special(text)  # "**Preamble**"
        if special:
            self._open(-1, Node(ParsedClause(special[0], special[1] or None, ""), "special"))
            return True
        level = 7 if self.markdown and self.has_headings else 1
        node = Node(ParsedClause(None, text, ""), "heading", level)
        self._open(self.outline.heading_parent(level), node)
        return True

    def _item_heading(self, i: int, line: Line, keyword: bool) -> tuple[str | None, str]:
        """Split the rest of a numbered line into (heading, text)."""
        rest = line.text
        if not rest and line.label is not None:
            return self._heading_below(i), ""
        if len(rest) > 400:
            return None, rest
        if self.markdown:
            m = _LEADING_BOLD_RE.match(rest)
            # "**Privacy.** Text", "**Privacy**: text", "**Privacy** - text" or all bold; not
            # "**Bold** words in a sentence".
            if m and (not m.group(5) or m.group(2)[-1] in ".:" or m.group(3) or m.group(4)):
                heading = strip_inline(m.group(2)).rstrip(".:").strip()
                if heading:
                    return heading, m.group(5) or ""
            plain = strip_inline(rest)
        else:
            plain = collapse(rest)
        alone = i + 1 >= len(self.lines) or self.lines[i + 1].kind in (BLANK, HEADING)
        if not (alone and heading_like(plain)):
            return None, rest
        nxt = self.next_content[i]
        if keyword or (nxt is not None and self.lines[nxt].kind in (TEXT, BULLET, ROW)):
            return plain, ""
        return None, rest

    def _heading_below(self, i: int) -> str | None:
        """ "Article 1" alone, then "Scope" alone on the next line: the heading of Article 1."""
        below = self.lines[i + 1] if i + 1 < len(self.lines) else None
        after = self.lines[i + 2] if i + 2 < len(self.lines) else None
        if (below is None or below.kind not in (TEXT, SPECIAL) or len(below.raw) > 400
                or (after is not None and after.kind not in (BLANK, ITEM, HEADING))):
            return None
        text = strip_inline(below.raw) if self.markdown else collapse(below.raw)
        if not heading_like(text):
            return None
        self.consumed = i + 1
        return text

    # -- building -----------------------------------------------------------------------------

    def _open_numbered(self, place: Placement, heading: str | None, level: int | None,
                       indent: int) -> None:
        self._open(place.parent, Node(ParsedClause(place.number, heading, ""), "numbered", level,
                                      place.parts, place.reading, indent))

    def _open(self, parent: int, node: Node) -> None:
        self.outline.open(parent, node)
        self.nodes.append(node)
        self.target = node
        self.listing = False

    def _following(self, i: int) -> Label | None:
        nxt = self.next_item[i]
        return self.lines[nxt].label if nxt is not None else None

    def _add(self, kind: str, text: str) -> None:
        if not text:
            return
        if kind == "text" and self.block and self.block[-1][0] in ("text", "bullet"):
            self.block[-1][1] += " " + text
        else:
            self.block.append([kind, text])

    def _flush(self) -> None:
        if not self.block:
            return
        if self.target is None:
            self.target = Node(ParsedClause(None, None, ""), "pre")
            self.outline.add_loose(self.target)
            self.nodes.append(self.target)
        self.target.blocks.append(self.block)
        self.target.raw_chars += sum(len(text) for _, text in self.block)
        if self.target.raw_chars > _RAW_LIMIT:
            raise _too_long(self.target)
        self.block = []
        if not self.block_in_listing:
            self.listing = False
        self.block_in_listing = False

    def _finish(self) -> None:
        for node in self.nodes:
            node.clause.text = self._render(node.blocks)
            if len(node.clause.text) > MAX_CLAUSE_CHARS:
                raise _too_long(node)

    def _render(self, blocks: list[list[list[str]]]) -> str:
        plain = strip_inline if self.markdown else collapse
        out: list[str] = []
        for block in blocks:
            rendered = []
            for kind, text in block:
                if kind == "row":
                    line = " | ".join(plain(cell) for cell in text.split("|"))
                else:
                    line = plain(text)
                    if kind == "bullet" and line:
                        line = "- " + line
                if line:
                    rendered.append(line)
            if not rendered:
                continue
            joined = "\n".join(rendered)
            if out and out[-1].rsplit("\n", 1)[-1].startswith("- ") and joined.startswith("- "):
                out[-1] += "\n" + joined  # a loose list stays one block
            else:
                out.append(joined)
        return "\n\n".join(out)


def _too_long(node: Node) -> DraftImportError:
    clause = node.clause
    if clause.number:
        name = f"Clause {clause.number}"
    elif clause.heading:
        name = f'The clause "{clause.heading[:60]}"'
    else:
        name = "The text before the first clause"
    return DraftImportError(f"{name} is longer than {MAX_CLAUSE_CHARS:,} characters. Split it into smaller clauses.")
