"""The pipeline: sources -> facts -> mapping -> validation -> serialisation -> output/."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.conflicts import Conflict, find_conflicts
from kg.errors import FactsError, ValidationFailed
from kg.files import write_atomically
from kg.inputs.facts import fact_files, read_facts
from kg.inputs.ontology import Ontology, load_ontology
from kg.inputs.sources import load_sources
from kg.inputs.wikidata_ids import usable_ids
from kg.mapping import MappedGraph, map_facts
from kg.model import Facts, Source
from kg.namespaces import RDF
from kg.outputs import rdf as serialize
from kg.outputs.jsonld import context
from kg.outputs.void import describe
from kg.outputs.wikidata import wikidata_view
from kg.project import Settings
from kg.rules import Problem, errors_of
from kg.shacl import ShaclReport, validate
from kg.shacl.shapes import vocabulary_layer

REFERENCE_TABLE = "reference/wikidata-ids.tsv"
VALIDATORS = ("auto", "pyshacl", "fast")
# Above this many triples `auto` validates with the compiled-SPARQL engine (kg.shacl_sparql):
# pyshacl is the reference but grows to minutes at ~100k triples; both give the same report
# (tests/test_shacl_sparql.py).
PYSHACL_LIMIT = 50_000


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

    @property
    def triple_count(self) -> int:
        return len(self.graph.triples())

    def summary(self) -> str:
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
            f"{self.triple_count} triples, {len(self.conflicts)} conflicts, SHACL {shacl}, "
            f"{sum(self.timings.values()):.2f}s"
        )


def verified_ids(settings: Settings) -> set[str] | None:
    """The Wikidata IDs reference/wikidata-ids.tsv marks usable; None when there is no table."""
    table = settings.root / REFERENCE_TABLE
    return (usable_ids(table, "item") | usable_ids(table, "class")) if table.exists() else None


def load_registries(settings: Settings) -> Inputs:
    """Sources (texts read on first use), ontology and verified Wikidata IDs; no facts yet."""
    return Inputs(load_sources(settings.sources_dir), load_ontology(settings), known_qids=verified_ids(settings))


def load_inputs(settings: Settings, extra_fact_files: list[Path] | None = None) -> Inputs:
    inputs = load_registries(settings)
    for source in inputs.sources.values():
        source.text  # every text exists, is UTF-8 and matches its checksum, before any fact is read
    paths = fact_files(settings.facts_dir) + list(extra_fact_files or [])
    inputs.facts = read_facts(paths, inputs.ontology, inputs.sources, inputs.known_qids, settings.root)
    return inputs


def raise_for(problems: list[Problem]) -> None:
    errors = errors_of(problems)
    if errors:
        shown = "\n".join(str(p) for p in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise FactsError(f"{len(errors)} error(s) in facts:\n{shown}{more}")


def build(
    settings: Settings,
    run_shacl: bool = True,
    validator: str = "auto",
    extra_fact_files: list[Path] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> BuildResult:
    """Everything but writing: fails on any facts error or SHACL violation. `on_stage` is told
    the name of each stage as it starts (read, map, validate, serialise)."""
    timings: dict[str, float] = {}
    stage = on_stage or (lambda name: None)
    stage("read")
    t0 = time.perf_counter()
    inputs = load_inputs(settings, extra_fact_files)
    raise_for(inputs.facts.problems)
    timings["read"] = time.perf_counter() - t0

    stage("map")
    t0 = time.perf_counter()
    graph = map_facts(inputs.facts, inputs.sources, settings)
    raise_for(graph.problems)
    conflicts = find_conflicts(graph.statements, inputs.ontology)
    timings["map"] = time.perf_counter() - t0

    report = None
    if run_shacl:
        stage("validate")
        t0 = time.perf_counter()
        engine = validator
        if engine == "auto":
            engine = "pyshacl" if len(graph.triples()) <= PYSHACL_LIMIT else "fast"
        report = validate(graph.triples(), vocabulary_layer(inputs.ontology.triples), settings, engine=engine)
        timings["validate"] = time.perf_counter() - t0
        if not report.conforms:
            shown = "\n".join(str(r) for r in report.violations[:50])
            raise ValidationFailed(f"SHACL: {len(report.violations)} violation(s):\n{shown}")

    stage("serialise")
    t0 = time.perf_counter()
    result = BuildResult(inputs, graph, conflicts, report, timings=timings)
    result.files = render(result, settings)
    timings["serialise"] = time.perf_counter() - t0
    return result


def render(result: BuildResult, settings: Settings) -> dict[str, bytes]:
    """Every output file's bytes, by name."""
    graph = result.graph
    prefixes = publication_prefixes(settings, result.inputs.facts)
    triples = graph.triples()
    named = graph.statement_graphs()
    class_counts = Counter(
        t.object.value for t in graph.asserted if t.predicate.value == RDF + "type"
    )
    files = {
        "vyzov.ttl": serialize.turtle(triples, prefixes),
        "vyzov.jsonld": serialize.jsonld(triples, prefixes),
        "context.jsonld": (json.dumps(context(prefixes), indent=1) + "\n").encode("utf-8"),
        "vyzov.trig": serialize.trig(triples, named, prefixes),
        "vyzov.nq": serialize.nquads(triples, named),
        "vyzov-wikidata.ttl": serialize.turtle(wikidata_view(graph, result.inputs.ontology), prefixes),
        "void.ttl": serialize.turtle(
            describe(
                settings,
                len(triples),
                len(result.inputs.facts.entities),
                sorted(result.inputs.sources),
                dict(class_counts),
            ),
            prefixes,
        ),
    }
    if result.report is not None:
        files["shacl-report.ttl"] = result.report.turtle
    files["ontology.ttl"] = b"\n".join(
        settings.rebase(p.read_text(encoding="utf-8")).encode("utf-8")
        for p in sorted(settings.ontology_dir.glob("*.ttl"))
    )
    return files


def publication_prefixes(settings: Settings, facts: Facts) -> dict[str, str]:
    """The base prefixes plus one per minted IRI space (person:, statement:, …) for readability."""
    return minted_prefixes(settings, {e.split("/", 1)[0] for e in facts.entities})


def minted_prefixes(settings: Settings, kinds: set[str]) -> dict[str, str]:
    """The base prefixes plus one per entity kind and one per other minted IRI space."""
    prefixes = settings.prefixes()
    spaces = {kind: f"id/{kind}/" for kind in sorted(kinds)}
    spaces |= {"statement": "statement/", "reference": "reference/", "source": "source/", "value": "value/"}
    for name, path in spaces.items():
        prefixes.setdefault(name, settings.base_iri + path)
    return prefixes


def write_outputs(files: dict[str, bytes], output_dir: Path) -> None:
    """Write all files or none: each goes to a temporary file first, then all are renamed."""
    write_atomically({output_dir / name: data for name, data in files.items()})
