"""Clause numbers: recognising them at the start of a line and reading their values.

A label is what opens a numbered line: "1.", "1)", "1.1", "2(a)", "(a)", "a)", "(iv)", "Article 3".
Letters and roman numerals overlap ("(i)", "(v)", "(x)", "(l)", "(c)"...), so a label may carry two
readings; the tree builder picks one (see `parse.TreeBuilder._choose_reading`).
Nothing here looks at the surrounding document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# Decimal parts are capped so that a line of digits and dots cannot nest a clause 1,000 levels deep.
MAX_DECIMAL_DEPTH = 8
# Roman readings above this are not clause numbers: "(mix)", "(civ)" and the like are words.
MAX_ROMAN = 50

KEYWORDS = ("Article", "Section", "Recommendation", "Clause", "Principle", "Chapter", "Part",
            "Paragraph", "Rule")

_DEC = r"\d{1,4}(?:\.\d{1,4}){0,%d}" % (MAX_DECIMAL_DEPTH - 1)
_TOKEN = r"\([A-Za-z0-9]{1,6}\)"
_END = r"(?=[ \t]|$)"

_COMPOUND_RE = re.compile(r"(%s)((?:%s)+)\.?%s" % (_DEC, _TOKEN, _END))
_PAREN_RE = re.compile(r"((?:%s)+)\.?%s" % (_TOKEN, _END))
_LETTER_RE = re.compile(r"([A-Za-z]{1,6})[.)]" + _END)
_SIMPLE_RE = re.compile(r"(\d{1,4})[.)]" + _END)
_MULTI_RE = re.compile(r"(\d{1,4}(?:\.\d{1,4}){1,%d})\.?%s" % (MAX_DECIMAL_DEPTH - 1, _END))
_TABBED_RE = re.compile(r"(\d{1,4}(?:\.\d{1,4}){0,%d})\.?(?=\t)" % (MAX_DECIMAL_DEPTH - 1))
_DASHED_RE = re.compile(r"(\d{1,4})(?=[ \t]+[\u2013\u2014-][ \t])")
_BARE_RE = re.compile(r"(%s)\.?%s" % (_DEC, _END))  # "## 1 Title": only inside headings
_KEYWORD_RE = re.compile(
    r"(%s)[ \t]+(\d{1,4}(?:\.\d{1,4}){0,%d}|[IVXLC]{1,7})\b\.?"
    % ("|".join(KEYWORDS), MAX_DECIMAL_DEPTH - 1), re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"[ \t]*(?:[:.\u2013\u2014-](?=[ \t]|$))?[ \t]*")
_ROMAN_RE = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a lettered token: class ("alpha", "ALPHA", "roman", "ROMAN", "digit")."""

    cls: str
    value: int
    token: str

    @property
    def display(self) -> str:
        return f"({self.token})"


@dataclass(frozen=True, slots=True)
class Label:
    """A recognised clause number.

    Decimal and keyword labels have `parts` ("1.2" -> (1, 2)). Lettered labels have `readings`
    for their last token and, for compounds such as "2(a)(i)", the written `prefix` ("2(a)").
    """

    written: str
    parts: tuple[int, ...] | None = None
    keyword: str | None = None
    readings: tuple[Reading, ...] = ()
    prefix: str | None = None
    prefix_parts: tuple[int, ...] | None = None
    weak: bool = False             # "A." could be an initial ("A. Smith"): needs context
    delimiter: str = "."           # ")" for "1)": a "1)" list inside "2." is a different list

    def decimal_number(self) -> str:
        if self.keyword:
            return self.written
        return ".".join(str(p) for p in self.parts)


def roman_value(token: str) -> int | None:
    """Value of a roman numeral written in one case ("iv" -> 4), or None."""
    low = token.lower()
    if not low or (token != low and token != token.upper()) or not _ROMAN_RE.fullmatch(low):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for i, ch in enumerate(low):
        v = values[ch]
        total += -v if i + 1 < len(low) and values[low[i + 1]] > v else v
    return total


