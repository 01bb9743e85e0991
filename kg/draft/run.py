"""Draft one registered article: mentions, new entities, claims, checked against the graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.draft import patterns
from kg.draft.against import compare
from kg.draft.candidates import ClaimCandidate, EntityCandidate, Mention
from kg.draft.cues import find_new_entities
from kg.draft.gazetteer import find_mentions, name_forms
from kg.draft.quoting import quote_at, widen
from kg.draft.writer import render
from kg.errors import InputError
from kg.inputs.wikidata_ids import usable_by_label
from kg.namespaces import XSD
from kg.project import Project
from kg.suggest import closest, did_you_mean


@dataclass(frozen=True)
class Draft:
    source: str
    mentions: list[Mention]
    entities: list[EntityCandidate]
    claims: list[ClaimCandidate]
    text: str  # the draft file

    def summary(self) -> str:
        known = len({m.entity for m in self.mentions if m.known_form is not None})
        duplicates = sum(c.duplicates is not None for c in self.claims)
        contradictions = sum(c.contradicts is not None for c in self.claims)
        return (f"kg draft {self.source}: {known} known entities mentioned, {len(self.entities)} new entity "
                f"candidates, {len(self.claims) - duplicates} new claims, {duplicates} duplicates of known "
                f"claims, {contradictions} contradictions")


def _name_variants(text: str, mentions: list[Mention], known_forms: dict[str, set[str]],
                   language: str) -> list[ClaimCandidate]:
    found: dict[tuple[str, str], ClaimCandidate] = {}
    for m in mentions:
        if m.known_form is None or m.form in known_forms.get(m.entity, set()) or (m.entity, m.form) in found:
            continue
        found[(m.entity, m.form)] = ClaimCandidate(m.entity, "schema:alternateName", {"text": m.form, "lang": language},
                                                   quote_at(text, *widen(text, m.start, m.end, 2)), "name-variant",
                                                   m.confidence)
    return list(found.values())


def draft_source(project: Project, key: str) -> Draft:
    """The draft of registered source `key` against the project's graph (facts/ as read now)."""
    from kg.pipeline import load_inputs

    inputs = load_inputs(project)
    source = inputs.sources.get(key)
    if source is None:
        hint = did_you_mean(closest(key, [(k, k) for k in sorted(inputs.sources)]))
        raise InputError(f"{key!r} is not a registered source{hint}: register the article first "
                         "(kg source add FILE-OR-URL), then kg draft its key")
    text, ontology, known = source.text, inputs.ontology, inputs.facts.entities
    mentions = find_mentions(text, known)
    entities, new_mentions = find_new_entities(text, known, mentions, usable_by_label(project.reference_table, "item"),
                                               ontology.compact)
    every = sorted([*mentions, *new_mentions], key=lambda m: (m.start, m.end))
    ranges = {ontology.compact(iri): {r.removeprefix(XSD) for r in info.ranges}
              for iri, info in ontology.properties.items()}
    claims = [*_name_variants(text, mentions, {e: {n.text for n in known[e].names} for e in known}, source.language),
              *patterns.ages(text, every, source.date), *patterns.occupations(text, every),
              *patterns.dates(text, every, source.date, ranges), *patterns.durations(text, every),
              *patterns.nationalities(text, every, name_forms(known)), *patterns.crew(text, every),
              *patterns.directors(text, every)]
    claims = [compare(c, inputs.facts.claims, ontology) for c in claims if c.property in ranges]
    unique = {(c.subject, c.property, c.value_text(), c.quote.start): c for c in claims}
    ordered = sorted(unique.values(), key=lambda c: (c.quote.start, c.quote.end, c.subject, c.property, c.value_text()))
    return Draft(key, every, entities, ordered, render(key, entities, ordered))


def write_draft(project: Project, key: str, out: Path | None = None) -> tuple[Draft, Path]:
    """Draft `key` and write it (default drafts/KEY.yaml in the project), atomically."""
    from kg.files import write_atomically

    draft = draft_source(project, key)
    path = out if out is not None else project.root / "drafts" / f"{key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically({path: draft.text.encode("utf-8")})
    return draft, path
