"""Answers that follow the standards they claim: HTTP semantics (RFC 9110) on errors, valid HTML."""
import pytest


@pytest.mark.parametrize("method, url, allowed", [
    ("delete", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
    ("put", "/sign-in", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("delete", "/", {"GET", "HEAD", "OPTIONS"}),
])
def test_method_not_allowed_says_which_methods_are(client, method, url, allowed):
    """RFC 9110 15.5.6: a 405 MUST carry an Allow header listing the target's methods."""
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "method_not_allowed"
    else:
        assert response.content_type.startswith("text/html")


def test_pages_with_several_forms_have_unique_ids_and_valid_times(app, client, world):
    """HTML (the Nu checker runs in tests/browser/test_html_validity.py; this holds without Java): an id is
    unique in a page, so no form's CSRF field has one, and <time datetime> has at most three decimals."""
    import re
    from collections import Counter

    from ..conftest import sign_in
    from .version_helpers import build_record

    with app.app_context():
        build_record(world)  # comments, rounds and record events: times with microseconds
    sign_in(client, world.chair)
    for url in ("/account", f"/groups/{world.group.slug}/settings", f"/documents/{world.document.id}/versions/1",
                f"/documents/{world.document.id}/record"):
        html = client.get(url).data.decode()
        assert html.count('name="csrf_token"') >= (2 if url == "/account" else 1), url
        repeated = [name for name, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]
        assert not repeated, (url, repeated)
        for value in re.findall(r'<time[^>]*\sdatetime="([^"]+)"', html):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)", value), (url, value)
