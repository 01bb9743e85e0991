"""The pipeline: sources -> facts -> mapping -> validation -> serialisation -> output/."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg import build_cache
from kg.build_cache import Workers
from kg.delta_validation import Validation, validate_graph
from kg.conflicts import Conflict, mapped_conflicts
from kg.errors import FactsError, ValidationFailed
from kg.files import write_atomically
from kg.inputs.facts import fact_files, read_facts
from kg.inputs.ontology import Ontology, Vocabulary, load_ontology
from kg.inputs.ontology_check import check_ontology
from kg.inputs.sources import load_sources
from kg.inputs.wikidata_ids import verified_ids
from kg.mapping import MappedGraph, map_facts, reading_order
from kg.model import Facts, Source
from kg.namespaces import FOAF, SPDX
from kg.outputs import OUTPUTS
from kg.outputs import rdf as serialize
from kg.outputs.jsonld import context_file, make_context
from kg.outputs.rdf12 import reified_triples
from kg.outputs.void import Distribution, describe
from kg.outputs.wikidata import view_prefixes, wikidata_view
from kg.project import Project
from kg.rules import Problem, errors_of
from kg.shacl import ShaclReport, choose_engine
from kg.shacl.origins import Origins, origins_of
from kg.shacl.shapes import load_shapes, published_shapes, vocabulary_layer


@dataclass
class Inputs:
    sources: dict[str, Source]
    ontology: Ontology
    facts: Facts = field(default_factory=Facts)
    known_qids: set[str] | None = None


@dataclass
class BuildResult:
    inputs: Inputs
    graph: MappedGraph
    conflicts: list[Conflict]
    report: ShaclReport | None
    files: dict[str, bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    origins: Origins = field(default_factory=Origins)
    shapes: Vocabulary | None = None  # the shapes graph (validated with, or not when SHACL was skipped)
    validation: Validation | None = None  # which validation ran (None: SHACL was skipped)
    _ntriples: bytes | None = field(default=None, repr=False)

    def graph_ntriples(self) -> bytes:
        """The graph as N-Triples (the default graph of the N-Quads file), written once."""
        if self._ntriples is None:
            self._ntriples = serialize.canonical_language_tags(self.graph.take_lines())
        return self._ntriples

    @property
    def triple_count(self) -> int:
        return len(self.graph.triples())

    def summary(self) -> str:
        return f"{self.counts()}, {sum(self.timings.values()):.2f}s"

    def counts(self) -> str:
        """The summary line without its time (kg.build_manifest records it)."""
        facts = self.inputs.facts
        shacl = "not run"
        if self.report is not None:
            shacl = (
                f"conforms ({len(self.report.warnings)} warnings)"
                if self.report.conforms
                else f"{len(self.report.violations)} violations"
            )
        return (
            f"kg build: {len(self.inputs.sources)} sources, {len(facts.entities)} entities, "
            f"{len(facts.claims)} claims, {len(self.graph.statements)} statements, "
            f"{self.triple_count} triples, {len(self.conflicts)} conflicts, SHACL {shacl}"
        )

    def notes(self, verbose: bool = False) -> list[str]:
        """The lines `kg build` prints below its summary: SHACL warnings, then conflicts."""
        lines = []
        conflicting = {(c.subject, c.predicate) for c in self.conflicts}
        for shown in self.report.results if self.report else ():
            if (shown.focus, shown.path) not in conflicting:  # a conflict has its own line, below
                lines.append(f"  {self.origins.located(shown)}")
        for conflict in self.conflicts:
            values = " vs ".join(conflict.values)
            lines.append(f"  conflict: <{conflict.subject}> <{conflict.predicate}>: {values}")
            note = conflict.note(self.inputs.ontology.compact)
            if note:
                lines.append(f"    ({note})")
            if verbose:
                for evidence in conflict.evidence:
                    for source, quote in evidence.quotes:
                        lines.append(f"    {evidence.value.value} — {source}: {quote!r}")
        return lines


def load_registries(project: Project) -> Inputs:
    """Sources (texts read on first use), ontology and verified Wikidata IDs; no facts yet."""
    return Inputs(load_sources(project.sources_dir), load_ontology(project), known_qids=verified_ids(project.reference_table))


def load_inputs(project: Project, extra_fact_files: list[Path] | None = None,
                fact_texts: Mapping[Path, str] | None = None) -> Inputs:
    """Everything a build reads; `fact_texts` replaces some facts files' text (kg rank's edit)."""
    inputs = _checked_registries(project)
    inputs.facts = read_facts(_fact_paths(project, extra_fact_files), inputs.ontology, inputs.sources,
                              inputs.known_qids, project.root, texts=fact_texts)
    return inputs


def _checked_registries(project: Project) -> Inputs:
    inputs = load_registries(project)
    for source in inputs.sources.values():
        source.text  # every text exists, is UTF-8 and matches its checksum, before any fact is read
    return inputs


def _fact_paths(project: Project, extra_fact_files: list[Path] | None) -> list[Path]:
    return fact_files(project.facts_dir) + list(extra_fact_files or [])


def _read_cached(project: Project, extra_fact_files: list[Path] | None,
                 workers: Workers) -> tuple[Inputs, Callable[[], MappedGraph]]:
    """The inputs, with every facts file's part from kg.build_cache (computed for the files it
    misses), and the map stage: the parts merged, or map_facts where they cannot be."""
    inputs = _checked_registries(project)
    paths = _fact_paths(project, extra_fact_files)
    context = build_cache.make_context(project, inputs.ontology, inputs.sources, inputs.known_qids)
    parts = build_cache.read_parts(context, paths, workers, prune=not extra_fact_files)
    facts = None if parts is None else build_cache.merge_facts(context, parts)
    if parts is None or facts is None:
        inputs.facts = read_facts(paths, inputs.ontology, inputs.sources, inputs.known_qids, project.root)
        return inputs, lambda: map_facts(inputs.facts, inputs.sources, project)
    inputs.facts = facts
    cached = parts
    return inputs, lambda: build_cache.merge_graph(context, cached) or map_facts(facts, inputs.sources, project)


def raise_for(problems: list[Problem], where: str = "facts") -> None:
    errors = errors_of(problems)
    if errors:
        shown = "\n".join(str(p) for p in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise FactsError(f"{len(errors)} error(s) in {where}:\n{shown}{more}")


def build(
    project: Project,
    run_shacl: bool = True,
    validator: str = "auto",
    extra_fact_files: list[Path] | None = None,
    on_stage: Callable[[str], None] | None = None,
    fact_texts: Mapping[Path, str] | None = None,
    workers: Workers | None = None,
    cache: bool = True,
    full_validation: bool = False,
) -> BuildResult:
    """Everything but writing: fails on any facts error or SHACL violation. `on_stage` is told
    the name of each stage as it starts (read, map, validate, serialise). Facts files are read
    and mapped through kg.build_cache (on `workers`), unless `fact_texts` replaces some: then
    the read stage also maps the files the cache misses, and the map stage merges.
    `cache=False` reads and maps every file, using and writing no cache (a clean build).
    SHACL runs on what changed since the last validated build (kg.delta_validation) where it can
    (new or replaced facts files are changes like any edit), unless `full_validation` or `cache=False`
    ask for the whole graph."""
    timings: dict[str, float] = {}
    stage = on_stage or (lambda name: None)
    stage("read")
    t0 = time.perf_counter()
    map_stage: Callable[[], MappedGraph]
    if fact_texts or not cache:
        inputs = load_inputs(project, extra_fact_files, fact_texts)
        map_stage = functools.partial(map_facts, inputs.facts, inputs.sources, project)
    else:
        inputs, map_stage = _read_cached(project, extra_fact_files, workers or Workers())
    vocabulary_problems = check_ontology(project)
    raise_for([*vocabulary_problems, *inputs.facts.problems],
              "ontology/ and facts" if errors_of(vocabulary_problems) else "facts")
    timings["read"] = time.perf_counter() - t0

    stage("map")
    t0 = time.perf_counter()
    graph = map_stage()
    raise_for(graph.problems)
    graph.triples()  # sorted once here, where the graph is assembled, not in whichever stage first asks
    conflicts = mapped_conflicts(graph.statements, inputs.ontology.functional, inputs.ontology.planned)
    timings["map"] = time.perf_counter() - t0

    report = None
    validation = None
    shapes = load_shapes(project, inputs.ontology)
    result = BuildResult(inputs, graph, conflicts, None, timings=timings, shapes=shapes)
    if run_shacl:
        stage("validate")
        t0 = time.perf_counter()
        full = "--full-validation" if full_validation else "a clean build" if not cache else None
        validation = validate_graph(project, graph.triples(), vocabulary_layer(inputs.ontology.triples, project.kg),
                                    shapes, choose_engine(validator), result.graph_ntriples, full)
        report = validation.report
        timings["validate"] = time.perf_counter() - t0
        if not report.conforms:
            origins = origins_of(inputs.facts, graph.statements, project)
            shown = "\n".join(origins.located(r) for r in report.violations[:50])
            raise ValidationFailed(f"SHACL: {len(report.violations)} violation(s):\n{shown}")

    stage("serialise")
    t0 = time.perf_counter()
    result.report, result.validation = report, validation
    result.origins = origins_of(inputs.facts, graph.statements, project)
    result.files = render(result, project)
    timings["serialise"] = time.perf_counter() - t0
    return result


def render(result: BuildResult, project: Project) -> dict[str, bytes]:
    """Every output file's bytes, by file name (kg.outputs names them)."""
    write = writers(result, project)
    files = {}
    for out in OUTPUTS:
        data = write[out.key]()
        if data is not None:
            files[out.name(project)] = data
    return files


