"""A mission's destination, launch vehicle and objective from what a sentence says of its flight:
"flew to the Lunar Base" (kg:destination), "aboard a Comet rocket" (kg:launchVehicle), "twelve
days to film The North Star" (kg:missionObjective). The mission is the one the sentence names,
else the article's: the mission it names most, else the one the graph says the most of the
entities it names (the crew the graph knows of a flight the article leaves unnamed). Each value's
class must be in the property's range (the ontology)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.kinds import MISSION, ONE_WORK, Kinds
from kg.draft.patterns import known_event, mentions_within, topic
from kg.draft.quoting import quote_at
from kg.draft.sentences import sentence_around
from kg.model import Claim

MOTION = re.compile(r"(?<!\w)(?:fl(?:y|ies|ew|own|ying)|took off|take off|taking off|launch(?:ed|es)?|rocketed|"
                    r"dock(?:ed|s|ing)?|arriv(?:ed|es|e|ing)|head(?:ed|s|ing)|en route|travel(?:l?ed|s|ling)?|"
                    r"sent|bound)(?!\w)", re.IGNORECASE)
TOWARDS = re.compile(r"(?<!\w)(?:to|toward|towards|for|with) (?:the )?\Z")
ARRIVAL = re.compile(r"(?<!\w)(?:dock(?:ed|s|ing)?|arriv(?:ed|es|e|ing))(?!\w)", re.IGNORECASE)
AT = re.compile(r"(?<!\w)(?:at|with|to) (?:the )?\Z")
# the words of a mission's events, each with its class's label in the ontology
EVENT_WORDS = ((re.compile(r"(?<!\w)(?:launch(?:ed|es)?|t(?:ake|ook|aking) off|lift(?:ed)? off)(?!\w)", re.IGNORECASE),
                "launch"),
               (ARRIVAL, "docking"))
FROM = re.compile(r"(?<!\w)(?:from|at|in) (?:the )?(?:[A-Z][a-z]+ )?\Z")
ABOARD = re.compile(r"(?<!\w)(?:aboard|on board|on board of|on) (?:a |an |the )?(?:[A-Z][\w-]* )?\Z")
TO_FILM = re.compile(r"(?<!\w)(?:to film|to shoot|filming|shooting|to make)(?!\w)")
MAX_GAP = 120  # characters from the cue to the value


def flights(text: str, mentions: list[Mention], kinds: Kinds,
            claims_valued: Callable[[str], list[Claim]]) -> list[ClaimCandidate]:
    ontology = kinds.ontology
    cache: dict[str, list[Claim]] = {}

    def valued(entity: str) -> list[Claim]:
        if entity not in cache:
            cache[entity] = claims_valued(entity)
        return cache[entity]

    main = topic(mentions, valued, kinds)

    def fits(entity: str, prop: str) -> bool:
        ranges = ontology.properties[ontology.expand(prop)].class_ranges
        return any(kinds.has_class(entity, r) for r in ranges)

    found = []
    for m in mentions:
        left, right = sentence_around(text, m.start, m.end)
        missions = mentions_within(mentions, left, right, kinds, MISSION)
        mission = missions[0].entity if missions else main
        if mission is None or m.entity == mission:
            continue
        before = text[max(left, m.start - MAX_GAP):m.start]
        offset = m.start - len(before)
        motion = list(MOTION.finditer(before))
        arrival = list(ARRIVAL.finditer(before))
        if motion and (TOWARDS.search(before) or arrival and AT.search(before)) and fits(m.entity, "kg:destination"):
            found.append(ClaimCandidate(mission, "kg:destination", m.entity,
                                        quote_at(text, offset + motion[-1].start(), m.end), "destination-motion", 0.5))
        aboard = ABOARD.search(before)
        if aboard is not None and fits(m.entity, "kg:launchVehicle"):
            found.append(ClaimCandidate(mission, "kg:launchVehicle", m.entity,
                                        quote_at(text, offset + aboard.start(), m.end), "vehicle-aboard", 0.5))
        filming = list(TO_FILM.finditer(before))
        if filming and " and " not in before[filming[-1].end():] and kinds.is_a(m.entity, ONE_WORK) and fits(m.entity, "kg:missionObjective"):
            found.append(ClaimCandidate(mission, "kg:missionObjective", m.entity,
                                        quote_at(text, offset + filming[-1].start(), m.end), "objective-to-film", 0.4))
        for words, label in EVENT_WORDS:
            said = list(words.finditer(before))
            happening = known_event(mission, label, kinds, valued) if said else None
            if happening is None:
                continue
            start = offset + said[-1].start()
            if FROM.search(before) and (label == "launch" or AT.search(before)) and fits(m.entity, "schema:location"):
                found.append(ClaimCandidate(happening, "schema:location", m.entity, quote_at(text, start, m.end),
                                            f"{label}-location", 0.5))
            if label == "launch" and aboard is not None and fits(m.entity, "kg:vehicle"):
                found.append(ClaimCandidate(happening, "kg:vehicle", m.entity, quote_at(text, start, m.end),
                                            "launch-vehicle-aboard", 0.5))
    return found
