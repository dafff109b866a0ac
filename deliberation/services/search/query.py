"""Our own small query language, parsed into terms that the engines quote themselves, so nothing a
reader types ever reaches FTS5 or tsquery as syntax:

    lawful access      both words (in any inflection)
    "lawful access"    the phrase
    -encryption        without that word (or -"a phrase")
    encrypt*           words that start with "encrypt"

Everything else is a separator: FTS5 operators (NEAR, AND, ^, column filters "col:") and tsquery
operators (&, |, !, <->) are read as plain words or ignored. Unbalanced quotes close at the end.
"""
from dataclasses import dataclass

from ..errors import Invalid
from .text import ALL_STOP_WORDS, fold, words

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class Term:
    kind: str                # word | phrase | prefix
    words: tuple[str, ...]   # lower case, accents kept (the stemmers need them)
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.negated)


def _pieces(text: str):
    """(negated, quoted, raw) for each whitespace-separated piece or quoted run of the input."""
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = char == "-"
        start = position + 1 if negated else position
        if start < length and text[start] == '"':
            end = text.find('"', start + 1)
            end = length if end == -1 else end
            yield negated, True, text[start + 1:end]
            position = end + 1
            continue
        end = start
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        yield negated, False, text[start:end]
        position = max(end, position + 1)


def _terms_of(negated: bool, quoted: bool, raw: str) -> list[Term]:
    found = words(raw)
    if not found:
        return []
    if quoted:
        return [Term("phrase" if len(found) > 1 else "word", tuple(found), negated)]
    if raw.rstrip().endswith("*") and len(found) == 1:
        if len(fold(found[0])) < MIN_PREFIX_CHARS:
            raise Invalid("A prefix search needs at least %(count)s letters before the *.", field="q",
                          count=MIN_PREFIX_CHARS)
        return [Term("prefix", tuple(found), negated)]
    # "don't" or "state-led" typed without quotes: the parts make one phrase, as they do in the text.
    if len(found) > 1:
        return [Term("phrase", tuple(found), negated)]
    return [Term("word", tuple(found), negated)]


def parse_query(text) -> ParsedQuery:
    """The terms of a query; Invalid with a message a reader understands when nothing can be searched."""
    text = text if isinstance(text, str) else ""
    if len(text) > MAX_QUERY_CHARS:
        raise Invalid("A search can be at most %(limit)s characters long.", field="q", limit=MAX_QUERY_CHARS)
    terms: list[Term] = []
    for negated, quoted, raw in _pieces(text):
        terms.extend(_terms_of(negated, quoted, raw))
    if not terms:
        raise Invalid("Type one or more words to search for.", field="q")
    if len(terms) > MAX_TERMS:
        raise Invalid("Use at most %(limit)s words or phrases in a search.", field="q", limit=MAX_TERMS)
    positive = [term for term in terms if not term.negated]
    if not positive:
        raise Invalid("Say what to look for, not only what to leave out.", field="q")
    # Very common words are left out of an ordinary search ("the", "de", "la") but kept in phrases.
    meaningful = [t for t in terms if t.negated or t.kind != "word" or t.words[0] not in ALL_STOP_WORDS]
    if not any(not term.negated for term in meaningful):
        raise Invalid("That search has only very common words; add a more specific one.", field="q")
    return ParsedQuery(tuple(meaningful))
