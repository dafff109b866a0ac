"""Languages: the French and Spanish catalogs are complete and compiled, a member who chose French gets
French pages, forms and errors, an anonymous reader whose browser asks for Spanish gets Spanish, numbers
are written the reader's way, and what users wrote is never translated."""
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, User, Version

from ..conftest import csrf_token, sign_in

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "deliberation" / "translations"
LOCALES = ("fr", "es")
# A service error's message is its first argument (Makefile SERVICE_ERRORS).
SERVICE_ERRORS = ("ServiceError", "Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict", "TooLarge",
                  "RateLimited", "SelectorError", "DraftImportError")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
            **{name: (1,) for name in SERVICE_ERRORS}}


def _catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def _source_messages() -> set:
    """Every interface string in the code and templates, extracted as `make translations` does."""
    method_map = [("deliberation/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.xml", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return {m for m in found if m}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete_and_compiled(locale):
    catalog = _catalog(locale)
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    missing = sorted(map(str, _source_messages() - ids))
    assert not missing, f"run `make translations` and translate: {missing[:20]}"
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated in {locale}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {locale}: {fuzzy[:20]}"
    # Placeholders must survive translation, or formatting fails at run time.
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert sorted(_placeholders(message.id)) == sorted(_placeholders(message.string)), message.id

    # The committed .mo is what the .po compiles to.
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as f:
        committed = read_mo(f)
    fresh = read_mo(compiled)
    assert _messages(fresh) == _messages(committed), "messages.mo is stale: run `make translations`"


def _messages(catalog) -> dict:
    as_key = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value  # noqa: E731
    return {as_key(m.id): as_key(m.string) for m in catalog if m.id}


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\(\w+\)s", text or "")


def _use_french(app, user):
    with app.app_context():
        db.session.get(User, user.id).locale = "fr"
        db.session.commit()


def test_member_who_chose_french_reads_and_writes_in_french(app, client, world):
    _use_french(app, world.member)
    sign_in(client, world.member)
    doc = world.document.id
    page = client.get(f"/documents/{doc}/versions/1").get_data(as_text=True)
    assert 'lang="fr"' in page
    assert "Sélectionnez des mots d’une clause pour les annoter." in page
    assert "Se déconnecter" in page
    assert "Sample recommendations" in page and "Strong encryption should be protected." in page  # user text as written
    with app.app_context():
        version_id = db.session.scalar(select(Version.id).where(Version.document_id == doc))
        key = db.session.scalar(select(Clause.key).where(Clause.version_id == version_id, Clause.text != ""))
    clause_page = client.get(f"/documents/{doc}/versions/1/clauses/{key}").get_data(as_text=True)
    assert "Publier le commentaire" in clause_page and "Amendement proposé" in clause_page

    # A form error in French.
    response = client.post("/account/password", data={"current": "x", "password": "abcdefghijkl", "confirm": "other",
                                                      "csrf_token": csrf_token(client, "/account")})
    assert "Les mots de passe diffèrent." in response.get_data(as_text=True)
    # An error page in French.
    assert "Page introuvable" in client.get("/documents/999999/versions/1").get_data(as_text=True)


def test_ballot_and_tally_in_french_with_french_numbers(app, client, world):
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import open_round

    with app.app_context():
        version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
        round_ = open_round(db.session.get(User, world.chair.id), version, scope="document", rule="each_group",
                            threshold="majority", quorum="1/2")
        positions = {"government": ["endorse", "endorse"], "civil_society": ["endorse", "endorse"],
                     "private_sector": ["endorse", "object"], "academia": ["endorse", "endorse"]}
        for sector, choices in positions.items():
            for user, choice in zip(world.members[sector], choices):
                take_position(db.session.get(User, user.id), round_, clause_id=None, position=choice,
                              statement="Non." if choice == "object" else None)
        db.session.commit()
        round_id = round_.id
    _use_french(app, world.member)
    sign_in(client, world.member)
    ballot = client.get(f"/rounds/{round_id}/ballot").get_data(as_text=True)
    assert "Enregistrer mes positions" in ballot and "Approuver avec réserves" in ballot
    tally = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Carte du consensus" in tally
    assert "50\u00a0% · 1 sur 2" in tally and "100\u00a0% · 2 sur 2" in tally, "shares in French typography"


def test_anonymous_reader_gets_the_browsers_language(client, world):
    page = client.get(f"/documents/{world.document.id}/versions/1", headers={"Accept-Language": "es-ES,es;q=0.9"})
    text = page.get_data(as_text=True)
    assert 'lang="es"' in text and "Iniciar sesión" in text
    assert "Sample recommendations" in text
    english = client.get(f"/documents/{world.document.id}/versions/1", headers={"Accept-Language": "de"})
    assert "Sign in" in english.get_data(as_text=True)


def test_service_refusals_reach_a_french_member_in_french(app, client, world):
    """A service says no in English templates; the page, the ballot and the JSON API show it in the reader's
    language, numbers written the French way, while the API's `code` and `field` stay as they are."""
    from babel.numbers import format_decimal

    from deliberation.models import RoundItem
    from deliberation.sanitize import MAX_BODY_CHARS
    from deliberation.services.rounds import open_round

    with app.app_context():
        version = db.session.scalar(select(Version).where(Version.document_id == world.document.id))
        round_ = open_round(db.session.get(User, world.chair.id), version, scope="document", rule="each_group",
                            threshold="majority", quorum="1/2")
        db.session.commit()
        round_id = round_.id
        item_id = db.session.scalar(select(RoundItem.id).where(RoundItem.round_id == round_id))
        clause = db.session.scalar(select(Clause).where(Clause.version_id == version.id, Clause.text != ""))
        clause_id, clause_url = clause.id, f"/documents/{world.document.id}/versions/1/clauses/{clause.key}"
    _use_french(app, world.member)
    sign_in(client, world.member)

    ballot = client.post(f"/rounds/{round_id}/ballot", data={
        f"position-{item_id}": "object", "csrf_token": csrf_token(client, f"/rounds/{round_id}/ballot")})
    assert ballot.status_code == 400 and "Indiquez le motif de votre objection." in ballot.get_data(as_text=True)

    token = csrf_token(client, clause_url)
    empty = client.post(f"{clause_url}/comments", data={"csrf_token": token, "body": "   ", "kind": "comment"})
    assert empty.status_code == 400
    assert "Écrivez d’abord quelque chose : le commentaire est vide." in empty.get_data(as_text=True)

    api = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "x" * (MAX_BODY_CHARS + 1)},
                      headers={"X-CSRFToken": token})
    error = api.get_json()["error"]
    assert api.status_code == 400 and error["code"] == "invalid" and error["field"] == "body"
    assert error["message"] == (f"Un commentaire peut compter au plus {format_decimal(MAX_BODY_CHARS, locale='fr')} "
                                f"caractères (celui-ci en compte {format_decimal(MAX_BODY_CHARS + 1, locale='fr')}).")


def test_service_refusals_stay_english_for_an_english_reader(app, client, world):
    from deliberation.sanitize import MAX_BODY_CHARS

    with app.app_context():
        clause_id = db.session.scalar(select(Clause.id).join(Version).where(
            Version.document_id == world.document.id, Clause.text != ""))
    sign_in(client, world.member)
    response = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "x" * (MAX_BODY_CHARS + 1)},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.get_json()["error"]["message"] == (
        f"A comment can be at most {MAX_BODY_CHARS:,} characters long (this one has {MAX_BODY_CHARS + 1:,}).")


def test_anonymous_visitor_is_asked_to_sign_in_in_their_language(client):
    page = client.get("/account", headers={"Accept-Language": "fr"}, follow_redirects=True)
    assert "Veuillez vous connecter pour voir cette page." in page.get_data(as_text=True)


def test_french_chair_reads_import_errors_in_french(app, client, world):
    _use_french(app, world.chair)
    sign_in(client, world.chair)
    url = f"/groups/{world.group.slug}/import"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "format": "text",
                                      "source": "just some words", "action": "publish"})
    assert response.status_code == 400 and "Aucune clause n’a été reconnue." in response.get_data(as_text=True)
