"""Benchmark data: a public working group with a draft, its discussion and an endorsement round, at a
given scale. The skeleton (group, chair, reader, document, round) goes through the real services; the
bulk (members, comments, positions, and their record events) through `bulk`, in the same shape.

LARGE is what the issue asks for: a version of 200 clauses with 10,000 comments, one clause of which
holds 2,000 (threads with replies down to depth 7), and a round on all 200 clauses in which 1,000
members have taken positions. SMALL is the same document shape at a few percent, for query counts.
"""
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import (
    Clause, Comment, EligibleVoter, Membership, Position, PositionHistory, RoundItem, User, Version,
)
from deliberation.models._base import utcnow
from deliberation.sanitize import render_markdown
from deliberation.services.accounts import create_token, create_user
from deliberation.services.documents import create_document
from deliberation.services.groups import create_working_group, set_membership
from deliberation.services.rounds import open_round

from .bulk import Chain, insert_rows, next_id, reset_sequence

PASSWORD = "benchmark password"
SECTORS = (("government", "Government"), ("civil_society", "Civil society"),
           ("private_sector", "Private sector"), ("academia", "Academia"))
BODIES = [
    "This clause should name **who** is responsible for the assessment, not only that one happens.",
    "Agree in principle. Could we align the wording with the 2016 statement?\n\n- keep *rights by design*\n"
    "- drop the second sentence",
    "The phrase \"as appropriate\" weakens the whole recommendation; see https://example.org/analysis for data.",
    "Question: does this apply to subnational governments as well?",
    "We propose to move this after 3.2 so the definitions come first.",
    "Strong support from our constituency. One nit: `encryption` should be plural here.",
    "> Laws should respect human rights\n\nand be reviewed regularly, with civil society at the table.",
    "Not convinced. The private sector cannot commit to this timeline without a transition period.",
]
POSITIONS = ["endorse"] * 7 + ["endorse_with_reservations", "abstain", "object"]


@dataclass(frozen=True)
class Scale:
    name: str
    clauses: int            # in the version (a quarter are top-level, each with three sub-clauses)
    comments: int           # on the version, hot clause included
    hot_comments: int       # on the first clause
    hot_threads: int        # how many threads those form
    members: int            # besides the chair and the reader


LARGE = Scale("large", clauses=200, comments=10_000, hot_comments=2_000, hot_threads=40, members=1_000)
SMALL = Scale("small", clauses=8, comments=100, hot_comments=20, hot_threads=4, members=20)


@dataclass
class Dataset:
    scale: Scale
    group_slug: str
    document_id: int
    version_id: int
    hot_clause_id: int
    hot_clause_key: str
    round_id: int
    reader_email: str
    reader_token: str


def draft_source(scale: Scale) -> str:
    parts = [f"# Recommendations on human-rights-based cybersecurity ({scale.name})\n"]
    for top in range(1, scale.clauses // 4 + 1):
        parts.append(f"## {top}. Recommendation {top}\n\nStates should ensure that measures under "
                     f"recommendation {top} respect human rights from the outset, are necessary and "
                     "proportionate, and are reviewed with all stakeholders at regular intervals.\n")
        for sub in range(1, 4):
            parts.append(f"### {top}.{sub}\n\nGovernments, companies and civil society should assess the impact "
                         f"of measure {top}.{sub} on privacy and freedom of expression before adoption.\n")
    return "\n".join(parts)


def generate(scale: Scale, seed: int = 2016) -> Dataset:
    """Build one scale's data and commit it. Run inside an app context."""
    rng = random.Random(f"{seed}-{scale.name}")
    slug = f"bench-{scale.name}"
    group = create_working_group(None, f"Benchmark group ({scale.name})", slug, public=True, stakeholder_groups=SECTORS)
    chair = create_user(f"chair@{slug}.example.org", "Chair of the benchmark", PASSWORD)
    set_membership(None, group, chair, "chair", "government")
    reader = create_user(f"reader@{slug}.example.org", "Reader Member", PASSWORD)
    set_membership(None, group, reader, "member", "civil_society")
    sectors = {s.key: s.id for s in group.stakeholder_groups}
    members = _bulk_members(scale, group, sectors)
    document = create_document(chair, group, title=f"Benchmark recommendations ({scale.name})",
                               fmt="markdown", source=draft_source(scale), public=True)
    version = db.session.get(Version, document.current_version_id)
    clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == version.id)
                                      .order_by(Clause.position)))
    authors = [(reader.id, sectors["civil_society"])] + members
    _bulk_comments(scale, rng, document, version, clauses, authors, chair)
    round_ = open_round(chair, version, scope="clauses", rule="each_group", threshold="two_thirds", quorum="1/2")
    _bulk_positions(rng, round_, document, members)
    _row, token = create_token(reader, "benchmark")
    db.session.commit()
    return Dataset(scale, slug, document.id, version.id, clauses[0].id, clauses[0].key, round_.id,
                   reader.email, token)


