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

from markupsafe import Markup, escape

from .i18n import N_
from .services.tally_rules import share_percent

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
SEGMENTS = [("endorse", "Endorse"), ("endorse_with_reservations", "With reservations"),
            ("abstain", "Abstain"), ("object", "Object")]

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
    return share_percent(Fraction(share)) if share is not None else "—"


def whole_percent(share: str) -> str:
    """"67%" for a map cell, where space is short; the exact share is in the cell's title and the table."""
    return f"{math.floor(Fraction(share) * 100 + Fraction(1, 2))}%"


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
        return f"{label}, {sector}: no eligible members (left out)"
    parts = [f"share {group['share']} ({percent(group['share'])})" if group["share"] is not None
             else "no one took sides",
             f"{group['cast']} of {group['eligible']} cast",
             "quorum met" if group["quorum_met"] else "quorum not met",
             "threshold met" if group["threshold_met"] else "threshold not met"]
    if group["formal_objections"]:
        parts.append(f"{group['formal_objections']} formal objection(s)")
    return f"{label}, {sector}: " + ", ".join(parts)


def consensus_map(rows: list[tuple[str, dict]], sectors: list[tuple[str, str]], chart_id: str = "consensus-map") -> Markup:
    """rows: (item label, result JSON) in order; sectors: (key, name) in column order."""
    width = LABEL_W + len(sectors) * CELL_W + OUTCOME_W
    height = HEAD_H + len(rows) * CELL_H + 4
    counts = {outcome: sum(1 for _l, r in rows if r["outcome"] == outcome) for outcome in OUTCOME_LABELS}
    summary = ", ".join(f"{n} {OUTCOME_LABELS[o].lower()}" for o, n in counts.items() if n)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="consensus-map" id="{chart_id}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">Consensus map: support for each item by stakeholder group</title>',
             f'<desc id="{chart_id}-desc">{escape(f"{len(rows)} items by {len(sectors)} stakeholder groups. ")}'
             f'Each cell is coloured by the share of members who endorsed among those who took sides; a dashed '
             f'outline means the group has not reached quorum and a red corner marks a formal objection. '
             f'{escape(summary)}.</desc>']
    for column, (_key, name) in enumerate(sectors):
        x = LABEL_W + column * CELL_W + CELL_W // 2
        for line_no, line in enumerate(_header_lines(name)):
            parts.append(_text(x, 16 + line_no * 14, line, "map-head"))
    parts.append(_text(LABEL_W + len(sectors) * CELL_W + OUTCOME_W // 2, 16, "Outcome", "map-head"))
    for row, (label, result) in enumerate(rows):
        y = HEAD_H + row * CELL_H
        parts.append(f'<g class="map-row"><title>{escape(label)}: {OUTCOME_LABELS[result["outcome"]]}</title>')
        parts.append(_text(LABEL_W - 8, y + CELL_H // 2 + 4, _short(label, 15), "map-label", "end"))
        for column, (key, name) in enumerate(sectors):
            parts.append(_map_cell(LABEL_W + column * CELL_W, y, label, name, result["groups"].get(key)))
        x = LABEL_W + len(sectors) * CELL_W + 6
        parts.append(f'<rect x="{x}" y="{y + 4}" width="{OUTCOME_W - 8}" height="{CELL_H - 8}" rx="11" '
                     f'class="map-outcome map-outcome--{result["outcome"]}"/>')
        parts.append(_text(x + (OUTCOME_W - 8) // 2, y + CELL_H // 2 + 4, OUTCOME_LABELS[result["outcome"]],
                           "map-outcome-text"))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _map_cell(x: int, y: int, label: str, sector: str, group: dict | None) -> str:
    group = group or {"counted": False, "share": None}
    band = support_band(group)
    classes = f"map-cell band-{band}" + (" no-quorum" if group["counted"] and not group["quorum_met"] else "")
    content = {"na": "n/a", "none": "—"}.get(band) or whole_percent(group["share"])
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
             f'<title id="{chart_id}-title">{escape(f"Positions on {label} by stakeholder group")}</title>',
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
                         f'<title>{escape(f"{name}: {title} {n}")}</title></rect>')
            if w >= 16:
                parts.append(_text(f"{x + w / 2:.1f}", y + BAR_H // 2 + 4, str(n), f"seg-count seg-count--{position}"))
            x += w
        note = f"{group['cast']} of {group['eligible']} cast" if group["eligible"] else "none eligible"
        parts.append(_text(BAR_LABEL_W + BAR_W + 8, y + BAR_H // 2 + 4, note, "bar-note", "start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_words(name: str, group: dict | None) -> str:
    if not group or not group["eligible"]:
        return f"{name}: no eligible members"
    counts = ", ".join(f"{title.lower()} {group[position]}" for position, title in SEGMENTS)
    return f"{name}: {counts}, no response {group['eligible'] - group['cast']} of {group['eligible']}"