def writers(result: BuildResult, project: Project) -> dict[str, Callable[[], bytes | None]]:
    """The writer of each published file, by its key in kg.outputs.OUTPUTS (None: the file is not
    written this build), each a call that writes it alone (bench/ times them one by one). void.ttl
    states each distribution's size, checksum and count: it reads the bytes their writers last
    wrote, and writes those not yet written."""
    graph = result.graph
    prefixes = publication_prefixes(project, result.inputs.facts)
    turtle_prefixes = escape_free_prefixes(project, prefixes)
    triples = graph.triples()
    named = graph.statement_graphs()
    # Computed on first use, once per writers() (each writer's time includes what only it needs).
    context = functools.cache(lambda: make_context(triples, prefixes, project.language))
    view = functools.cache(lambda: wikidata_view(graph, result.inputs.ontology, project, result.inputs.sources,
                                                 result.conflicts))
    reified = functools.cache(lambda: reified_triples(graph))
    graph_turtle = functools.cache(lambda: serialize.turtle(triples, turtle_prefixes))  # also TriG's default graph
    # What each distribution holds, distinct (the writers write each triple they are given).
    counts = {"graph": lambda: len(triples), "graph-jsonld": lambda: len(triples),
              "dataset-trig": lambda: len(triples) + len(named), "dataset-nquads": lambda: len(triples) + len(named),
              "wikidata": lambda: len(set(view())), "rdf12-turtle": lambda: len(reified()),
              "rdf12-ntriples": lambda: len(reified())}
    written: dict[str, Callable[[], bytes | None]] = {
        "graph": graph_turtle,
        "graph-jsonld": lambda: serialize.jsonld(triples, context()),
        "context": lambda: context_file(context()),
        "dataset-trig": lambda: serialize.trig(graph_turtle(), named, turtle_prefixes),
        "dataset-nquads": lambda: serialize.nquads(triples, named, result.graph_ntriples()),
        "wikidata": lambda: serialize.turtle(view(), view_prefixes(project, prefixes)),
        "rdf12-turtle": lambda: serialize.turtle12(reified(), turtle_prefixes),
        "rdf12-ntriples": lambda: serialize.ntriples12(reified()),
        "shacl-report": lambda: result.report.turtle if result.report is not None else None,
        "ontology": lambda: serialize.turtle(sorted(result.inputs.ontology.triples, key=reading_order),
                                             project.prefixes()),
        "shapes": lambda: None if result.shapes is None else serialize.turtle(
            sorted(published_shapes(result.shapes, project), key=reading_order),
            {**project.prefixes(), **result.shapes.prefixes}),
    }
    last: dict[str, bytes | None] = {}

    def remembered(key: str) -> Callable[[], bytes | None]:
        def write() -> bytes | None:
            last[key] = data = written[key]()
            return data
        return write

    def void() -> bytes:
        distributions = [Distribution(out, (last[out.key] if out.key in last else remembered(out.key)()) or b"",
                                      counts[out.key]()) for out in OUTPUTS if out.distribution]
        description = describe(project, triples, len(result.inputs.facts.entities), result.inputs.sources,
                               distributions)
        return serialize.turtle(description, {**prefixes, "foaf": FOAF, "spdx": SPDX})

    return {out.key: void if out.key == "void" else remembered(out.key) for out in OUTPUTS}


