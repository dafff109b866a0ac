"""Word (.docx) uploads: the document body as the Markdown-ish text that `parse_draft` reads.

Headings (Title, Heading 1-9, or an outline level) become "#" headings, Title one level above
Heading 1 when the document has one. Word keeps automatic list numbers out of the text, so they
are rebuilt from the numbering definitions (numFmt and lvlText per level, start values and
overrides, best effort) and written in front of the paragraph: "1.", "1.1", "(a)", "(i)".
Tables become "| cell | cell |" rows; a short all-bold paragraph becomes "**text**".
Tracked changes are never taken silently: `read_docx` counts them (and the Word comments, which are
not imported) and converts the text both as if all changes were accepted and as if all were rejected,
for the chair to choose (`revisions`).
"""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.oxml.ns import qn

from ..i18n import N_
from .clauses import DraftImportError, UploadedDraft
from .revisions import ACCEPTED, REJECTED, count_comments, count_revisions, resolve_revisions

# A 2 MB upload can inflate to gigabytes; refuse archives that would.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024

NOT_A_DOCUMENT = N_("The file is not a valid Word document (.docx). Open it in Word and save it again.")

_W_P, _W_TBL, _W_T, _W_TAB, _W_BR, _W_CR = (qn(t) for t in (
    "w:p", "w:tbl", "w:t", "w:tab", "w:br", "w:cr"))
_W_NBH = qn("w:noBreakHyphen")
_W_VAL = qn("w:val")
# Tracked changes are resolved before conversion (`revisions`), so no w:ins or w:del is left to read.
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_SKIPPED = {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
            qn("w:pPr"), qn("w:rPr"), qn("w:instrText")}
