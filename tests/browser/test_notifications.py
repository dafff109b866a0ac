"""Notifications in a real browser: a chair opens a round and a member sees it in the unread count and
the list, then changes how often rounds reach them in the notification settings. Screenshots of both
pages at 1366 and 390 px wide."""
import re

from .conftest import screenshot


def test_a_member_hears_of_a_round_and_changes_a_preference(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    chair = new_page(world.chair)
    chair.goto(f"/documents/{world.document.id}/versions/1")
    chair.click("a:has-text('Open a round')")
    chair.check("input[name=scope][value=every]")
    chair.click("button:has-text('Open the round')")
    chair.wait_for_url(re.compile(r"/rounds/\d+$"))
    round_id = int(chair.url.rsplit("/", 1)[1])

    member = new_page(world.members["academia"][0], width=1366)
    member.goto("/")
    assert member.locator("[data-unread-count]").inner_text().strip() == "1"
    member.goto("/notifications")
    item = member.locator(".notification--unread")
    assert item.count() == 1
    assert "is open for your position" in item.inner_text() and "Sample recommendations" in item.inner_text()
    screenshot(member, "notifications-list-1366")
    member.set_viewport_size({"width": 390, "height": 844})
    screenshot(member, "notifications-list-390")
    member.set_viewport_size({"width": 1366, "height": 900})
    item.locator("button.notification__button").click()
    member.wait_for_url(re.compile(rf"/rounds/{round_id}$"))
    assert member.locator("[data-unread-count]").count() == 0

    member.goto("/notifications")
    member.click("a:has-text('Settings')")
    member.wait_for_url(re.compile(r"/account/notifications$"))
    select = member.locator("select#kind-round_opened")
    assert select.input_value() == "immediately"
    select.focus()
    select.select_option("daily")
    screenshot(member, "notification-settings-1366")
    member.set_viewport_size({"width": 390, "height": 844})
    screenshot(member, "notification-settings-390")
    member.click("form.notification-settings button[type=submit]")
    member.wait_for_load_state()
    assert "Your notification settings are saved." in member.locator(".flashes").inner_text()
    assert member.locator("select#kind-round_opened").input_value() == "daily"
    assert member.console_errors == []
