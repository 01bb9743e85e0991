"""Mentions of the graph's entities by every name form it holds: exact matches first (one compiled
alternation, longest form first), then capitalised words and word pairs the exact pass left, matched
fuzzily (rapidfuzz) to catch misspelt and inflected forms (Shypenko for Shipenko)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping

from rapidfuzz import fuzz, process

from kg.draft.candidates import Mention
from kg.draft.kinds import OCCUPATION, PERSON, ROLE, Kinds
from kg.model import Entity
from kg.namespaces import SCHEMA

FUZZY_THRESHOLD = 85.0  # Chipenko~Shipenko 87.5, Peressild~Peresild 94.1, Roskosmos~Roscosmos 88.9
MIN_FUZZY_LENGTH = 5  # shorter words match too much by chance
CAPITALISED = re.compile(r"[A-Z][\w’'-]*[\w]")
DIGITS = re.compile(r"[0-9]+")
POSSESSIVE = re.compile(r"(?:’s|'s)\Z")


def known_names(entities: Mapping[str, Entity], entity_id: str) -> set[str]:
    return {n.text for n in entities[entity_id].names}


def name_forms(entities: Mapping[str, Entity]) -> dict[str, str]:
    """Each name form -> the entity it names; a form two entities share names the first by id."""
    forms: dict[str, str] = {}
    for entity_id in sorted(entities):
        for name in entities[entity_id].names:
            forms.setdefault(name.text, entity_id)
    return forms


WORD = re.compile(r"\w")
PREFIX = 4  # forms are indexed by their first PREFIX characters (a shorter form by itself)


def exact_mentions(text: str, forms: Mapping[str, str]) -> list[Mention]:
    r"""What `(?<!\w)(?:form|…)(?!\w)`, longest form first, finds in `text`, found through an index
    of the forms by their first characters: one dict lookup per position rather than one regular
    expression of every form (slow to compile and to run over tens of thousands of forms)."""
    if not forms:
        return []
    index: dict[str, list[str]] = {}
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        index.setdefault(form[:PREFIX], []).append(form)
    found: list[Mention] = []
    i, size = 0, len(text)
    while i < size:
        if i > 0 and WORD.match(text, i - 1):
            i += 1
            continue
        match = None
        for k in range(PREFIX, 0, -1):  # longer prefixes hold the longer forms
            for form in index.get(text[i:i + k], ()):
                end = i + len(form)
                if (k < PREFIX or text.startswith(form, i)) and not (end < size and WORD.match(text, end)):
                    match = form
                    break
            if match is not None:
                break
        if match is None:
            i += 1
            continue
        found.append(Mention(forms[match], match, i, i + len(match), match, "name-exact", 1.0))
        i += len(match)
    return found


def _may_be_variant(surface: str, form: str) -> bool:
    """Not the form itself, not a word derived from it (Russian from Russia), and the same numbers
    (Soyuz MS-18 is another flight than Soyuz MS-19, however alike the names)."""
    if surface == form or surface.startswith(form) or form.startswith(surface):
        return False
    return DIGITS.findall(surface) == DIGITS.findall(form)


class FormIndex:
    """The capitalised name forms by word count, then length: fuzz.ratio is at most
    200·min(a, b)/(a + b), so a surface of length n is compared (rapidfuzz.process, in C) only with
    the forms whose length can reach the threshold, not with every form in a Python loop."""

    def __init__(self, forms: Iterable[str]) -> None:
        self.by_words: dict[int, dict[int, list[str]]] = {}
        for form in sorted(forms):
            if form[:1].isupper():
                self.by_words.setdefault(len(form.split()), {}).setdefault(len(form), []).append(form)

    def near(self, surface: str) -> list[str]:
        lengths = self.by_words.get(len(surface.split()), {})
        n, ratio = len(surface), FUZZY_THRESHOLD / 100
        low, high = math.floor(n * ratio / (2 - ratio)), math.ceil(n * (2 - ratio) / ratio)  # a margin of one
        return [form for length in range(max(low, 0), high + 1) for form in lengths.get(length, ())]

    def scores(self, surface: str) -> list[tuple[str, float]]:
        """Every form scoring FUZZY_THRESHOLD or more against `surface`, with its score."""
        choices = self.near(surface)
        if not choices:
            return []
        found = process.extract(surface, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None)
        return [(form, score) for form, score, _ in found]


def fuzzy_mentions(text: str, forms: Mapping[str, str], taken: list[Mention]) -> list[Mention]:
    """Capitalised words and pairs outside the exact mentions, matched to the capitalised forms of
    as many words; the best score wins, ties broken by the longer span, then form, then entity id.
    A pair may hold one exact mention of a one-word form when the pair matches a longer form of the
    same entity ("Yuliya Peresild" around the known "Peresild"): that mention is replaced."""
    one_word = {(m.start, m.end): m.entity for m in taken if " " not in m.form}
    covered = [(m.start, m.end) for m in taken]
    words = [m for m in CAPITALISED.finditer(text)
             if (m.start(), m.end()) in one_word or not any(s < m.end() and m.start() < e for s, e in covered)]
    index = FormIndex(forms)
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        spans.append((word.start(), word.end()))
        if i + 1 < len(words) and text[word.end():words[i + 1].start()] == " ":
            spans.append((word.start(), words[i + 1].end()))
    best: list[tuple[float, int, int, int, str]] = []  # (-score, -length, start, end, form)
    for start, end in spans:
        surface = POSSESSIVE.sub("", text[start:end])
        end = start + len(surface)
        inside = [entity for (s, e), entity in one_word.items() if start <= s and e <= end]
        if len(surface) < MIN_FUZZY_LENGTH or (inside and " " not in surface):
            continue
        for form, score in index.scores(surface):
            if _may_be_variant(surface, form) and all(entity == forms[form] for entity in inside):
                best.append((-score, -(end - start), start, end, form))
    found: list[Mention] = []
    for neg_score, _, start, end, form in sorted(best, key=lambda b: (b[0], b[1], b[2], b[4], forms[b[4]])):
        if any(m.start < end and start < m.end for m in found):
            continue
        found.append(Mention(forms[form], text[start:end], start, end, form, "name-fuzzy",
                             round(-neg_score / 100 * 0.8, 2)))
    return found


def surnames(forms: Mapping[str, str], is_person: Callable[[str], bool]) -> dict[str, str]:
    """The last word of each person's name of two or more words ("Kalachev" of "Konstantin
    Kalachev"), when it names one person and is not a form itself: a later mention by surname.

    >>> people = {"k", "a", "s"}
    >>> surnames({"Konstantin Kalachev": "k", "Anna Kalachev": "a", "Klim Shipenko": "s"}, people.__contains__)
    {'Shipenko': 's'}
    """
    found: dict[str, set[str]] = {}
    for form, entity in forms.items():
        words = form.split()
        if is_person(entity) and len(words) > 1 and words[-1][:1].isupper():
            found.setdefault(words[-1], set()).add(entity)
    return {word: next(iter(people)) for word, people in sorted(found.items())
            if len(people) == 1 and word not in forms and len(word) >= MIN_FUZZY_LENGTH}


# a place's or organisation's last word that the article may leave out ("in Baikonur" for the
# Baikonur Cosmodrome)
CLASS_WORDS = frozenset({"Airport", "Cosmodrome", "Spaceport", "University"})


def without_class_word(forms: Mapping[str, str]) -> dict[str, str]:
    """A form of two or more words ending in a class word, without it, when that names one entity
    and is not a form itself: a later, shorter mention.

    >>> without_class_word({"Baikonur Cosmodrome": "place/b", "Vostochny Cosmodrome": "place/v", "Vostochny": "city/v"})
    {'Baikonur': 'place/b'}
    """
    found: dict[str, set[str]] = {}
    for form, entity in forms.items():
        head, _, last = form.rpartition(" ")
        if last in CLASS_WORDS and head[:1].isupper():
            found.setdefault(head, set()).add(entity)
    return {head: next(iter(named)) for head, named in sorted(found.items())
            if len(named) == 1 and head not in forms and len(head) >= MIN_FUZZY_LENGTH}


def casefold_mentions(text: str, forms: Mapping[str, str], taken: list[Mention],
                      is_label: Callable[[str], bool]) -> list[Mention]:
    """Forms of two or more words matched whatever their capitals, outside the mentions taken: a
    title whose first letter agrees ("The challenge" for The Challenge), and any capitals for an
    entity named by a phrase whose capitals vary (`is_label`: a role or an occupation, "Deputy
    Prime Minister" for deputy prime minister).

    >>> text = "the challenge is The challenge"
    >>> [(m.form, m.known_form, m.rule) for m in casefold_mentions(text, {"The Challenge": "film/c"}, [], lambda e: False)]
    [('The challenge', 'The Challenge', 'name-case')]
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would not agree
        return []
    folded: dict[str, str] = {}
    originals: dict[str, str] = {}
    for form in sorted(forms):
        if " " in form and (form.lower() == form or form.lower() not in forms):
            folded.setdefault(form.lower(), forms[form])
            originals.setdefault(form.lower(), form)
    found = []
    for m in exact_mentions(lowered, folded):
        surface, form = text[m.start:m.end], originals[m.form]
        if surface in forms or any(t.start < m.end and m.start < t.end for t in taken):
            continue
        if surface[0].isupper() == form[0].isupper() or is_label(m.entity):
            found.append(Mention(m.entity, surface, m.start, m.end, form, "name-case", 0.8))
    return found


QUOTED = re.compile(r"[\"“]([A-Z][^\"“”\n]{0,80}?)[,.]?[\"”]")


def quoted_title_mentions(text: str, forms: Mapping[str, str], taken: list[Mention]) -> list[Mention]:
    """A title in quotation marks without its article ("Challenge" for The Challenge), outside
    the mentions taken.

    >>> [(m.form, m.known_form) for m in quoted_title_mentions('the movie "Challenge".', {"The Challenge": "film/c"}, [])]
    [('Challenge', 'The Challenge')]
    """
    found = []
    for match in QUOTED.finditer(text):
        title = match.group(1)
        form = next((f"{article} {title}" for article in ("The", "A", "An") if f"{article} {title}" in forms), None)
        start, end = match.span(1)
        if form is not None and title not in forms and not any(t.start < end and start < t.end for t in taken):
            found.append(Mention(forms[form], title, start, end, form, "name-quoted-title", 0.8))
    return found


TOKEN = re.compile(r"[\w’'-]+")
JOINT = re.compile(r"[:,]? ")  # between two words of a name: "Mission: Impossible"
MAX_REORDERED = 4  # words


def _words_key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(w.casefold() for w in words))


