"""Claims between two mentions the text joins, the property chosen by the ontology's domains and
ranges where it allows one between their classes:

- a place beside a place: "the Vostok Cosmodrome, Freedonia", "a studio in Karaganda" -> the
  first schema:containedInPlace the second, and a place's name that ends with another place's
  ("the northern wing of the Lunar Base");
- a person's organisation: "Ada Stone's Helio Works" -> the organisation kg:ownedBy the person
  (not across a coordination, "Ada Stone's Helio Works and Orbitex", whose scope is unclear)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.kinds import COUNTRY, ONE_WORK, ORGANISATION, PERSON, PLACE, Kind, Kinds
from kg.draft.quoting import quote_at
from kg.inputs.ontology import Ontology

BESIDE = re.compile(r", | in (?:the )?")
POSSESSIVE = re.compile(r"(?:’s|'s) \Z")
OF_THE_TAIL = re.compile(r" of (?:the )?(.+)\Z")
FIRST = r"(first (?:[\w-]+ ){0,5}?[\w-]+)"
FIRST_END = r"(?=[,.;:!?)]| and | but | in (?:[0-9]|the year))"
# "Yuri Gagarin's first flight into space", "the first flight into space, manned by Yuri Gagarin"
POSSESSIVE_FIRST = re.compile(r"(?:’s|'s) " + FIRST + FIRST_END)
FIRST_BY = re.compile(r"(?<!\w)(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er) " + FIRST + r", (?:manned|made|flown|piloted|led|achieved) by \Z")
LIST_GOES_ON = re.compile(r"(?:,| and| or) (?:the )?\Z")


@dataclass(frozen=True)
class _Relations:
    text: str
    mentions: list[Mention]
    kinds: Kinds  # known and new entities' classes
    forms: Mapping[str, str]  # the graph's name forms -> the entity each names

    def is_a(self, entity: str, kind: Kind) -> bool:
        return self.kinds.is_a(entity, kind)

    @property
    def ontology(self) -> Ontology:
        return self.kinds.ontology

    def allowed(self, subject: str, value: str) -> list[str]:
        """The properties whose domain takes the subject's class and whose range the value's."""
        found = []
        for iri, info in sorted(self.ontology.properties.items()):
            if info.domains and info.class_ranges and \
                    any(self.kinds.has_class(subject, d) for d in info.domains) and \
                    any(self.kinds.has_class(value, r) for r in info.class_ranges):
                found.append(self.ontology.compact(iri))
        return found

    def claim(self, subject: str, prop: str, value: str, start: int, end: int, rule: str) -> ClaimCandidate:
        return ClaimCandidate(subject, prop, value, quote_at(self.text, start, end), rule, 0.6)

    def places(self) -> list[ClaimCandidate]:
        found = []
        for a, b in zip(self.mentions, self.mentions[1:]):
            joined = BESIDE.fullmatch(self.text, a.end, b.start)
            if joined is None or a.entity == b.entity or not (self.is_a(a.entity, PLACE) and self.is_a(b.entity, PLACE)):
                continue
            if self.is_a(a.entity, COUNTRY) or self.in_a_list(a, b):
                continue  # "France, Spain and Italy" lists places; a country is in none the text names
            if self.allowed(a.entity, b.entity) == ["schema:containedInPlace"]:
                found.append(self.claim(a.entity, "schema:containedInPlace", b.entity, a.start, b.end,
                                        "place-beside-place"))
        for m in self.mentions:  # "Russian segment of the ISS": the last words name another place
            tail = OF_THE_TAIL.search(m.form)
            entity = self.forms.get(tail.group(1)) if tail else None
            if entity is None or entity == m.entity or not (self.is_a(m.entity, PLACE) and self.is_a(entity, PLACE)):
                continue
            if self.allowed(m.entity, entity) == ["schema:containedInPlace"]:
                found.append(self.claim(m.entity, "schema:containedInPlace", entity, m.start, m.end, "place-of-place"))
        return found

    def in_a_list(self, a: Mention, b: Mention) -> bool:
        """Whether a place comes before `a` or after `b` in a list of places."""
        before = [m for m in self.mentions if m.end <= a.start and self.is_a(m.entity, PLACE)]
        after = [m for m in self.mentions if m.start >= b.end and self.is_a(m.entity, PLACE)]
        return bool(before and LIST_GOES_ON.fullmatch(self.text, before[-1].end, a.start)) or \
            bool(after and re.fullmatch(r"(?:,| and| or) (?:the )?", self.text[b.end:after[0].start]))

    def owners(self) -> list[ClaimCandidate]:
        found = []
        for a, b in zip(self.mentions, self.mentions[1:]):
            if not (self.is_a(a.entity, PERSON) and self.is_a(b.entity, ORGANISATION)):
                continue
            if not POSSESSIVE.fullmatch(self.text, a.end, b.start) or re.match(r" and | or |, ", self.text[b.end:]):
                continue
            if "kg:ownedBy" in self.allowed(b.entity, a.entity):
                found.append(self.claim(b.entity, "kg:ownedBy", a.entity, a.start, b.end, "possessive-owner"))
        return found


def firsts(text: str, mentions: list[Mention], language: str) -> list[ClaimCandidate]:
    """kg:notableFirst of a mention the text credits with a first: its possessive ("X's first
    flight into space") or "the first …, manned by X"; the value is the phrase from "first" on."""
    found = []
    for m in mentions:
        after = POSSESSIVE_FIRST.match(text, m.end)
        before = FIRST_BY.search(text, max(0, m.start - 120), m.start)
        for match, start, end in ((after, m.start, after.end() if after else 0),
                                  (before, before.start(1) if before else 0, m.end)):
            if match is not None:
                found.append(ClaimCandidate(m.entity, "kg:notableFirst", {"text": match.group(1), "lang": language},
                                            quote_at(text, start, end), "first-credited", 0.5))
    return found


FILMED_AT = re.compile(r"(?<!\w)(?:to film|to shoot|filming|shooting|filmed|shot)(?: (?:a|the|its) (?:[a-z]+ )?(?:film|movie|scenes?))?"
                       r" (?:on|aboard|on board|in|at) (?:the )?\Z")


def filming_locations(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """kg:filmingLocation of the one work (not a series) the sentence names (else the one the article names most):
    the place right after "to film on", "shooting aboard the", "to shoot a film aboard"."""
    from kg.draft.patterns import mentions_within, most_mentioned
    from kg.draft.sentences import sentence_around

    finder = _Relations(text, mentions, kinds, {})
    main = most_mentioned(mentions, kinds, ONE_WORK)
    found = []
    for m in mentions:
        cue = FILMED_AT.search(text, max(0, m.start - 60), m.start)
        if cue is None or not finder.is_a(m.entity, PLACE) or re.search(r" an? (?:[a-z]+ )?(?:film|movie)", cue.group()):
            continue  # "to shoot a film aboard …": some other film than the one the article names
        left, right = sentence_around(text, m.start, m.end)
        works = mentions_within(mentions, left, right, kinds, ONE_WORK)
        work = works[0].entity if works else main
        if work is not None and "kg:filmingLocation" in finder.allowed(work, m.entity):
            found.append(finder.claim(work, "kg:filmingLocation", m.entity, cue.start(), m.end, "filmed-at-place"))
    return found


def relations(text: str, mentions: list[Mention], kinds: Kinds, forms: Mapping[str, str]) -> list[ClaimCandidate]:
    """Containment and ownership claims between the mentions (every mention, in text order)."""
    finder = _Relations(text, mentions, kinds, forms)
    return [*finder.places(), *finder.owners()]
