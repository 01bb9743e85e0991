"""Known claims an article states again: a claim of the graph between two entities one sentence
of the article names both of ("… Elon Musk's SpaceX …" when the graph holds SpaceX kg:ownedBy
Elon Musk). The candidate repeats the known claim (kg.draft.against marks it a duplicate): its
quote is a new reference for it, the nearest pair of the two mentions within the sentence."""

from __future__ import annotations

from collections.abc import Callable

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.quoting import quote_at
from kg.draft.sentences import sentence_ends
from kg.draft.kinds import Kinds
from kg.model import Claim, EntityValue

MAX_SPAN = 200  # characters between the two mentions' outer ends: a longer span rarely states the claim


def _sentences(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """The mentions (in text order) grouped by the sentence holding them."""
    ends = sentence_ends(text)
    groups: list[list[Mention]] = []
    at, current_end = 0, -1
    for m in mentions:
        while at < len(ends) and ends[at] < m.start:
            at += 1
        end = ends[at] if at < len(ends) else len(text)
        if end != current_end:
            groups.append([])
            current_end = end
        groups[-1].append(m)
    return groups


def corroborated(text: str, mentions: list[Mention], known_claims: Callable[[str], list[Claim]],
                 compact: Callable[[str], str]) -> list[ClaimCandidate]:
    """Each known claim (not deprecated) whose subject and entity value one sentence both names,
    quoted by the shortest span holding a mention of each (at most MAX_SPAN characters)."""
    found: list[ClaimCandidate] = []
    for group in _sentences(text, mentions):
        by_entity: dict[str, list[Mention]] = {}
        for m in group:
            by_entity.setdefault(m.entity, []).append(m)
        for subject, subject_mentions in by_entity.items():
            for claim in known_claims(subject):
                value = claim.value
                if claim.rank == "deprecated" or not isinstance(value, EntityValue) or value.id == subject \
                        or value.id not in by_entity:
                    continue
                start, end = min(((min(a.start, b.start), max(a.end, b.end)) for a in subject_mentions
                                  for b in by_entity[value.id]), key=lambda s: (s[1] - s[0], s[0]))
                if end - start > MAX_SPAN:
                    continue
                found.append(ClaimCandidate(subject, compact(claim.property), value.id, quote_at(text, start, end),
                                            "known-claim-in-sentence", 0.7, role=claim.role))
    return found



def implied(text: str, mentions: list[Mention], known_claims: Callable[[str], list[Claim]],
            claims_valued: Callable[[str], list[Claim]], compact: Callable[[str], str],
            kinds: Kinds) -> list[ClaimCandidate]:
    """Known claims of one subject and property that a sentence names two or more values of without
    naming the subject ("X, Y and Z take off" of a mission the graph knows X, Y and Z the crew of).
    Where several subjects' claims share the values named, a subject the sentence names (its claims
    are known-claim-in-sentence's) wins, then the one naming the most values, then the subject the
    graph says the most about (a mission rather than one of its events). A sentence that names
    another entity able to hold the property (of a class in its domain; without a domain, of a
    class of the subject) speaks of that one and implies nothing ("X and Y returned aboard
    Soyuz MS-18" says nothing of the mission that took them up)."""

    def could_hold(entity: str, subject: str, prop: str) -> bool:
        info = kinds.ontology.properties.get(prop)
        holders = info.domains if info is not None and info.domains else tuple(kinds.get(subject, ()))
        return any(kinds.has_class(entity, d) for d in holders)

    by_value = {m.entity: [c for c in claims_valued(m.entity) if c.rank != "deprecated"] for m in mentions}
    said: dict[str, int] = {}

    def said_about(subject: str) -> int:
        if subject not in said:
            said[subject] = len(known_claims(subject))
        return said[subject]

    found: list[ClaimCandidate] = []
    for group in _sentences(text, mentions):
        named = {m.entity for m in group}
        sets: dict[tuple[str, str], dict[str, Claim]] = {}
        taken: set[str] = set()  # values a named subject's known claims account for
        for entity in sorted(named):
            for claim in by_value.get(entity, []):
                if claim.subject not in named:
                    sets.setdefault((claim.subject, claim.property), {}).setdefault(entity, claim)
                else:
                    taken.add(entity)
        ranked = sorted(sets.items(), key=lambda kv: (-len(kv[1]), -said_about(kv[0][0]), kv[0]))
        for (subject, prop), valued in ranked:
            if len(valued) < 2 or taken & set(valued) or \
                    any(could_hold(e, subject, prop) for e in named - set(valued)):
                continue
            taken |= set(valued)
            values = [m for m in group if m.entity in valued]
            start, end = min(m.start for m in values), max(m.end for m in values)
            for value, claim in valued.items():
                found.append(ClaimCandidate(subject, compact(prop), value, quote_at(text, start, end),
                                            "known-claims-implied", 0.5, role=claim.role))
    return found