def reordered_mentions(text: str, forms: Mapping[str, str], taken: list[Mention]) -> list[Mention]:
    """A known name of two to four words with the same words in another order or joined otherwise,
    capitalised first, outside the mentions taken: a title as a translation words it ("Impossible
    mission" for Mission: Impossible), a name family name first ("Tanaka Hiro" for Hiro Tanaka).
    Only a set of words one entity's names hold.

    >>> forms = {"Mission: Impossible": "work/m", "Hiro Tanaka": "person/h"}
    >>> text = "the Impossible mission saga; Tanaka Hiro; an impossible mission; Mission Control; Hiro Tanaka"
    >>> [(m.form, m.known_form, m.rule) for m in reordered_mentions(text, forms, [])]
    [('Impossible mission', 'Mission: Impossible', 'name-reordered'), ('Tanaka Hiro', 'Hiro Tanaka', 'name-reordered')]
    """
    keys: dict[tuple[str, ...], set[str]] = {}
    form_of: dict[tuple[str, ...], str] = {}
    for form, entity in sorted(forms.items()):
        words = TOKEN.findall(form)
        if 2 <= len(words) <= MAX_REORDERED and len(set(w.casefold() for w in words)) == len(words):
            keys.setdefault(_words_key(words), set()).add(entity)
            form_of.setdefault(_words_key(words), form)
    if not keys:
        return []
    tokens = list(TOKEN.finditer(text))
    found: list[Mention] = []
    for i, first in enumerate(tokens):
        if not first.group()[0].isupper():
            continue
        for n in range(MAX_REORDERED, 1, -1):
            run = tokens[i:i + n]
            if len(run) < n or not all(JOINT.fullmatch(text, a.end(), b.start()) for a, b in zip(run, run[1:])):
                continue
            key = _words_key(t.group() for t in run)
            start, end = first.start(), run[-1].end()
            surface = text[start:end]
            if key not in keys or len(keys[key]) > 1 or surface in forms or \
                    any(m.start < end and start < m.end for m in [*taken, *found]):
                continue
            found.append(Mention(next(iter(keys[key])), surface, start, end, form_of[key], "name-reordered", 0.7))
            break
    return found


