"""CSV exports of a round: its tally (one row per item and stakeholder group, plus the pooled count)
and its named positions (every eligible voter on every item, including those who did not respond)."""
import csv
import io
from fractions import Fraction

from ..models import Round
from ..models.rounds import DESIGNATIONS
from .round_record import electorate, positions_of_round
from .tally import RoundTally, round_items
from .tally_rules import POSITIONS, share_percent

TALLY_HEADER = ["item", "clause_id", "outcome", "designation", "agreement_score", "stakeholder_group", "eligible",
                "cast", *POSITIONS, "formal_objections", "quorum_needed", "quorum_met", "share", "share_percent",
                "threshold_met"]
POSITIONS_HEADER = ["item", "clause_id", "name", "stakeholder_group", "affiliation", "position", "formal_objection",
                    "statement", "withdrawn_at", "updated_at"]


def _cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; user text must never be one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def item_label(item) -> str:
    return item.clause.label if item.clause is not None else "Whole document"


def tally_csv(tally: RoundTally) -> str:
    def rows():
        for entry in tally.items:
            result, item = entry.result, entry.item
            head = [item_label(item), item.clause_id, result["outcome"], DESIGNATIONS.get(item.designation or ""),
                    result["agreement_score"]]
            groups = [(s.key, result["groups"][s.key]) for s in tally.sectors if s.key in result["groups"]]
            for key, group in [*groups, ("pooled", result["pooled"])]:
                share = group["share"]
                yield [*head, key, group["eligible"], group["cast"], *(group[p] for p in POSITIONS),
                       group["formal_objections"], tally.quorum_needed(group["eligible"]), group["quorum_met"],
                       share, share_percent(Fraction(share)) if share is not None else None, group["threshold_met"]]

    return _csv(TALLY_HEADER, rows())


def positions_csv(round_: Round) -> str:
    voters = electorate(round_)
    positions = positions_of_round(round_)

    def rows():
        for item in round_items(round_):
            for voter in voters:
                position = positions.get((item.id, voter.user_id))
                yield [item_label(item), item.clause_id, voter.name, voter.sector_key, voter.affiliation,
                       position.position if position else "no response", position.formal if position else None,
                       position.statement if position else None,
                       position.withdrawn_at.isoformat() if position and position.withdrawn_at else None,
                       position.updated_at.isoformat() if position else None]

    return _csv(POSITIONS_HEADER, rows())
