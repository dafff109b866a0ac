"""The discussion's PATCH and DELETE routes, called as every role with their own methods (the shared
matrix in test_permissions.py sends only GET and POST)."""
import pytest

from ..conftest import csrf_token, sign_in
from .matrix_comments import build, method_cases
from .test_permissions import OK, ROLES, _user


@pytest.mark.parametrize("role", ROLES)
def test_patch_and_delete_as_every_role(app, world, role):
    with app.app_context():
        ids = build(world)
    client = app.test_client()
    user = _user(world, role)
    if user is not None:
        sign_in(client, user)
    token = csrf_token(client)
    failures = []
    for method, url, expected_by_role in method_cases(ids):
        expected = expected_by_role[role]
        status = client.open(url, method=method, json={}, headers={"X-CSRFToken": token}).status_code
        good = status not in (401, 403, 404) if expected == OK else status == expected
        if not good:
            failures.append(f"{method} {url}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)
