"""Permission expectations for endorsement rounds, positions, the record and expressions of support.

Builds: an open round on the public document, a closed round (adopted, with a formal objection and a
pending expression of support) on a second public document, and an open round on the private one."""
from deliberation.extensions import db
from deliberation.models import User, Version

from .test_permissions import CHAIR_ONLY, OK, PAGE_LOGIN, PRIVATE_DOC, everyone, roles


def _build(w):
    from deliberation.services.documents import create_document
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import adopt_version, close_round, open_round
    from deliberation.services.supports import submit_support
    from deliberation.services.tally import round_items

    chair = db.session.get(User, w.chair.id)
    settings = {"rule": "each_group", "threshold": "majority", "quorum": "1/2"}
    open_ = open_round(chair, db.session.get(Version, w.document.current_version_id), scope="clauses", **settings)
    private = open_round(chair, db.session.get(Version, w.private_document.current_version_id), scope="document",
                         **settings)
    document = create_document(chair, db.session.get(type(w.group), w.group.id), title="Adopted text", fmt="markdown",
                               source="# Adopted\n\n## 1. One\n\nText.\n", public=True)
    version = db.session.get(Version, document.current_version_id)
    closed = open_round(chair, version, scope="document", **{**settings, "rule": "pooled"})
    voters = [chair] + [db.session.get(User, u.id) for users in w.members.values() for u in users]
    for voter in voters:
        take_position(voter, closed, clause_id=None, position="endorse")
    objection, _ = take_position(db.session.get(User, w.member.id), closed, clause_id=None, position="object",
                                 statement="Too vague.", formal=True)
    close_round(chair, closed)
    adopt_version(chair, version)
    support = submit_support(version, name="Ada", sector="individual", email="ada@example.org")
    ids = {"open": open_.id, "private": private.id, "closed": closed.id, "document": document.id,
           "item": round_items(closed)[0].id, "objection": objection.id, "support": support.id,
           "version": version.id}
    db.session.commit()
    return ids


def expectations(app, w):
    with app.app_context():
        ids = _build(w)
    r, p, c, doc = ids["open"], ids["private"], ids["closed"], w.document.id
    v, pv = w.document.current_version_id, w.private_document.current_version_id
    member_or_chair = roles(403, anonymous=PAGE_LOGIN, member=200, chair=200)
    take = roles(403, anonymous=PAGE_LOGIN, member=OK, chair=OK)
    chair_api = roles(403, anonymous=401, chair=OK)
    chair_page = roles(403, anonymous=PAGE_LOGIN, chair=200)
    return {
        "api.list_rounds": [("GET", f"/api/v1/versions/{v}/rounds", everyone(200)),
                            ("GET", f"/api/v1/versions/{pv}/rounds", PRIVATE_DOC)],
        "api.open_round": [("POST", f"/api/v1/versions/{v}/rounds", chair_api)],
        "api.get_round": [("GET", f"/api/v1/rounds/{r}", everyone(200)), ("GET", f"/api/v1/rounds/{p}", PRIVATE_DOC),
                          ("GET", "/api/v1/rounds/999999", everyone(404))],
        "api.take_position": [("POST", f"/api/v1/rounds/{r}/positions", roles(403, anonymous=401, member=OK, chair=OK))],
        "api.get_tally": [("GET", f"/api/v1/rounds/{r}/tally", everyone(200)),
                          ("GET", f"/api/v1/rounds/{p}/tally", PRIVATE_DOC)],
        "api.close_round": [("POST", f"/api/v1/rounds/{r}/close", chair_api)],
        # The closed round is not under the consensus rule: past the check, a chair is refused with a 409.
        "api.reopen_round": [("POST", f"/api/v1/rounds/{c}/reopen", chair_api),
                             ("POST", f"/api/v1/rounds/{p}/reopen",
                              roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.list_positions": [("GET", f"/api/v1/rounds/{r}/positions", roles(403, anonymous=401, chair=200)),
                               ("GET", f"/api/v1/rounds/{c}/positions", everyone(200))],
        "rounds.for_document": [("GET", f"/documents/{doc}/rounds", everyone(200)),
                                ("GET", f"/documents/{w.private_document.id}/rounds", PRIVATE_DOC)],
        "rounds.open_round": [("GET", f"/documents/{doc}/versions/1/rounds/new", CHAIR_ONLY),
                              ("POST", f"/documents/{doc}/versions/1/rounds/new", CHAIR_ONLY)],
        "rounds.show": [("GET", f"/rounds/{r}", everyone(200)), ("GET", f"/rounds/{c}", everyone(200)),
                        ("GET", f"/rounds/{p}", PRIVATE_DOC), ("GET", "/rounds/999999", everyone(404))],
        "rounds.tally_fragment": [("GET", f"/rounds/{r}/tally", everyone(200))],
        "rounds.close": [("POST", f"/rounds/{r}/close", CHAIR_ONLY)],
        "rounds.reopen": [("POST", f"/rounds/{c}/reopen", CHAIR_ONLY),
                          ("POST", f"/rounds/{p}/reopen", roles(404, observer=403, member=403, chair=OK, admin=403))],
        "rounds.adopt": [("POST", f"/documents/{ids['document']}/versions/1/adopt", CHAIR_ONLY)],
        "ballot.ballot": [("GET", f"/rounds/{r}/ballot", member_or_chair), ("POST", f"/rounds/{r}/ballot", take),
                          ("GET", f"/rounds/{p}/ballot", roles(404, observer=403, member=200, chair=200, admin=403))],
        "ballot.add_statement": [("POST", f"/rounds/{c}/items/{ids['item']}/statements", take)],
        "round_records.positions": [("GET", f"/rounds/{r}/positions", chair_page),
                                    ("GET", f"/rounds/{c}/positions", everyone(200))],
        "round_records.download_tally": [("GET", f"/rounds/{r}/tally.csv", everyone(200))],
        "round_records.download_positions": [("GET", f"/rounds/{r}/positions.csv", chair_page),
                                             ("GET", f"/rounds/{c}/positions.csv", everyone(200))],
        "round_records.designate": [("POST", f"/rounds/{c}/items/{ids['item']}/designation", CHAIR_ONLY)],
        "round_records.designations": [("GET", f"/rounds/{c}/designations", chair_page),
                                       ("POST", f"/rounds/{c}/designations", CHAIR_ONLY)],
        "round_records.toggle_statements": [("POST", f"/rounds/{c}/statements", CHAIR_ONLY)],
        "round_records.objections": [("GET", f"/documents/{ids['document']}/objections", everyone(200)),
                                     ("GET", f"/documents/{w.private_document.id}/objections", PRIVATE_DOC)],
        "round_records.respond": [("POST", f"/objections/{ids['objection']}/response", CHAIR_ONLY)],
        "round_records.withdraw": [("POST", f"/objections/{ids['objection']}/withdraw",
                                    roles(403, anonymous=PAGE_LOGIN, member=OK))],
        "supports.support": [("GET", f"/documents/{ids['document']}/versions/1/support", everyone(200)),
                             ("POST", f"/documents/{ids['document']}/versions/1/support", everyone(OK))],
        "supports.review_list": [("GET", f"/documents/{ids['document']}/versions/1/supports/review", chair_page)],
        "supports.review": [("POST", f"/supports/{ids['support']}/review", CHAIR_ONLY)],
    }
