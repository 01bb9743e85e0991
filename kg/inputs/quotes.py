"""Find a verbatim quote in its source text and say exactly where it is."""

from __future__ import annotations

from collections.abc import Iterable

from kg.model import Span

CONTEXT_CHARS = 32


class QuoteNotFound(Exception):
    pass


class QuoteAmbiguous(Exception):
    def __init__(self, offsets: list[int]) -> None:
        self.offsets = offsets
        super().__init__(offsets)


def occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    start = text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def locate(text: str, quote: str, occurrence: int | None = None) -> Span:
    """The span of `quote` in `text`; `occurrence` (1-based) picks one of several matches."""
    if not quote:
        raise QuoteNotFound()
    offsets = occurrences(text, quote)
    if not offsets:
        raise QuoteNotFound()
    if occurrence is None:
        if len(offsets) > 1:
            raise QuoteAmbiguous(offsets)
        start = offsets[0]
    elif 1 <= occurrence <= len(offsets):
        start = offsets[occurrence - 1]
    else:
        raise QuoteAmbiguous(offsets)
    end = start + len(quote)
    return Span(
        start=start,
        end=end,
        exact=quote,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def closest_passage(text: str, quote: str) -> str:
    """The passage of `text` most like `quote`, to show next to a quote that is not found."""
    import difflib

    if not text or not quote:
        return ""
    width = len(quote)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    last = max(0, len(text) - width)

    def best_in(starts: Iterable[int], best: tuple[float, int]) -> tuple[float, int]:
        for start in starts:
            matcher.set_seq1(text[start : start + width])
            if matcher.real_quick_ratio() <= best[0] or matcher.quick_ratio() <= best[0]:
                continue
            best = max(best, (matcher.ratio(), -start))
        return best

    # a coarse scan, then every offset around the best coarse window
    step = max(1, width // 4)
    ratio, neg_start = best_in(range(0, last + 1, step), (0.0, 0))
    around = range(max(0, -neg_start - step), min(last, -neg_start + step) + 1)
    ratio, neg_start = best_in(around, (ratio, neg_start))
    start = -neg_start
    # the passage may be a little shorter or longer than the quote
    ends = range(max(start + 1, start + width - 4), min(len(text), start + width + 4) + 1)
    scored = []
    for end in ends:
        matcher.set_seq1(text[start:end])
        scored.append((matcher.ratio(), -abs(end - start - width), end))
    _, _, end = max(scored)
    return text[start:end].strip()
