"""Server-side SVG charts for endorsement rounds, readable without JavaScript.

- `consensus_map`: a grid of items (rows) by stakeholder groups (columns), each cell coloured by the
  group's share of support, with the item's outcome at the end of the row.
- `position_bars`: for one item, a stacked bar of positions per stakeholder group, scaled to its
  eligible members, the rest shown as "no response".

Every chart has a <title> and <desc>; the pages put a table with the same figures beside it. Colours
come from classes styled in static/css/rounds.css (the CSP forbids inline styles, and classes follow
the light or dark theme). All text is escaped here: labels are user text.
"""
import math
from fractions import Fraction

from decimal import Decimal

from flask_babel import format_number, format_percent, gettext as _, ngettext
from markupsafe import Markup, escape

from .i18n import N_

OUTCOME_LABELS = {"adopted": N_("Adopted"), "not_adopted": N_("Not adopted"), "no_quorum": N_("No quorum"),
                  "blocked": N_("Blocked")}
# Support bands, strongest first: (class suffix, legend label). A tie sits with "no majority".
BANDS = [
    ("4", N_("3/4 or more support")),
    ("3", N_("2/3 to 3/4")),
    ("2", N_("over 1/2, under 2/3")),
    ("1", N_("1/3 to 1/2: no majority")),
    ("0", N_("under 1/3")),
    ("none", N_("no one took sides")),
    ("na", N_("no eligible members")),
]
SEGMENTS = [("endorse", N_("Endorse")), ("endorse_with_reservations", N_("With reservations")),
            ("abstain", N_("Abstain")), ("object", N_("Object"))]

# Sizes in SVG units; the page scales the charts to its width (they stay readable at 360px).
LABEL_W, CELL_W, CELL_H, HEAD_H, OUTCOME_W, GAP = 124, 58, 30, 40, 90, 3  # labels fit "Whole document"
BAR_LABEL_W, BAR_W, BAR_NOTE_W, BAR_H = 92, 190, 78, 24


def support_band(group: dict) -> str:
    if not group["counted"]:
        return "na"
    if group["share"] is None:
        return "none"
    share = Fraction(group["share"])
    if share >= Fraction(3, 4):
        return "4"
    if share >= Fraction(2, 3):
        return "3"
    if share > Fraction(1, 2):
        return "2"
    return "1" if share >= Fraction(1, 3) else "0"


def percent(share: str | None) -> str:
    """A fraction as a whole percentage, half up, written the reader's way ("67%", "67 %" in French);
    "—" for none. Never "2/3", which reads as a count of votes."""
    if share is None:
        return "—"
    return format_percent(Decimal(math.floor(Fraction(share) * 100 + Fraction(1, 2))) / 100)


def share_words(group: dict) -> str:
    """"67% · 2 of 3": a group's share of support, then its endorsements among those who took sides."""
    yes = group["endorse"] + group["endorse_with_reservations"]
    sides = yes + group["object"]
    if not sides:
        return _("no one took sides")
    return _("%(percent)s · %(yes)s of %(sides)s", percent=percent(group["share"]), yes=format_number(yes),
             sides=format_number(sides))


def support_summary(result: dict, sectors) -> str:
    """The reading of an item a chair needs at a glance, in place of the agreement score's decimal: how many
    stakeholder groups meet quorum and threshold, and which group supports the text least."""
    counted = [(s.name, result["groups"][s.key]) for s in sectors
               if s.key in result["groups"] and result["groups"][s.key]["counted"]]
    if not counted:
        return _("No stakeholder group has eligible members.")
    meeting = sum(1 for _name, g in counted if g["quorum_met"] and g["threshold_met"])
    text = ngettext("%(met)s of %(num)d stakeholder group meets quorum and threshold.",
                    "%(met)s of %(num)d stakeholder groups meet quorum and threshold.", len(counted),
                    met=format_number(meeting))
    sided = [(name, g) for name, g in counted if g["share"] is not None]
    if sided and len(counted) > 1:
        name, weakest = min(sided, key=lambda pair: Fraction(pair[1]["share"]))
        text += " " + _("Least support: %(group)s, %(share)s.", group=name, share=share_words(weakest))
    return text


def cast_words(group: dict) -> str:
    return _("%(cast)s of %(eligible)s cast", cast=format_number(group["cast"]),
             eligible=format_number(group["eligible"]))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_lines(name: str) -> list[str]:
    """A group name on at most two lines under its column."""
    words, lines = name.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > 10 and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return [_short(line, 11) for line in lines]


def _text(x, y, content, cls, anchor="middle") -> str:
    return f'<text x="{x}" y="{y}" class="{cls}" text-anchor="{anchor}">{escape(content)}</text>'


def _cell_title(label: str, sector: str, group: dict) -> str:
    if not group["counted"]:
        return _("%(item)s, %(group)s: no eligible members (left out)", item=label, group=sector)
    parts = [share_words(group), cast_words(group),
             _("quorum met") if group["quorum_met"] else _("quorum not met"),
             _("threshold met") if group["threshold_met"] else _("threshold not met")]
    if group["formal_objections"]:
        parts.append(ngettext("%(num)d formal objection", "%(num)d formal objections", group["formal_objections"]))
    return _("%(item)s, %(group)s: %(details)s", item=label, group=sector, details=", ".join(parts))


