"""Every main page is valid HTML, as the Nu HTML Checker (the W3C validator, npm `vnu-jar`) reads it.

The pages are rendered through the test client as the public, a member, a chair and an admin, written to
files, and checked in ONE run of the checker (a JVM starts slowly). Without Java or the jar the test is
skipped, except under REQUIRE_BROWSERS=1 (CI), where it fails like the browser tests.
"""
import json
import shutil
import subprocess
from pathlib import Path

from deliberation.extensions import db

from ..conftest import sign_in
from ..integration.version_helpers import add_more, build_record, clause_numbered
from .conftest import ROOT, skip_or_fail

VNU_JAR = ROOT / "tests" / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        skip_or_fail("Java is not installed (apt-get install default-jre-headless): the HTML checker needs it")
    if not VNU_JAR.exists():
        skip_or_fail(f"{VNU_JAR} is missing (npm ci --prefix tests/browser)")
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]


def _pages(app, world) -> dict[str, list[str]]:
    """The pages to check, by who reads them."""
    from deliberation.models import Document

    from deliberation.models import User, Version
    from deliberation.services.rounds import open_round

    with app.app_context():
        ids = build_record(world)  # two versions, comments, a closed round, supports
        add_more(world)  # version 3, many comments, a second closed round
        version = db.session.get(Version, db.session.get(Document, world.document.id).current_version_id)
        ids["round"] = open_round(db.session.get(User, world.chair.id), version,
                                  scope="clauses", rule="consensus", threshold="two_thirds", quorum="1/2").id
        db.session.commit()  # and an open one on version 3, clause by clause: a ballot to fill in
        key = clause_numbered(ids["v1"], "1.1").key
        closed_round = ids["round"] - 1
    doc, group = f"/documents/{world.document.id}", f"/groups/{world.group.slug}"
    thread = f"{doc}/versions/1/clauses/{key}/threads/{ids['quoted']}"
    public = ["/", "/sign-in", group, f"{doc}/versions/1", f"{doc}/versions/3", f"{doc}/versions/1/clauses/{key}",
              thread, f"{doc}/compare?from=1&to=2", f"{doc}/record", f"{doc}/record/print", f"{doc}/rounds",
              f"{doc}/objections", f"/rounds/{ids['round']}", f"/rounds/{closed_round}",
              f"/rounds/{closed_round}/positions", f"{doc}/versions/3/support", "/no/such/page"]
    member = ["/", "/account", "/notifications", "/account/notifications", group, f"{doc}/versions/1", f"{doc}/versions/1/clauses/{key}", thread,
              f"/rounds/{ids['round']}", f"/rounds/{ids['round']}/ballot"]
    chair = [group, f"{group}/members", f"{group}/settings", f"{group}/import", f"{doc}/settings",
             f"{doc}/versions/new", f"{doc}/versions/3/rounds/new", f"/rounds/{ids['round']}",
             f"/rounds/{ids['round']}/positions", f"{doc}/versions/3/supports/review", f"{doc}/versions/1", thread,
             f"{doc}/comments", f"{doc}/orphans", f"/comments/{ids['quoted']}/revisions"]
    admin = ["/admin", "/admin/groups/new", f"/admin/groups/{world.group.slug}/chairs"]
    return {"public": public, "member": member, "chair": chair, "admin": admin}


def _render(app, world, directory: Path) -> dict[str, str]:
    """Write each page to a file; the page's label ("role url") by file name."""
    users = {"public": None, "member": world.member, "chair": world.chair, "admin": world.admin}
    labels, unexpected = {}, []
    for role, urls in _pages(app, world).items():
        client = app.test_client()
        if users[role] is not None:
            sign_in(client, users[role])
        for n, url in enumerate(urls):
            response = client.get(url)
            if response.status_code != (404 if "/no/such/" in url else 200):
                unexpected.append(f"{role} {url}: {response.status_code}")
            name = f"{role}-{n:02d}.html"
            (directory / name).write_bytes(response.data)
            labels[name] = f"{role} {url}"
    assert not unexpected, unexpected
    return labels


def test_main_pages_are_valid_html(app, world, tmp_path):
    command = _checker()
    labels = _render(app, world, tmp_path)
    run = subprocess.run([*command, *sorted(str(tmp_path / name) for name in labels)],
                         capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr)["messages"]  # the checker reports on stderr
    errors = [f"{labels[Path(m.get('url', '')).name]} line {m.get('lastLine', '?')}: {m['message']}"
              f"\n    {m.get('extract', '').strip()}"
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
