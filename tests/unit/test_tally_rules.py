"""Unit tests for the decision rules of DOMAIN.md section 5 (deliberation.services.tally_rules)."""

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.services.tally_rules import (
    POSITIONS,
    RULES,
    THRESHOLDS,
    GroupCounts,
    format_share,
    parse_fraction,
    result_to_json,
    share_percent,
    tally_item,
)

HALF = Fraction(1, 2)


def G(eligible, e=0, r=0, a=0, o=0, f=0):
    return GroupCounts(
        eligible, endorse=e, endorse_with_reservations=r, abstain=a, object=o, formal_objections=f
    )


def outcome(groups, rule="each_group", threshold="majority", quorum=HALF):
    return tally_item(groups, rule, threshold, quorum).outcome


# --- thresholds: one group, everyone voted, so only the share decides ---------------------------

@pytest.mark.parametrize(
    "threshold, yes, no, expected",
    [
        ("majority", 2, 2, "not_adopted"),  # a tie fails
        ("majority", 3, 2, "adopted"),
        ("majority", 1, 0, "adopted"),
        ("majority", 0, 1, "not_adopted"),
        ("two_thirds", 2, 1, "adopted"),  # exactly 2/3 passes
        ("two_thirds", 4, 2, "adopted"),
        ("two_thirds", 3, 2, "not_adopted"),  # 3/5 is one vote short
        ("two_thirds", 5, 3, "not_adopted"),  # 5/8 < 2/3
        ("three_quarters", 3, 1, "adopted"),  # exactly 3/4 passes
        ("three_quarters", 6, 2, "adopted"),
        ("three_quarters", 2, 1, "not_adopted"),  # 2/3 < 3/4
        ("three_quarters", 5, 2, "not_adopted"),  # 5/7 < 3/4
    ],
)
def test_threshold_edges(threshold, yes, no, expected):
    assert outcome({"g": G(yes + no, e=yes, o=no)}, threshold=threshold) == expected


def test_reservations_count_as_yes_and_abstentions_not_in_share():
    result = tally_item({"g": G(10, e=1, r=2, a=5, o=1)}, "each_group", "three_quarters", HALF)
    g = result.groups["g"]
    assert (g.cast, g.yes, g.no, g.share) == (9, 3, 1, Fraction(3, 4))
    assert result.outcome == "adopted"


# --- quorum -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "eligible, quorum, needed",
    [
        (5, HALF, 3),
        (4, HALF, 2),
        (1, HALF, 1),
        (3, Fraction(2, 3), 2),
        (7, Fraction(1), 7),
        (1000, Fraction(1, 1000), 1),
        (1000, Fraction(1, 10**9), 1),  # a tiny quorum still needs one vote
        (10**6, Fraction(1, 3), 333334),
    ],
)
def test_quorum_needed_is_exact_ceiling(eligible, quorum, needed):
    result = tally_item({"g": G(eligible, e=needed)}, "each_group", "majority", quorum)
    assert result.groups["g"].quorum_needed == needed
    assert result.outcome == "adopted"  # met exactly
    short = tally_item({"g": G(eligible, e=needed - 1)}, "each_group", "majority", quorum)
    assert short.groups["g"].quorum_met is False
    assert short.outcome == "no_quorum"  # missed by one


def test_abstentions_alone_meet_quorum_but_not_threshold():
    result = tally_item({"g": G(4, a=4)}, "each_group", "majority", HALF)
    g = result.groups["g"]
    assert g.quorum_met and g.share is None and not g.threshold_met
    assert result.outcome == "not_adopted"
    assert result.agreement_score == HALF


def test_no_quorum_takes_precedence_over_shares():
    groups = {"a": G(3, e=3), "b": G(5, e=1, o=1), "c": G(4, o=4)}
    assert outcome(groups) == "no_quorum"


def test_group_where_nobody_voted_is_no_quorum():
    assert outcome({"a": G(3, e=3), "b": G(6)}) == "no_quorum"


# --- groups without eligible members -------------------------------------------------------------

def test_group_with_no_eligible_members_is_left_out():
    result = tally_item({"a": G(3, e=2), "empty": G(0)}, "each_group", "majority", HALF)
    empty = result.groups["empty"]
    assert not empty.counted and not empty.quorum_met and empty.share is None
    assert result.outcome == "adopted"
    assert result.agreement_score == Fraction(3, 4)  # only "a" contributes
    assert list(result.groups) == ["a", "empty"]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("groups", [{}, {"x": G(0)}, {"x": G(0), "y": G(0)}])
def test_nothing_counted_is_no_quorum(rule, groups):
    result = tally_item(groups, rule, "majority", HALF)
    assert result.outcome == result.pooled_outcome == "no_quorum"
    assert result.agreement_score == 1  # the empty product