def consensus_map(rows: list[tuple[str, dict]], sectors: list[tuple[str, str]], chart_id: str = "consensus-map") -> Markup:
    """rows: (item label, result JSON) in order; sectors: (key, name) in column order."""
    width = LABEL_W + len(sectors) * CELL_W + OUTCOME_W
    height = HEAD_H + len(rows) * CELL_H + 4
    counts = {outcome: sum(1 for _l, r in rows if r["outcome"] == outcome) for outcome in OUTCOME_LABELS}
    summary = ", ".join(f"{format_number(n)} {_(OUTCOME_LABELS[o]).lower()}" for o, n in counts.items() if n)
    desc = " ".join([
        _("%(items)s items by %(groups)s stakeholder groups.", items=format_number(len(rows)),
          groups=format_number(len(sectors))),
        _("Each cell is coloured by the share of members who endorsed among those who took sides; a dashed "
          "outline means the group has not reached quorum and a red corner marks a formal objection."),
        f"{summary}."])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="consensus-map" id="{chart_id}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">'
             f'{escape(_("Consensus map: support for each item by stakeholder group"))}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    for column, (_key, name) in enumerate(sectors):
        x = LABEL_W + column * CELL_W + CELL_W // 2
        for line_no, line in enumerate(_header_lines(name)):
            parts.append(_text(x, 16 + line_no * 14, line, "map-head"))
    parts.append(_text(LABEL_W + len(sectors) * CELL_W + OUTCOME_W // 2, 16, _("Outcome"), "map-head"))
    for row, (label, result) in enumerate(rows):
        y = HEAD_H + row * CELL_H
        parts.append(f'<g class="map-row"><title>{escape(label)}: {escape(_(OUTCOME_LABELS[result["outcome"]]))}</title>')
        parts.append(_text(LABEL_W - 8, y + CELL_H // 2 + 4, _short(label, 15), "map-label", "end"))
        for column, (key, name) in enumerate(sectors):
            parts.append(_map_cell(LABEL_W + column * CELL_W, y, label, name, result["groups"].get(key)))
        x = LABEL_W + len(sectors) * CELL_W + 6
        parts.append(f'<rect x="{x}" y="{y + 4}" width="{OUTCOME_W - 8}" height="{CELL_H - 8}" rx="11" '
                     f'class="map-outcome map-outcome--{result["outcome"]}"/>')
        parts.append(_text(x + (OUTCOME_W - 8) // 2, y + CELL_H // 2 + 4, _(OUTCOME_LABELS[result["outcome"]]),
                           "map-outcome-text"))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _map_cell(x: int, y: int, label: str, sector: str, group: dict | None) -> str:
    group = group or {"counted": False, "share": None}
    band = support_band(group)
    classes = f"map-cell band-{band}" + (" no-quorum" if group["counted"] and not group["quorum_met"] else "")
    content = {"na": _("n/a"), "none": "—"}.get(band) or percent(group["share"])
    cell = [f'<g><title>{escape(_cell_title(label, sector, group))}</title>',
            f'<rect x="{x + GAP}" y="{y + GAP}" width="{CELL_W - 2 * GAP}" height="{CELL_H - 2 * GAP}" rx="4" '
            f'class="{classes}"/>',
            _text(x + CELL_W // 2, y + CELL_H // 2 + 4, content, f"map-value band-text-{band}")]
    if group.get("formal_objections"):
        right, top = x + CELL_W - GAP, y + GAP
        cell.append(f'<path d="M{right - 12},{top} L{right},{top} L{right},{top + 12} Z" class="formal-mark"/>')
    cell.append("</g>")
    return "".join(cell)


def position_bars(label: str, result: dict, sectors: list[tuple[str, str]], chart_id: str) -> Markup:
    """Positions per stakeholder group for one item, each bar as long as the group's eligible members."""
    width = BAR_LABEL_W + BAR_W + BAR_NOTE_W
    height = len(sectors) * (BAR_H + 8) + 4
    desc = "; ".join(_bar_words(name, result["groups"].get(key)) for key, name in sectors)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="position-bars" id="{chart_id}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(_("Positions on %(item)s by stakeholder group", item=label))}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}.</desc>']
    for row, (key, name) in enumerate(sectors):
        y = row * (BAR_H + 8) + 2
        group = result["groups"].get(key) or {"eligible": 0, "cast": 0}
        parts.append(_text(BAR_LABEL_W - 8, y + BAR_H // 2 + 4, _short(name, 14), "bar-label", "end"))
        parts.append(f'<rect x="{BAR_LABEL_W}" y="{y}" width="{BAR_W}" height="{BAR_H}" rx="3" class="seg seg--none"/>')
        x = BAR_LABEL_W
        for position, title in SEGMENTS if group["eligible"] else []:
            n = group[position]
            if not n:
                continue
            w = BAR_W * n / group["eligible"]
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" class="seg seg--{position}">'
                         f'<title>{escape(f"{name}: {_(title)} {format_number(n)}")}</title></rect>')
            if w >= 16:
                parts.append(_text(f"{x + w / 2:.1f}", y + BAR_H // 2 + 4, str(n), f"seg-count seg-count--{position}"))
            x += w
        note = cast_words(group) if group["eligible"] else _("none eligible")
        parts.append(_text(BAR_LABEL_W + BAR_W + 8, y + BAR_H // 2 + 4, note, "bar-note", "start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_words(name: str, group: dict | None) -> str:
    if not group or not group["eligible"]:
        return _("%(group)s: no eligible members", group=name)
    counts = ", ".join(f"{_(title).lower()} {format_number(group[position])}" for position, title in SEGMENTS)
    return _("%(group)s: %(counts)s, no response %(missing)s of %(eligible)s", group=name, counts=counts,
             missing=format_number(group["eligible"] - group["cast"]), eligible=format_number(group["eligible"]))
