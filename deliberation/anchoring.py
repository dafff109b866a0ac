"""Anchor annotations to quoted ranges of a clause and find them again after the text changes.

A target is a W3C selector pair: a TextQuoteSelector (the quote plus up to CONTEXT_CHARS of context
either side) and a TextPositionSelector (offsets). `resolve_selector` applies DOMAIN.md section 4:
position, then exact quote (context picks among repeats), then a fuzzy search, else orphaned. It
prefers orphaning to guessing: an annotation must never silently move to a lookalike sentence.

The fuzzy search is Myers' bit-parallel k-differences algorithm (Python ints as bit vectors), the
same approach as Hypothesis's client (`match-quote` over `approx-string-match`): one pass over the
text finds the ends of spans within the error budget, a reverse pass from each end finds its start.
"""
from __future__ import annotations

from dataclasses import dataclass
from .numbers import whole_number

CONTEXT_CHARS = 32
MAX_QUOTE_CHARS = 2000
MAX_ERROR_BUDGET = 256

QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
_TOTAL_WEIGHT = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT

# With its context intact, any span within the error budget (half the quote) scores 0.71 or more, so
# a reworded quote stays put, and a moved sentence that kept some context passes (about 0.77). With
# all context gone even a near-verbatim quote (about 0.6) is orphaned, as a lookalike (0.55) must be.
FUZZY_THRESHOLD = 0.7
# Two candidates at different places closer than this are a coin toss, so the annotation is orphaned.
# A whole context changing moves a score by about 0.15 and one wrong word in a 40-character quote by
# about 0.06; 0.05 only calls a tie what the evidence cannot separate.
AMBIGUITY_MARGIN = 0.05
# Among repeats of an exact quote, the best context must be at least this similar, or we would be
# guessing: unrelated 32-character contexts are 0.1-0.4 similar, one with a few edits 0.8 or more.
CONTEXT_CONFIRMS = 0.5
# Beyond this many plausible fuzzy spans the quote is too common to place with any confidence.
MAX_FUZZY_CANDIDATES = 100


class SelectorError(ValueError):
    """Invalid selector input; the message can be shown to the user."""


