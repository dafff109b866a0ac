"""Snippets: a window of the stored plain text around the first match, escaped, with the matching
words wrapped in <mark>. Built in Python from the text we stored (never an engine's HTML output), so
the only markup in a snippet is ours."""
from markupsafe import Markup, escape

from .query import ParsedQuery
from .text import fold, stem, stems_in_every_language, word_spans

SNIPPET_WORDS = 32
LEAD_WORDS = 8


def _wanted(parsed: ParsedQuery) -> tuple[set[str], tuple[str, ...]]:
    stems: set[str] = set()
    prefixes: list[str] = []
    for term in parsed.positive:
        if term.kind == "prefix":
            prefixes.append(fold(term.words[0]))
        else:
            for word in term.words:
                stems.update(stems_in_every_language(word))
    return stems, tuple(prefixes)


def _is_match(word: str, language: str, stems: set[str], prefixes: tuple[str, ...]) -> bool:
    return stem(word.casefold(), language) in stems or bool(prefixes and fold(word).startswith(prefixes))


def snippet(body: str, language: str, parsed: ParsedQuery) -> Markup:
    spans = word_spans(body)
    if not spans:
        return Markup("")
    stems, prefixes = _wanted(parsed)
    marked = [_is_match(body[a:b], language, stems, prefixes) for a, b in spans]
    first = marked.index(True) if True in marked else 0
    start = max(0, first - LEAD_WORDS)
    stop = min(len(spans), start + SNIPPET_WORDS)
    parts = ["… " if start > 0 else ""]
    cursor = spans[start][0]
    for index in range(start, stop):
        a, b = spans[index]
        word = str(escape(body[a:b]))
        parts += [str(escape(body[cursor:a])), f"<mark>{word}</mark>" if marked[index] else word]
        cursor = b
    parts.append(" …" if stop < len(spans) else str(escape(body[cursor:])))
    return Markup(" ".join("".join(parts).split()))
