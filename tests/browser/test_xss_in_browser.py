"""The cross-site-scripting corpus in Chromium: every payload posted as a comment (and as amendment
text, a hiding reason and a disposition rationale); the pages that show them open without a dialog,
without a console error (a blocked inline script reports one) and with nothing outside the sanitizer's
allow-list inside comment bodies."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, User
from tests.xss.corpus import load_payloads

PAYLOADS = load_payloads()

# The sanitizer's allow-list (deliberation/sanitize.py), written out again as tests/unit/test_sanitize.py does.
CHECK_BODIES = """() => {
  const allowed = {p: [], br: [], em: [], strong: [], del: [], s: [], a: ["href", "title", "rel"], ul: [],
    ol: ["start"], li: [], blockquote: [], code: [], pre: [], h3: [], h4: [], h5: [], h6: [], hr: [],
    table: [], thead: [], tbody: [], tr: [], th: [], td: [], span: ["class", "title"]};
  const problems = [];
  for (const body of document.querySelectorAll(".comment__body")) {
    for (const el of body.querySelectorAll("*")) {
      const tag = el.tagName.toLowerCase();
      if (!(tag in allowed)) { problems.push("<" + tag + ">"); continue; }
      for (const attr of el.attributes) {
        if (!allowed[tag].includes(attr.name)) problems.push(tag + "[" + attr.name + "]");
      }
      // The browser's own reading of the link decides: percent-encoded look-alikes are relative paths.
      if (tag === "a" && el.hasAttribute("href") && !["http:", "https:", "mailto:"].includes(el.protocol)) {
        problems.push("href=" + el.getAttribute("href") + " (" + el.protocol + ")");
      }
    }
  }
  for (const diff of document.querySelectorAll(".amendment__diff *")) {
    if (!["del", "ins"].includes(diff.tagName.toLowerCase()) || diff.attributes.length) problems.push("diff " + diff.outerHTML);
  }
  return {problems, bodies: document.querySelectorAll(".comment__body").length,
          pwned: window.__pwned || null};
}"""


def _payload_thread(make):
    from deliberation.services.comments import post_comment
    from deliberation.services.moderation import set_disposition, set_hidden

    world = make.world()
    member = db.session.get(User, world.member.id)
    chair = db.session.get(User, world.chair.id)
    clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                    Clause.number == "1"))
    roots = []
    for start in range(0, len(PAYLOADS), 40):  # a few threads, so every payload is on the first page
        root = post_comment(member, clause, body="Payloads follow.", kind="amendment",
                            replacement_text="\n".join(PAYLOADS[start:start + 40]))
        roots.append(root)
        for payload in PAYLOADS[start:start + 40]:
            reply = post_comment(member, clause, body=payload, parent_id=root.id)
            if len(roots) == 1:
                set_disposition(chair, reply, disposition="noted", rationale=payload)
            elif len(roots) == 2:
                set_hidden(chair, reply, reason=payload)
    return world, {"id": clause.id, "key": clause.key}


def test_no_payload_runs_in_the_browser(live_server, new_page):
    world, clause = live_server.build(_payload_thread)
    urls = [f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}",
            f"/documents/{world.document.id}/comments", f"/documents/{world.document.id}/comments?page=2"]
    for user in (None, world.chair, world.member):
        page = new_page(user, width=1280, height=900)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for url in urls if user is world.chair else urls[:1]:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            result = page.evaluate(CHECK_BODIES)
            assert result["problems"] == [], (url, result["problems"][:10])
            assert result["bodies"] >= 40, url
            assert result["pwned"] is None
        # The whole text too, with the discussion opened in the margin by the script.
        page.goto(f"/documents/{world.document.id}/versions/1")
        page.locator(f'[data-clause-id="{clause["id"]}"] [data-toggle-threads]').click()
        page.locator(f"#threads-{clause['key']} .comment__body").first.wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate(CHECK_BODIES)["problems"] == []
        assert dialogs == [], dialogs
        assert page.console_errors == [], page.console_errors[:5]
