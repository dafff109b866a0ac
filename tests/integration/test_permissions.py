"""Every route, with each of its HTTP methods, called as every role, answers as expected. A route or a
method of a route with no expectation fails the test. Features add their routes in `matrix_<feature>.py`
beside this file (see `expectations`).

Roles: anonymous, outsider (signed in, in no group), other_chair and other_member (a chair and a plain
member of another, private group), observer, member, chair, admin. Each case is sent with its own
method; unless it gives a body, a write's body is empty, and "ok" means the request got past the
permission check (any status but 401/403/404 and no redirect to sign-in).
"""
import importlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deliberation.extensions import db

from ..conftest import csrf_token, sign_in
from ..factories import SAMPLE_DRAFT

ROLES = ("anonymous", "outsider", "other_chair", "other_member", "observer", "member", "chair", "admin")
OK = "ok"
IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask itself for every route


def everyone(status):
    return {role: status for role in ROLES}


def roles(default, **overrides):
    table = {role: default for role in ROLES}
    table.update(overrides)
    return table


PAGE_LOGIN = 302  # anonymous visitors are sent to the sign-in form
# Something only a chair of the public group may do.
CHAIR_ONLY = roles(403, anonymous=PAGE_LOGIN, chair=OK)
CHAIR_OR_ADMIN = roles(403, anonymous=PAGE_LOGIN, chair=OK, admin=OK)
SIGNED_IN = roles(OK, anonymous=PAGE_LOGIN)
PRIVATE_DOC = roles(404, observer=OK, member=OK, chair=OK, admin=OK)
# Allowed, but the object does not exist: the check passed and the answer is 404.
MISSING_FOR_CHAIR = roles(403, anonymous=PAGE_LOGIN, chair=404, admin=404)


