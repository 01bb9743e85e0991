"""Quantities with a unit the facts format knows (kg.model.UNITS), on a property whose range is a
quantity: a person's height ("his height of 1.9 metres", "Peresild, 1.68 m tall")."""

from __future__ import annotations

import re
from decimal import Decimal

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.kinds import PERSON, Kinds
from kg.draft.quoting import quote_at, widen
from kg.draft.sentences import sentence_around
from kg.model import UNITS

# the article's spellings of a unit -> its key in kg.model.UNITS
UNIT_WORDS = {"m": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "cm": "cm", "centimetre": "cm",
              "centimetres": "cm", "centimeter": "cm", "centimeters": "cm"}
AMOUNT = r"([0-9]+(?:\.[0-9]+)?) ?(" + "|".join(sorted(UNIT_WORDS, key=len, reverse=True)) + r")(?![\w-])"
HEIGHT = re.compile(rf"(?<!\w)(?:height of|stands|standing) {AMOUNT}|(?<![\w.]){AMOUNT} tall(?!\w)")


def heights(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """schema:height of the last person the sentence names before the amount."""
    assert set(UNIT_WORDS.values()) <= set(UNITS)
    found = []
    for match in HEIGHT.finditer(text):
        amount, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        left, _ = sentence_around(text, *match.span())
        people = [m for m in kinds.of(mentions, PERSON) if left <= m.start and m.end <= match.start()]
        if not people:
            continue
        value = {"amount": str(Decimal(amount)), "unit": UNIT_WORDS[unit]}
        found.append(ClaimCandidate(people[-1].entity, "schema:height", value,
                                    quote_at(text, *widen(text, people[-1].start, match.end(), 0)), "height", 0.7))
    return found
