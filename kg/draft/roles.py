"""Claims of the role family, from patterns over the mentions:

- positions held: a position after a person ("Dmitry Rogozin, director of Roscosmos, former
  Deputy Prime Minister", "… who was once deputy prime minister"), before one ("Kremlin spokesman
  Dmitry Peskov") or before one after a comma ("The head of Roscosmos, Dmitry Rogozin"); a head's
  position also makes the person the organisation's kg:directorManager;
- film roles: "a surgeon, played by Peresild", "Peresild plays a surgeon", "plays the role of",
  "in the role of", "the main role … played by", "appear in supporting roles", and the story "of
  a doctor" as the lead's character;
- producers: "produced by X, …, and Y", "co-produced by", "the film's producers are … X";
- a film crew member's jobs: "Shipenko, who will control the camera and lighting";
- an occupation in apposition: "Peresild, an actress,", "X, who is a cosmonaut";
- a director before a title: "films such as Stanley Kubrick's 2001: A Space Odyssey".

A position the graph does not know ("head of the Pervyi Kanal television network", "Kremlin
spokesman") is proposed as a new schema:OrganizationRole, a film role as a schema:PerformanceRole.
A head's position of a known organisation is named role/head-of-ORG whatever the title (head,
director, chief, …), as the curated facts name it; a film's lead and supporting roles
role/FILM-lead and role/FILM-supporting, a named character role/FILM-CHARACTER."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kg.draft.candidates import ClaimCandidate, EntityCandidate, Mention
from kg.draft.cues import NAME, slug
from kg.draft.gazetteer import label_like, name_forms
from kg.draft.kinds import (CREW_ROLE, FILM, MOVIE, OCCUPATION, ORGANISATION, ORGANISATION_ROLE, PERSON, ROLE, Kind,
                            Kinds)
from kg.draft.patterns import mentions_within, most_mentioned
from kg.draft.quoting import quote_at
from kg.draft.sentences import sentence_around
from kg.model import Claim, Entity
from kg.namespaces import SCHEMA

HEADS = ("head", "director", "chief", "chairman", "chairwoman", "president", "chief executive", "leader",
         "director general", "general director", "boss")
SPOKES = ("spokesman", "spokeswoman", "spokesperson")
TITLES_AFTER = ("head", "chief", "director", "boss", *SPOKES)  # "Roscosmos head", "Kremlin spokesman"
_HEADS = "|".join(sorted(HEADS, key=lambda h: -len(h)))
HEAD_OF = re.compile(r"(?:(?:deputy|vice) )?(" + _HEADS + r") of (?:the )?\Z", re.IGNORECASE)
SPOKES_BEFORE_NAME = re.compile(r"(" + "|".join(SPOKES) + r") \Z")
TITLE_AFTER = re.compile(r" (" + "|".join(TITLES_AFTER) + r") (?=[A-Z])")
TITLE_BEFORE_NAME = re.compile(r"(?<![\w’'])(?:[Ff]ormer )?((?:(?:Deputy|Vice) )?(?:President|Prime Minister|Chancellor|"
                               r"Foreign Minister|Defen[cs]e Minister|Minister|Senator|Governor|Mayor|Secretary of State))"
                               r" \Z")
OF_WHAT = r"[^,.;:!?()“”\"\n]{2,60}?"  # what a head is head of, up to the end of the apposition
HEAD_OF_PHRASE = r"((?:[Dd]eputy |[Vv]ice )?(?i:" + _HEADS + r") of (?:the )?(" + OF_WHAT + r"))"
HEAD_AFTER_NAME = re.compile(r", (?:the )?" + HEAD_OF_PHRASE + r"(?=[,.;:!?]| who\b| and\b|\Z)")
HEAD_BEFORE_NAME = re.compile(r"(?:(?<=\A)|(?<=[.!?] )|(?<=\n))(?:The |the )?" + HEAD_OF_PHRASE + r", \Z")
PERSON_AFTER_TITLE = re.compile(r"(?<![\w’'])(?:(?:[A-Z][a-z]+ )(?:head|chief|director|boss|spokesman|spokeswoman|"
                                r"spokesperson)|[Ss]pokes(?:man|woman|person)|President|Prime Minister|Chancellor|Minister|"
                                r"Senator|Governor|Mayor|(?:[Tt]he )?(?i:" + _HEADS + r") of " + OF_WHAT + r",) (" + NAME + r")(?![\w])")
PERSON_BEFORE_HEAD = re.compile(r"(?<![\w’'])(" + NAME + r"), (?:the )?(?:deputy |vice )?(?:" + _HEADS + r") of ")
POSSESSIVE_END = re.compile(r"(?:’s|'s)\Z")
CAPITALISED_WORD = re.compile(r"(?<![\w’'])(?!(?:The|A|An|This|That|Its|His|Her|Their)\b)[A-Z][a-z]+\Z")
# between a person and a position in apposition, or between two positions
APPOSITION = re.compile(r"(?:,| who (?:is|was)(?: once| now| also)?|,? and)(?: (?:a|an|the|former|then|now|once|also))* ")
PLAYED_BY = re.compile(r"(?<!\w)(?:(?:a|an|the|The|A|An) )?((?:main|lead|leading|title|supporting) roles?|[a-z]+),?"
                       r"(?: however,| also,?)? (?:(?:is|was|will be|are|were) )?(?:also )?played by "
                       r"(?:the )?(?:[A-Za-z]+ ){0,2}\Z")
CHARACTER = r"(?:(?:a|an|the) ((?:[a-z]+ )?[a-z]+)|([A-Z][a-z]+(?: [A-Z][a-z]+)?))(?=[\s,.;:])"
PLAYS = re.compile(r",? (?:who )?(?:plays|played|will play|is playing|is to play) (?:the role of )?" + CHARACTER)
IN_THE_ROLE = re.compile(r",? (?:in|for) the role of " + CHARACTER)
SUPPORTING = re.compile(r" (?:will )?(?:appear|appears|appeared|star|stars|starred) in (?:a )?(supporting|leading|"
                        r"lead|main) roles?(?!\w)")
STORY = re.compile(r"(?<!\w)(?:story of|tells of|about|feature|features|follows|centres on|centers on) (?:a|an) "
                   r"((?:[a-z]+-)?[a-z]+)(?= (?:who|whose|trying|that|which)\b)")
PRODUCED_BY = re.compile(r"(?<!\w)(?:co-)?produced (?:jointly )?by (?:(?:the )?[a-z]+ )?\Z")
PRODUCERS_ARE = re.compile(r"(?<!\w)(?:co-)?producers (?:are|were|include|included)(?!\w)")
LIST_GAP = re.compile(r"(?:,[^,.;:!?]{1,80})*,? (?:and|&) (?:[a-z]+ ){0,2}|, ")
CREW_VERBS = re.compile(r",? who (?:will |would |is |was )?(?:also )?(?:control|controls|handle|handles|operate|"
                        r"operates|be responsible for|responsible for|take care of|takes care of|be in charge of|"
                        r"in charge of|do|does)\b")
# one word of a list ("the camera, sound, lighting, and makeup"): between list separators
LIST_ITEM = re.compile(r"(?:(?<= )|(?<=, ))(?:the )?([a-z][a-z-]+[a-z])(?=,|,? and |\Z)")
FILMS_SUCH_AS = re.compile(r"(?<!\w)(?:films|movies)(?: [a-z]+){0,2},? (?:such as|like|including) ")
TITLE_WORD = r"(?:[A-Z0-9][\w’'-]*:?)"
POSSESSIVE_TITLE = re.compile(r"(" + NAME + r")[’']s (" + TITLE_WORD + r"(?: (?:" + TITLE_WORD + r"|a|an|the|of|in|on))*"
                              + TITLE_WORD + r"?)(?=[\s,.;:!?)]|\Z)")
OCCUPATION_APPOSITION = re.compile(r"\A, (?:who (?:is|was) )?(?:a|an|the) (?:[a-z]+ )?\Z")
# "actor William Shatner, Captain Kirk from “Star Trek”": the character a person plays in a work
CHARACTER_FROM = re.compile(r", ((?:[A-Z][\w.’'-]*)(?: [A-Z][\w’'-]*){0,2}) (?:from|in|of) [“\"]([A-Z][^“”\"\n]{0,60}?)[,.]?[”\"]")
NOT_CHARACTERS = frozenset("role part film movie lead star".split())


@dataclass
class _Finder:
    text: str
    mentions: list[Mention]
    known: Mapping[str, Entity]
    known_claims: Callable[[str], list[Claim]]
    language: str
    forms: Mapping[str, str]
    kinds: Kinds
    claims_of: dict[str, list[Claim]] = field(default_factory=dict)
    entities: dict[str, EntityCandidate] = field(default_factory=dict)
    new_mentions: list[Mention] = field(default_factory=list)
    claims: list[ClaimCandidate] = field(default_factory=list)

    # -------------------------------------------------------------- helpers

    def is_a(self, entity: str, kind: Kind) -> bool:
        return self.kinds.is_a(entity, kind)

    def of(self, mentions: list[Mention], kind: Kind) -> list[Mention]:
        return self.kinds.of(mentions, kind)

    def every(self) -> list[Mention]:
        return sorted([*self.mentions, *self.new_mentions], key=lambda m: (m.start, m.end))

    def at(self, start: int, kind: Kind | None = None) -> Mention | None:
        """The mention starting at `start` (of this kind), the longest."""
        found = [m for m in self.every() if m.start == start and (kind is None or self.is_a(m.entity, kind))]
        return max(found, key=lambda m: m.end) if found else None

    def film(self, start: int, end: int) -> str | None:
        """The film the sentence names, else the last film (a schema:Movie, not a series) named
        before it ("the movie"), else the last work, else the one the article names most."""
        left, right = sentence_around(self.text, start, end)
        films = mentions_within(self.mentions, left, right, self.kinds, FILM)
        before = self.of([m for m in self.mentions if m.end <= left], FILM)
        movies = self.of(before, MOVIE) or before
        return films[0].entity if films else movies[-1].entity if movies else most_mentioned(self.mentions, self.kinds, FILM)

    def claim(self, subject: str, prop: str, value: str | dict[str, str], start: int, end: int, rule: str,
              confidence: float, role: str | None = None) -> None:
        self.claims.append(ClaimCandidate(subject, prop, value, quote_at(self.text, start, end), rule, confidence,
                                          role=role))

    def role_entity(self, entity_id: str, types: tuple[str, ...], name: str, start: int, end: int,
                    quote: tuple[int, int], rule: str, confidence: float) -> str:
        """The role `entity_id`: known, or proposed as a new entity named `name` (text[start:end])."""
        if entity_id not in self.known and entity_id not in self.entities:
            self.propose(EntityCandidate(entity_id, types, name, quote_at(self.text, *quote), rule, confidence))
        return entity_id

    def propose(self, entity: EntityCandidate) -> None:
        self.entities[entity.id] = entity
        self.kinds.learn([entity])

    # -------------------------------------------------------------- positions

    def new_people(self) -> None:
        """People the graph does not know, named right after a title ("Roscosmos head Yuri
        Borisov", "President Anna Petrova", "The head of the film fund, Anna Petrova") or right
        before a head-of phrase ("Anna Petrova, head of the film fund")."""
        for cue in PERSON_AFTER_TITLE.finditer(self.text):
            start, end = cue.span(1)
            name = POSSESSIVE_END.sub("", self.text[start:end])
            end = start + len(name)
            if not any(m.start < end and start < m.end for m in self.every()):
                self.entity_at(start, end, "person", ("schema:Person",), "person-after-title")
        for cue in PERSON_BEFORE_HEAD.finditer(self.text):
            start, end = cue.span(1)
            if not any(m.start < end and start < m.end for m in self.every()):
                self.entity_at(start, end, "person", ("schema:Person",), "person-before-title")

    def new_positions(self) -> None:
        """Positions the gazetteer did not find: "director of ORG", "ORG spokesman PERSON"."""
        taken = [(m.start, m.end) for m in self.mentions if self.is_a(m.entity, PERSON) or self.is_a(m.entity, ROLE)]
        for org in self.of(self.mentions, ORGANISATION):
            title = HEAD_OF.search(self.text, max(0, org.start - 40), org.start)
            if title and (title.start() == 0 or not self.text[title.start() - 1].isalnum()):
                self.position(title.start(), org.end, org, title.group(1).lower(), taken, "position-title-of")
            after = TITLE_AFTER.match(self.text, org.end)
            if after and self.at(after.end(), PERSON):
                self.position(org.start, after.end() - 1, org, after.group(1), taken, "position-title-after")
        for person in self.of(self.every(), PERSON):
            before = SPOKES_BEFORE_NAME.search(self.text, max(0, person.start - 16), person.start)
            word = CAPITALISED_WORD.search(self.text, max(0, person.start - 40), before.start() - 1) if before else None
            if before and word and self.text[word.end():before.start()] == " " \
                    and not any(s < before.end() and word.start() < e for s, e in taken + self.spans()):
                self.position(word.start(), before.end() - 1, None, before.group(1), taken, "position-title-before-name")
            title = TITLE_BEFORE_NAME.search(self.text, max(0, person.start - 40), person.start)
            if title:
                self.position(*title.span(1), None, title.group(1), taken, "position-capitalised-title")
            after = HEAD_AFTER_NAME.match(self.text, person.end)
            before_name = HEAD_BEFORE_NAME.search(self.text, max(0, person.start - 90), person.start)
            for phrase in (after, before_name):
                if phrase:
                    named = self.forms.get(phrase.group(2))
                    of = Mention(named, phrase.group(2), *phrase.span(2), None, "", 0) \
                        if named is not None and self.is_a(named, ORGANISATION) else None
                    self.position(*phrase.span(1), of, phrase.group(1).split(" of ")[0].split()[-1], taken,
                                  "position-head-of")

    def spans(self) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.new_mentions]

    def position(self, start: int, end: int, org: Mention | None, title: str, taken: list[tuple[int, int]],
                 rule: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        name = self.text[start:end]
        head = title.lower() in HEADS and not re.match(r"(?i)(?:deputy|vice|former) ", name)
        entity_id = f"role/head-of-{org.entity.rsplit('/', 1)[-1]}" if head and org is not None else f"role/{slug(name)}"
        entity = self.role_entity(entity_id, ("schema:OrganizationRole",), name, start, end, (start, end), rule, 0.6)
        if entity in self.known and name not in {n.text for n in self.known[entity].names}:
            self.claim(entity, "schema:alternateName", {"text": name, "lang": self.language}, start, end, rule, 0.6)
        self.new_mentions.append(Mention(entity, name, start, end,
                                         self.known[entity].names[0].text if entity in self.known else None, rule, 0.6))
        taken.append((start, end))

    def head_of(self, role: Mention) -> str | None:
        """The organisation a head's position is of ("director of Roscosmos", "Roscosmos head")."""
        form = role.form
        match = re.fullmatch(r"(?i:(?:" + "|".join(HEADS) + r")) of (?:the )?(.+)", form) \
            or re.fullmatch(r"(.+) (?i:" + "|".join(HEADS) + r")", form)
        org = self.forms.get(match.group(1)) if match else None
        return org if org is not None and self.is_a(org, ORGANISATION) else None

    def held(self, person: Mention, role: Mention, start: int, end: int, rule: str) -> None:
        self.claim(person.entity, "kg:positionHeld", role.entity, start, end, rule, 0.7)
        org = self.head_of(role)
        if org is not None:
            self.claim(org, "kg:directorManager", person.entity, start, end, f"{rule}-head", 0.6, role=role.entity)

    def positions(self) -> None:
        every = self.every()
        roles = {m.start: m for m in self.of(every, ORGANISATION_ROLE)}
        for person in self.of(every, PERSON):
            at = person.end
            while True:  # Rogozin, director of Roscosmos, former Deputy Prime Minister
                gap = APPOSITION.match(self.text, at)
                role = roles.get(gap.end()) if gap else None
                if role is None or (" and" in gap.group() and at == person.end):  # type: ignore[union-attr]
                    break
                self.held(person, role, person.start, role.end, "position-after-name")
                at = role.end
            for role in roles.values():
                if role.end + 1 == person.start and self.text[role.end] == " ":
                    self.held(person, role, role.start, person.end, "position-before-name")
                elif role.end + 2 == person.start and self.text[role.end:person.start] == ", " \
                        and (role.start == 0 or re.search(r"(?:\A|[.!?\n]\s*|\b[Tt]he )\Z", self.text[:role.start])):
                    self.held(person, role, role.start, person.end, "position-before-name-comma")

    # -------------------------------------------------------------- film roles

    def performance_role(self, film: str, character: str | None, kind: str, start: int, end: int,
                         rule: str) -> str:
        """The film's role: the one the graph gives this actor, else role/FILM-lead, -supporting or -CHARACTER."""
        tail = film.rsplit("/", 1)[-1]
        entity_id = f"role/{tail}-{slug(character) if kind == 'character' and character else kind}"
        name = {"lead": "main role", "supporting": "supporting role"}.get(kind, character or kind)
        return self.role_entity(entity_id, ("schema:PerformanceRole",), name, start, end, (start, end), rule, 0.5)

    def known_role(self, film: str, person: str) -> str | None:
        if film not in self.claims_of:
            self.claims_of[film] = self.known_claims(film)
        return next((c.role for c in self.claims_of[film]
                     if c.property == SCHEMA + "actor" and getattr(c.value, "id", None) == person and c.role), None)

    def acted(self, person: Mention, character: str | None, kind: str, start: int, end: int, rule: str,
              named: tuple[int, int] | None = None) -> None:
        """`named`: where the article names the role ("the main role")."""
        film = self.film(start, end)
        if film is None:
            return
        role = self.known_role(film, person.entity)
        if role is None:
            role = self.performance_role(film, character, kind, start, end, rule)
        if named is not None:
            known = self.known.get(role)
            self.new_mentions.append(Mention(role, self.text[named[0]:named[1]], *named,
                                             known.names[0].text if known else None, rule, 0.5))
        self.claim(film, "schema:actor", person.entity, start, end, rule, 0.6, role=role)
        if character:
            self.claim(role, "schema:characterName", {"text": character, "lang": self.language}, start, end, rule, 0.5)

    def actors(self) -> None:
        people = self.of(self.every(), PERSON)
        for person in people:
            left, right = sentence_around(self.text, person.start, person.end)
            played = PLAYED_BY.search(self.text, max(left, person.start - 80), person.start)
            if played:
                words = played.group(1)
                kind = "supporting" if words.startswith("supporting") else "lead" if words.endswith(("role", "roles")) \
                    else "character"
                character = words if kind == "character" else None
                if character in NOT_CHARACTERS:
                    continue
                self.acted(person, character, kind, played.start(), person.end, "actor-played-by",
                           played.span(1) if kind != "character" else None)
                continue
            for pattern, rule in ((PLAYS, "actor-plays"), (IN_THE_ROLE, "actor-in-the-role-of")):
                match = pattern.match(self.text, person.end)
                character = (match.group(1) or match.group(2)) if match else None
                if match and character and character.split()[-1] not in NOT_CHARACTERS:
                    self.acted(person, character, "character", person.start, match.end(), rule)
            supporting = SUPPORTING.search(self.text, person.end, right)
            if supporting and not [m for m in people if person.end < m.start < supporting.start()]:
                kind = "supporting" if supporting.group(1) == "supporting" else "lead"
                self.acted(person, None, kind, person.start, supporting.end(), "actor-role-kind",
                           (supporting.start(1), supporting.end()))

    def characters(self) -> None:
        """"the story of a doctor who …": the lead's character, in a sentence about the film."""
        for match in STORY.finditer(self.text):
            left, right = sentence_around(self.text, match.start(), match.end())
            films = mentions_within(self.mentions, left, right, self.kinds, FILM)
            sentence = self.text[left:right].lower()
            film = films[0].entity if films else self.film(left, right) \
                if ("film" in sentence or "movie" in sentence) else None
            if film is None or match.group(1) in NOT_CHARACTERS:
                continue
            start, end = match.start(), match.end(1)
            role = self.performance_role(film, None, "lead", start, end, "character-story")
            self.claim(role, "schema:characterName", {"text": match.group(1), "lang": self.language}, start, end,
                       "character-story", 0.4)

    def characters_from_works(self) -> None:
        """"PERSON, Captain Kirk from “Star Trek”": the work (known, or a new schema:CreativeWork)
        has the person as schema:actor in role/CHARACTER, a schema:PerformanceRole whose
        schema:characterName is the character."""
        for person in self.of(self.every(), PERSON):
            match = CHARACTER_FROM.match(self.text, person.end)
            if match is None or match.group(1) in self.forms:
                continue
            title, (start, end) = match.group(2), match.span(2)
            work = self.forms.get(title)
            if work is None:
                work = f"work/{slug(title)}"
                if work not in self.known and work not in self.entities:
                    self.propose(EntityCandidate(work, ("schema:CreativeWork",), title, quote_at(self.text, start, end),
                                                 "work-of-character", 0.5))
                self.new_mentions.append(Mention(work, title, start, end, None, "work-of-character", 0.5))
            character, (c_start, c_end) = match.group(1), match.span(1)
            role = self.role_entity(f"role/{slug(character)}", ("schema:PerformanceRole",), character, c_start, c_end,
                                    (c_start, c_end), "character-from-work", 0.5)
            self.new_mentions.append(Mention(role, character, c_start, c_end, None, "character-from-work", 0.5))
            quote = (person.start, match.end())
            self.claim(work, "schema:actor", person.entity, *quote, "character-from-work", 0.5, role=role)
            self.claim(role, "schema:characterName", {"text": character, "lang": self.language}, *quote,
                       "character-from-work", 0.5)

    # -------------------------------------------------------------- producers, crew jobs, occupations

    def producer_occupation(self) -> str | None:
        entity = self.forms.get("film producer") or self.forms.get("producer")
        return entity if entity is not None and self.is_a(entity, OCCUPATION) else None

    def producers(self) -> None:
        every = self.every()
        occupation = self.producer_occupation()
        lists: list[tuple[int, Mention, str]] = []  # (where the cue starts, the first producer, the rule)
        def producer(m: Mention) -> bool:
            return self.is_a(m.entity, PERSON) or self.is_a(m.entity, ORGANISATION)

        for m in [m for m in every if producer(m)]:
            cue = PRODUCED_BY.search(self.text, max(0, m.start - 40), m.start)
            if cue is not None:
                lists.append((cue.start(), m, "producer-by"))
        for are in PRODUCERS_ARE.finditer(self.text):
            _, right = sentence_around(self.text, are.start(), are.end())
            after = next((m for m in self.of(every, PERSON) if are.end() <= m.start < right), None)
            if after is not None:
                lists.append((are.start(), after, "producers-are"))
        for start, first, rule in lists:
            _, right = sentence_around(self.text, first.start, first.end)
            chain = [first]
            for m in [m for m in every if first.end < m.start < right and producer(m)]:
                if LIST_GAP.fullmatch(self.text[chain[-1].end:m.start]):
                    chain.append(m)
            for m in chain:
                film = self.film(start, m.end)
                if film is None:
                    continue
                self.claim(film, "schema:producer", m.entity, start, m.end, rule, 0.6)
                if occupation is not None and self.is_a(m.entity, PERSON):
                    self.claim(m.entity, "schema:hasOccupation", occupation, start, m.end, rule, 0.5)

    def crew_jobs(self) -> None:
        """The jobs a clause after a person lists; an item the graph does not know beside one it
        knows as a crew role ("the camera, sound and lighting") is a new kg:CrewRole."""
        every = self.every()
        jobs = self.of(every, CREW_ROLE)
        for person in self.of(every, PERSON):
            verb = CREW_VERBS.match(self.text, person.end)
            if verb is None:
                continue
            _, right = sentence_around(self.text, person.start, person.end)
            clause_end = min([i for i in (self.text.find(" who ", verb.end()), self.text.find(";", verb.end()))
                              if i != -1] + [right])
            film = self.film(person.start, person.end)
            listed = [j for j in jobs if verb.end() <= j.start and j.end <= clause_end]
            if film is None or not listed:
                continue
            for item in LIST_ITEM.finditer(self.text, verb.end(), clause_end):
                start, end = item.span(1)
                if any(j.start < end and start < j.end for j in listed):
                    continue
                role = self.role_entity(f"role/{slug(item.group(1))}", ("kg:CrewRole",), item.group(1), start, end,
                                        (person.start, end), "crew-job-listed", 0.4)
                known = self.known.get(role)
                self.new_mentions.append(Mention(role, item.group(1), start, end,
                                                 known.names[0].text if known else None, "crew-job-listed", 0.4))
                if known is not None and item.group(1) not in {n.text for n in known.names}:
                    self.claim(role, "schema:alternateName", {"text": item.group(1), "lang": self.language},
                               person.start, end, "crew-job-listed", 0.4)
                listed.append(self.new_mentions[-1])
            for job in sorted(listed, key=lambda j: j.start):
                self.claim(film, "kg:filmCrewMember", person.entity, person.start, job.end, "crew-job", 0.5,
                           role=job.entity)

    def entity_at(self, start: int, end: int, kind: str, types: tuple[str, ...], rule: str) -> str:
        """The entity a mention at text[start:end] names, else a new one proposed there."""
        found = next((m.entity for m in self.every() if (m.start, m.end) == (start, end)), None)
        if found is not None:
            return found
        name = self.text[start:end]
        entity_id = f"{kind}/{slug(name)}"
        if entity_id not in self.known and entity_id not in self.entities:
            self.propose(EntityCandidate(entity_id, types, name, quote_at(self.text, start, end), rule, 0.4))
        known = self.known.get(entity_id)
        self.new_mentions.append(Mention(entity_id, name, start, end, known.names[0].text if known else None, rule, 0.4))
        return entity_id

    def possessive_directors(self) -> None:
        """"films such as Stanley Kubrick's 2001: A Space Odyssey or Christopher Nolan's
        Interstellar": each film (new ones as work/…) directed by the person before its title."""
        for cue in FILMS_SUCH_AS.finditer(self.text):
            _, right = sentence_around(self.text, cue.start(), cue.end())
            for match in POSSESSIVE_TITLE.finditer(self.text, cue.end(), right):
                taken = [m for m in self.every() if m.start < match.end(2) and match.start(2) < m.end]
                if any(not self.is_a(m.entity, FILM) for m in taken):
                    continue  # the title is something else the graph knows ("Elon Musk's SpaceX")
                person = self.entity_at(*match.span(1), "person", ("schema:Person",), "director-possessive")
                work = self.entity_at(*match.span(2), "work", ("schema:Movie",), "director-possessive")
                if self.is_a(person, PERSON) and self.is_a(work, FILM):
                    self.claim(work, "schema:director", person, *match.span(), "director-possessive", 0.5)

    def occupations(self) -> None:
        every = self.every()
        for job in self.of(every, OCCUPATION):
            for person in [m for m in self.of(every, PERSON) if job.start - 40 < m.end < job.start]:
                gap = OCCUPATION_APPOSITION.match(self.text[person.end:job.start])
                after = self.text[job.end:job.end + 1]
                if gap and (after in ",.;" or after == ""):
                    self.claim(person.entity, "schema:hasOccupation", job.entity, person.start, job.end,
                               "occupation-apposition", 0.7)


@dataclass(frozen=True)
class Roles:
    entities: list[EntityCandidate]  # new roles, sorted by id
    mentions: list[Mention]  # their mentions (and new name forms of known roles), in text order
    claims: list[ClaimCandidate]


def find_roles(text: str, mentions: list[Mention], known: Mapping[str, Entity],
               known_claims: Callable[[str], list[Claim]], language: str, kinds: Kinds,
               forms: Mapping[str, str] | None = None) -> Roles:
    """The role family's claims over `mentions` (every mention, known and new, in text order);
    `known_claims(subject)` gives the graph's claims about a subject (a role it gives an actor);
    `forms`: the graph's name forms (kg.draft.gazetteer.name_forms), when the caller has them."""
    finder = _Finder(text, mentions, known, known_claims, language, name_forms(known) if forms is None else forms, kinds)
    finder.new_people()
    finder.new_positions()
    finder.positions()
    finder.actors()
    finder.characters()
    finder.characters_from_works()
    finder.producers()
    finder.crew_jobs()
    finder.possessive_directors()
    finder.occupations()
    return Roles([finder.entities[k] for k in sorted(finder.entities)],
                 sorted(finder.new_mentions, key=lambda m: (m.start, m.end)), finder.claims)


# a modifier, perhaps a demonym, and a noun: "veteran pilot", "veteran Russian astronaut"
ROLE_LABEL_BEFORE = re.compile(r"(?<![\w’'-])((?:(?!(?:a|an|the|and|or|of|by|with|to|for)\b)[a-z]+ )(?:[A-Z][a-z]+ )?"
                               r"([a-z]+)) \Z")


def holder_role_forms(text: str, mentions: list[Mention], known: Mapping[str, Entity],
                      claims_valued: Callable[[str], list[Claim]], kinds: Kinds) -> list[Mention]:
    """A known role named by another label right before a person the graph gives that role
    ("veteran cosmonaut Ivan Petrov" where Petrov is crew in role/x-cosmonaut, known as "seasoned
    cosmonaut"; "veteran Russian astronaut Ivan Petrov" where it is known as "veteran cosmonaut"):
    the label and one of the role's share their first or their last word (label_like). A new name form."""
    found = []
    for person in kinds.of(mentions, PERSON):
        before = ROLE_LABEL_BEFORE.search(text, max(0, person.start - 40), person.start)
        if before is None:
            continue
        for claim in claims_valued(person.entity):
            role = known.get(claim.role) if claim.role else None
            if role is None or claim.rank == "deprecated":
                continue
            labels = [n.text for n in role.names if " " in n.text and n.text.islower()]
            label = label_like(before.group(1), labels)
            if label is not None and before.group(1) not in labels:
                found.append(Mention(role.id, before.group(1), before.start(1), before.end(1), label,
                                     "role-label-before-holder", 0.5))
                break
    return found
