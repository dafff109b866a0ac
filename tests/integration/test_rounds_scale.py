"""The tally of a round of 200 clauses and 1,000 members comes from a few aggregate queries.

`build_large_round` bulk-loads such a round (users, memberships and 200,000 positions with plain
INSERTs, not through the services, which would take minutes); the benchmark suite can reuse it."""
import time
from collections import Counter

from sqlalchemy import insert, select, text

from deliberation.extensions import db
from deliberation.models import Membership, Round, RoundItem, User, Version
from deliberation.models._base import utcnow
from deliberation.services.rounds import close_round, open_round
from deliberation.services.tally import round_tally

from ..conftest import count_queries

POSITIONS = ("endorse", "endorse", "endorse_with_reservations", "abstain", "object")


def build_large_round(make, clauses: int = 200, members: int = 1000) -> tuple[int, Counter]:
    """A working group of `members` members in four sectors, a document of `clauses` clauses, and an open
    round on every clause in which every member has taken a position. Returns the round id and the
    expected counts by (clause position, sector key, position)."""
    group = make.group("Large group")
    chair = make.member(group, "chair", "government", user=make.user(password=None))
    sectors = [(s.id, s.key) for s in group.stakeholder_groups]
    now = utcnow()
    connection = db.session.connection()  # Core executemany: the ORM's bulk path would go row by row
    connection.execute(insert(User.__table__), [
        {"email": f"bulk{n}-{group.id}@example.org", "name": f"Member {n}", "handle": f"bulk{n}g{group.id}",
         "created_at": now} for n in range(members - 1)])
    user_ids = list(db.session.scalars(select(User.id).where(User.handle.like(f"bulk%g{group.id}")).order_by(User.id)))
    connection.execute(insert(Membership.__table__), [
        {"user_id": user_id, "working_group_id": group.id, "role": "member",
         "stakeholder_group_id": sectors[n % len(sectors)][0], "created_at": now}
        for n, user_id in enumerate(user_ids)])
    source = "# Large\n\n" + "".join(f"## {n}. Clause {n}\n\nText of clause {n}.\n\n" for n in range(1, clauses + 1))
    version = db.session.get(Version, make.document(group, chair, source=source, title="Large").current_version_id)
    round_ = open_round(chair, version, scope="clauses", rule="each_group", threshold="majority", quorum="1/2")
    items = list(db.session.scalars(select(RoundItem.id).where(RoundItem.round_id == round_.id)
                                    .order_by(RoundItem.position)))
    voters = [(chair.id, sectors[0])] + [(user_id, sectors[n % len(sectors)]) for n, user_id in enumerate(user_ids)]
    expected: Counter = Counter()
    rows = []
    for index, item_id in enumerate(items):
        for n, (user_id, (sector_id, key)) in enumerate(voters):
            position = POSITIONS[(n + index) % len(POSITIONS)]
            expected[(index, key, position)] += 1
            rows.append({"round_id": round_.id, "item_id": item_id, "user_id": user_id,
                         "stakeholder_group_id": sector_id, "position": position, "formal": False,
                         "statement": "Reason." if position in ("object", "endorse_with_reservations") else None,
                         "created_at": now, "updated_at": now})
    # The table's own insert, bound once: no per-row type processing (the slow part at 200,000 rows).
    columns = ", ".join(rows[0])
    statement = text(f"INSERT INTO positions ({columns}) VALUES ({', '.join(':' + c for c in rows[0])})")
    stamp = now if connection.dialect.name == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
    for row in rows:
        row["created_at"] = row["updated_at"] = stamp
    for start in range(0, len(rows), 20_000):
        connection.execute(statement, rows[start:start + 20_000])
    db.session.commit()
    return round_.id, expected


def test_tally_of_200_clauses_and_1000_members_is_a_few_queries(app, make):
    with app.app_context():
        round_id, expected = build_large_round(make)
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        version = db.session.get(Version, round_.version_id)  # what a page has loaded already
        with count_queries(app) as counter:
            started = time.perf_counter()
            tally = round_tally(round_)
            elapsed = time.perf_counter() - started
        print(f"\nlive tally of 200 clauses x 1,000 members: {elapsed * 1000:.0f} ms, {counter.count} queries")
        assert counter.count <= 4, counter.statements
        assert len(tally.items) == 200
        for index, entry in enumerate(tally.items):
            assert sum(group["eligible"] for group in entry.result["groups"].values()) == 1000
            for key, group in entry.result["groups"].items():
                assert group["cast"] == group["eligible"]  # everyone voted
                for name in ("endorse", "endorse_with_reservations", "abstain", "object"):
                    assert group[name] == expected[(index, key, name)]
        assert elapsed < 10  # a generous bound for slow machines; the benchmark suite records the real figure
        chair = db.session.scalar(select(User).join(Membership).where(Membership.role == "chair")
                                  .where(Membership.working_group_id == version.document.working_group_id))
        close_round(chair, round_)
        db.session.commit()
    with app.app_context(), count_queries(app) as counter:
        frozen = round_tally(db.session.get(Round, round_id))
    assert frozen.frozen and [t.result for t in frozen.items] == [t.result for t in tally.items]
    assert counter.count <= 3  # the round, its items; no aggregate at all once frozen
