"""Security headers on every kind of response, HSTS only over HTTPS, and Socket.IO's origin check."""
import pytest

from .hardening_support import separate_app

SOCKET_HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response, where):
    directives = csp_directives(response)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src == ["'self'"], where  # no 'unsafe-inline', no 'unsafe-eval', no other hosts
    assert directives["default-src"] == ["'self'"], where
    assert directives["object-src"] == ["'none'"], where
    assert directives["base-uri"] == ["'none'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert "'unsafe-inline'" not in directives.get("style-src", []), where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin"), where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", where
    features = dict(part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= features.keys(), where
    assert set(features.values()) == {"()"}, where  # every listed feature is off, for every origin


def _plain_get_urls(app):
    """Every GET route that takes no argument: new pages are covered without editing this test."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static")


def test_every_plain_page_and_api_answer_carries_the_headers(app, client, world):
    urls = _plain_get_urls(app)
    assert "/" in urls and "/api/v1/openapi.json" in urls
    for url in urls:
        assert_secure_headers(client.get(url), url)


@pytest.mark.parametrize("url", ["/no/such/page", "/api/v1/documents/999999", "/documents/999999/versions/1"])
def test_error_answers_carry_the_headers(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert_secure_headers(response, url)


def test_signed_in_pages_carry_the_headers(client, world):
    from ..conftest import sign_in

    sign_in(client, world.chair)
    for url in ("/account", f"/groups/{world.group.slug}/members", f"/documents/{world.document.id}/versions/1"):
        assert_secure_headers(client.get(url), url)


def test_signed_in_answers_are_never_stored(app, client, world):
    """A shared computer's cache or back button must not show one person's pages or tokens to the next."""
    from ..conftest import sign_in
    from .version_helpers import api_token as token_headers

    public = f"/documents/{world.document.id}/versions/1"
    assert "no-store" not in client.get(public).headers.get("Cache-Control", "")  # the public cache may keep it
    sign_in(client, world.chair)
    for url in ("/account", public, f"/groups/{world.group.slug}", "/no/such/page"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
    token_client = app.test_client()
    headers = token_headers(app, world.member)
    for url in (f"/api/v1/documents/{world.document.id}", "/api/v1/documents/999999"):
        assert token_client.get(url, headers=headers).headers["Cache-Control"] == "no-store", url


def test_socket_polling_answers_carry_the_headers(client):
    """Engine.IO answers the polling transport itself, below Flask: its answers need the headers too."""
    handshake = client.get(SOCKET_HANDSHAKE, headers={"Origin": "http://localhost"})
    assert handshake.status_code == 200 and handshake.data.startswith(b"0{")
    assert_secure_headers(handshake, "handshake")
    assert handshake.headers["Cache-Control"] == "no-store"
    refused = client.get(SOCKET_HANDSHAKE, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    assert_secure_headers(refused, "refused handshake")


def test_signing_out_clears_the_sites_data_in_the_browser(client, world):
    from ..conftest import csrf_token, sign_in

    sign_in(client, world.member)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    assert {part.strip() for part in response.headers["Clear-Site-Data"].split(",")} == {'"cache"', '"storage"'}
    assert client.get("/account").status_code == 302  # and the session is over
    # A sign-out that did not happen (no CSRF token) clears nothing.
    sign_in(client, world.member)
    assert "Clear-Site-Data" not in client.post("/sign-out").headers


def test_no_inline_script_in_pages(client, world):
    """The CSP would block inline script anyway; pages must not depend on it."""
    import re

    for url in ("/", "/sign-in", f"/documents/{world.document.id}/versions/1", f"/groups/{world.group.slug}"):
        html = client.get(url).data.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), url  # no onclick= and friends
        assert "style=" not in html, url


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    hsts = secure.headers["Strict-Transport-Security"]
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
    # Without a trusted proxy, a forwarded header is just something the client said.
    spoofed = client.get("/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_hsts_behind_a_proxy_that_terminates_https(tmp_path, monkeypatch):
    app = separate_app(tmp_path, monkeypatch, "proxied", BEHIND_PROXY=True)
    client = app.test_client()
    assert "Strict-Transport-Security" in client.get("/sign-in", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" not in client.get("/sign-in", headers={"X-Forwarded-Proto": "http"}).headers


def _sign_in_remembered(client, user, *, scheme="http", forwarded_proto=None) -> dict[str, str]:
    """Sign in with "remember me"; the Set-Cookie headers of the answer, by cookie name."""
    import re

    from ..conftest import PASSWORD

    headers = {"Referer": f"{forwarded_proto or scheme}://localhost/sign-in"}  # CSRF checks it over HTTPS
    if forwarded_proto:
        headers["X-Forwarded-Proto"] = forwarded_proto
    base_url = f"{scheme}://localhost"
    form = client.get("/sign-in", base_url=base_url, headers=headers).data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/sign-in", base_url=base_url, headers=headers, data={
        "email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302, response.data[:300]
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= cookies.keys()
    return cookies


def _is_secure(set_cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in set_cookie.split(";")[1:])


def test_cookies_are_secure_when_the_request_came_over_https(app, world):
    """No BASE_URL: whether the session and remember-me cookies are Secure follows each request's scheme."""
    assert not app.config["SESSION_COOKIE_SECURE"]
    plain = _sign_in_remembered(app.test_client(), world.member)
    assert not any(_is_secure(cookie) for cookie in plain.values()), plain
    secure = _sign_in_remembered(app.test_client(), world.member, scheme="https")
    assert all(_is_secure(cookie) for cookie in secure.values()), secure
    # Without a trusted proxy, X-Forwarded-Proto is only what the client says.
    spoofed = _sign_in_remembered(app.test_client(), world.member, forwarded_proto="https")
    assert not any(_is_secure(cookie) for cookie in spoofed.values()), spoofed


def test_cookies_are_secure_behind_a_proxy_that_terminates_https(tmp_path, monkeypatch):
    from deliberation.extensions import db

    from ..factories import Factory

    app = separate_app(tmp_path, monkeypatch, "proxied-cookies", BEHIND_PROXY=True)
    assert not app.config["SESSION_COOKIE_SECURE"]  # no BASE_URL
    with app.app_context():
        user = Factory().user("Proxied")
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    secure = _sign_in_remembered(app.test_client(), user, forwarded_proto="https")
    assert all(_is_secure(cookie) for cookie in secure.values()), secure
    plain = _sign_in_remembered(app.test_client(), user, forwarded_proto="http")
    assert not any(_is_secure(cookie) for cookie in plain.values()), plain


def test_socket_connections_only_from_the_sites_own_origin(app, client):
    assert app.config["SOCKETIO_ALLOWED_ORIGINS"] is None  # no BASE_URL: the origin must match Host
    own = client.get(SOCKET_HANDSHAKE, headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and own.data.startswith(b"0{")
    foreign = client.get(SOCKET_HANDSHAKE, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    lookalike = client.get(SOCKET_HANDSHAKE, headers={"Origin": "http://localhost.evil.example"})
    assert lookalike.status_code == 400


def test_socket_origins_come_from_base_url(tmp_path, monkeypatch):
    app = separate_app(tmp_path, monkeypatch, "public", BASE_URL="https://deliberation.example.org/some/path")
    assert app.config["SOCKETIO_ALLOWED_ORIGINS"] == ["https://deliberation.example.org"]
    client = app.test_client()
    allowed = client.get(SOCKET_HANDSHAKE, headers={"Origin": "https://deliberation.example.org"})
    assert allowed.status_code == 200
    for origin in ("http://deliberation.example.org", "https://evil.example", "http://localhost"):
        assert client.get(SOCKET_HANDSHAKE, headers={"Origin": origin}).status_code == 400, origin
