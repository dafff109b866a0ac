"""WCAG 2.1 AA checks with axe-core on the main pages: no serious or critical violation, keyboard focus
visible. axe-core comes from the npm registry (tests/browser/package.json, installed by `make test`)."""
from pathlib import Path

import pytest

from .conftest import screenshot

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _pages(world):
    doc, slug = world.document.id, world.group.slug
    return {
        None: ["/", "/sign-in", f"/groups/{slug}", f"/documents/{doc}/versions/1"],
        "chair": [f"/groups/{slug}/members", f"/groups/{slug}/settings", f"/groups/{slug}/import",
                  f"/documents/{doc}/versions/1", "/account"],
        "admin": ["/admin", "/admin/groups/new"],
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_violations(live_server, new_page, scheme):
    world = live_server.build(lambda make: make.world())
    failures = []
    for role, urls in _pages(world).items():
        user = {"chair": world.chair, "admin": world.admin}.get(role)
        page = new_page(user, color_scheme=scheme, bypass_csp=True)  # axe is injected as a script
        for url in urls:
            page.goto(url)
            for violation in axe_violations(page):
                failures.append(f"{scheme} {url} as {role or 'anonymous'}: {violation}")
    assert not failures, "\n".join(failures)


def test_focus_is_visible_when_tabbing(live_server, new_page):
    world = live_server.build(lambda make: make.world())
    page = new_page()
    page.goto(f"/documents/{world.document.id}/versions/1")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focused elements must show a focus ring"
    screenshot(page, "focus-ring")
