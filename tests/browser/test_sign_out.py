"""Signing out in Chromium: Clear-Site-Data empties the site's storage, and the "signed out" message survives."""
import re


def test_signing_out_clears_the_sites_storage(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page(world.member)
    page.goto("/account")
    page.evaluate("localStorage.setItem('draft', 'a comment half written')")
    page.locator("header button:has-text('Sign out')").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "You are signed out" in page.locator(".flashes").inner_text()
    assert page.evaluate("localStorage.getItem('draft')") is None
    page.goto("/account")
    assert "/sign-in" in page.url
    assert page.console_errors == []