_FALLBACK_LEVELS = [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")]


def read_docx(data: bytes) -> UploadedDraft:
    """Convert a .docx file; raises DraftImportError(field="file") if it is not a Word document."""
    _check_package(data)
    try:
        document = Document(io.BytesIO(data))
        changes = count_revisions(document.element.body)
        comments = count_comments(document)
        # Each reading rewrites the body it converts, so the rejected one reads its own copy.
        rejected = _Converter(Document(io.BytesIO(data)), REJECTED).convert() if changes else None
        return UploadedDraft(_Converter(document, ACCEPTED).convert(), rejected, changes, comments)
    except DraftImportError:
        raise
    except Exception:  # python-docx and lxml raise many kinds; none of them helps the user
        raise DraftImportError(NOT_A_DOCUMENT, field="file") from None


def _check_package(data: bytes) -> None:
    """A zip archive with word/document.xml that does not inflate past the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise DraftImportError(NOT_A_DOCUMENT, field="file") from None
    if "word/document.xml" not in {info.filename for info in infos}:
        raise DraftImportError(NOT_A_DOCUMENT, field="file")
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise DraftImportError("The Word document is too large once uncompressed.", field="file")


def _val(element, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(_W_VAL) if child is not None else None


def format_number(value: int, fmt: str) -> str:
    """A list counter in Word's numFmt: decimal, lowerLetter, upperRoman..."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else "0"
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        out, rest = "", value
        for n, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                     (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while rest >= n:
                out, rest = out + s, rest - n
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class _Numbering:
    """Word list definitions and the running counters, one set per abstract list."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = self._level(lvl)
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            overrides = {}
            for over in num.findall(qn("w:lvlOverride")):
                start = _val(over, "w:startOverride")
                if start is not None and start.isdigit():
                    overrides[int(over.get(qn("w:ilvl"), "0"))] = int(start)
            self.nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), overrides)

    @staticmethod
    def _level(lvl) -> tuple[str, str, int]:
        fmt = _val(lvl, "w:numFmt") or "decimal"
        if lvl.find(qn("w:isLgl")) is not None:
            fmt = "decimal"
        text = _val(lvl, "w:lvlText")
        start = _val(lvl, "w:start")
        return fmt, text, int(start) if start and start.isdigit() else 1

    def _definition(self, abstract: str, ilvl: int) -> tuple[str, str, int]:
        fmt, text, start = self.levels.get(abstract, {}).get(ilvl) or (
            *_FALLBACK_LEVELS[min(ilvl, 2)], 1)
        if text is None:  # no lvlText: "1.", "1.1" for decimals, "(a)" for letters
            if fmt == "decimal":
                text = "%1." if ilvl == 0 else ".".join(f"%{k + 1}" for k in range(ilvl + 1))
            else:
                text = f"(%{ilvl + 1})"
        return fmt, text, start

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The number Word shows for the next paragraph of this list, or None for no number."""
        if num_id == "0" or not 0 <= ilvl <= 8:
            return None
        abstract, overrides = self.nums.get(num_id, (f"missing-{num_id}", {}))
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        fmt, text, start = self._definition(abstract, ilvl)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return None

        def counter(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            level_fmt, _, level_start = self._definition(abstract, level)
            value = counters.get(level, level_start)
            return format_number(value, fmt if level == ilvl else level_fmt)

        return re.sub(r"%([1-9])", counter, text).strip() or None


class _Converter:
    def __init__(self, document, tracked: str):
        self.document = document
        resolve_revisions(document.element.body, tracked)
        self.numbering = _Numbering(document)
        self.styles: dict[str, tuple[str, str | None, object]] = {}
        for style in document.styles.element.findall(qn("w:style")):
            name = (_val(style, "w:name") or "").lower()
            self.styles[style.get(qn("w:styleId"))] = (
                name, _val(style, "w:basedOn"), style.find(qn("w:pPr")))
        # With a Title paragraph, Heading 1 is "##" so that the title stays the only "#".
        title_ids = {sid for sid, (name, _, _) in self.styles.items() if name == "title"}
        self.below_title = int(any(_val(p.find(qn("w:pPr")), "w:pStyle") in title_ids
                                   for p in document.element.body.iter(_W_P)))

    def convert(self) -> str:
        out = []
        for element in _blocks(self.document.element.body):
            text = self._paragraph(element) if element.tag == _W_P else _table(element)
            if text:
                out.append(text)
        return "\n\n".join(out) + "\n"

    def _style_chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id][1]

    def _heading_level(self, p_pr, style_id: str | None) -> int | None:
        """Title is "#"; Heading n is "#" * n, or one level deeper when the document has a Title."""
        outline = _val(p_pr, "w:outlineLvl")
        for name, _, style_p_pr in self._style_chain(style_id):
            if name == "title":
                return 1
            m = re.fullmatch(r"heading ([1-9])", name)
            if m:
                return min(int(m.group(1)) + self.below_title, 6)
            outline = outline or _val(style_p_pr, "w:outlineLvl")
        if outline and outline.isdigit() and int(outline) < 9:
            return min(int(outline) + 1 + self.below_title, 6)
        return None

    def _list_label(self, p_pr, style_id: str | None) -> str | None:
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        if num_pr is None:
            for _, _, style_p_pr in self._style_chain(style_id):
                if style_p_pr is not None and style_p_pr.find(qn("w:numPr")) is not None:
                    num_pr = style_p_pr.find(qn("w:numPr"))
                    break
        num_id = _val(num_pr, "w:numId")
        if num_id is None:
            return None
        ilvl = _val(num_pr, "w:ilvl")
        return self.numbering.label(num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0)

    def _paragraph(self, p) -> str:
        p_pr = p.find(qn("w:pPr"))
        style_id = _val(p_pr, "w:pStyle")
        label = self._list_label(p_pr, style_id)
        text = _text(p).strip()
        if not text:
            return ""
        level = self._heading_level(p_pr, style_id)
        if level is not None:
            body = " ".join(text.split())
            return "#" * level + " " + (f"{label} {body}" if label and label != "-" else body)
        if _all_bold(p) and len(text) <= 120 and "\n" not in text:
            text = f"**{text}**"
        elif text[0] in "#>|":
            text = "\\" + text
        return f"{label} {text}" if label else text


def _blocks(parent):
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_W_P, _W_TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _text(element) -> str:
    """The visible text of a paragraph: runs, hyperlinks, content controls."""
    parts = []
    pending = [element]
    while pending:
        node = pending.pop()
        tag = node.tag
        if tag in _SKIPPED:
            continue
        if tag == _W_T:
            parts.append(node.text or "")
        elif tag == _W_TAB:
            parts.append("\t")
        elif tag in (_W_BR, _W_CR):
            parts.append("\n")
        elif tag == _W_NBH:
            parts.append("-")
        pending.extend(reversed(list(node)))
    return "".join(parts)


def _all_bold(p) -> bool:
    runs = [r for r in p.iter(qn("w:r"))
            if any((t.text or "").strip() for t in r.findall(_W_T))]
    if not runs:
        return False
    for run in runs:
        bold = run.find(qn("w:rPr"))
        bold = bold.find(qn("w:b")) if bold is not None else None
        if bold is None or bold.get(_W_VAL) in ("0", "false", "off"):
            return False
    return True


def _table(tbl) -> str:
    rows = []
    for tr in tbl.iter(qn("w:tr")):
        if tr.getparent() is not tbl:
            continue  # rows of a nested table are read as part of their cell
        cells = []
        for tc in tr.findall(qn("w:tc")):
            cells.append(" ".join(" ".join(_text(p).split()) for p in tc.iter(_W_P)).strip())
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