# --- formal objections -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "rule, expected",
    [("each_group", "adopted"), ("pooled", "adopted"), ("consensus", "blocked")],
)
def test_only_consensus_blocks_on_formal_objection(rule, expected):
    groups = {"a": G(5, e=5), "b": G(5, e=4, o=1, f=1)}
    result = tally_item(groups, rule, "majority", HALF)
    assert result.outcome == expected
    assert result.pooled_outcome == "adopted"


def test_consensus_without_formal_objection_is_each_group():
    groups = {"a": G(5, e=5), "b": G(5, e=4, o=1)}
    assert outcome(groups, rule="consensus") == "adopted"
    assert outcome({"a": G(5, e=2, o=2)}, rule="consensus") == "not_adopted"


def test_blocked_takes_precedence_over_no_quorum():
    # The formal objection must be visible to the chair even when another group lacks quorum.
    groups = {"a": G(5, e=1, o=1, f=1), "b": G(10)}
    result = tally_item(groups, "consensus", "majority", HALF)
    assert result.outcome == "blocked"
    assert [g.quorum_met for g in result.groups.values()] == [False, False]
    assert outcome(groups, rule="each_group") == "no_quorum"


# --- each_group versus pooled --------------------------------------------------------------------

def test_large_sector_cannot_outvote_small_one():
    groups = {"industry": G(100, e=90), "civil_society": G(5, e=1, o=3)}
    each = tally_item(groups, "each_group", "two_thirds", HALF)
    pooled = tally_item(groups, "pooled", "two_thirds", HALF)
    assert each.outcome == "not_adopted"
    assert each.groups["civil_society"].share == Fraction(1, 4)
    assert each.pooled_outcome == pooled.outcome == "adopted"
    assert pooled.pooled.share == Fraction(91, 94)
    assert pooled.pooled.counts.eligible == 105


def test_pooled_quorum_is_over_summed_counts():
    # "b" alone lacks quorum, but 6 of 10 pooled members voted.
    groups = {"a": G(5, e=5), "b": G(5, e=1)}
    assert outcome(groups) == "no_quorum"
    assert outcome(groups, rule="pooled") == "adopted"
    assert tally_item(groups, "pooled", "majority", HALF).pooled.quorum_needed == 5


# --- agreement score ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "groups, score",
    [
        ({"a": G(2, e=2)}, Fraction(3, 4)),
        ({"a": G(2, e=2), "b": G(3, e=2, o=1)}, Fraction(9, 20)),
        ({"a": G(2, e=1, o=1), "b": G(2, o=2)}, Fraction(1, 8)),
        ({"a": G(9, e=3, r=3, a=3)}, Fraction(7, 8)),
        ({"a": G(4, a=4), "b": G(0)}, HALF),
        ({"a": G(100, e=90), "b": G(5, e=1, o=3)}, Fraction(91, 92) * Fraction(2, 6)),
    ],
)
def test_agreement_score(groups, score):
    assert tally_item(groups, "each_group", "majority", HALF).agreement_score == score


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs",
    [
        {"eligible": -1},
        {"eligible": 3, "endorse": -1},
        {"eligible": 3, "object": 1, "formal_objections": 2},
        {"eligible": 3, "endorse": 2, "abstain": 2},
        {"eligible": 0, "abstain": 1},
        {"eligible": 3.0},
        {"eligible": True},
        {"eligible": "3"},
    ],
)
def test_invalid_counts(kwargs):
    with pytest.raises(ValueError):
        GroupCounts(**kwargs)


@pytest.mark.parametrize(
    "rule, threshold, quorum",
    [("simple", "majority", HALF), ("each_group", "half", HALF), ("each_group", "majority", Fraction(0)),
     ("each_group", "majority", Fraction(3, 2)), ("pooled", "majority", Fraction(-1, 2))],
)
def test_invalid_rule_threshold_quorum(rule, threshold, quorum):
    with pytest.raises(ValueError):
        tally_item({"a": G(1, e=1)}, rule, threshold, quorum)


def test_group_values_must_be_group_counts():
    with pytest.raises(ValueError):
        tally_item({"a": {"eligible": 1}}, "each_group", "majority", HALF)


# --- parsing and formatting --------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [("1/2", HALF), ("0.5", HALF), ("50%", HALF), (" 50 % ", HALF), (0.5, HALF), (HALF, HALF),
     (1, Fraction(1)), ("1", Fraction(1)), ("100%", Fraction(1)), (0.1, Fraction(1, 10)),
     ("2/3", Fraction(2, 3)), ("66.5%", Fraction(133, 200)), ("0.001", Fraction(1, 1000))],
)
def test_parse_fraction(value, expected):
    assert parse_fraction(value) == expected


