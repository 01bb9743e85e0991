"""The published files and the RDF formats they are written in: one registry that build, VoID,
the site, serve, load and publish all read, instead of tables of their own.

Writers live beside it: kg.outputs.rdf (Turtle, TriG, N-Quads, N-Triples), kg.outputs.jsonld,
kg.outputs.wikidata (the Wikidata-vocabulary view), kg.outputs.rdf12 (the provenance as RDF 1.2
reifiers) and kg.outputs.void (VoID/DCAT); the Wikidata statements the view writes
(kg.outputs.wikidata_statements) are also what `kg export quickstatements` writes
(kg.outputs.quickstatements), which is no file of output/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.project import Project


IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Format:
    """An RDF serialisation: its file suffix, IANA media type and the specification it follows."""

    name: str
    suffix: str
    media_type: str
    specification: str
    quads: bool = False

    @property
    def media_type_iri(self) -> str:
        """The media type as the IRI of its IANA registration (what dcat:mediaType takes)."""
        return IANA_MEDIA_TYPES + self.media_type


TURTLE = Format("turtle", ".ttl", "text/turtle", "https://www.w3.org/TR/turtle/")
JSONLD = Format("jsonld", ".jsonld", "application/ld+json", "https://www.w3.org/TR/json-ld11/")
TRIG = Format("trig", ".trig", "application/trig", "https://www.w3.org/TR/trig/", quads=True)
NQUADS = Format("nquads", ".nq", "application/n-quads", "https://www.w3.org/TR/n-quads/", quads=True)
NTRIPLES = Format("ntriples", ".nt", "application/n-triples", "https://www.w3.org/TR/n-triples/")
FORMATS = (TURTLE, JSONLD, TRIG, NQUADS, NTRIPLES)
# RDF 1.2 (Working Drafts; kg.outputs.rdf12): the same media types, whose registrations in the
# drafts gain an optional `version` parameter ("1.2"); not in FORMATS, so that a .ttl or .nt file
# is still served and read as RDF 1.1 unless it is one of these outputs.
TURTLE12 = Format("turtle-1.2", ".ttl", "text/turtle", "https://www.w3.org/TR/rdf12-turtle/")
NTRIPLES12 = Format("ntriples-1.2", ".nt", "application/n-triples", "https://www.w3.org/TR/rdf12-n-triples/")
# What each resource of the site is also written as, next to its page.
RESOURCE_FORMATS = (TURTLE, JSONLD, NTRIPLES, NQUADS)


@dataclass(frozen=True)
class Output:
    """One published file of output/: its name (`{stem}` is the project's output stem), its
    format, and whether VoID lists it as a distribution of the dataset."""

    key: str
    pattern: str
    format: Format
    distribution: bool
    what: str

    def name(self, project: Project) -> str:
        return self.pattern.format(stem=project.stem)

    def path(self, project: Project) -> Path:
        return project.output_dir / self.name(project)


OUTPUTS = (
    Output("graph", "{stem}.ttl", TURTLE, True,
           "the graph: asserted triples, statement nodes, references with quoted spans, source articles"),
    Output("graph-jsonld", "{stem}.jsonld", JSONLD, True, "the same RDF graph as compacted JSON-LD"),
    Output("context", "context.jsonld", JSONLD, False, "the JSON-LD context, also embedded in the JSON-LD"),
    Output("dataset-trig", "{stem}.trig", TRIG, True, "the graph plus one named graph per statement"),
    Output("dataset-nquads", "{stem}.nq", NQUADS, True, "the same dataset as N-Quads"),
    Output("wikidata", "{stem}-wikidata.ttl", TURTLE, True, "the asserted facts in Wikidata's vocabulary"),
    Output("rdf12-turtle", "{stem}-rdf12.ttl", TURTLE12, True,
           "the graph with each statement an RDF 1.2 reifier of its triple term (rdf:reifies), as Turtle 1.2"),
    Output("rdf12-ntriples", "{stem}-rdf12.nt", NTRIPLES12, True, "the same RDF 1.2 graph as N-Triples 1.2"),
    Output("void", "void.ttl", TURTLE, False, "the VoID/DCAT description of the dataset"),
    Output("shacl-report", "shacl-report.ttl", TURTLE, False, "the SHACL validation report"),
    Output("ontology", "ontology.ttl", TURTLE, False, "kg's model vocabulary and the project's ontology"),
    Output("shapes", "shapes.ttl", TURTLE, False,
           "the SHACL shapes the build validates with: kg's, the project's, and those generated from the ontology"),
)
_BY_KEY = {output.key: output for output in OUTPUTS}


def output(key: str) -> Output:
    return _BY_KEY[key]


def output_path(project: Project, key: str) -> Path:
    """Where the published file `key` (graph, dataset-nquads, ontology, …) of the project is."""
    return _BY_KEY[key].path(project)


def format_for_suffix(suffix: str) -> Format | None:
    return next((f for f in FORMATS if f.suffix == suffix), None)


__all__ = ["FORMATS", "Format", "IANA_MEDIA_TYPES", "NTRIPLES12", "OUTPUTS", "Output", "RESOURCE_FORMATS", "TURTLE12",
           "format_for_suffix", "output", "output_path"]
