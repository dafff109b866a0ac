"""A forged Host header: absolute links come from BASE_URL, never from the request's Host, and the shared
page cache never hands one visitor's Host to another (issue 16, item 5)."""
import logging
import re
from pathlib import Path

import pytest

from deliberation.extensions import db

from ..conftest import csrf_token, sign_in
from .comments_support import clauses, post
from .hardening_support import separate_app

SITE = "https://deliberation.example.org"
FORGED = "evil.example"
ROOT = Path(__file__).resolve().parents[2]


def _absolute_link_urls(world) -> list[str]:
    """Every public page or export that writes absolute links."""
    doc = world.document.id
    return [f"/documents/{doc}/record.atom", f"/api/v1/documents/{doc}/record.json",
            f"/api/v1/documents/{doc}/annotations.jsonld", f"/api/v1/documents/{doc}/dispositions.csv",
            f"/documents/{doc}/record", f"/documents/{doc}/record/print"]


@pytest.fixture
def as_deployed(app, world):
    """The test app as a site is deployed: no SERVER_NAME (the tests' own one would hide the Host), and
    a comment, so that the exports have comment links too."""
    app.config["SERVER_NAME"] = None
    with app.app_context():
        from deliberation.models import Document

        version_id = db.session.get(Document, world.document.id).current_version_id
    post(app, world.member, clauses(app, version_id)[0]["id"], "A comment with a permalink.")
    return app


def _forged(client, url, **kwargs):
    return client.get(url, headers={"Host": FORGED}, **kwargs)


@pytest.mark.parametrize("index", range(6))
def test_links_come_from_base_url_whatever_the_host(as_deployed, world, index):
    as_deployed.config["BASE_URL"] = SITE
    url = _absolute_link_urls(world)[index]
    response = _forged(as_deployed.test_client(), url)
    assert response.status_code == 200, url
    body = response.get_data(as_text=True)
    assert FORGED not in body, url
    assert f"{SITE}/" in body, url


@pytest.mark.parametrize("index", range(6))
def test_a_forged_host_does_not_reach_other_readers_through_the_cache(as_deployed, world, index):
    """Without BASE_URL (development), links follow the Host: the cache keys on it, so the forger alone
    gets their links back."""
    as_deployed.config["PUBLIC_CACHE"] = True
    url = _absolute_link_urls(world)[index]
    client = as_deployed.test_client()
    assert FORGED in _forged(client, url).get_data(as_text=True), url
    honest = client.get(url)
    assert honest.status_code == 200, url
    assert FORGED not in honest.get_data(as_text=True), url
    as_deployed.extensions["public_cache"].clear()


def test_invitation_links_come_from_base_url(as_deployed, world, caplog):
    as_deployed.config["BASE_URL"] = SITE
    client = as_deployed.test_client()
    sign_in(client, world.chair)
    token = csrf_token(client)
    # The forger is the chair's own client here, so the session must travel to the forged host too.
    client.set_cookie("session", client.get_cookie("session").value, domain=FORGED)
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        response = client.post(f"/groups/{world.group.slug}/invitations", headers={"Host": FORGED}, data={
            "email": "someone@example.org", "role": "member", "stakeholder": "government",
            "csrf_token": token})
        from deliberation.services.mailing.queue import wait_for_mail

        wait_for_mail()  # mail leaves after the commit, from the background worker
    assert response.status_code == 201
    assert re.search(rf"{SITE}/invitations/[A-Za-z0-9_-]{{20,}}", response.get_data(as_text=True))
    assert FORGED not in response.get_data(as_text=True)
    mailed = [record.getMessage() for record in caplog.records if "Invitation to" in record.getMessage()]
    assert mailed and all(f"{SITE}/invitations/" in text and FORGED not in text for text in mailed)


def test_no_absolute_link_is_built_from_the_request():
    """Every absolute link goes through deliberation/links.py: no url_for(_external=True), request.host_url
    or request.url_root anywhere else, in code or templates (the page cache keys on the address, and
    builds no link with it)."""
    forbidden = re.compile(r"_external\s*=\s*True|host_url|url_root|request\.host\b")
    offenders = []
    for folder, pattern in (("deliberation", "*.py"), ("templates", "*.html"), ("templates", "*.xml")):
        for path in (ROOT / folder).rglob(pattern):
            if path.name in ("links.py", "public_cache.py"):
                continue
            offenders += [f"{path.relative_to(ROOT)}:{number}" for number, line in
                          enumerate(path.read_text().splitlines(), 1) if forbidden.search(line)]
    assert not offenders


def test_production_without_base_url_says_so_at_start(tmp_path, monkeypatch, caplog):
    """Production (a PostgreSQL database, neither TESTING nor DEBUG) without BASE_URL: a clear warning."""
    with caplog.at_level(logging.WARNING, logger="deliberation"):
        separate_app(tmp_path, monkeypatch, "production", create_tables=False, TESTING=False, DEBUG=False,
                     SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert any("BASE_URL" in record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="deliberation"):
        separate_app(tmp_path, monkeypatch, "production-set", create_tables=False, TESTING=False, DEBUG=False,
                     BASE_URL=SITE, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
        separate_app(tmp_path, monkeypatch, "development", create_tables=False)
    assert not any("BASE_URL" in record.getMessage() for record in caplog.records)