def expectations(app, w):
    """endpoint -> [(method, url, {role: expected}[, body])]: the base platform's, then each feature's
    `tests/integration/matrix_<feature>.py`, whose `expectations(app, world)` may build objects first."""
    table = base_expectations(w)
    for path in sorted(Path(__file__).parent.glob("matrix_*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        table.update(module.expectations(app, w))
    return table


def base_expectations(w):
    g, other, doc, private = w.group.slug, w.other_group.slug, w.document.id, w.private_document.id
    pv = w.private_document.current_version_id
    other_group = dict(other_chair=200, other_member=200, admin=200)
    admin_only = roles(403, anonymous=PAGE_LOGIN, admin=OK)
    new_document = {"working_group_id": w.group.id, "title": "From the API", "format": "markdown",
                    "source": SAMPLE_DRAFT}
    return {
        "main.home": [("GET", "/", everyone(200))],
        "main.favicon": [("GET", "/favicon.ico", everyone(301))],
        "auth.login": [("GET", "/sign-in", everyone(200)),
                       ("POST", "/sign-in", everyone(400))],  # no address or password: the form again
        "auth.logout": [("POST", "/sign-out", everyone(302))],
        "auth.accept": [("GET", "/invitations/nope", everyone(410)), ("POST", "/invitations/nope", everyone(410))],
        "account.settings": [("GET", "/account", SIGNED_IN)],
        "account.profile": [("POST", "/account/profile", SIGNED_IN)],
        "account.password": [("POST", "/account/password", SIGNED_IN)],
        "account.create_token": [("POST", "/account/tokens", SIGNED_IN)],
        "account.revoke_token": [("POST", "/account/tokens/999999/revoke", roles(404, anonymous=PAGE_LOGIN))],
        "account.sign_out_everywhere": [("POST", "/account/sign-out-everywhere", SIGNED_IN)],
        "admin.index": [("GET", "/admin", roles(403, anonymous=PAGE_LOGIN, admin=200))],
        "admin.new_group": [("GET", "/admin/groups/new", roles(403, anonymous=PAGE_LOGIN, admin=200)),
                            ("POST", "/admin/groups/new", admin_only)],
        "admin.chairs": [("GET", f"/admin/groups/{g}/chairs", roles(403, anonymous=PAGE_LOGIN, admin=200)),
                         ("POST", f"/admin/groups/{g}/chairs", admin_only)],
        "admin.toggle_active": [("POST", f"/admin/users/{w.outsider.id}/active", admin_only)],
        "groups.show": [("GET", f"/groups/{g}", everyone(200)),
                        ("GET", f"/groups/{other}", roles(404, **other_group))],
        "groups.members": [("GET", f"/groups/{g}/members", roles(403, anonymous=PAGE_LOGIN, observer=200, member=200, chair=200, admin=200)),
                           ("GET", f"/groups/{other}/members", roles(404, **other_group))],
        "groups.settings": [("GET", f"/groups/{g}/settings", CHAIR_OR_ADMIN),
                            ("GET", f"/groups/{other}/settings", roles(404, other_chair=200, other_member=403, admin=200)),
                            ("POST", f"/groups/{g}/settings", CHAIR_OR_ADMIN),
                            ("POST", f"/groups/{other}/settings", roles(404, other_chair=OK, other_member=403, admin=OK))],
        "groups.add_stakeholder": [("POST", f"/groups/{g}/stakeholder-groups", CHAIR_OR_ADMIN)],
        "groups.rename_stakeholder": [("POST", f"/groups/{g}/stakeholder-groups/rename", CHAIR_OR_ADMIN)],
        "groups.invite": [("POST", f"/groups/{g}/invitations", CHAIR_OR_ADMIN)],
        "groups.revoke_invitation": [("POST", f"/groups/{g}/invitations/999999/revoke", MISSING_FOR_CHAIR)],
        "groups.remove_member": [("POST", f"/groups/{g}/members/999999/remove", MISSING_FOR_CHAIR)],
        "documents.import_draft": [("GET", f"/groups/{g}/import", CHAIR_ONLY),
                                   ("GET", f"/groups/{other}/import", roles(404, other_chair=200, other_member=403, admin=403)),
                                   ("POST", f"/groups/{g}/import", CHAIR_ONLY),
                                   ("POST", f"/groups/{other}/import", roles(404, other_chair=OK, other_member=403, admin=403))],
        "documents.show": [("GET", f"/documents/{doc}", everyone(302)),
                           ("GET", f"/documents/{private}", roles(404, observer=302, member=302, chair=302, admin=302))],
        "documents.version": [("GET", f"/documents/{doc}/versions/1", everyone(200)),
                              ("GET", f"/documents/{private}/versions/1", PRIVATE_DOC),
                              ("GET", f"/documents/{w.other_document.id}/versions/1", roles(404, **other_group)),
                              ("GET", f"/documents/{doc}/versions/99", everyone(404))],
        "documents.clause": [("GET", f"/documents/{doc}/versions/1/clauses/{w.clause_key}", everyone(200)),
                             ("GET", f"/documents/{private}/versions/1/clauses/{w.private_clause_key}", PRIVATE_DOC)],
        "documents.settings": [("GET", f"/documents/{doc}/settings", CHAIR_ONLY),
                               ("GET", f"/documents/{private}/settings", roles(404, observer=403, member=403, chair=200, admin=403)),
                               ("POST", f"/documents/{doc}/settings", CHAIR_ONLY),
                               ("POST", f"/documents/{private}/settings", roles(404, observer=403, member=403, chair=OK, admin=403))],
        "api.openapi_json": [("GET", "/api/v1/openapi.json", everyone(200))],
        "api.list_working_groups": [("GET", "/api/v1/working-groups", everyone(200))],
        "api.list_documents": [("GET", "/api/v1/documents", everyone(200))],
        "api.get_document": [("GET", f"/api/v1/documents/{doc}", everyone(200)),
                             ("GET", f"/api/v1/documents/{private}", PRIVATE_DOC)],
        "api.get_version": [("GET", f"/api/v1/versions/{pv}", PRIVATE_DOC)],
        # A valid document, so the answer is the permission check's and not the body's.
        "api.create_document": [("POST", "/api/v1/documents", roles(403, anonymous=401, chair=201), new_document)],
        "api.preview_document": [("POST", "/api/v1/documents/preview", roles(403, anonymous=401, chair=200), new_document)],
    }


@pytest.fixture
def matrix(app, world):
    from sqlalchemy import select

    from deliberation.models import Clause

    with app.app_context():
        world.clause_key = db.session.scalar(select(Clause.key).where(
            Clause.version_id == world.document.current_version_id).limit(1))
        world.private_clause_key = db.session.scalar(select(Clause.key).where(
            Clause.version_id == world.private_document.current_version_id).limit(1))
    return world, expectations(app, world)


def _user(world, role):
    return {"anonymous": None, "outsider": world.outsider, "other_chair": world.other_member,
            "other_member": world.other_group_member, "observer": world.observer, "member": world.member,
            "chair": world.chair, "admin": world.admin}[role]


def _routes(app) -> set[tuple[str, str]]:
    """(endpoint, method) for every route of the app, from its URL map."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - IGNORED_METHODS}


def coverage_problems(app, table) -> list[str]:
    """What the expectation table misses or gets wrong against the app's URL map."""
    problems = [f"{endpoint}: an empty list of expectations" for endpoint, cases in table.items() if not cases]
    covered = {(endpoint, case[0]) for endpoint, cases in table.items() for case in cases}
    problems += [f"{endpoint} {method}: no expectation" for endpoint, method in sorted(_routes(app) - covered)]
    adapter = app.url_map.bind("localhost")
    for endpoint, cases in table.items():
        for method, url, expected, *_body in cases:
            try:
                matched, _args = adapter.match(urlsplit(url).path, method=method)
            except Exception as exc:  # NotFound, MethodNotAllowed, RequestRedirect
                matched = type(exc).__name__
            if matched != endpoint:
                problems.append(f"{endpoint}: {method} {url} goes to {matched}")
            if set(expected) != set(ROLES):
                problems.append(f"{endpoint}: {method} {url} names roles {sorted(expected)}")
    return problems


def test_every_route_and_method_has_an_expectation(app, matrix):
    _world, table = matrix
    problems = coverage_problems(app, table)
    assert not problems, "\n".join(problems)


def test_a_new_method_on_an_existing_route_needs_an_expectation(app, matrix):
    _world, table = matrix
    app.add_url_rule("/groups/<slug>/members", endpoint="groups.members", methods=["DELETE"])
    assert coverage_problems(app, table) == ["groups.members DELETE: no expectation"]
    assert coverage_problems(app, {**table, "groups.members": []})[0] == "groups.members: an empty list of expectations"


def _send(client, method, url, token, body=None):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.open(url, method=method, json=body if body is not None else {}, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={**(body or {}), "csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, matrix, role):
    world, table = matrix
    client = app.test_client()
    user = _user(world, role)
    if user is not None:
        sign_in(client, user)
    token = csrf_token(client)
    failures = []
    # Routes that end the session run last, so the others are called as the signed-in role.
    session_ending = ("account.password", "account.sign_out_everywhere", "auth.logout")
    ordered = sorted(table.items(), key=lambda item: session_ending.index(item[0]) + 1 if item[0] in session_ending else 0)
    for endpoint, cases in ordered:
        for method, url, expected_by_role, *body in cases:
            expected = expected_by_role[role]
            response = _send(client, method, url, token, *body)
            status = response.status_code
            if expected == OK:
                login_redirect = status == 302 and "/sign-in" in response.headers.get("Location", "")
                good = status not in (401, 403, 404) and not login_redirect
            elif expected == PAGE_LOGIN and method == "GET" or (expected == 302 and role == "anonymous"):
                good = status == 302
            else:
                good = status == expected
            if not good:
                failures.append(f"{method} {url} ({endpoint}): expected {expected}, got {status}")
    assert not failures, "\n".join(failures)