@dataclass(frozen=True)
class Selector:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    def to_w3c(self) -> list[dict]:
        return [
            {"type": "TextQuoteSelector", "exact": self.exact, "prefix": self.prefix, "suffix": self.suffix},
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


@dataclass(frozen=True)
class Anchor:
    status: str  # "exact" | "fuzzy" | "orphaned"
    selector: Selector | None
    score: float | None


ORPHANED = Anchor("orphaned", None, None)


def make_selector(text: str, start: int, end: int) -> Selector:
    """The selector pair for text[start:end], with up to CONTEXT_CHARS of context on each side."""
    if not 0 <= start < end <= len(text):
        raise SelectorError("The quote's position is outside this clause.")
    exact = text[start:end]
    if not exact.strip():
        raise SelectorError("Select some text to quote, not only spaces.")
    prefix = text[max(0, start - CONTEXT_CHARS):start]
    return Selector(exact, prefix, text[end:end + CONTEXT_CHARS], start, end)


def selector_from_input(text: str, data: dict) -> Selector:
    """Validate {exact, prefix?, suffix?, start?, end?} from a form or the API against the clause text.

    The returned selector is recomputed from the text, so its context is always the clause's own.
    """
    if not isinstance(data, dict):
        raise SelectorError("A selector must be an object with at least an 'exact' quote.")
    exact = data.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        raise SelectorError("Select some text to quote, not only spaces.")
    if len(exact) > MAX_QUOTE_CHARS:
        raise SelectorError(f"A quote can be at most {MAX_QUOTE_CHARS} characters long.")
    prefix = _text_input(data, "prefix")[-CONTEXT_CHARS:]
    suffix = _text_input(data, "suffix")[:CONTEXT_CHARS]
    start, end = _offset_input(data, "start"), _offset_input(data, "end")
    if (start is None) != (end is None):
        raise SelectorError("Give both the start and the end of the quote, or neither.")
    if start is not None:
        if start >= end:
            raise SelectorError("The start of the quote must come before its end.")
        if end > len(text):
            raise SelectorError("The quote's position is outside this clause.")
        if text[start:end] == exact:
            return make_selector(text, start, end)
    occurrences = _find_all(text, exact)
    if not occurrences:
        raise SelectorError("The quoted text is not in this clause.")
    hint = Selector(exact, prefix, suffix, start or 0, end or len(exact))
    best = _best_occurrence(hint, text, occurrences)
    if best is None:
        raise SelectorError("The quoted text appears more than once in this clause; select it again.")
    return make_selector(text, best.start, best.end)


def resolve_selector(selector: Selector, text: str) -> Anchor:
    """Find the selector's quote in `text` (the same clause text or its successor); see module doc."""
    exact = selector.exact
    if not text or not exact.strip():
        return ORPHANED
    if 0 <= selector.start < selector.end <= len(text) and text[selector.start:selector.end] == exact:
        return Anchor("exact", make_selector(text, selector.start, selector.end), None)
    occurrences = _find_all(text, exact)
    if occurrences:
        best = _best_occurrence(selector, text, occurrences)
        return ORPHANED if best is None else Anchor("exact", make_selector(text, best.start, best.end), None)
    best = _best_fuzzy_match(selector, text)
    if best is None or not text[best.start:best.end].strip():
        return ORPHANED
    start, end = _widen_to_words(selector, text, best.start, best.end)
    return Anchor("fuzzy", make_selector(text, start, end), round(best.score, 3))


# --- input parsing -------------------------------------------------------------------------------

def _text_input(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SelectorError(f"The quote's {key} must be text.")
    return value


def _offset_input(data: dict, key: str) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    number = whole_number(value)
    if number is not None:
        return number
    raise SelectorError(f"The quote's {key} must be a whole number, zero or more.")


# --- scoring candidates --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    context: float   # prefix/suffix similarity, a missing context counting as a match
    evidence: float  # the same over the contexts the selector actually has (0 if none)
    score: float     # the weighted score of DOMAIN.md section 4, 0..1


def _score(selector: Selector, text: str, start: int, end: int, quote_similarity: float) -> _Candidate:
    before = _similarity(selector.prefix, text[max(0, start - len(selector.prefix)):start])
    after = _similarity(selector.suffix, text[end:end + len(selector.suffix)])
    known = [s for s in (before, after) if s is not None]
    before, after = (1.0 if before is None else before), (1.0 if after is None else after)
    closeness = 1 - min(1.0, abs(start - selector.start) / len(text))
    score = (QUOTE_WEIGHT * quote_similarity + PREFIX_WEIGHT * before + SUFFIX_WEIGHT * after
             + POSITION_WEIGHT * closeness) / _TOTAL_WEIGHT
    evidence = sum(known) / len(known) if known else 0.0
    return _Candidate(start, end, (before + after) / 2, evidence, score)


def _similarity(expected: str, actual: str) -> float | None:
    if not expected:
        return None  # no context recorded (the quote touched the clause's edge): no evidence either way
    if expected == actual or not actual:
        return float(expected == actual)
    return 1 - _edit_distances(expected, actual, anchored=True)[-1] / len(expected)


def _runner_up(best: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
    """The best candidate at a place that does not overlap `best` (candidates sorted best first)."""
    return next((c for c in candidates if c.end <= best.start or c.start >= best.end), None)


def _best_occurrence(selector: Selector, text: str, starts: list[int]) -> _Candidate | None:
    """The exact occurrence whose context matches best, ties going to the one nearest the old start.

    None when there are several and the context confirms none of them.
    """
    if len(starts) == 1:
        return _Candidate(starts[0], starts[0] + len(selector.exact), 1.0, 1.0, 1.0)
    candidates = [_score(selector, text, s, s + len(selector.exact), 1.0) for s in starts]
    best = min(candidates, key=lambda c: (-c.context, abs(c.start - selector.start)))
    return best if best.evidence >= CONTEXT_CONFIRMS else None


def _best_fuzzy_match(selector: Selector, text: str) -> _Candidate | None:
    """The best span within the error budget; None below FUZZY_THRESHOLD or when two places tie."""
    quote, length = selector.exact, len(selector.exact)
    budget = min(MAX_ERROR_BUDGET, length // 2)
    if budget == 0:
        return None
    distances = _edit_distances(quote, text, anchored=False)
    last = len(distances) - 1
    ends = [  # local minima only: the neighbours of a match are the same match with an extra edit
        (d, j + 1) for j, d in enumerate(distances)
        if d <= budget and (j == 0 or distances[j - 1] >= d) and (j == last or distances[j + 1] > d)
    ]
    ends.sort(key=lambda de: (de[0], abs(de[1] - selector.end)))
    candidates: list[_Candidate] = []
    top = 0.0  # best score so far
    for distance, end in ends:
        quote_similarity = 1 - distance / length
        best_possible = (QUOTE_WEIGHT * quote_similarity + _TOTAL_WEIGHT - QUOTE_WEIGHT) / _TOTAL_WEIGHT
        if best_possible < max(top, FUZZY_THRESHOLD) - AMBIGUITY_MARGIN:
            break  # sorted by distance: no later span can win or tie with the best
        if len(candidates) == MAX_FUZZY_CANDIDATES:
            return None
        start = _match_start(quote, text, end, budget)
        candidates.append(_score(selector, text, start, end, quote_similarity))
        top = max(top, candidates[-1].score)
    if not candidates:
        return None
    candidates.sort(key=lambda c: -c.score)
    best, second = candidates[0], _runner_up(candidates[0], candidates[1:])
    if best.score < FUZZY_THRESHOLD or (second and best.score - second.score < AMBIGUITY_MARGIN):
        return None
    return best


def _widen_to_words(selector: Selector, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy span cut inside a word to the whole word, unless the old quote was cut there too."""
    if not (selector.prefix[-1:].isalnum() and selector.exact[:1].isalnum()):
        while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
    if not (selector.exact[-1:].isalnum() and selector.suffix[:1].isalnum()):
        while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
    return start, end


# --- string matching -----------------------------------------------------------------------------

def _find_all(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of quote in text, overlapping ones included."""
    starts, at = [], text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def _match_start(quote: str, text: str, end: int, budget: int) -> int:
    """The start of the closest match of quote ending at `end`: a search backwards from the end."""
    window = text[max(0, end - len(quote) - budget):end][::-1]
    distances = _edit_distances(quote[::-1], window, anchored=True)
    # the span with the fewest edits; among equals the one whose length is nearest the quote's
    length = min(range(1, len(window) + 1), key=lambda n: (distances[n - 1], abs(n - len(quote))))
    return end - length


def _edit_distances(pattern: str, text: str, anchored: bool) -> list[int]:
    """Levenshtein distance from `pattern` to text[s:j+1] for each j (Myers 1999, bit-parallel).

    anchored=False: the smallest over all starts s (approximate search); True: s = 0 (plain distance).
    Bit i of `plus`/`minus` is the vertical delta at pattern row i. Bits above the pattern hold garbage
    that no operation carries down, so only `plus` is masked: this loop is the fuzzy search's hot path.
    """
    mask = (1 << len(pattern)) - 1
    high = 1 << (len(pattern) - 1)
    equal: dict[str, int] = {}
    for i, char in enumerate(pattern):
        equal[char] = equal.get(char, 0) | (1 << i)
    top_row_step = 1 if anchored else 0  # row 0 is 0, 1, 2... when anchored, all zeros when searching
    plus, minus, score = mask, 0, len(pattern)
    distances: list[int] = []
    append, lookup = distances.append, equal.get
    for char in text:
        eq = lookup(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        h_plus = minus | ~(xh | plus)
        h_minus = plus & xh
        if h_plus & high:
            score += 1
        elif h_minus & high:
            score -= 1
        h_plus = (h_plus << 1) | top_row_step
        plus = ((h_minus << 1) | ~(xv | h_plus)) & mask
        minus = h_plus & xv
        append(score)
    return distances
