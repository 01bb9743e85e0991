"""Draft one registered article: mentions, new entities, claims, checked against the graph."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.draft import patterns
from kg.draft.against import compare
from kg.draft.candidates import ClaimCandidate, EntityCandidate, Mention
from kg.draft.corroboration import corroborated, implied
from kg.draft.cues import find_new_entities
from kg.draft.descriptions import descriptions
from kg.draft.gazetteer import find_mentions, longer_forms, name_forms
from kg.draft.kinds import Kinds
from kg.draft.quantities import heights
from kg.draft.missions import flights
from kg.draft.quotations import about, quotations
from kg.draft.quoting import quote_at, widen
from kg.draft.relations import filming_locations, firsts, relations
from kg.draft.roles import find_roles, holder_role_forms
from kg.draft.writer import render
from kg.errors import InputError
from kg.inputs.register import Description, Prepared, Registered
from kg.inputs.wikidata_ids import usable_by_label
from kg.namespaces import XSD
from kg.project import Project
from kg.suggest import closest, did_you_mean

if TYPE_CHECKING:
    from kg.draft.known import Known
    from kg.inputs.ontology import Ontology
    from kg.model import Claim, Source


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


class _Once:
    """A subject's and a value's known claims, each read from the graph once per draft (the store
    answers each by index lookups; many rules ask about the same entities)."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.about: dict[str, list[Claim]] = {}
        self.valued: dict[str, list[Claim]] = {}

    def claims_about(self, subject: str) -> list[Claim]:
        if subject not in self.about:
            self.about[subject] = self.known.claims_about(subject)
        return self.about[subject]

    def claims_valued(self, value: str) -> list[Claim]:
        if value not in self.valued:
            self.valued[value] = self.known.claims_valued(value)
        return self.valued[value]


@dataclass(frozen=True)
class Graph:
    """What a draft is checked against: the known entities and claims, the ontology, the sources."""

    known: Known
    ontology: Ontology
    sources: dict[str, Source]


def read_graph(project: Project, *, use_store: bool = True) -> Graph:
    """The graph from the persistent store when it holds the current build (and `use_store`),
    else from facts/ as read now (kg.draft.known)."""
    from kg.draft.known import FromFacts, FromStore, store_is_current

    if use_store and store_is_current(project):
        from kg.inputs.ontology import load_ontology
        from kg.inputs.sources import load_sources
        from kg.store import open_persistent

        return Graph(FromStore(project, open_persistent(project.store_dir)), load_ontology(project),
                     load_sources(project.sources_dir))
    from kg.pipeline import load_inputs

    inputs = load_inputs(project)
    return Graph(FromFacts(inputs.facts.entities, inputs.facts.claims), inputs.ontology, inputs.sources)


def draft_source(project: Project, key: str, *, use_store: bool = True) -> Draft:
    """The draft of registered source `key` against the project's graph (read_graph)."""
    graph = read_graph(project, use_store=use_store)
    source = graph.sources.get(key)
    if source is None:
        raise _not_registered(key, graph.sources)
    return draft_text(project, graph, key, source.text, source.language, source.date)


def _not_registered(key: str, sources: Iterable[str]) -> InputError:
    hint = did_you_mean(closest(key, [(k, k) for k in sorted(sources)]))
    return InputError(f"{key!r} is not a registered source, nor a file or an http(s) URL: give a source key, or the "
                      f"article's file or URL (kg draft registers it first, as kg source add does){hint}")


