"""Mentions of the graph's entities by every name form it holds: exact matches first (one compiled
alternation, longest form first), then capitalised words and word pairs the exact pass left, matched
fuzzily (rapidfuzz) to catch misspelt and inflected forms (Shypenko for Shipenko)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import fuzz

from kg.draft.candidates import Mention
from kg.model import Entity

FUZZY_THRESHOLD = 85.0  # Chipenko~Shipenko 87.5, Peressild~Peresild 94.1, Roskosmos~Roscosmos 88.9
MIN_FUZZY_LENGTH = 5  # shorter words match too much by chance
CAPITALISED = re.compile(r"[A-Z][\w’'-]*[\w]")
DIGITS = re.compile(r"[0-9]+")
POSSESSIVE = re.compile(r"(?:’s|'s)\Z")


def name_forms(entities: Mapping[str, Entity]) -> dict[str, str]:
    """Each name form -> the entity it names; a form two entities share names the first by id."""
    forms: dict[str, str] = {}
    for entity_id in sorted(entities):
        for name in entities[entity_id].names:
            forms.setdefault(name.text, entity_id)
    return forms


def exact_mentions(text: str, forms: Mapping[str, str]) -> list[Mention]:
    if not forms:
        return []
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return [Mention(forms[m.group()], m.group(), m.start(), m.end(), m.group(), "name-exact", 1.0)
            for m in pattern.finditer(text)]


def _may_be_variant(surface: str, form: str) -> bool:
    """Not the form itself, not a word derived from it (Russian from Russia), and the same numbers
    (Soyuz MS-18 is another flight than Soyuz MS-19, however alike the names)."""
    if surface == form or surface.startswith(form) or form.startswith(surface):
        return False
    return DIGITS.findall(surface) == DIGITS.findall(form)


def fuzzy_mentions(text: str, forms: Mapping[str, str], taken: list[Mention]) -> list[Mention]:
    """Capitalised words and pairs outside the exact mentions, matched to the capitalised forms of
    as many words; the best score wins, ties broken by the longer span, then form, then entity id."""
    covered = [(m.start, m.end) for m in taken]
    words = [m for m in CAPITALISED.finditer(text) if not any(s < m.end() and m.start() < e for s, e in covered)]
    by_length: dict[int, list[str]] = {}
    for form in forms:
        if form[:1].isupper():
            by_length.setdefault(len(form.split()), []).append(form)
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        spans.append((word.start(), word.end()))
        if i + 1 < len(words) and text[word.end():words[i + 1].start()] == " ":
            spans.append((word.start(), words[i + 1].end()))
    best: list[tuple[float, int, int, int, str]] = []  # (-score, -length, start, end, form)
    for start, end in spans:
        surface = POSSESSIVE.sub("", text[start:end])
        end = start + len(surface)
        if len(surface) < MIN_FUZZY_LENGTH:
            continue
        for form in sorted(by_length.get(len(surface.split()), [])):
            if not _may_be_variant(surface, form):
                continue
            score = fuzz.ratio(surface, form)
            if score >= FUZZY_THRESHOLD:
                best.append((-score, -(end - start), start, end, form))
    found: list[Mention] = []
    for neg_score, _, start, end, form in sorted(best, key=lambda b: (b[0], b[1], b[2], b[4], forms[b[4]])):
        if any(m.start < end and start < m.end for m in found):
            continue
        found.append(Mention(forms[form], text[start:end], start, end, form, "name-fuzzy",
                             round(-neg_score / 100 * 0.8, 2)))
    return found


def find_mentions(text: str, entities: Mapping[str, Entity]) -> list[Mention]:
    """Every mention of a known entity, in text order."""
    forms = name_forms(entities)
    exact = exact_mentions(text, forms)
    return sorted([*exact, *fuzzy_mentions(text, forms, exact)], key=lambda m: (m.start, m.end))