def _bulk_members(scale: Scale, group, sectors: dict[str, int]) -> list[tuple[int, int]]:
    """(user id, stakeholder group id) of `scale.members` members, spread over the sectors."""
    chain, now = Chain(), utcnow()
    keys = list(sectors)
    insert_rows(User, [{"email": f"m{n}@{group.slug}.example.org", "name": f"Member {n} ({scale.name})",
                        "handle": f"{group.slug}.m{n}", "password_hash": None, "is_admin": False, "active": True,
                        "session_epoch": 0, "created_at": now} for n in range(scale.members)])
    users = db.session.execute(select(User.id, User.name).where(User.email.like(f"m%@{group.slug}.example.org"))
                               .order_by(User.id)).all()
    rows = [{"user_id": user.id, "working_group_id": group.id, "role": "member",
             "stakeholder_group_id": sectors[keys[n % len(keys)]], "affiliation": "", "own_capacity": False,
             "created_at": now} for n, user in enumerate(users)]
    insert_rows(Membership, rows)
    for user in users:
        chain.add("account.created", subject_type="user", subject_id=user.id, payload={"admin": False})
    key_of = {sector_id: key for key, sector_id in sectors.items()}
    for row, user in zip(rows, users):
        chain.add("membership.added", subject_type="membership", subject_id=None, working_group_id=group.id,
                  payload={"user_id": user.id, "name": user.name, "role": "member",
                           "stakeholder_group": key_of[row["stakeholder_group_id"]]})
    chain.write()
    return [(row["user_id"], row["stakeholder_group_id"]) for row in rows]


def _thread_sizes(total: int, threads: int) -> list[int]:
    base, extra = divmod(total, threads)
    return [base + (1 if n < extra else 0) for n in range(threads)]