def letter_value(token: str) -> int | None:
    """a..z -> 1..26, then the legal style aa, bb, ... -> 27, 28, ...; None for anything else."""
    if not token.isascii() or not token.isalpha() or len(set(token)) != 1 or len(token) > 3:
        return None
    if token != token.lower() and token != token.upper():
        return None
    return 26 * (len(token) - 1) + ord(token[0].lower()) - ord("a") + 1


def token_readings(token: str) -> tuple[Reading, ...]:
    """All plausible readings of the token inside "(...)" or before "a)"; () if it is no number."""
    if token.isdigit():
        return (Reading("digit", int(token), str(int(token))),)
    upper = token == token.upper()
    readings = []
    roman = roman_value(token)
    letter = letter_value(token)
    if roman is not None and roman <= MAX_ROMAN:
        readings.append(Reading("ROMAN" if upper else "roman", roman, token))
    # A multi-letter roman ("ii", "xx") is never read as a doubled letter.
    if letter is not None and not (readings and len(token) > 1):
        readings.append(Reading("ALPHA" if upper else "alpha", letter, token))
    return tuple(readings)


def _parts(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _tokens(group: str) -> list[str]:
    return re.findall(r"\(([A-Za-z0-9]+)\)", group)


def _paren_label(tokens: list[str], decimal: str | None) -> Label | None:
    for tok in tokens:
        if not token_readings(tok):
            return None
    readings = token_readings(tokens[-1])
    shown = "".join(f"({t})" for t in tokens)
    head = ".".join(str(p) for p in _parts(decimal)) if decimal else ""
    prefix = head + "".join(f"({t})" for t in tokens[:-1])
    return Label(written=head + shown, readings=readings, prefix=prefix or None,
                 prefix_parts=_parts(decimal) if decimal else None)


def match_label(line: str, heading: bool = False) -> tuple[Label, str] | None:
    """Recognise a clause number at the start of `line` (already left-stripped, tabs kept).

    Returns the label and the rest of the line with a separator (":", ".", dash) removed.
    A number needs its punctuation ("1." plus a space, "1.1", "(a)", "a)", "2(a)", a tab after it)
    so that "2016 was..." or "10 governments" never counts; inside a heading "1 Title" does.
    """
    found = _match(line, heading)
    if found is None:
        return None
    label, end = found
    rest = line[end:]
    sep = _SEPARATOR_RE.match(rest)
    return label, rest[sep.end():]


def _match(line: str, heading: bool) -> tuple[Label, int] | None:
    if not line or line[0] in "#*-+>|\\":
        return None
    m = _KEYWORD_RE.match(line)
    if m and line[0].isupper():
        after = line[m.end():].lstrip(" \t")
        # "Article 3 of the Convention" is a reference, not a heading.
        if not after or after[0] in ":.-\u2013\u2014)" or after[0].isupper() or after[0].isdigit():
            number = m.group(2)
            parts = _parts(number) if number[0].isdigit() else (roman_value(number),)
            if parts[0] is not None:
                keyword = m.group(1).capitalize()
                return Label(written=f"{keyword} {number}", parts=parts, keyword=keyword), m.end()
    m = _COMPOUND_RE.match(line)
    if m:
        label = _paren_label(_tokens(m.group(2)), m.group(1))
        return (label, m.end()) if label else None
    m = _PAREN_RE.match(line)
    if m:
        label = _paren_label(_tokens(m.group(1)), None)
        return (label, m.end()) if label else None
    m = _LETTER_RE.match(line)
    if m:
        label = _paren_label([m.group(1)], None)
        if label and line[m.end() - 1] == "." and m.group(1).isupper():
            label = replace(label, weak=True)
        return (label, m.end()) if label else None
    for regex in (_MULTI_RE, _SIMPLE_RE, _TABBED_RE, _DASHED_RE) + ((_BARE_RE,) if heading else ()):
        m = regex.match(line)
        if m:
            parts = _parts(m.group(1))
            delimiter = ")" if line[m.end() - 1] == ")" else "."
            return Label(written=".".join(map(str, parts)), parts=parts,
                         delimiter=delimiter), m.end()
    return None
