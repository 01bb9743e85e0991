"""Quotes for candidates: a span of the article, checked with the locator every build uses."""

from __future__ import annotations

from kg.draft.candidates import Quote
from kg.draft.sentences import ends_at
from kg.errors import InputError
from kg.inputs.quotes import closest_passage, locate, occurrences


def quote_at(text: str, start: int, end: int) -> Quote:
    """The quote text[start:end], with the occurrence that makes kg.inputs.quotes.locate find this
    very span; an assertion guards that the draft never cites a span the build would not find."""
    exact = text[start:end]
    offsets = occurrences(text, exact)
    occurrence = offsets.index(start) + 1 if len(offsets) > 1 else None
    span = locate(text, exact, occurrence)
    assert (span.start, span.end) == (start, end), (exact, start, span.start)
    return Quote(exact, start, end, occurrence)


def widen(text: str, start: int, end: int, words: int = 2) -> tuple[int, int]:
    """start, end widened by up to `words` words on each side, within the sentence and line (the
    point of "4.36 am" or "Dr." is inside a word, kg.draft.sentences).

    >>> text = "Soyuz MS-99 docked at 4.36 am on October 5. The crew slept."
    >>> start = text.index("on October")
    >>> left, right = widen(text, start, start + len("on October 5"))
    >>> text[left:right]
    '4.36 am on October 5'
    """
    def stop(i: int) -> bool:
        return ends_at(text, i)

    left = start
    for _ in range(words):
        i = left - 1
        while i >= 0 and text[i] == " ":
            i -= 1
        if i < 0 or stop(i):
            break
        while i >= 0 and not text[i].isspace() and not stop(i):
            i -= 1
        left = i + 1
    right = end
    for _ in range(words):
        i = right
        while i < len(text) and text[i] == " ":
            i += 1
        if i >= len(text) or stop(i):
            break
        while i < len(text) and not text[i].isspace() and not stop(i):
            i += 1
        right = i
    return left, right


class QuoteNotInArticle(InputError):
    """A curator's quote that is not, character for character, in the article."""


def relocate(text: str, quote: str, near: int = 0) -> Quote:
    """`quote` located in the article `text` (the occurrence nearest offset `near` when it is there
    several times), as quote_at locates it; a quote the article does not hold is refused, naming
    the passage most like it."""
    offsets = occurrences(text, quote) if quote else []
    if not offsets:
        passage = closest_passage(text, quote)
        hint = f"; the closest passage is {passage!r}" if passage else ""
        raise QuoteNotInArticle(f"the quote {quote!r} is not in the article (a quote is its exact words){hint}")
    start = min(offsets, key=lambda o: (abs(o - near), o))
    return quote_at(text, start, start + len(quote))
