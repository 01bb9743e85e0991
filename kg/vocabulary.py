"""`kg vocab`: the classes and properties a project's facts may use (kg's model vocabulary and
ontology/*.ttl), each with what a curator needs to write a claim: label, domain, range, Wikidata
alignment, whether one value is expected, and an example claim (from facts/, or made from the
range)."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import asdict, dataclass

from kg.errors import InputError
from kg.files import display_path
from kg.inputs.facts import fact_files
from kg.inputs.ontology import Ontology, load_ontology
from kg.inputs.ontology_check import WIKIDATA_ID
from kg.inputs.yamlio import Located, LocatedList, read_yaml
from kg.namespaces import RDF, RDFS, SCHEMA, XSD
from kg.project import Project
from kg.terms import value

SHOWN_KEYS = ("subject", "property", "value", "qualifiers", "rank")
# a value of each range, as the facts format writes it (kg/project/template/facts/README.md)
EXAMPLE_VALUES = {
    XSD + "date": "2021-10-05",
    XSD + "dateTime": '"2021-10-05T09:22:00Z"',
    XSD + "integer": "38",
    XSD + "decimal": "1.5",
    XSD + "boolean": "false",
    XSD + "duration": "P12D",
    XSD + "string": '"text"',
    RDF + "langString": '{text: "…", lang: en}',
    SCHEMA + "QuantitativeValue": "{amount: 1.9, unit: m}",
}


@dataclass(frozen=True)
class Alignment:
    relation: str  # the predicate, as a CURIE: owl:equivalentProperty, skos:closeMatch, …
    target: str  # the Wikidata term, as a CURIE: wdt:P619
    id: str  # P619


@dataclass(frozen=True)
class Example:
    yaml: str
    source: str | None  # facts file:line the example is taken from; None when generated


@dataclass(frozen=True)
class ClassTerm:
    term: str
    iri: str
    label: str | None
    superclasses: list[str]
    wikidata: list[Alignment]


@dataclass(frozen=True)
class PropertyTerm:
    term: str
    iri: str
    label: str | None
    comment: str | None
    domain: list[str]
    range: list[str]
    value: str  # "entity", "literal" or "quantity": what the YAML value is
    single_valued: bool
    wikidata: list[Alignment]
    example: Example


@dataclass(frozen=True)
class Vocab:
    classes: list[ClassTerm]
    properties: list[PropertyTerm]


def describe_vocabulary(project: Project, wanted: str | None = None) -> Vocab:
    """Every class and property, or those whose CURIE starts with `wanted` (a term or a prefix
    such as `kg:launch`; case does not count); InputError with did-you-mean when none does."""
    ontology = load_ontology(project)
    compact = ontology.compact

    def matches(iri: str) -> bool:
        return wanted is None or iri == wanted or compact(iri).casefold().startswith(wanted.casefold())

    class_iris = sorted((i for i in ontology.superclasses if matches(i)), key=compact)
    property_iris = sorted((i for i in ontology.properties if matches(i)), key=compact)
    if wanted is not None and not class_iris and not property_iris:
        hint = ontology.hint(wanted, [*ontology.superclasses, *ontology.properties])
        raise InputError(f"no class or property matches {wanted!r}{hint} (kg vocab lists them all)")
    objects = _objects(ontology)
    examples = _facts_examples(project, ontology) if property_iris else {}
    classes = [
        ClassTerm(compact(iri), iri, _first(objects, iri, RDFS + "label"),
                  sorted(compact(o) for o in objects.get((iri, RDFS + "subClassOf"), [])),
                  _alignments(ontology, iri))
        for iri in class_iris
    ]
    properties = []
    for iri in property_iris:
        info = ontology.properties[iri]
        domain = sorted(compact(d) for d in info.domains)
        kind = "quantity" if SCHEMA + "QuantitativeValue" in info.ranges else "literal" if info.is_literal else "entity"
        example = examples.get(iri) or _generated_example(ontology, iri, domain)
        properties.append(PropertyTerm(
            compact(iri), iri, _first(objects, iri, RDFS + "label"), _first(objects, iri, RDFS + "comment"),
            domain, [compact(r) for r in info.ranges], kind, info.functional, _alignments(ontology, iri), example,
        ))
    return Vocab(classes, properties)


def _objects(ontology: Ontology) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for t in ontology.triples:
        found.setdefault((value(t.subject), t.predicate.value), []).append(value(t.object))
    return found


def _first(objects: dict[tuple[str, str], list[str]], iri: str, predicate: str) -> str | None:
    texts = objects.get((iri, predicate))
    return sorted(texts)[0] if texts else None


def _alignments(ontology: Ontology, iri: str) -> list[Alignment]:
    """Every triple of the term whose object is a Wikidata term, whatever the relation."""
    found = set()
    for t in ontology.triples:
        if value(t.subject) == iri:
            match = WIKIDATA_ID.fullmatch(value(t.object))
            if match:
                found.add(Alignment(ontology.compact(t.predicate.value), ontology.compact(value(t.object)),
                                    match.group(1)))
    return sorted(found, key=lambda a: (a.relation, a.target))


def _generated_example(ontology: Ontology, iri: str, domain: list[str]) -> Example:
    ranges = ontology.properties[iri].ranges
    typed = next((EXAMPLE_VALUES[r] for r in ranges if r in EXAMPLE_VALUES), None)
    if typed is None:
        typed = f"{_kind(ontology.compact(ranges[0]))}/example" if ranges else "kind/example"
    subject = f"{_kind(domain[0])}/example" if domain else "kind/example"
    return Example(f"subject: {subject}\nproperty: {ontology.compact(iri)}\nvalue: {typed}\n"
                   'refs:\n  - {source: KEY, quote: "the exact words of the article"}\n', None)


def _kind(curie: str) -> str:
    """An entity kind for an example id: schema:Person -> person."""
    return re.sub(r"[^a-z0-9]", "", curie.rsplit(":", 1)[-1].lower()) or "kind"


def _facts_examples(project: Project, ontology: Ontology) -> dict[str, Example]:
    """The first claim in facts/ of each property, as its lines there read (refs left out)."""
    found: dict[str, Example] = {}
    for path in fact_files(project.facts_dir):
        display = display_path(path, project.root)
        try:
            document = read_yaml(path, display)
        except InputError:
            continue  # kg validate and kg build report it; an example is only a help
        claims = document.data.get("claims") if isinstance(document.data, Located) else None
        if not isinstance(claims, LocatedList):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        ends = [*claims.lines[1:], len(lines) + 1]
        for claim, end in zip(claims, ends):
            if not isinstance(claim, Located) or not isinstance(claim.get("property"), str):
                continue
            try:
                iri = ontology.expand(claim["property"])
            except InputError:
                continue
            if iri in found or iri not in ontology.properties:
                continue
            found[iri] = Example(_claim_text(claim, lines, end), f"{display}:{claim.line}")
    return found


def _claim_text(claim: Located, lines: list[str], end: int) -> str:
    starts = sorted((claim.line_of(key), key) for key in claim)
    kept: list[str] = []
    for (line, key), (following, _) in zip(starts, [*starts[1:], (end, "")]):
        if key in SHOWN_KEYS:
            kept += [text for text in lines[line - 1:following - 1] if text.strip()]
    if kept:
        kept[0] = re.sub(r"^(\s*)- ", r"\1  ", kept[0])
    return textwrap.dedent("\n".join(kept)) + "\n"


def render_text(vocab: Vocab) -> str:
    out = [f"classes ({len(vocab.classes)})"]
    for cls in vocab.classes:
        out.append(f"  {cls.term}  {cls.label or '(no label)'}")
        if cls.superclasses:
            out.append(f"      subclass of: {', '.join(cls.superclasses)}")
        out.append(f"      Wikidata: {_alignment_text(cls.wikidata)}")
    out.append(f"properties ({len(vocab.properties)})")
    for prop in vocab.properties:
        out.append(f"  {prop.term}  {prop.label or '(no label)'}")
        out.append(f"      domain: {', '.join(prop.domain) or 'any'}; range: {', '.join(prop.range) or 'none'} "
                   f"({prop.value}); {'single-valued' if prop.single_valued else 'several values allowed'}")
        out.append(f"      Wikidata: {_alignment_text(prop.wikidata)}")
        where = f"from {prop.example.source}" if prop.example.source else "generated from the range"
        out.append(f"      example ({where}):")
        out += [f"        {line}" for line in prop.example.yaml.splitlines()]
    return "\n".join(out) + "\n"


def _alignment_text(alignments: list[Alignment]) -> str:
    return "; ".join(f"{a.relation} {a.target}" for a in alignments) or "none"


def render_json(vocab: Vocab) -> str:
    """Stable for scripts: terms sorted by CURIE, keys as the dataclasses name them."""
    return json.dumps(asdict(vocab), indent=2, ensure_ascii=False) + "\n"


__all__ = ["Alignment", "ClassTerm", "Example", "PropertyTerm", "Vocab", "describe_vocabulary", "render_json",
           "render_text"]