@pytest.mark.parametrize(
    "value",
    ["0", 0, 0.0, "-1/2", -0.5, "1.5", "101%", 2, "abc", "", "%", "1/0", "nan", float("nan"),
     float("inf"), True, None, [0.5]],
)
def test_parse_fraction_rejects(value):
    with pytest.raises(ValueError):
        parse_fraction(value)


@pytest.mark.parametrize(
    "share, exact, percent",
    [(None, None, None), (Fraction(2, 3), "2/3", "66.7%"), (Fraction(1, 3), "1/3", "33.3%"),
     (Fraction(1), "1", "100.0%"), (Fraction(0), "0", "0.0%"), (HALF, "1/2", "50.0%"),
     (Fraction(1, 2000), "1/2000", "0.1%"),  # 0.05% rounds half up
     (Fraction(1, 8), "1/8", "12.5%"), (Fraction(91, 94), "91/94", "96.8%")],
)
def test_format_share_and_percent(share, exact, percent):
    assert format_share(share) == exact
    assert share_percent(share) == percent


def test_result_to_json_shape():
    groups = {"a": G(2, e=2), "b": G(3, e=2, o=1, f=1), "c": G(0)}
    data = result_to_json(tally_item(groups, "consensus", "two_thirds", HALF))
    group_keys = {"eligible", "cast", *POSITIONS, "formal_objections", "quorum_met", "share",
                  "threshold_met", "counted"}
    assert data == {
        "outcome": "blocked",
        "rule": "consensus",
        "threshold": "two_thirds",
        "quorum": "1/2",
        "agreement_score": "9/20",
        "agreement_score_float": 0.45,
        "groups": data["groups"],
        "pooled": data["pooled"],
        "pooled_outcome": "adopted",
    }
    assert list(data["groups"]) == ["a", "b", "c"]
    assert all(set(g) == group_keys for g in data["groups"].values())
    assert data["groups"]["b"] == {
        "eligible": 3, "cast": 3, "endorse": 2, "endorse_with_reservations": 0, "abstain": 0,
        "object": 1, "formal_objections": 1, "quorum_met": True, "share": "2/3",
        "threshold_met": True, "counted": True,
    }
    assert data["groups"]["c"]["share"] is None and data["groups"]["c"]["counted"] is False
    assert data["pooled"]["eligible"] == 5 and data["pooled"]["share"] == "4/5"


# --- properties ----------------------------------------------------------------------------------

@st.composite
def group_counts(draw, max_eligible=8):
    eligible = draw(st.integers(0, max_eligible))
    left = eligible
    votes = {}
    for position in POSITIONS:
        votes[position] = draw(st.integers(0, left))
        left -= votes[position]
    formal = draw(st.integers(0, votes["object"]))
    return GroupCounts(eligible, formal_objections=formal, **votes)


group_maps = st.dictionaries(st.sampled_from("abcde"), group_counts(), max_size=5)
quorums = st.integers(1, 12).flatmap(lambda d: st.integers(1, d).map(lambda n: Fraction(n, d)))


@settings(max_examples=300)
@given(group_maps, st.sampled_from(RULES), st.sampled_from(list(THRESHOLDS)), quorums)
def test_properties(groups, rule, threshold, quorum):
    result = tally_item(groups, rule, threshold, quorum)
    counted = [g for g in result.groups.values() if g.counted]
    assert 0 < result.agreement_score <= 1
    if rule == "pooled":
        assert result.outcome == result.pooled_outcome
    if result.outcome == "adopted" and rule != "pooled":
        assert counted and all(g.quorum_met and g.threshold_met for g in counted)
    if rule == "each_group":
        assert result.outcome != "blocked"
        expected = tally_item(groups, "consensus", threshold, quorum).outcome
        if not any(g.counts.formal_objections for g in counted):
            assert result.outcome == expected


@settings(max_examples=300)
@given(group_maps, st.sampled_from(list(THRESHOLDS)), quorums, st.data())
def test_an_extra_endorsement_never_undoes_adoption(groups, threshold, quorum, data):
    before = tally_item(groups, "each_group", threshold, quorum)
    room = [key for key, c in groups.items() if c.cast < c.eligible]
    if before.outcome != "adopted" or not room:
        return
    key = data.draw(st.sampled_from(room))
    more = {**groups, key: replace(groups[key], endorse=groups[key].endorse + 1)}
    after = tally_item(more, "each_group", threshold, quorum)
    assert after.outcome == "adopted"
    assert after.agreement_score > before.agreement_score
