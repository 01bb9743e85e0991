"""New entities from cues in the text: a role word before a name ("cosmonaut Oleg Novitsky"), a
vehicle word before a designator ("the Russian ship Soyuz MS-18"), an organisation word after a
name ("Yellow Studio") or before it in apposition ("his companies, Blue Origin,"), a preposition before a place ("in Karaganda"), an agent noun before a
person ("political scientist Ivan Petrov"). Each gets the class its cue
implies, a slug in the project's style and a Wikidata id only where the reference table lists it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kg.draft.candidates import EntityCandidate, Mention
from kg.draft.kinds import PERSON, Kinds
from kg.draft.quoting import quote_at
from kg.draft.gazetteer import AGENT, label_like
from kg.model import Claim, Entity, EntityValue
from kg.namespaces import SCHEMA

NAME = r"[A-Z][a-z’'-]+(?: [A-Z][a-z’'-]+){1,2}"
# role words that name a person's job, besides the graph's own occupation names
ROLE_WORDS = ("actor", "actress", "astronaut", "commander", "cosmonaut", "director", "engineer", "filmmaker",
              "producer", "spokesman", "spokeswoman", "journalist", "pilot", "minister", "president")
VEHICLE_CUES = {"ship": ("kg:Spacecraft",), "spacecraft": ("kg:Spacecraft",), "capsule": ("kg:Spacecraft",),
                "mission": ("kg:SpaceMission",), "flight": ("kg:SpaceMission",)}
KIND_OF = {"kg:Spacecraft": "vehicle", "kg:SpaceMission": "mission", "schema:Person": "person",
           "schema:Organization": "org", "schema:Place": "place"}
DIGITS = re.compile(r"[0-9]+")
DESIGNATOR = re.compile(r"(?<!\w)[A-Z][a-z]+ (?:[A-Z]{1,3}-)?[0-9]+(?!\w)")
ORGANISATION = re.compile(r"(?<!\w)((?:[A-Z][a-z]+ ){1,3})(Studio|Studios|Agency|Corporation|Company|Network|"
                          r"Institute|University|Group)(?!\w)")
# an organisation's class noun, then its name in apposition: "one of his companies, Blue Origin,"
ORGANISATION_APPOSITION = re.compile(r"(?<!\w)(?:compan(?:y|ies)|agenc(?:y|ies)|firms?|studios?|networks?|startups?|"
                                     r"corporations?|broadcasters?), ((?:[A-Z][\w’'-]+)(?: [A-Z][\w’'-]+){0,2})(?=[,.;])")
PLACE = re.compile(r"(?<!\w)(?:in|near) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![\w-])")
# an agent noun ("scientist", "cameraman", "analyst"), after a relational adjective that classifies it
# ("political scientist"; not "veteran", "former"), right before a person's name: an occupation
AGENT_NOUN = re.compile(r"(?<![\w’'-])((?:[a-z]+(?:al|ic) )?" + AGENT + r") (?=[A-Z])")
# "in Spanish", "in Japanese", "in Russian": a language, not a place
LANGUAGE_LIKE = re.compile(r"[A-Z][a-z]+(?:ish|ese|ian)")
NOT_PLACES = frozenset("January February March April May June July August September October November December "
                       "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An This That".split())


def slug(name: str) -> str:
    """Oleg Novitsky -> oleg-novitsky: ASCII, lowercase, hyphens (the entity id's form)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@dataclass
class _Finder:
    text: str
    known: Mapping[str, Entity]
    mentions: list[Mention]
    wikidata: Mapping[str, str]  # reference table label (casefolded) -> usable id
    compact: Callable[[str], str]
    kinds: Kinds
    claims_about: Callable[[str], list[Claim]]
    found: dict[str, EntityCandidate] = field(default_factory=dict)
    new_mentions: list[Mention] = field(default_factory=list)

    def is_known(self, start: int, end: int) -> bool:
        return any(m.start < end and start < m.end for m in [*self.mentions, *self.new_mentions])

    def propose(self, name: str, start: int, end: int, quote: tuple[int, int], types: tuple[str, ...],
                rule: str, confidence: float, kind: str | None = None) -> None:
        if self.is_known(start, end):
            return
        entity_id = f"{kind or KIND_OF[types[0]]}/{slug(name)}"
        if entity_id in self.known:
            return
        self.new_mentions.append(Mention(entity_id, name, start, end, None, rule, confidence))
        if entity_id not in self.found:
            self.found[entity_id] = EntityCandidate(entity_id, types, name, quote_at(self.text, *quote), rule,
                                                    confidence, self.wikidata.get(name.casefold()))
            self.kinds.learn([self.found[entity_id]])

    def people(self, occupation_forms: list[str]) -> None:
        cues = sorted({*ROLE_WORDS, *occupation_forms}, key=lambda w: (-len(w), w))
        pattern = re.compile(r"(?<!\w)(?i:" + "|".join(map(re.escape, cues)) + r") (" + NAME + r")(?!\w)")
        for match in pattern.finditer(self.text):
            name = match.group(1)
            self.propose(name, match.start(1), match.end(1), (match.start(), match.end()), ("schema:Person",),
                         "person-after-role", 0.8)

    def occupations(self) -> None:
        people = {m.start: m for m in self.kinds.of([*self.mentions, *self.new_mentions], PERSON)}
        for match in AGENT_NOUN.finditer(self.text):
            if match.end() not in people or re.search(r"[A-Z][\w’'-]* \Z", self.text[max(0, match.start() - 30):match.start()]):
                continue  # "Kremlin spokesman X": a position of the organisation before it, not an occupation
            person = people[match.end()].entity
            known = self.known.get(f"occupation/{slug(match.group(1))}") or self.held_occupation(person, match.group(1))
            if known is not None and not self.is_known(*match.span(1)):  # a new form of the occupation it names
                self.new_mentions.append(Mention(known.id, match.group(1), *match.span(1), known.names[0].text,
                                                 "occupation-agent-noun", 0.5))
            else:
                self.propose(match.group(1), *match.span(1), (match.start(), people[match.end()].end),
                             ("schema:Occupation",), "occupation-agent-noun", 0.5, "occupation")

    def held_occupation(self, person: str, label: str) -> Entity | None:
        """The occupation the graph gives the person that `label` words otherwise (label_like)."""
        for claim in self.claims_about(person):
            job = self.known.get(claim.value.id) if isinstance(claim.value, EntityValue) else None
            if claim.property == SCHEMA + "hasOccupation" and claim.rank != "deprecated" and job is not None \
                    and label_like(label, [n.text for n in job.names]) is not None:
                return job
        return None

    def vehicles(self) -> None:
        analogues = {DIGITS.sub("#", n.text): e for e in self.known.values() for n in e.names}
        for match in DESIGNATOR.finditer(self.text):
            name = match.group()
            analogue = analogues.get(DIGITS.sub("#", name))
            before = self.text[max(0, match.start() - 12):match.start()].split()
            cue = before[-1].lower() if before else ""
            if analogue is not None:
                kind = analogue.id.split("/")[0]
                types = tuple(self.compact(t) for t in analogue.types)
                quote = (match.start() - len(cue) - 1, match.end()) if cue in VEHICLE_CUES else match.span()
                self.propose(name, *match.span(), quote, types, "designator-like-known", 0.8, kind)
            elif cue in VEHICLE_CUES:
                self.propose(name, *match.span(), (match.start() - len(cue) - 1, match.end()), VEHICLE_CUES[cue],
                             "designator-after-vehicle-word", 0.6)

    def organisations(self) -> None:
        for match in ORGANISATION.finditer(self.text):
            if match.group(1).split()[0] in NOT_PLACES:
                continue
            self.propose(match.group(), *match.span(), match.span(), ("schema:Organization",),
                         "organisation-word", 0.6)

    def organisations_in_apposition(self) -> None:
        for match in ORGANISATION_APPOSITION.finditer(self.text):
            if match.group(1).split()[0] in NOT_PLACES:
                continue
            self.propose(match.group(1), *match.span(1), match.span(), ("schema:Organization",),
                         "organisation-apposition", 0.6)

    def places(self) -> None:
        for match in PLACE.finditer(self.text):
            name = match.group(1)
            if name.split()[0] in NOT_PLACES or LANGUAGE_LIKE.fullmatch(name):
                continue
            self.propose(name, match.start(1), match.end(1), match.span(), ("schema:Place",), "place-after-in", 0.4)


def find_new_entities(text: str, known: Mapping[str, Entity], mentions: list[Mention], wikidata: Mapping[str, str],
                      compact: Callable[[str], str], kinds: Kinds,
                      claims_about: Callable[[str], list[Claim]]) -> tuple[list[EntityCandidate], list[Mention]]:
    """New entity candidates (sorted by id) and their mentions (in text order). `wikidata` maps
    the reference table's usable labels to their ids; nothing else is ever linked. `claims_about`:
    the graph's claims of a subject (the occupations it gives a person)."""
    finder = _Finder(text, known, mentions, {label.casefold(): qid for label, qid in wikidata.items()}, compact, kinds,
                     claims_about)
    occupation_forms = [n.text for e in known.values() if SCHEMA + "Occupation" in e.types for n in e.names]
    finder.vehicles()
    finder.people(occupation_forms)
    finder.occupations()
    finder.organisations()
    finder.organisations_in_apposition()
    finder.places()
    return ([finder.found[k] for k in sorted(finder.found)],
            sorted(finder.new_mentions, key=lambda m: (m.start, m.end)))
