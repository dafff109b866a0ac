"""Helpers for the version, re-anchoring and record tests: tokens, comments as rows, publishing."""
from sqlalchemy import select

from deliberation.anchoring import make_selector
from deliberation.extensions import db
from deliberation.models import Clause, Comment, CommentAnchor, Document, Membership, Version
from deliberation.sanitize import render_markdown


def api_token(app, user) -> dict:
    from deliberation.services.accounts import create_token

    with app.app_context():
        _row, plain = create_token(db.session.merge(user))
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def clauses_of(version_id: int) -> list[Clause]:
    return list(db.session.scalars(select(Clause).where(Clause.version_id == version_id).order_by(Clause.position)))


def clause_numbered(version_id: int, number: str) -> Clause:
    return db.session.scalar(select(Clause).where(Clause.version_id == version_id, Clause.number == number))


def add_comment(clause: Clause, author, *, quote: str | None = None, occurrence: int = 0, body: str = "A comment",
                parent: Comment | None = None, status: str = "visible", kind: str = "comment", **fields) -> Comment:
    """A comment row written directly (issue 3's service is not needed to test what follows it)."""
    version = db.session.get(Version, clause.version_id)
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == author.id, Membership.working_group_id == version.document.working_group_id))
    selector = {}
    if quote is not None:
        start = -1
        for _ in range(occurrence + 1):
            start = clause.text.index(quote, start + 1)
        s = make_selector(clause.text, start, start + len(quote))
        selector = dict(quote_exact=s.exact, quote_prefix=s.prefix, quote_suffix=s.suffix, quote_start=s.start,
                        quote_end=s.end)
    comment = Comment(document_id=version.document_id, version_id=version.id, clause_id=clause.id,
                      author_id=author.id, stakeholder_group_id=membership.stakeholder_group_id if membership else None,
                      parent_id=parent.id if parent else None, depth=parent.depth + 1 if parent else 0, kind=kind,
                      body_source=body, body_html=render_markdown(body), status=status, **selector, **fields)
    db.session.add(comment)
    db.session.flush()
    comment.root_id = parent.root_id if parent else comment.id
    db.session.flush()
    return comment


def publish(document_id: int, chair, source: str, matches=None, label: str = ""):
    """Publish a new version through the service, as a chair; returns (version, plan)."""
    from deliberation.services.versions import publish_version

    document = db.session.get(Document, document_id)
    return publish_version(db.session.merge(chair), document, fmt="markdown", source=source,
                           predecessor_ids=matches, label=label)


def anchor_of(comment_id: int, version_id: int) -> CommentAnchor | None:
    return db.session.scalar(select(CommentAnchor).join(Clause, Clause.id == CommentAnchor.clause_id)
                             .where(CommentAnchor.comment_id == comment_id, Clause.version_id == version_id))


def queries_for(app, client, urls) -> int:
    """How many SQL statements answering these GETs (each must succeed) takes."""
    from ..conftest import count_queries

    with count_queries(app) as counter:
        for url in urls:
            assert client.get(url).status_code == 200, url
    return counter.count


def build_record(world, *, close_round: bool = True) -> dict:
    """A public document with two versions, comments (one hidden, one with a formula-like body, an amendment
    and a reply), a round with positions (closed, designated, a minority statement and a formal objection)
    and a verified expression of support. Call inside an app context; commits."""
    from deliberation.models import Round, User
    from deliberation.services import rounds as round_service
    from deliberation.services.designations import Choice, designate_items
    from deliberation.services.moderation import set_disposition, set_hidden
    from deliberation.services.positions import take_position
    from deliberation.services.statements import add_minority_statement
    from deliberation.services.supports import review_support, submit_support
    from deliberation.services.tally import round_items

    from ..factories import SAMPLE_DRAFT

    chair = db.session.get(User, world.chair.id)
    member = db.session.get(User, world.member.id)
    gov = db.session.get(User, world.members["government"][0].id)
    v1 = world.document.current_version_id
    clause = clause_numbered(v1, "1.1")
    quoted = add_comment(clause, member, quote="assess the impact", body="Say *how* they assess it.")
    reply = add_comment(clause, chair, body="Fair point.", parent=quoted)
    formula = add_comment(clause_numbered(v1, "2"), gov, body="=HYPERLINK(\"http://evil\")")
    hidden = add_comment(clause_numbered(v1, "2"), gov, body="Secret rant that was hidden")
    amendment = add_comment(clause_numbered(v1, "1"), member, kind="amendment", quote="respect human rights",
                            body="Stronger, please.", replacement_text="protect and respect human rights")
    set_hidden(chair, hidden, reason="Off topic")
    v2, _plan = publish(world.document.id, chair, SAMPLE_DRAFT.replace(
        "Laws should respect human rights", "Laws should protect and respect human rights"))
    set_disposition(chair, amendment, disposition="accepted", rationale="Done in the second draft.", version_id=v2.id)
    version = db.session.get(Version, v2.id)
    round_ = round_service.open_round(chair, version, scope="document", rule="each_group", threshold="majority",
                                      quorum="1/2")
    take_position(member, round_, clause_id=None, position="endorse")
    take_position(gov, round_, clause_id=None, position="object", statement="Too vague on funding.", formal=True)
    if close_round:
        round_service.close_round(chair, round_)
        item_id = round_items(round_)[0].id
        designate_items(chair, round_, {item_id: Choice("divergence", "Governments need more time.")})
        add_minority_statement(gov, db.session.get(Round, round_.id), item_id, "We object to the *funding* gap.")
        version.status = "adopted"
        support = submit_support(version, name="Ada Org", organisation="Open Things", sector="civil_society",
                                 country="Kenya", statement="We support it.", email="ada@private.example")
        review_support(chair, support, "verify")
        submit_support(version, name="Pending Person", sector="academia", email="pending@private.example")
    db.session.commit()
    return {"v1": v1, "v2": v2.id, "quoted": quoted.id, "reply": reply.id, "formula": formula.id,
            "hidden": hidden.id, "amendment": amendment.id, "round": round_.id}


def add_more(world):
    """A third version with more comments, and a second round with positions, closed."""
    from deliberation.models import User, Version
    from deliberation.services import rounds as round_service
    from deliberation.services.designations import Choice, designate_items
    from deliberation.services.positions import take_position

    from ..factories import SAMPLE_DRAFT

    chair = db.session.get(User, world.chair.id)
    v3, _plan = publish(world.document.id, chair, SAMPLE_DRAFT.replace("outset", "very outset"))
    for n, clause in enumerate(clauses_of(v3.id)):
        for author in world.members["academia"]:
            add_comment(clause, db.session.get(User, author.id), body=f"More {n}")
    round_ = round_service.open_round(chair, db.session.get(Version, v3.id), scope="document", rule="pooled",
                                      threshold="majority", quorum="1/2")
    for users in world.members.values():
        for user in users:
            take_position(db.session.get(User, user.id), round_, clause_id=None, position="endorse")
    round_service.close_round(chair, round_)
    db.session.commit()
