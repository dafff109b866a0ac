"""WCAG 2.1 AA checks with axe-core on the main pages: no serious or critical violation, keyboard focus
visible. axe-core comes from the npm registry (tests/browser/package.json, installed by `make test`)."""
from pathlib import Path

import pytest

from .conftest import screenshot, skip_or_fail

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        skip_or_fail("axe-core is not installed (npm ci --prefix tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _busy_world(make):
    """A world whose public document has threads, a closed round with a formal objection, an adopted
    version and a verified expression of support: every page of the discussion and round features."""
    from sqlalchemy import select

    from deliberation.extensions import db
    from deliberation.models import Clause, Version
    from deliberation.services.comments import post_comment
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import adopt_version, close_round, open_round
    from deliberation.services.supports import review_support, submit_support

    world = make.world()
    version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
    clause = db.session.scalars(select(Clause).where(Clause.version_id == version.id, Clause.text != "")
                                .order_by(Clause.position)).all()[1]
    roots = []
    for n, (sector, members) in enumerate(world.members.items()):
        kind = ("comment", "question")[n % 2]
        roots.append(post_comment(members[0], clause, body=f"Point {n}: *which* laws?", kind=kind))
        post_comment(members[1], clause, body="A reply with a [link](https://example.org).", parent_id=roots[-1].id)
    round_ = open_round(world.chair, version, scope="document", rule="each_group", threshold="majority", quorum="1/2")
    for sector, members in world.members.items():
        for member in members:
            take_position(member, round_, clause_id=None, position="endorse")
    take_position(world.chair, round_, clause_id=None, position="object", statement="Too vague.", formal=True)
    close_round(world.chair, round_)
    adopt_version(world.chair, version)
    support = submit_support(version, name="Ada", organisation="Open Net", sector="civil_society",
                             email="a@example.org")
    review_support(world.chair, support, "verify")
    world.round_id, world.clause_key, world.thread_root = round_.id, clause.key, roots[0].id
    return world


def _pages(world):
    doc, slug = world.document.id, world.group.slug
    return {
        None: ["/", "/sign-in", f"/groups/{slug}", f"/documents/{doc}/versions/1", f"/documents/{doc}/record",
               f"/documents/{doc}/versions/1/support", f"/rounds/{world.round_id}"],
        "chair": [f"/groups/{slug}/members", f"/groups/{slug}/settings", f"/groups/{slug}/import",
                  f"/documents/{doc}/versions/1", "/account",
                  f"/documents/{doc}/versions/1/clauses/{world.clause_key}",
                  f"/documents/{doc}/comments", f"/rounds/{world.round_id}", f"/rounds/{world.round_id}/positions",
                  f"/documents/{doc}/objections", f"/documents/{doc}/versions/1/supports/review",
                  f"/documents/{doc}/compare?from=1&to=1", f"/documents/{doc}/rounds"],
        "member": [f"/documents/{doc}/versions/1/clauses/{world.clause_key}", "/notifications", "/account/notifications",
                   f"/documents/{doc}/versions/1/clauses/{world.clause_key}/threads/{world.thread_root}",
                   f"/rounds/{world.round_id}/ballot"],
        "admin": ["/admin", "/admin/groups/new"],
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_violations(live_server, new_page, scheme):
    world = live_server.build(_busy_world)
    failures = []
    for role, urls in _pages(world).items():
        user = {"chair": world.chair, "admin": world.admin, "member": world.member}.get(role)
        page = new_page(user, color_scheme=scheme, bypass_csp=True)  # axe is injected as a script
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
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
