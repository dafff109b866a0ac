"""The hardening pages in a browser: deleting one's account, an admin deleting one, and the 429 pages,
at wide and phone widths (screenshots in tests/artifacts/screenshots/)."""
import re

from deliberation.security.limits import BACKOFF_AFTER

from ..conftest import PASSWORD, csrf_token
from .conftest import screenshot


def _fits(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def _script_errors(page) -> list[str]:
    # A refused form answers 400 or 429 on purpose; Chromium reports that as a failed resource load.
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def test_member_deletes_their_account(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.member)
    page.goto("/account#delete-account")
    panel = page.locator("#delete-account")
    assert panel.locator("h2").inner_text() == "Delete your account"
    screenshot(page, "account-delete-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page), "the account page scrolls sideways at phone width"
    panel.scroll_into_view_if_needed()
    screenshot(page, "account-delete-phone")
    panel.locator("input[name=password]").fill("not my password")
    panel.locator("button[type=submit]").click()
    assert "That is not your password" in page.locator("#delete-account").inner_text()
    page.locator("#delete-account input[name=password]").fill(PASSWORD)
    page.locator("#delete-account button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Your account is deleted" in page.locator(".flashes").inner_text()
    assert page.locator("a.button:has-text('Sign in')").count() == 1
    assert _script_errors(page) == []


def test_admin_deletes_an_account(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.admin)
    page.goto("/admin")
    row = page.locator("tr", has_text=world.outsider.email)
    row.locator("a:has-text('Delete')").click()
    page.wait_for_url(re.compile(rf"/admin/users/{world.outsider.id}/delete$"))
    assert world.outsider.name in page.locator("h1").inner_text()
    screenshot(page, "admin-delete-wide")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    screenshot(page, "admin-delete-phone")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Delete this account')")
    page.wait_for_url(re.compile(r"/admin$"))
    row = page.locator("tr", has_text=f"deleted-{world.outsider.id}@")
    assert "Former member" in row.inner_text() and row.locator(".badge", has_text="deleted").count() == 1
    assert page.locator("tr", has_text=world.outsider.email).count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "admin-after-delete")
    assert _script_errors(page) == []


def _limited_answers(live_server, world):
    """The 429 answers as the app renders them, with limits on (the live server runs with them off)."""
    from ..integration.test_rate_limits import enable_limits

    app = enable_limits(live_server.app, sign_in="100 per minute", token_creation="1 per hour")
    client = app.test_client()
    for _ in range(BACKOFF_AFTER + 1):
        deferred = client.post("/sign-in", data={"email": world.member.email, "password": "wrong password!",
                                                 "csrf_token": csrf_token(client, "/sign-in")})
    assert deferred.status_code == 429
    from ..conftest import sign_in

    member = sign_in(app.test_client(), world.chair)
    token = csrf_token(member, "/account")
    member.post("/account/tokens", data={"name": "one", "csrf_token": token})
    limited = member.post("/account/tokens", data={"name": "two", "csrf_token": token})
    assert limited.status_code == 429
    return deferred.data.decode(), limited.data.decode()


def _answer_with(html):
    def handler(route):
        route.fulfill(status=429, body=html, content_type="text/html")
    return handler


def test_too_many_requests_pages_are_clear(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    deferred, limited = _limited_answers(live_server, world)
    page = new_page()
    for name, html in (("sign-in-backoff", deferred), ("rate-limited", limited)):
        page.route("**/shown-as-429", _answer_with(html))
        response = page.goto("/shown-as-429")
        assert response.status == 429
        text = page.locator("main").inner_text()
        assert "Too many failed sign-ins for this account. Try again in" in text if name == "sign-in-backoff" \
            else "Too many requests" in text and "Please wait" in text
        page.set_viewport_size({"width": 1280, "height": 900})
        screenshot(page, f"{name}-wide")
        page.set_viewport_size({"width": 390, "height": 844})
        assert _fits(page)
        screenshot(page, f"{name}-phone")
        page.unroute("**/shown-as-429")
    assert _script_errors(page) == []
