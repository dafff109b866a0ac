"""Decision rules for endorsement rounds: pure arithmetic over position counts.

This module implements DOMAIN.md section 5 and nothing else: no database, no Flask. The tally
service feeds it one ``GroupCounts`` per stakeholder group (from aggregate queries) and freezes
the ``ItemResult`` when the round closes.

For a group with N eligible members: cast = E+R+A+O, yes = E+R, no = O. Quorum is met when
cast >= ceil(quorum * N); share = yes / (yes + no), so abstentions count toward quorum but not the
share. A group with yes + no == 0 has no share and meets no threshold. Groups with N == 0 are left
out of the rule (``counted=False``). Thresholds: ``majority`` is share > 1/2 (a tie fails),
``two_thirds`` share >= 2/3, ``three_quarters`` share >= 3/4. Everything is exact ``Fraction``
arithmetic; floats only appear in display output.

Rules and precedence of outcomes:

* ``each_group``: ``no_quorum`` if any counted group lacks quorum (or no group is counted at all);
  otherwise ``adopted`` if every counted group meets the threshold, else ``not_adopted``.
* ``consensus``: ``blocked`` if any group has a formal objection, *even when quorum failed*: a
  formal objection has to be answered before the item can ever be adopted, so the chair must see
  it first; a ``no_quorum`` label would hide it. Otherwise exactly as ``each_group``. The
  per-group ``quorum_met`` flags still show the quorum picture.
* ``pooled``: one member, one vote; quorum and threshold over the summed counts (N = sum of
  eligible). Formal objections count only as objections. Always computed as ``pooled_outcome``
  for comparison.

Under ``each_group`` and ``pooled`` a formal objection is just an ``object`` position.

The group-aware agreement score is the product over counted groups of (yes+1)/(yes+no+2), a
Laplace-smoothed support per group, so it is high only when every group agrees. With no counted
group it is the empty product, 1 (the outcome is then ``no_quorum``, which is what matters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from fractions import Fraction

RULES = ("each_group", "consensus", "pooled")
THRESHOLDS = {
    "majority": Fraction(1, 2),
    "two_thirds": Fraction(2, 3),
    "three_quarters": Fraction(3, 4),
}
# A tie at exactly one half must fail a majority, so that threshold is strict.
STRICT_THRESHOLDS = frozenset({"majority"})
POSITIONS = ("endorse", "endorse_with_reservations", "abstain", "object")
OUTCOMES = ("adopted", "not_adopted", "no_quorum", "blocked")


@dataclass(frozen=True)
class GroupCounts:
    """Eligible members and positions taken in one stakeholder group, for one item."""

    eligible: int
    endorse: int = 0
    endorse_with_reservations: int = 0
    abstain: int = 0
    object: int = 0
    formal_objections: int = 0  # a subset of ``object``

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{field.name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"{field.name} must not be negative, got {value}")
        if self.formal_objections > self.object:
            raise ValueError("formal_objections cannot exceed object")
        if self.cast > self.eligible:
            # Eligibility is frozen when the round opens, so this means the caller's query is wrong.
            raise ValueError(f"cast ({self.cast}) exceeds eligible ({self.eligible})")

    @property
    def cast(self) -> int:
        return self.endorse + self.endorse_with_reservations + self.abstain + self.object

    @property
    def yes(self) -> int:
        return self.endorse + self.endorse_with_reservations

    @property
    def no(self) -> int:
        return self.object


@dataclass(frozen=True)
class GroupResult:
    counts: GroupCounts
    counted: bool  # False when eligible == 0: left out of the rule
    cast: int
    yes: int
    no: int
    quorum_needed: int  # ceil(quorum * eligible), exact
    quorum_met: bool  # False for a group that is not counted
    share: Fraction | None  # yes / (yes + no); None when yes + no == 0
    threshold_met: bool  # False when share is None


@dataclass(frozen=True)
class ItemResult:
    outcome: str
    rule: str
    threshold: str
    quorum: Fraction
    groups: dict[str, GroupResult]  # in the order given
    agreement_score: Fraction
    pooled: GroupResult
    pooled_outcome: str


def parse_fraction(value: str | int | float | Fraction) -> Fraction:
    """Read a quorum such as "1/2", "0.5", "50%", 0.5 or 1 as an exact fraction in (0, 1]."""
    if isinstance(value, bool):
        raise ValueError(f"not a fraction: {value!r}")
    try:
        if isinstance(value, Fraction):
            result = value
        elif isinstance(value, int):
            result = Fraction(value)
        elif isinstance(value, float):
            # str() gives the shortest decimal that round-trips: 0.1 -> 1/10, not 3602879701896397/2**55.
            result = Fraction(str(value))
        elif isinstance(value, str):
            text = value.strip()
            if text.endswith("%"):
                result = Fraction(text[:-1].strip()) / 100
            else:
                result = Fraction(text)
        else:
            raise ValueError(f"not a fraction: {value!r}")
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ValueError(f"not a fraction: {value!r}") from exc
    if not 0 < result <= 1:
        raise ValueError(f"must be in (0, 1], got {value!r}")
    return result


def format_share(share: Fraction | None) -> str | None:
    """Exact string for storage and the API: "2/3", "1", "0"."""
    return None if share is None else str(share)


def share_percent(share: Fraction | None) -> str | None:
    """Display string with one decimal, rounded half up: 2/3 -> "66.7%"."""
    if share is None:
        return None
    tenths = math.floor(share * 1000 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}%"


def _meets(share: Fraction | None, threshold: str) -> bool:
    if share is None:
        return False
    bar = THRESHOLDS[threshold]
    return share > bar if threshold in STRICT_THRESHOLDS else share >= bar


def _group_result(counts: GroupCounts, threshold: str, quorum: Fraction) -> GroupResult:
    yes, no = counts.yes, counts.no
    share = Fraction(yes, yes + no) if yes + no else None
    counted = counts.eligible > 0
    quorum_needed = math.ceil(quorum * counts.eligible)  # Fraction.__ceil__ is exact
    return GroupResult(
        counts=counts,
        counted=counted,
        cast=counts.cast,
        yes=yes,
        no=no,
        quorum_needed=quorum_needed,
        quorum_met=counted and counts.cast >= quorum_needed,
        share=share,
        threshold_met=_meets(share, threshold),
    )


def _per_group_outcome(counted: list[GroupResult]) -> str:
    if not counted or not all(g.quorum_met for g in counted):
        return "no_quorum"
    return "adopted" if all(g.threshold_met for g in counted) else "not_adopted"


def _pooled_outcome(pooled: GroupResult) -> str:
    return _per_group_outcome([pooled] if pooled.counted else [])


def tally_item(
    groups: dict[str, GroupCounts], rule: str, threshold: str, quorum: Fraction
) -> ItemResult:
    """Apply one decision rule to the counts of one item; see the module docstring for precedence."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")
    if threshold not in THRESHOLDS:
        raise ValueError(f"unknown threshold {threshold!r}; expected one of {tuple(THRESHOLDS)}")
    quorum = parse_fraction(quorum)
    for key, counts in groups.items():
        if not isinstance(counts, GroupCounts):
            raise ValueError(f"group {key!r}: expected GroupCounts, got {type(counts).__name__}")

    results = {key: _group_result(counts, threshold, quorum) for key, counts in groups.items()}
    counted = [g for g in results.values() if g.counted]

    names = [f.name for f in fields(GroupCounts)]
    total = GroupCounts(**{name: sum(getattr(c, name) for c in groups.values()) for name in names})
    pooled = _group_result(total, threshold, quorum)
    pooled_outcome = _pooled_outcome(pooled)

    if rule == "pooled":
        outcome = pooled_outcome
    elif rule == "consensus" and any(g.counts.formal_objections for g in counted):
        outcome = "blocked"
    else:
        outcome = _per_group_outcome(counted)

    score = Fraction(1)
    for g in counted:
        score *= Fraction(g.yes + 1, g.yes + g.no + 2)

    return ItemResult(
        outcome=outcome,
        rule=rule,
        threshold=threshold,
        quorum=quorum,
        groups=results,
        agreement_score=score,
        pooled=pooled,
        pooled_outcome=pooled_outcome,
    )


def _group_to_json(result: GroupResult) -> dict:
    counts = result.counts
    return {
        "eligible": counts.eligible,
        "cast": result.cast,
        **{position: getattr(counts, position) for position in POSITIONS},
        "formal_objections": counts.formal_objections,
        "quorum_met": result.quorum_met,
        "share": format_share(result.share),
        "threshold_met": result.threshold_met,
        "counted": result.counted,
    }


def result_to_json(item: ItemResult) -> dict:
    """Plain JSON-ready dict; fractions are exact strings, plus one float for sorting and charts."""
    return {
        "outcome": item.outcome,
        "rule": item.rule,
        "threshold": item.threshold,
        "quorum": format_share(item.quorum),
        "agreement_score": format_share(item.agreement_score),
        "agreement_score_float": float(item.agreement_score),
        "groups": {key: _group_to_json(result) for key, result in item.groups.items()},
        "pooled": _group_to_json(item.pooled),
        "pooled_outcome": item.pooled_outcome,
    }