def publication_prefixes(project: Project, facts: Facts) -> dict[str, str]:
    """The base prefixes plus one per minted IRI space (person:, statement:, …) for readability."""
    return minted_prefixes(project, {e.split("/", 1)[0] for e in facts.entities})


def escape_free_prefixes(project: Project, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes for the graph's Turtle and TriG: all but those that would abbreviate a quote's
    selectors (reference/KEY#quote, #position), whose local names need an escape (`\\#`) that not
    every store reads. Dropping them lets pyoxigraph write the selectors (and the references) as full
    IRIs itself; rewriting thousands of escaped names afterwards would double the writer's time."""
    references = project.base_iri + "reference/"
    return {name: iri for name, iri in prefixes.items() if not references.startswith(iri)}


def minted_prefixes(project: Project, kinds: set[str]) -> dict[str, str]:
    """The base prefixes plus one per entity kind and one per other minted IRI space."""
    prefixes = project.prefixes()
    spaces = {kind: f"id/{kind}/" for kind in sorted(kinds)}
    spaces |= {"statement": "statement/", "reference": "reference/", "source": "source/", "value": "value/"}
    for name, path in spaces.items():
        prefixes.setdefault(name, project.base_iri + path)
    return prefixes


def write_outputs(files: dict[str, bytes], output_dir: Path, root: Path | None = None) -> None:
    """Write all files or none: each is staged first, then all are renamed (kg.files.Change);
    messages name them relative to `root`."""
    write_atomically({output_dir / name: data for name, data in files.items()}, root)
