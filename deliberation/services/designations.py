"""Consensus designations checked against the tally.

A designation is the chair's reading of the room on one item of a closed round (DOMAIN.md section 3). It
may go beyond the numbers, but it may not contradict them silently: calling "full consensus" or
"consensus" an item that was blocked, not adopted or short of quorum in some group, or "full consensus" an
item on which someone objected, needs an explicit override with a reason, which the record shows.

`tally_reading` is the designation the figures alone suggest, for the bulk "apply the tally's reading".
"""
from dataclasses import dataclass

from ..i18n import N_
from ..models import Round, RoundItem
from ..models._base import utcnow
from .errors import Conflict, Invalid, NotFound, Term
from .rounds import record_round_event
from .tally import round_tally
from .validation import clean_text

AGREEING = ("full_consensus", "consensus")


@dataclass(frozen=True)
class Choice:
    """What a chair chose for one item: a designation, an optional note, and the reason for an override."""
    designation: str
    note: str = ""
    override: str = ""


def counted_groups(result: dict) -> list[dict]:
    return [g for g in result["groups"].values() if g["counted"]]


def contradiction(designation: str, result: dict) -> str | None:
    """Why the tally contradicts the designation (an English message marked for translation), or None."""
    if designation not in AGREEING:
        return None
    outcome = result["outcome"]
    if outcome == "blocked":
        return N_("The item is blocked by a formal objection.")
    if outcome == "no_quorum" or any(not g["quorum_met"] for g in counted_groups(result)):
        return N_("A stakeholder group did not reach quorum.")
    if outcome == "not_adopted":
        return N_("The item was not adopted.")
    if designation == "full_consensus" and any(g["object"] for g in counted_groups(result)):
        return N_("Members objected to the item.")
    return None


def tally_reading(result: dict) -> str:
    """The designation the figures suggest: full consensus without any objection, consensus when every
    group supports it by three quarters or more, strong support when it was adopted otherwise, and
    divergence for an item that was not adopted, blocked or short of quorum."""
    if result["outcome"] != "adopted" or any(not g["quorum_met"] for g in counted_groups(result)):
        return "divergence"
    groups = counted_groups(result)
    if not any(g["object"] for g in groups):
        return "full_consensus"
    if all(4 * (g["endorse"] + g["endorse_with_reservations"]) >= 3 * (g["endorse"] + g["endorse_with_reservations"]
                                                                       + g["object"]) for g in groups):
        return "consensus"
    return "strong_support"


def designate_items(actor, round_: Round, choices: dict[int, Choice]) -> list[RoundItem]:
    """Record the chair's designations for several items of a closed round, all or nothing: a choice the
    tally contradicts without a reason refuses the whole form, naming the item."""
    from ..models.rounds import DESIGNATIONS

    if round_.status != "closed":
        raise Conflict("Designations are recorded once the round has closed.")
    tally = round_tally(round_)
    cleaned = []
    for item_id, choice in choices.items():
        entry = tally.for_item(item_id)
        if entry is None:
            raise NotFound("That item is not part of this round.")
        if choice.designation not in DESIGNATIONS:
            raise Invalid("Choose a designation from the list.", field=f"designation-{item_id}")
        note = clean_text(choice.note, "note", required=False, max_length=2000) or None
        override = clean_text(choice.override, "override", required=False, max_length=2000) or None
        reason = contradiction(choice.designation, entry.result)
        if reason and not override:
            raise Conflict("%(item)s: the tally contradicts this designation (%(reason)s) Give a reason to "
                           "override it.", field=f"override-{item_id}", code="designation_contradicts_tally",
                           item=entry.item.clause.label if entry.item.clause else Term(N_("Whole document")),
                           reason=Term(reason))
        cleaned.append((entry.item, choice.designation, note, override if reason else None))
    now = utcnow()
    for item, designation, note, override in cleaned:
        item.designation, item.designation_note, item.designation_override = designation, note, override
        item.designated_at = now
        record_round_event("round.designated", actor, round_, {
            "item_id": item.id, "clause_id": item.clause_id, "designation": designation, "note": note,
            "override": override})
    return [item for item, *_rest in cleaned]