# a noun of a person by what they do: "astronaut", "analyst", "director", "cameraman", "historian"
AGENT = r"[a-z]{3,}(?:ist|yst|naut|man|woman|er|or|ian)"
AGENT_NOUN = re.compile(AGENT)


def label_like(label: str, labels: Iterable[str]) -> str | None:
    """The first of `labels` (phrases of two words or more) that shares its first or its last word
    with `label` (case aside): another wording of the same role or job ("veteran Russian
    astronaut" of "veteran cosmonaut", "political analyst" of "political scientist").

    >>> label_like("veteran Russian astronaut", ["seasoned cosmonaut", "veteran cosmonaut"])
    'veteran cosmonaut'
    >>> label_like("former astronaut", ["veteran cosmonaut"]) is None
    True
    >>> label_like("film director", ["film crew"]) is None  # a first word alone: two nouns of people
    True
    """
    words = label.casefold().split()
    for other in labels:
        theirs = other.casefold().split()
        if len(words) < 2 or len(theirs) < 2:
            continue
        if words[-1] == theirs[-1] or words[0] == theirs[0] and AGENT_NOUN.fullmatch(words[-1]) \
                and AGENT_NOUN.fullmatch(theirs[-1]):
            return other
    return None


HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Dr|Prof)\. \Z")