def draft_text(project: Project, graph: Graph, key: str, text: str, language: str, date: str | None) -> Draft:
    """The draft of article `text` (source `key`, registered or about to be) against `graph`."""
    ontology, known = graph.ontology, graph.known.entities
    once = _Once(graph.known)
    kinds = Kinds(known, ontology)
    mentions = find_mentions(text, known, kinds)
    entities, new_mentions = find_new_entities(text, known, mentions, usable_by_label(project.reference_table, "item"),
                                               ontology.compact, kinds, once.claims_about)
    every = sorted([*mentions, *new_mentions], key=lambda m: (m.start, m.end))
    forms = name_forms(known)
    roles = find_roles(text, every, known, once.claims_about, language, kinds, forms)
    quoted, quoted_mentions, quoted_claims = quotations(text, every, known, once.claims_about, language, kinds)
    entities = [*entities, *quoted]
    every = sorted([*every, *quoted_mentions], key=lambda m: (m.start, m.end))
    ranges = {ontology.compact(iri): {r.removeprefix(XSD) for r in info.ranges}
              for iri, info in ontology.properties.items()}
    lengthened = [*longer_forms(text, mentions, known, ontology.labels, kinds),
                  *holder_role_forms(text, every, known, once.claims_valued, kinds)]
    claims = [*_name_variants(text, [*mentions, *(m for m in new_mentions if m.known_form), *lengthened], {e: {n.text for n in known[e].names} for e in known}, language),
              *patterns.ages(text, every, date, kinds), *patterns.occupations(text, every, kinds),
              *patterns.dates(text, every, date, ranges, kinds, once.claims_valued), *patterns.durations(text, every, kinds, once.claims_valued),
              *patterns.nationalities(text, every, forms, kinds), *patterns.origins(text, every, forms, kinds, once.claims_valued), *patterns.budgets(text, every, kinds), *patterns.crew(text, every, kinds),
              *patterns.directors(text, every, kinds, once.claims_valued), *roles.claims, *quoted_claims,
              *descriptions(text, every, language, kinds), *heights(text, every, kinds), *about(text, every, kinds),
              *relations(text, every, kinds, forms), *firsts(text, every, language),
              *filming_locations(text, every, kinds),
              *flights(text, every, kinds, once.claims_valued)]
    # a known claim another rule proposes already has that rule's quote, closer to what states it
    stated = {(c.subject, c.property, c.value_text()) for c in claims}
    claims += [c for c in [*corroborated(text, every, once.claims_about, ontology.compact),
                           *implied(text, every, once.claims_about, once.claims_valued, ontology.compact, kinds)]
               if (c.subject, c.property, c.value_text()) not in stated]
    claims = [compare(c, once.claims_about(c.subject), ontology) for c in claims if c.property in ranges]
    unique = {(c.subject, c.property, c.value_text(), c.role or "", c.quote.start): c for c in claims}
    ordered = sorted(unique.values(), key=lambda c: (c.quote.start, c.quote.end, c.subject, c.property, c.value_text()))
    first_of_id: dict[str, EntityCandidate] = {}
    for entity in [*entities, *roles.entities]:  # two rule families may propose the same new entity
        first_of_id.setdefault(entity.id, entity)
    entities = list(first_of_id.values())
    every = sorted([*every, *roles.mentions, *(m for m in lengthened if m.rule == "role-label-before-holder")],
                   key=lambda m: (m.start, m.end))
    return Draft(key, every, entities, ordered, render(key, entities, ordered))


@dataclass(frozen=True)
class Written:
    draft: Draft
    path: Path
    registered: Registered | None  # the article's new registration, when kg draft registered it
    known_as: str | None = None  # the key of a file or URL registered already (same text), drafted under it


def is_url(article: str) -> bool:
    return article.startswith(("http://", "https://"))


def write_draft(project: Project, article: str, out: Path | None = None, *, key: str | None = None,
                description: Description | None = None, wait: bool = True) -> Written:
    """Draft `article` (a registered source key, or a file or http(s) URL registered first, as kg
    source add registers it, under `key` and `description`) and write it (default drafts/KEY.yaml),
    holding the project lock: a new registration and the draft are written together, or neither.
    An article whose text is registered already (same SHA-256) is drafted under its key."""
    from kg.files import write_atomically
    from kg.inputs.register import prepare_file, prepare_url, registered_as, registration
    from kg.inputs.sources import load_sources
    from kg.lock import writing

    described = description if description is not None else Description(language=project.language)
    prepared: Prepared | None = None
    if article in load_sources(project.sources_dir) and not is_url(article):
        if key is not None or described != Description(language=project.language):
            raise InputError(f"{article!r} is a registered source: --key, --title, --date, --language, --url, "
                             "--publisher and --rights describe an article kg draft registers, not one registered")
    elif is_url(article):
        prepared = prepare_url(article, key, described)  # fetched before the lock is taken, as kg source add does
    elif Path(article).is_file():
        prepared = prepare_file(Path(article), key, described)
    else:
        raise _not_registered(article, load_sources(project.sources_dir))
    with writing(project, "kg draft", wait=wait):
        files: dict[Path, bytes] = {}
        registered: Registered | None = None
        known_as = registered_as(prepared.raw, project.sources_dir) if prepared is not None else None
        graph = read_graph(project)
        if prepared is None or known_as is not None:
            source_key = known_as or article
            source = graph.sources.get(source_key)
            if source is None:  # removed while this command waited for the lock
                raise _not_registered(source_key, graph.sources)
            drafted = draft_text(project, graph, source_key, source.text, source.language, source.date)
        else:
            registered, files = registration(prepared.raw, prepared.origin, prepared.key, project.sources_dir,
                                             prepared.description)
            drafted = draft_text(project, graph, registered.key, prepared.raw.decode("utf-8"),
                                 prepared.description.language, prepared.description.date)
        path = out if out is not None else project.root / "drafts" / f"{drafted.source}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically({**files, path: drafted.text.encode("utf-8")}, project.root)
    return Written(drafted, path, registered, known_as)
