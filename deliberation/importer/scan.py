"""Reading a draft line by line: normalising the source, classifying each line, finding the title.

The result is a list of `Line` records (blank, heading, numbered item, section name, bullet,
table row, text) that `tree.TreeBuilder` turns into clauses. Markdown inline markup is stripped
here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbering import Label, match_label

BLANK, HEADING, ITEM, SPECIAL, BULLET, ROW, TEXT, SKIP = (
    "blank", "heading", "item", "special", "bullet", "row", "text", "skip")

# Unnumbered section names that become clauses numbered by their own name ("Preamble").
SPECIAL_NAMES = {name.lower(): name for name in (
    "Preamble", "Definition", "Definitions", "Introduction", "Annex", "Annexes", "Appendix",
    "Appendices", "Glossary", "Foreword", "Recitals")}
_WITH_ID = {"Annex", "Appendix"}

_SPACES = {c: " " for c in (0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B))}
_REMOVED = {c: None for c in (*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x20), 0x7F,
                               0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD)}
_NEWLINES = {c: "\n" for c in (0x0B, 0x0C, 0x85, 0x2028, 0x2029)}
_TRANSLATION = {**_SPACES, **_REMOVED, **_NEWLINES}
_SURROGATES_RE = re.compile("[\ud800-\udfff]")

_ATX_RE = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HR_RE = re.compile(r"(?:[-*_][ \t]*){3,}")
_TEXT_RULE_RE = re.compile(r"[-=_*~#.\u2022\u00b7\u2013\u2014]{3,}")
_SETEXT_RE = re.compile(r"=+|-+")
_FENCE_RE = re.compile(r"(```|~~~)")
_COMMENT_RE = re.compile(r"<!--.*-->")
_LINKDEF_RE = re.compile(r"\[[^\]]{1,200}\]:[ \t]+\S")
_TABLE_SEP_RE = re.compile(r"\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?")
_BULLET_RE = re.compile(r"[-*+\u2022\u25e6\u25aa\u2023\u25cf\u00b7][ \t]+(.*)")
_BOLD_LINE_RE = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).){1,300})(?<=\S)\1[.:]?")
_SPECIAL_RE = re.compile(r"([A-Za-z]+)\b")
_SPECIAL_ID_RE = re.compile(r"[ \t]+([A-Z]|[IVXLC]{1,6}|\d{1,3})\b")
_SPECIAL_SEP_RE = re.compile(r"[ \t]*(?:[:.\u2013\u2014-][ \t]*)?")


@dataclass(slots=True)
class Line:
    """One classified source line. `text` is the content without its marker."""

    kind: str
    text: str = ""
    level: int = 0                    # heading level (1-6)
    label: Label | None = None        # for ITEM
    number: str | None = None         # for SPECIAL: "Preamble", "Annex A"
    indent: int = 0
    bold: bool = False                # a markdown line that is all **bold**
    raw: str = ""                     # the stripped line as written, for lines read as plain text


def normalise_source(source: str) -> str:
    """CRLF/CR to LF; odd spaces to spaces; invisible and control characters removed."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES_RE.sub("", source.translate(_TRANSLATION))


def collapse(text: str) -> str:
    return " ".join(text.split())


_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
# Bounded, and stopping at brackets, so that unclosed links cannot make the search quadratic.
_URL = r"[^()\[\]\s]{0,2000}(?:[ \t][^()\[\]]{0,300})?"
_INLINE_RULES = [
    (re.compile(r"!\[([^\[\]]{0,300})\]\(" + _URL + r"\)"), r"\1"),
    (re.compile(r"\[([^\[\]]{1,300})\]\(" + _URL + r"\)"), r"\1"),
    (re.compile(r"\[([^\[\]]{1,300})\]\[[^\[\]]{0,300}\]"), r"\1"),
    (re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]{0,300})?/?>"), ""),
    (re.compile(r"(`+)(?!`)([^`]{1,2000})(?<!`)\1(?!`)"), lambda m: m.group(2).strip()),
]
# (delimiter as a regex, may it open or close inside a word)
_EMPHASIS = [(r"\*\*", True), (r"(?<!_)__(?!_)", False), (r"~~", True),
             (r"(?<!\*)\*(?!\*)", False), (r"(?<!_)_(?!_)", False)]


def _unwrap(text: str, delimiter: str, intraword: bool) -> str:
    """Remove matched emphasis delimiters in one pass (linear, unlike a regex with a lazy span)."""
    removed: list[tuple[int, int]] = []
    opener = None
    for m in re.finditer(delimiter, text):
        start, end = m.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        closes = not before.isspace() and (intraword or not (after.isalnum() or after == "_"))
        opens = not after.isspace() and (intraword or not (before.isalnum() or before == "_"))
        if opener is not None and closes and start > opener[1]:
            removed += [opener, (start, end)]
            opener = None
        elif opens:
            opener = (start, end)
    if not removed:
        return text
    out, last = [], 0
    for start, end in removed:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


def strip_inline(text: str) -> str:
    """Markdown inline markup to plain text: emphasis, code, links [t](u) -> t, simple HTML tags."""
    escaped: list[str] = []

    def protect(m: re.Match) -> str:
        escaped.append(m.group(1))
        return f"\x01{len(escaped) - 1}\x02"

    text = _ESCAPE_RE.sub(protect, text)
    for regex, repl in _INLINE_RULES:
        text = regex.sub(repl, text)
    for delimiter, intraword in _EMPHASIS:
        text = _unwrap(text, delimiter, intraword)
    if escaped:
        text = re.sub(r"\x01(\d+)\x02", lambda m: escaped[int(m.group(1))], text)
    return collapse(text)