def longer_forms(text: str, mentions: list[Mention], entities: Mapping[str, Entity],
                 class_labels: Mapping[str, list[str]], kinds: Kinds) -> list[Mention]:
    """Known mentions as the article lengthens them, new name forms as curators record them: after
    an honorific ("Mr. Petrov"), and before the label of the entity's class ("the Helio space
    agency", the ontology's label of kg:SpaceAgency). Only name-variant claims come of them: the
    other rules read the mentions as found (tests/test_draft_names.py).
    """
    found = []
    for m in mentions:
        if m.known_form is None or m.entity not in entities:
            continue
        honorific = HONORIFIC.search(text, max(0, m.start - 6), m.start)
        if honorific is not None and kinds.is_a(m.entity, PERSON):
            found.append(Mention(m.entity, text[honorific.start():m.end], honorific.start(), m.end, m.known_form,
                                 "name-after-honorific", m.confidence))
        for label in sorted({label for t in entities[m.entity].types for label in class_labels.get(t, ())}):
            end = m.end + 1 + len(label)
            if text[m.end:end] == " " + label and not (end < len(text) and WORD.match(text, end)):
                found.append(Mention(m.entity, text[m.start:end], m.start, end, m.known_form, "name-with-class-label",
                                     m.confidence))
    return found


def find_mentions(text: str, entities: Mapping[str, Entity], kinds: Kinds) -> list[Mention]:
    """Every mention of a known entity, in text order; a person's surname alone is a mention
    (rule name-surname), a place without its class word too (name-without-class-word), and so a
    new name form, as curators record them; then forms whatever their capitals (casefold_mentions)
    and titles quoted without their article (quoted_title_mentions)."""
    forms = name_forms(entities)
    shorter = without_class_word(forms)
    forms = {**forms, **surnames(forms, lambda entity: kinds.is_a(entity, PERSON)), **shorter}
    exact = [m if m.form in known_names(entities, m.entity) else
             Mention(m.entity, m.form, m.start, m.end, m.known_form,
                     "name-without-class-word" if m.form in shorter else "name-surname", 0.9)
             for m in exact_mentions(text, forms)]
    fuzzy = fuzzy_mentions(text, forms, exact)
    kept = [m for m in exact if not any(f.start <= m.start and m.end <= f.end for f in fuzzy)]
    cased = casefold_mentions(text, forms, [*kept, *fuzzy],
                              lambda entity: kinds.is_a(entity, ROLE) or kinds.is_a(entity, OCCUPATION))
    titles = quoted_title_mentions(text, forms, [*kept, *fuzzy, *cased])
    reordered = reordered_mentions(text, forms, [*kept, *fuzzy, *cased, *titles])
    return sorted([*kept, *fuzzy, *cased, *titles, *reordered], key=lambda m: (m.start, m.end))
