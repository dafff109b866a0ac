"""Tallies from the database, table-driven over the edge cases of DOMAIN.md section 5: ties, groups with
no eligible members, no votes, quorum met exactly and missed by one, abstentions only, formal
objections under each rule, members added or removed after opening, positions changed many times."""
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Membership, PositionHistory, Version
from deliberation.services.errors import Conflict, Forbidden
from deliberation.services.groups import remove_membership, set_membership
from deliberation.services.objections import withdraw_objection
from deliberation.services.positions import take_position
from deliberation.services.rounds import close_round, open_round
from deliberation.services.tally import round_tally

TOKENS = {"E": ("endorse", None, False), "R": ("endorse_with_reservations", "But.", False),
          "A": ("abstain", None, False), "O": ("object", "No.", False), "F": ("object", "Never.", True)}


@dataclass
class Case:
    name: str
    eligible: dict          # sector -> number of eligible members
    votes: dict             # sector -> one token per voter: E R A O F (formal objection)
    rule: str
    outcome: str
    threshold: str = "majority"
    quorum: str = "1/2"
    pooled: str | None = None
    checks: dict | None = None  # sector -> {field: expected}


CASES = [
    Case("tie fails a majority", {"gov": 2, "cs": 2}, {"gov": "EO", "cs": "EE"}, "each_group", "not_adopted",
         checks={"gov": {"share": "1/2", "threshold_met": False}}),
    Case("tie in the pooled count", {"gov": 2, "cs": 2}, {"gov": "EE", "cs": "OO"}, "pooled", "not_adopted",
         pooled="not_adopted"),
    Case("group with no eligible members is left out", {"gov": 2, "cs": 2, "acad": 0}, {"gov": "EE", "cs": "EE"},
         "each_group", "adopted", checks={"acad": {"counted": False, "quorum_met": False, "eligible": 0}}),
    Case("no votes at all", {"gov": 2, "cs": 2}, {}, "each_group", "no_quorum", pooled="no_quorum",
         checks={"gov": {"cast": 0, "share": None, "quorum_met": False}}),
    Case("one group did not vote", {"gov": 2, "cs": 2}, {"gov": "EE"}, "each_group", "no_quorum", pooled="adopted"),
    Case("quorum met exactly", {"gov": 4, "cs": 2}, {"gov": "EE", "cs": "E"}, "each_group", "adopted",
         checks={"gov": {"quorum_met": True, "cast": 2}, "cs": {"quorum_met": True}}),
    Case("quorum missed by one", {"gov": 4, "cs": 2}, {"gov": "E", "cs": "EE"}, "each_group", "no_quorum",
         checks={"gov": {"quorum_met": False}}),
    Case("quorum two thirds of three, met", {"gov": 3}, {"gov": "EE"}, "each_group", "adopted", quorum="2/3"),
    Case("quorum two thirds of three, missed", {"gov": 3}, {"gov": "E"}, "each_group", "no_quorum", quorum="2/3"),
    Case("abstentions only", {"gov": 2, "cs": 2}, {"gov": "AA", "cs": "EE"}, "each_group", "not_adopted",
         checks={"gov": {"quorum_met": True, "share": None, "threshold_met": False, "abstain": 2}}),
    Case("abstentions do not dilute the share", {"gov": 4}, {"gov": "EAAA"}, "each_group", "adopted",
         threshold="three_quarters", checks={"gov": {"share": "1"}}),
    Case("two thirds exactly", {"gov": 3}, {"gov": "EEO"}, "each_group", "adopted", threshold="two_thirds"),
    Case("three quarters missed", {"gov": 4}, {"gov": "EEOO"}, "each_group", "not_adopted", threshold="three_quarters"),
    Case("reservations count as support", {"gov": 2}, {"gov": "RR"}, "each_group", "adopted"),
    Case("a small sector is not outvoted", {"gov": 5, "cs": 1}, {"gov": "EEEEE", "cs": "O"}, "each_group",
         "not_adopted", pooled="adopted"),
    Case("formal objection, each group", {"gov": 3, "cs": 2}, {"gov": "EEF", "cs": "EE"}, "each_group", "adopted",
         checks={"gov": {"formal_objections": 1, "object": 1}}),
    Case("formal objection, consensus", {"gov": 3, "cs": 2}, {"gov": "EEF", "cs": "EE"}, "consensus", "blocked",
         pooled="adopted"),
    Case("formal objection, pooled", {"gov": 3, "cs": 2}, {"gov": "EEF", "cs": "EE"}, "pooled", "adopted"),
    Case("formal objection blocks even without quorum", {"gov": 3, "cs": 4}, {"gov": "F"}, "consensus", "blocked"),
    Case("plain objection does not block consensus", {"gov": 3, "cs": 2}, {"gov": "EEO", "cs": "EE"}, "consensus",
         "adopted"),
]


