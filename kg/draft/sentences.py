"""Where the article's sentences end: a full stop, question or exclamation mark followed by space,
a closing quote or bracket, or the end, and every line end; never the point of a decimal or a time
("4.36 am"), an initial ("J. Smith") or an abbreviation ("Dr.", "a.m.")."""

from __future__ import annotations

import re
from functools import lru_cache

# a full stop after one of these (or after a single capital, an initial) does not end the sentence
ABBREVIATIONS = frozenset("a.m p.m mr mrs ms dr prof st gen col lt sgt capt jr sr vs etc no approx dept est "
                          "inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split())
SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’')\]]|\Z)|\n")


def _ends_sentence(text: str, at: int) -> bool:
    """Whether the stop at text[at] ends a sentence: not a decimal or a time ("4.36 am"), which the
    pattern leaves out, nor an initial ("J. Smith") or an abbreviation ("Dr.", "a.m.")."""
    if text[at] != ".":
        return True
    word = re.search(r"[\w.]*\Z", text[max(0, at - 12):at]).group()  # type: ignore[union-attr]
    return not (re.fullmatch(r"[A-Z]", word) or word.lower() in ABBREVIATIONS)


def ends_at(text: str, at: int) -> bool:
    """Whether text[at] ends a sentence.

    >>> text = "It docked at 4.36 am. Then"
    >>> [i for i in range(len(text)) if ends_at(text, i)] == [text.index("am.") + 2]
    True
    """
    return SENTENCE_END.match(text, at) is not None and _ends_sentence(text, at)


def sentence_ends(text: str) -> list[int]:
    """The offsets of the characters that end sentences, in order.

    >>> text = "It docked at 4.36 am. Dr. J. Smith left at 5 p.m. on Monday. Then"
    >>> [text[:i + 1].rsplit(" ", 1)[-1] for i in sentence_ends(text)]
    ['am.', 'Monday.']
    """
    return list(_ends(text))


@lru_cache(maxsize=4)
def _ends(text: str) -> tuple[int, ...]:
    """sentence_ends, computed once for the few texts drafted last (every rule asks)."""
    return tuple(m.start() for m in SENTENCE_END.finditer(text) if _ends_sentence(text, m.start()))


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: from after the previous end to its own end (included)."""
    ends = _ends(text)
    left = max([i for i in ends if i < start], default=-1) + 1
    rights = [i for i in ends if i >= end]
    return left, rights[0] + 1 if rights else len(text)