def match_special(text: str) -> tuple[str, str] | None:
    """'Preamble', 'Definitions:', 'Annex A - Glossary' -> (number, rest); None otherwise."""
    m = _SPECIAL_RE.match(text)
    if not m or not text[0].isupper():
        return None
    name = SPECIAL_NAMES.get(m.group(1).lower())
    if name is None:
        return None
    end = m.end()
    if name in _WITH_ID:
        ident = _SPECIAL_ID_RE.match(text, end)
        if ident:
            name, end = f"{name} {ident.group(1)}", ident.end()
    sep = _SPECIAL_SEP_RE.match(text, end)
    rest = text[sep.end():]
    # "Introduction of new rules..." is a sentence; a name needs a separator before more text.
    if rest and sep.group().strip() == "":
        return None
    return name, rest


def _indent_of(raw: str) -> int:
    width = 0
    for ch in raw:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _classify(raw: str, markdown: bool) -> Line:
    stripped = raw.strip(" \t")
    if not stripped:
        return Line(BLANK)
    indent = _indent_of(raw)
    if markdown:
        while stripped.startswith(">"):
            stripped = stripped[1:].strip(" \t")
        if not stripped:
            return Line(BLANK)
        m = _ATX_RE.match(stripped)
        if m and stripped.startswith("#"):
            text = (m.group(2) or "").strip(" \t")
            return Line(HEADING, text, level=len(m.group(1))) if text else Line(BLANK)
        if _SETEXT_RE.fullmatch(stripped):
            return Line("setext", stripped, level=1 if stripped[0] == "=" else 2)
        if (_HR_RE.fullmatch(stripped) or _FENCE_RE.match(stripped)
                or _COMMENT_RE.fullmatch(stripped) or _LINKDEF_RE.match(stripped)):
            return Line(BLANK)
        if "|" in stripped and _TABLE_SEP_RE.fullmatch(stripped):
            return Line(SKIP)  # the |---|---| under a table header; the table goes on
        if stripped.startswith("|"):
            return Line(ROW, stripped.strip("|").strip(" \t"))
    elif _TEXT_RULE_RE.fullmatch(stripped):
        return Line(BLANK)
    m = _BULLET_RE.match(stripped)
    if m:
        return Line(BULLET, m.group(1), raw=stripped)
    special = match_special(stripped)
    if special:
        return Line(SPECIAL, special[1], number=special[0], indent=indent, raw=stripped)
    found = match_label(stripped)
    if found:
        return Line(ITEM, found[1], label=found[0], indent=indent, raw=stripped)
    bold = bool(markdown and _BOLD_LINE_RE.fullmatch(stripped))
    return Line(TEXT, stripped, indent=indent, bold=bold, raw=stripped)


def scan(source: str, fmt: str) -> list[Line]:
    """Classify every line of a normalised source."""
    markdown = fmt == "markdown"
    lines = [_classify(raw, markdown) for raw in source.split("\n")]
    for i, line in enumerate(lines):
        if line.kind != "setext":
            continue
        prev = lines[i - 1] if i else None
        before = lines[i - 2] if i > 1 else None
        if (prev is not None and prev.kind in (TEXT, SPECIAL)
                and (before is None or before.kind in (BLANK, HEADING))):
            lines[i - 1] = Line(HEADING, prev.raw, level=line.level)
        lines[i] = Line(BLANK)
    return lines


def heading_like(text: str, max_chars: int = 120, max_words: int = 15) -> bool:
    """Short, starts with a capital, and does not end like a sentence or a list lead-in."""
    return (0 < len(text) <= max_chars and len(text.split()) <= max_words
            and text[0].isupper() and text[-1] not in ".,;:")


def _unnumbered(text: str) -> bool:
    return match_label(text, heading=True) is None and match_special(text) is None


def find_title(lines: list[Line], fmt: str) -> list[int]:
    """Indexes of the title lines, which are not a clause; [] if the draft has no title.

    Markdown: the first heading when it is the only level-1 heading ("# "), nothing numbered
    comes before it, it is unnumbered and not a section name, and other headings or numbered lines
    follow. Otherwise (and in text): the first block of text when it has at most three lines,
    each short and not ending like a sentence, and something follows it.
    """
    content = [i for i, line in enumerate(lines) if line.kind not in (BLANK, SKIP)]
    if len(content) < 2:
        return []
    if fmt == "markdown":
        headings = [i for i in content if lines[i].kind == HEADING]
        if headings:
            first = headings[0]
            line = lines[first]
            if (line.level == 1 and sum(lines[i].level == 1 for i in headings) == 1
                    and all(lines[i].kind in (TEXT, BULLET, ROW) for i in content if i < first)
                    and any(lines[i].kind in (HEADING, ITEM, SPECIAL) for i in content if i > first)
                    and len(line.text) <= 1000 and _unnumbered(strip_inline(line.text))):
                return [first]
    block = []
    for i in range(content[0], len(lines)):
        if lines[i].kind in (BLANK, SKIP):
            break
        block.append(i)
    if len(block) > 3 or block[-1] == content[-1]:
        return []
    for i in block:
        line = lines[i]
        if line.kind != TEXT or len(line.text) > 300:
            return []
        text = title_text([line], fmt)
        if not text or len(text) > 150 or text[-1] in ".,;:" or not _unnumbered(text):
            return []
    return block


def title_text(lines: list[Line], fmt: str) -> str:
    plain = strip_inline if fmt == "markdown" else collapse
    return " ".join(plain(line.text) for line in lines)
