"""The search query language: what readers type becomes quoted terms, never engine syntax."""
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from deliberation.services.errors import Invalid
from deliberation.services.search.engines import PostgreSQLEngine, SQLiteEngine
from deliberation.services.search.query import MAX_QUERY_CHARS, Term, parse_query
from deliberation.services.search.snippets import snippet
from deliberation.services.search.text import fold, guess_language, index_forms, stems_in_every_language, words


def test_words_phrases_exclusions_and_prefixes():
    parsed = parse_query('backdoors "lawful access" -encryption encrypt*')
    assert parsed.terms == (Term("word", ("backdoors",)), Term("phrase", ("lawful", "access")),
                            Term("word", ("encryption",), negated=True), Term("prefix", ("encrypt",)))


@pytest.mark.parametrize("raw", ["NEAR(a b)", "stems: x", "{words} : y", "a^b", "x OR y", "(a", 'say "hello',
                                 "a AND NOT b", "x:* & !y <-> z", "col:value", "'quoted'", "* ^ : -"])
def test_engine_syntax_is_read_as_words(raw):
    try:
        parsed = parse_query(raw)
    except Invalid:
        return
    for term in parsed.terms:
        assert all(word.isalnum() for word in term.words)


def test_an_unbalanced_quote_closes_at_the_end():
    assert parse_query('"lawful access').terms == (Term("phrase", ("lawful", "access")),)


@pytest.mark.parametrize("raw, message", [
    ("", "Type one or more words"), ("   ", "Type one or more words"), ("^ : *", "Type one or more words"),
    ("-encryption", "not only what to leave out"), ("the of and", "only very common words"),
    ("le la les", "only very common words"), ("e*", "at least 2 letters"),
    ("x" * (MAX_QUERY_CHARS + 1), "at most 500 characters"),
    (" ".join(f"w{n}" for n in range(13)), "at most 12 words"),
])
def test_queries_that_say_nothing_get_a_clear_message(raw, message):
    with pytest.raises(Invalid, match=message):
        parse_query(raw)


def test_common_words_are_kept_inside_phrases():
    assert parse_query('"state of the art"').terms[0].words == ("state", "of", "the", "art")


def test_folding_and_stemming_in_three_languages():
    assert fold("Accès") == "acces"
    assert "encrypt" in stems_in_every_language("encryption")
    assert set(stems_in_every_language("chiffrés")) & set(index_forms("le chiffrement des données")[1].split())
    assert set(stems_in_every_language("cifrados")) & set(index_forms("el cifrado de las comunicaciones")[1].split())


def test_language_is_guessed_from_common_words():
    assert guess_language(words("Les États doivent protéger le chiffrement et la vie privée")) == "fr"
    assert guess_language(words("Los Estados deben proteger el cifrado y la privacidad")) == "es"
    assert guess_language(words("States should protect encryption and privacy")) == "en"
    assert guess_language(words("encryption")) == "en"


def test_snippets_escape_the_text_and_mark_only_matches():
    parsed = parse_query("encryption <script>")
    html = snippet("Strong <script>alert(1)</script> encryption & rights", "en", parsed)
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html and "<mark>encryption</mark> &amp; rights" in html


def test_long_texts_are_cut_around_the_first_match():
    body = " ".join(f"word{n}" for n in range(100)) + " backdoor " + " ".join(f"tail{n}" for n in range(100))
    html = snippet(body, "en", parse_query("backdoors"))
    assert html.startswith("… ") and html.endswith(" …") and "<mark>backdoor</mark>" in html


_FTS = sqlite3.connect(":memory:")
_FTS.execute("CREATE VIRTUAL TABLE search_fts USING fts5(stems, words, tokenize = 'unicode61 remove_diacritics 2')")
_FTS.execute("INSERT INTO search_fts VALUES ('lawful access encrypt', 'lawful access encryption')")
_TYPED = st.text(alphabet=st.sampled_from(list('abcé "-*^:(){}NEARORNOT\'&|!<>.,_\\+') + ["\u0301", "½", "ß"]),
                 max_size=60)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_TYPED, st.text(max_size=80)))
def test_no_input_reaches_the_engine_as_syntax(raw):
    """Whatever is typed, either a clear Invalid or an expression FTS5 accepts (no OperationalError)."""
    try:
        parsed = parse_query(raw)
    except Invalid:
        return
    _FTS.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (SQLiteEngine().match(parsed),)).fetchall()
    expression = PostgreSQLEngine().match(parsed)
    assert "\\" not in expression and '"' not in expression
