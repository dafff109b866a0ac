"""Words as the search index sees them: split, lower-cased, accents removed, and stemmed in English,
French or Spanish, so "chiffrés" finds "chiffrement" and "encrypted" finds "encryption".

The same functions prepare the stored text and the query, on both engines: SQLite's FTS5 only stems
English (its porter tokenizer) and PostgreSQL's configurations would differ from it, so we stem in
Python with the Snowball stemmers (`snowballstemmer`) and hand each engine plain, already-stemmed words.
A text's language is guessed from its common words; a query word is stemmed in every language, so it
meets a French comment and an English clause alike.
"""
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

LANGUAGES = ("en", "fr", "es")
_STEMMER_NAMES = {"en": "english", "fr": "french", "es": "spanish"}
# Letters and digits; an underscore or an apostrophe separates words, as FTS5's unicode61 tokenizer does.
WORD = re.compile(r"[^\W_]+")

# The most frequent words of each language: enough to tell the three apart in a sentence, and the words
# a query is made of only by mistake ("the", "de la").
STOP_WORDS = {
    "en": frozenset("a an and are as at be by for from has have in is it its not of on or that the this to was "
                    "were will with which".split()),
    "fr": frozenset("au aux avec ce ces dans de des du elle en est et il ils la le les leur mais ne ou par pas "
                    "pour qui que sa se ses son sont sur un une".split()),
    "es": frozenset("al con de del el en es esta este la las lo los no o para por que se sin su sus un una y "
                    "como".split()),
}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())


def fold(word: str) -> str:
    """Lower case without accents: "Accès" -> "acces". Only letters and digits remain, so a folded word
    can be quoted in any engine's syntax."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, accents kept (the stemmers need them); a "word" of marks
    alone, which folds to nothing, is not one."""
    return [word for word in (match.group().casefold() for match in WORD.finditer(text or "")) if fold(word)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` starts and ends, for snippets."""
    return [match.span() for match in WORD.finditer(text or "")]


@lru_cache(maxsize=8)
def _stemmer(language: str):
    return snowballstemmer.stemmer(_STEMMER_NAMES[language])


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """One lower-case word's stem, folded (the folded word itself when the stemmer leaves nothing)."""
    return fold(_stemmer(language).stemWord(word)) or fold(word)


def stems_in_every_language(word: str) -> tuple[str, ...]:
    """The stems a query word may have in a text of any language, without repeats."""
    found: list[str] = []
    for language in LANGUAGES:
        stemmed = stem(word.casefold(), language)
        if stemmed not in found:
            found.append(stemmed)
    return tuple(found)


def phrase_variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A phrase's words stemmed as a text of each language would be, without repeats."""
    variants: list[tuple[str, ...]] = []
    for language in LANGUAGES:
        stemmed = tuple(stem(word, language) for word in words)
        if stemmed not in variants:
            variants.append(stemmed)
    return variants


def guess_language(tokens: list[str]) -> str:
    """The language whose common words the text uses most; English when none stands out."""
    counts = {language: 0 for language in LANGUAGES}
    for token in tokens[:400]:
        for language in LANGUAGES:
            if token in STOP_WORDS[language]:
                counts[language] += 1
    best = max(LANGUAGES, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] > counts["en"] else "en"


def index_forms(text: str) -> tuple[str, str, str]:
    """(language, stems, folded words) of a text: the two space-separated word lists the engines index."""
    tokens = words(text)
    language = guess_language(tokens)
    return language, " ".join(stem(t, language) for t in tokens), " ".join(fold(t) for t in tokens)
