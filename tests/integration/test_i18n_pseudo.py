"""Every page in a pseudo-locale (issue 15, item 6): each string that goes through Babel comes out
wrapped in ⟦ ⟧, so any user-visible English left outside the markers was never translatable.

The pages are the ones the HTML-validity crawl renders (tests/browser/test_html_validity.py `_pages`:
the public, a member, a chair and an admin over a record with versions, comments, rounds open and
closed), read through the test client. Visible text is the text nodes outside <script>/<style>/<time>
(times are Babel's, in the reader's language) plus the attributes people read (title, aria-label,
placeholder, alt, a button's value, the data-text-* strings scripts show). What is left once the marked
parts are taken out must be user content (any text stored in the database: names, titles, clause text,
comments), numbers or punctuation; anything else is reported with its page.

KNOWN_UNTRANSLATED lists what was left when the test was written and could not be fixed by then: it
may only shrink (an entry that no longer appears fails the test, so remove it when you fix it).
"""
import gettext
import json
import re
from html.parser import HTMLParser

import flask_babel
import pytest
from sqlalchemy import JSON, String, Text, select

from deliberation.extensions import db

from ..conftest import sign_in

OPEN, CLOSE = "\u27e6", "\u27e7"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Proper names of the software and standards, the same in every language.
# Language names are written in their own language on purpose.
PROPER_NAMES = {"Deliberation", "API", "Atom", "SHA-256", "JSON", "OpenAPI", "Markdown", "Word", "PDF", "Ed25519",
                "C2SP", "RFC", "UTC", "CSV", "W3C", "JSON-LD", "English", "Français", "Español"}
# Written by Babel in the reader's language (format_date/format_datetime outside a <time>), hashes,
# e-mail addresses and handles, version numbers ("v3"), and a marked message cut short by `truncate`.
NOT_TEXT = re.compile("|".join([
    r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}(, \d{1,2}:\d{2}(:\d{2})?\s?[AP]M)?( UTC)?",
    r"\b\d{1,2}:\d{2}(:\d{2})?\s?([AP]M)?",
    r"\b[0-9a-f]{8,}\b",
    r"\S+@\S+\.\w+", r"@[\w.]+",
    r"\bv\d+\b", r"https?://\S+", r"\b\w+\.py\b",
    f"{OPEN}[^{CLOSE}]*…$",
]))
# Left when the test was written; see the module's docstring. Text -> where it was seen.
KNOWN_UNTRANSLATED: dict[str, str] = {}


# A message that starts with a count followed by a word ("%(n)s new") needs a plural form: through
# gettext, French reads "1 nouvelles". Counts go through ngettext (and the number through |number).
COUNT_WITHOUT_PLURAL = re.compile(r"^%\((n|num|count)\)s [^\W\d_]")


class PseudoTranslations(gettext.NullTranslations):
    """Wraps every message in markers: ⟦Outcome⟧, ⟦%(num)s of %(total)s cast⟧ (then filled); remembers
    the singular-only messages that start with a count."""

    counts_without_plural: set = set()

    def gettext(self, message):
        if COUNT_WITHOUT_PLURAL.match(message):
            self.counts_without_plural.add(message)
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular, plural, n):
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)

    ugettext, ungettext = gettext, ngettext


VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}


class VisibleText(HTMLParser):
    # Code samples (commands, URLs, JSON) are the same in every language.
    SKIP = {"script", "style", "time", "template", "code", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if not value:
                continue
            if name in VISIBLE_ATTRIBUTES or name.startswith("data-text-") or (
                    name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button")):
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.pieces.append(data)


def _unmarked(text: str) -> list[str]:
    """The parts of `text` outside markers (innermost markers first, as messages nest)."""
    previous = None
    while previous != text:
        previous, text = text, MARKED.sub("\x00", text)
    return [part.strip() for part in text.split("\x00") if part.strip()]


def _user_content() -> str:
    """Every text the database holds, one per line: what users, fixtures and imports wrote (JSON
    columns too, such as a reviewed Word copy's items waiting for confirmation)."""
    values = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns or table.name in ("alembic_version",):
            continue
        for row in db.session.execute(select(*columns)):
            values.extend(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                          for v in row if v is not None)
    return "\n".join(values)


def _is_allowed(part: str, content: str) -> bool:
    part = NOT_TEXT.sub(" ", part).strip()
    if not re.search(r"[^\W\d_]", part):  # no letters: numbers, punctuation, symbols
        return True
    if part in PROPER_NAMES or part in content:
        return True
    # A line of user text split by inline markup or numbering: each word run found in the content.
    words = [w for w in re.split(r"[\s·—–:,;()\[\]«»\"“”/|]+", part) if re.search(r"[^\W\d_]", w)]
    return bool(words) and all(w in content or w in PROPER_NAMES for w in words)


@pytest.fixture
def pseudo_locale(monkeypatch):
    translations = PseudoTranslations()
    translations.counts_without_plural = set()
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: translations)
    return translations


def test_every_page_has_its_text_through_babel(app, world, pseudo_locale):
    from ..browser.test_html_validity import _pages

    pages = _pages(app, world)
    users = {"public": None, "member": world.member, "chair": world.chair, "admin": world.admin}
    with app.app_context():
        content = _user_content()
    found: dict[str, set[str]] = {}
    for role, urls in pages.items():
        client = app.test_client()
        if users[role] is not None:
            sign_in(client, users[role])
        for url in urls:
            response = client.get(url)
            parser = VisibleText()
            parser.feed(response.get_data(as_text=True))
            for piece in parser.pieces:
                for part in _unmarked(piece):
                    if not _is_allowed(part, content):
                        found.setdefault(part, set()).add(f"{role} {url}")
    new = {text: sorted(where) for text, where in found.items() if text not in KNOWN_UNTRANSLATED}
    fixed = sorted(set(KNOWN_UNTRANSLATED) - set(found))
    report = "\n".join(f"  {text!r}: {where[:3]}" for text, where in sorted(new.items()))
    assert not new, f"{len(new)} texts outside Babel:\n{report}"
    assert not fixed, f"translated now, remove from KNOWN_UNTRANSLATED: {fixed}"
    assert not pseudo_locale.counts_without_plural, \
        f"counts through gettext, not ngettext: {sorted(pseudo_locale.counts_without_plural)}"