def _bulk_comments(scale: Scale, rng: random.Random, document, version, clauses, authors, chair) -> None:
    """The hot clause's threads, then the rest spread evenly, with replies, quotes and dispositions."""
    bodies = [(source, render_markdown(source)) for source in BODIES]  # sanitized once, as on write
    plan = [(clauses[0], size) for size in _thread_sizes(scale.hot_comments, scale.hot_threads)]
    rest = scale.comments - scale.hot_comments
    others = clauses[1:]
    per_clause = _thread_sizes(rest, len(others))
    for clause, count in zip(others, per_clause):
        plan += [(clause, size) for size in _thread_sizes(count, max(1, count // 4)) if size]
    comment_id, chain, rows = next_id(Comment), Chain(), []
    start = utcnow() - timedelta(days=30)
    for clause, size in plan:
        thread: list[dict] = []
        for n in range(size):
            author_id, sector_id = rng.choice(authors)
            parent = rng.choice(thread[-6:]) if thread and n else None
            if parent is not None and parent["depth"] >= 7:
                parent = thread[0]
            source, html = rng.choice(bodies)
            row = {"id": comment_id, "document_id": document.id, "version_id": version.id, "clause_id": clause.id,
                   "author_id": author_id, "stakeholder_group_id": sector_id,
                   "parent_id": parent["id"] if parent else None,
                   "root_id": thread[0]["id"] if thread else comment_id,
                   "depth": parent["depth"] + 1 if parent else 0, "kind": "comment", "body_source": source,
                   "body_html": html, "status": "visible", "created_at": start + timedelta(seconds=comment_id),
                   **_quote(rng, clause.text, parent), **_disposition(rng, parent, chair)}
            thread.append(row)
            chain.add("comment.posted", subject_type="comment", subject_id=comment_id, working_group_id=document.working_group_id,
                      document_id=document.id, public=True, created_at=row["created_at"],
                      payload={"version_id": version.id, "clause_id": clause.id, "clause": clause.label,
                               "kind": "comment", "parent_id": row["parent_id"], "quote": row["quote_exact"],
                               "body_sha256": None})
            comment_id += 1
        rows += thread
    insert_rows(Comment, rows)
    reset_sequence(Comment)
    chain.write()


def _quote(rng: random.Random, text: str, parent) -> dict:
    """A third of the threads quote a few words of the clause (a W3C selector pair)."""
    empty = {"quote_exact": None, "quote_prefix": None, "quote_suffix": None, "quote_start": None, "quote_end": None}
    if parent is not None or rng.random() > 1 / 3 or len(text) < 40:
        return empty
    start = rng.randrange(0, len(text) - 30)
    end = start + rng.randrange(10, 30)
    return {"quote_exact": text[start:end], "quote_prefix": text[max(0, start - 32):start],
            "quote_suffix": text[end:end + 32], "quote_start": start, "quote_end": end}


def _disposition(rng: random.Random, parent, chair) -> dict:
    """One thread in five has the chair's disposition."""
    if parent is not None or rng.random() > 0.2:
        return {"disposition": None, "disposition_rationale": None, "disposition_by_id": None, "disposition_at": None}
    return {"disposition": rng.choice(["accepted", "accepted_in_part", "not_accepted", "noted"]),
            "disposition_rationale": "Discussed at the March meeting.", "disposition_by_id": chair.id,
            "disposition_at": utcnow()}


def _bulk_positions(rng: random.Random, round_, document, members) -> None:
    """Every member's position on every item, with its history row and (private) record event."""
    items = list(db.session.scalars(select(RoundItem).where(RoundItem.round_id == round_.id)
                                    .order_by(RoundItem.position)))
    eligible = {user_id for (user_id,) in db.session.execute(
        select(EligibleVoter.user_id).where(EligibleVoter.round_id == round_.id))}
    key_of = {s.id: s.key for s in document.working_group.stakeholder_groups}
    now, chain, positions, history = utcnow(), Chain(), [], []
    for item in items:
        for user_id, sector_id in members:
            if user_id not in eligible:
                continue
            position = rng.choice(POSITIONS)
            statement = "Our concerns are on the record." if position in ("endorse_with_reservations", "object") else None
            common = {"round_id": round_.id, "item_id": item.id, "user_id": user_id, "position": position,
                      "statement": statement, "formal": False, "created_at": now}
            positions.append({**common, "stakeholder_group_id": sector_id, "updated_at": now})
            history.append(common)
    insert_rows(Position, positions)
    insert_rows(PositionHistory, history)
    first = next_id(Position) - len(positions)
    clause_of = {item.id: item.clause_id for item in items}
    for offset, row in enumerate(positions):
        chain.add("position.taken", subject_type="position", subject_id=first + offset,
                  working_group_id=document.working_group_id, document_id=document.id, public=False,
                  payload={"round_id": round_.id, "item_id": row["item_id"], "clause_id": clause_of[row["item_id"]],
                           "position": row["position"], "formal": False,
                           "stakeholder_group": key_of[row["stakeholder_group_id"]], "changed": False})
    chain.write()
