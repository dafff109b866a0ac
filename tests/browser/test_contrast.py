"""Every status badge is readable: text against its own (composited) background at 4.5:1 or more, in
the light and the dark colour scheme, on the pages that show rounds' outcomes (issue 15, finding 1: the
"Blocked by a formal objection" badge of the public record had its text in the red of its background).

Colours are resolved by the browser itself: a canvas turns any computed CSS colour (color-mix() included)
into sRGB bytes, and the backgrounds of the badge and its ancestors are composited as they are painted."""
import pytest

from .conftest import screenshot

BADGES = ".badge, .outcome, .change, .status, .round-state, .designation, .thread-count, .map-legend__swatch + *"

CONTRAST = """(selector) => {
  const ctx = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = 'rgba(0,0,0,0)'; ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const page = rgba(getComputedStyle(document.documentElement).backgroundColor);
  const canvasColour = page[3] > 0 ? page : rgba(getComputedStyle(document.body).backgroundColor);
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.textContent.trim() || !el.getClientRects().length) continue;
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] === 1) break;
    }
    let background = canvasColour[3] === 1 ? canvasColour : [255, 255, 255, 1];
    for (const layer of layers.reverse()) background = over(layer, background);
    const text = over(rgba(getComputedStyle(el).color), background);
    const [hi, lo] = [luminance(text), luminance(background)].sort((a, b) => b - a);
    out.push({cls: el.className.baseVal ?? el.className, text: el.textContent.trim().slice(0, 40),
              ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
}"""


def _every_outcome(make):
    """A public document with four closed rounds: adopted, not adopted, no quorum, and blocked by a
    formal objection under the consensus rule; then the version is adopted and one support verified."""
    from sqlalchemy import select

    from deliberation.extensions import db
    from deliberation.models import Version
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import adopt_version, close_round, open_round

    world = make.world()
    version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
    voters = [m for members in world.members.values() for m in members]

    def held(rule, positions):
        round_ = open_round(world.chair, version, scope="document", rule=rule, threshold="majority", quorum="1/2")
        for member, (position, formal) in zip(voters + [world.chair], positions):
            take_position(member, round_, clause_id=None, position=position,
                          statement="Not acceptable." if position == "object" else None, formal=formal)
        close_round(world.chair, round_)
        return round_.id

    everyone = len(voters) + 1
    world.rounds = {
        "no_quorum": held("each_group", []),
        "not_adopted": held("each_group", [("object", False)] * everyone),
        "blocked": held("consensus", [("endorse", False)] * len(voters) + [("object", True)]),
        "adopted": held("each_group", [("endorse", False)] * everyone),
    }
    adopt_version(world.chair, version)
    return world


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_status_badge_has_a_contrast_of_at_least_4_5(live_server, new_page, scheme):
    world = live_server.build(_every_outcome)
    doc = world.document.id
    pages = [f"/documents/{doc}/record", f"/documents/{doc}/record/print", f"/documents/{doc}/rounds",
             f"/documents/{doc}/versions/1"] + [f"/rounds/{r}" for r in world.rounds.values()]
    page = new_page(world.chair, color_scheme=scheme)
    seen, failures = set(), []
    for url in pages:
        assert page.goto(url).status == 200, url
        for badge in page.evaluate(CONTRAST, BADGES):
            seen.add(badge["cls"])
            if badge["ratio"] < 4.5:
                failures.append(f"{scheme} {url}: '{badge['text']}' ({badge['cls']}) {badge['ratio']:.2f}:1")
    page.goto(f"/documents/{doc}/record")
    screenshot(page, f"record-outcomes-{scheme}")
    assert {"outcome outcome--blocked", "outcome outcome--adopted", "outcome outcome--not_adopted",
            "outcome outcome--no_quorum"} <= seen, sorted(seen)
    assert not failures, "\n".join(failures)
