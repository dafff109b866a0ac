"""Positions under concurrent requests on PostgreSQL: one current position per member and item, a
history row per request, a tally that matches, and a close that never loses a position in flight."""
import os
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Position, PositionHistory, Round, RoundItem, User, Version
from deliberation.services.errors import Conflict
from deliberation.services.positions import take_position
from deliberation.services.rounds import close_round, open_round
from deliberation.services.tally import round_tally

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="concurrency is tested on PostgreSQL (set DATABASE_URL=postgresql://...); SQLite serializes writers")

CHOICES = [("endorse", None, False), ("endorse_with_reservations", "But.", False), ("abstain", None, False),
           ("object", "No.", False), ("object", "Never.", True)]


def _open(app, world, scope="clauses"):
    with app.app_context():
        round_ = open_round(db.session.get(User, world.chair.id), db.session.get(Version, world.document.current_version_id),
                            scope=scope, rule="consensus", threshold="majority", quorum="1/2")
        db.session.commit()
        items = list(db.session.scalars(select(RoundItem.clause_id).where(RoundItem.round_id == round_.id)))
        return round_.id, items


def _request(app, barrier, round_id, user_id, clause_id, choice):
    """One request: its own app context, so its own session and connection."""
    barrier.wait()
    with app.app_context():
        try:
            position, statement, formal = choice
            take_position(db.session.get(User, user_id), db.session.get(Round, round_id), clause_id=clause_id,
                          position=position, statement=statement, formal=formal)
            db.session.commit()
            return "ok"
        except Conflict:
            db.session.rollback()
            return "closed"
        finally:
            db.session.remove()


def _fire(app, jobs, workers=12):
    barrier = threading.Barrier(min(workers, len(jobs)), action=None)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_request, app, barrier if i < workers else _NoBarrier(), *job)
                   for i, job in enumerate(jobs)]
        return [f.result(timeout=120) for f in futures]


class _NoBarrier:
    def wait(self):
        return 0


def test_many_simultaneous_position_changes(app, world):
    round_id, clauses = _open(app, world)
    rng = random.Random(4)
    voters = [world.chair.id] + [u.id for users in world.members.values() for u in users]
    jobs = [(round_id, world.member.id, clauses[0], rng.choice(CHOICES)) for _ in range(40)]  # one member, often
    jobs += [(round_id, user_id, clause, rng.choice(CHOICES)) for user_id in voters for clause in clauses
             for _ in range(2)]                                                              # many members
    rng.shuffle(jobs)
    results = _fire(app, jobs)
    assert results == ["ok"] * len(jobs)
    with app.app_context():
        rows = list(db.session.scalars(select(Position).where(Position.round_id == round_id)))
        assert len(rows) == len({(p.item_id, p.user_id) for p in rows}) == len(voters) * len(clauses)
        history = db.session.scalar(select(func.count()).select_from(PositionHistory)
                                    .where(PositionHistory.round_id == round_id))
        assert history == len(jobs)
        # The current position is the one written last.
        for position in rows:
            last = db.session.scalar(select(PositionHistory).where(
                PositionHistory.item_id == position.item_id, PositionHistory.user_id == position.user_id)
                .order_by(PositionHistory.id.desc()).limit(1))
            assert (last.position, last.formal) == (position.position, position.formal)
        tally = round_tally(db.session.get(Round, round_id))
        sectors = {s.id: s.key for s in db.session.get(Version, world.document.current_version_id)
                   .document.working_group.stakeholder_groups}
        for entry in tally.items:
            expected = Counter((sectors[p.stakeholder_group_id], p.position) for p in rows if p.item_id == entry.item.id)
            for key, group in entry.result["groups"].items():
                for name in ("endorse", "endorse_with_reservations", "abstain", "object"):
                    assert group[name] == expected[(key, name)]
                formal = sum(1 for p in rows if p.item_id == entry.item.id and p.formal
                             and sectors[p.stakeholder_group_id] == key)
                assert group["formal_objections"] == formal


def test_close_while_positions_arrive(app, world):
    round_id, _clauses = _open(app, world, scope="document")
    voters = [world.chair.id] + [u.id for users in world.members.values() for u in users]
    jobs = [(round_id, user_id, None, CHOICES[i % len(CHOICES)]) for i in range(6) for user_id in voters]

    def close_midway():
        with app.app_context():
            close_round(db.session.get(User, world.chair.id), db.session.get(Round, round_id))
            db.session.commit()
            db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        positions = pool.submit(_fire, app, jobs, 10)
        threading.Event().wait(0.05)
        pool.submit(close_midway).result(timeout=60)
        results = positions.result(timeout=120)
    assert set(results) <= {"ok", "closed"}
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        frozen = round_.final_tally["items"]
        [result] = frozen.values()
        # Every accepted position is in the frozen tally: none landed after the close.
        counts = Counter(p.position for p in db.session.scalars(select(Position).where(Position.round_id == round_id)))
        assert sum(g["cast"] for g in result["groups"].values()) == sum(counts.values())
        history = db.session.scalar(select(func.count()).select_from(PositionHistory)
                                    .where(PositionHistory.round_id == round_id))
        assert history == results.count("ok")