def _setup(make, eligible: dict, *, rule="each_group", threshold="majority", quorum="1/2"):
    """A working group with exactly `eligible` chairs and members per sector; a chair opens a round."""
    group = make.group(sectors=tuple((key, key.title()) for key in eligible))
    people = {key: [make.member(group, "member", key, user=make.user(password=None)) for _ in range(n)]
              for key, n in eligible.items()}
    chair_sector = next(key for key, n in eligible.items() if n)
    chair = people[chair_sector][0]
    set_membership(None, group, chair, "chair", chair_sector)
    make.member(group, "observer", user=make.user(password=None))  # observers never vote
    version = db.session.get(Version, make.document(group, chair).current_version_id)
    round_ = open_round(chair, version, scope="document", rule=rule, threshold=threshold, quorum=quorum)
    return group, people, chair, round_


def _vote(round_, user, token):
    position, statement, formal = TOKENS[token]
    return take_position(user, round_, clause_id=None, position=position, statement=statement, formal=formal)


def _result(round_):
    return round_tally(round_).items[0].result


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_tally_cases(ctx, make, case):
    _group, people, _chair, round_ = _setup(make, case.eligible, rule=case.rule, threshold=case.threshold,
                                            quorum=case.quorum)
    for key, tokens in case.votes.items():
        for user, token in zip(people[key], tokens):
            _vote(round_, user, token)
    result = _result(round_)
    assert result["outcome"] == case.outcome
    if case.pooled:
        assert result["pooled_outcome"] == case.pooled
    for key, expected in (case.checks or {}).items():
        group = result["groups"][key]
        assert {name: group[name] for name in expected} == expected
    for key, n in case.eligible.items():
        assert result["groups"][key]["eligible"] == n
    # Closing freezes exactly what the live tally showed.
    close_round(_chair, round_)
    assert round_tally(round_).frozen and _result(round_) == result


def test_withdrawn_formal_objection_no_longer_blocks(ctx, make):
    _group, people, _chair, round_ = _setup(make, {"gov": 3, "cs": 2}, rule="consensus")
    for user, token in zip(people["gov"], "EEF"):
        _vote(round_, user, token)
    for user in people["cs"]:
        _vote(round_, user, "E")
    assert _result(round_)["outcome"] == "blocked"
    objection, _ = _vote(round_, people["gov"][2], "F")
    withdraw_objection(people["gov"][2], round_, objection)
    result = _result(round_)
    assert result["outcome"] == "adopted"
    assert result["groups"]["gov"]["object"] == 1 and result["groups"]["gov"]["formal_objections"] == 0


def test_members_added_or_removed_after_opening(ctx, make):
    group, people, chair, round_ = _setup(make, {"gov": 2, "cs": 2})
    newcomer = make.member(group, "member", "cs", user=make.user(password=None))
    with pytest.raises(Forbidden):
        _vote(round_, newcomer, "E")
    leaver = people["cs"][1]
    _vote(round_, leaver, "O")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == leaver.id))
    remove_membership(chair, group, membership.id)
    # A member who moved to another sector still counts where they stood when the round opened.
    set_membership(chair, group, people["gov"][1], "member", "cs")
    _vote(round_, people["gov"][1], "E")
    result = _result(round_)
    assert result["groups"]["cs"]["eligible"] == 2 and result["groups"]["gov"]["eligible"] == 2
    assert result["groups"]["cs"]["object"] == 1 and result["groups"]["gov"]["endorse"] == 1
    close_round(chair, round_)
    make.member(group, "member", "gov", user=make.user(password=None))
    assert _result(round_)["groups"]["gov"]["eligible"] == 2  # frozen


def test_positions_changed_many_times(ctx, make):
    _group, people, chair, round_ = _setup(make, {"gov": 2, "cs": 1})
    member = people["gov"][1]
    tokens = "EOARFEOAE" * 3
    created = [_vote(round_, member, token)[1] for token in tokens]
    assert created == [True] + [False] * (len(tokens) - 1)
    result = _result(round_)
    assert result["groups"]["gov"]["cast"] == 1 and result["groups"]["gov"]["endorse"] == 1
    history = db.session.scalar(select(func.count()).select_from(PositionHistory)
                                .where(PositionHistory.user_id == member.id))
    assert history == len(tokens)
    close_round(chair, round_)
    with pytest.raises(Conflict):
        _vote(round_, member, "O")
    assert _result(round_)["groups"]["gov"]["endorse"] == 1
