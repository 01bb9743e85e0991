"""Domain and range shapes generated from the ontology: kg terms by rdfs:domain / rdfs:range,
schema.org terms by schema.org's domainIncludes / rangeIncludes (a union: any one will do).

Per property P two SPARQL-based shapes with stable IRIs and no blank node (published output has
none): `<base>shapes#domain-PREFIX-LOCAL` (the subject has one of the domain's classes) and
`<base>shapes#range-PREFIX-LOCAL` (each value has one of the range's classes or datatypes), each
with its SPARQL target (`…-target`, the offending subjects: one query per shape, so pyshacl
validates nothing that conforms) and its SPARQL constraint (`…-check`, one result per offence).
Core sh:or shapes said the same but cost pyshacl 15 s on the seed instead of 1.
schema.org's Role pattern (film schema:actor role . role schema:actor person) is allowed
everywhere: a schema:Role may be the subject of any property and the value of any property whose
range has a class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from kg.inputs.ontology import Ontology, PropertyInfo, is_datatype
from kg.namespaces import RDF, RDFS, SCHEMA, SH, XSD
from kg.project import Project
from kg.shacl.report import ShaclResult

ROLE = SCHEMA + "Role"


def shape_iri(project: Project, kind: str, curie: str) -> str:
    """The generated shape's IRI: `<base>shapes#domain-kg-crewMember` for kg:crewMember.

    >>> from types import SimpleNamespace
    >>> shape_iri(SimpleNamespace(base_iri="https://example.org/p/"), "domain", "kg:crewMember")  # doctest: +SKIP
    'https://example.org/p/shapes#domain-kg-crewMember'
    """
    return f"{project.base_iri}shapes#{kind}-{_slug(curie)}"


def _slug(curie: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", curie.replace(":", "-", 1)).strip("-")


def generated_shapes(ontology: Ontology, project: Project) -> list[ox.Triple]:
    """The domain and range shapes of every property of the ontology that has a domain or range."""
    prefixes = kgsh_prefixes(project)
    n3 = _Names({"rdfs": RDFS, "schema": SCHEMA, "xsd": XSD, "kg": project.kg})
    out = _declarations(prefixes, {"kg": project.kg, "xsd": XSD})
    for iri in sorted(ontology.properties):
        info = ontology.properties[iri]
        curie = ontology.compact(iri)
        if info.domains:
            alternatives = [*info.domains, *([] if ROLE in info.domains else [ROLE])]
            conforms = " || ".join(_conforms("?this", a, n3) for a in alternatives)
            expected = " or ".join(ontology.compact(d) for d in info.domains)
            out += _shape(shape_iri(project, "domain", curie), n3(iri), f"?this {n3(iri)} ?any", "?this", conforms,
                          f"{curie}: the subject is not a {expected} (domain)", prefixes)
        if info.ranges:
            alternatives = [*info.ranges, *([ROLE] if info.class_ranges and ROLE not in info.ranges else [])]
            conforms = " || ".join(_conforms("?value", a, n3) for a in alternatives)
            expected = " or ".join(ontology.compact(r) for r in info.ranges)
            out += _shape(shape_iri(project, "range", curie), n3(iri), f"?this {n3(iri)} ?value", "?value", conforms,
                          f"{curie}: the value {{?value}} is not a {expected} (range)", prefixes)
    return out


def kgsh_prefixes(project: Project) -> str:
    """The prefix declarations kg's SPARQL-based shapes share (kg/vocab/shapes/provenance.ttl)."""
    return f"{project.base_iri}shapes#prefixes"


def _declarations(prefixes: str, namespaces: dict[str, str]) -> list[ox.Triple]:
    """`kgsh:prefixes sh:declare kgsh:prefix-kg` and its sh:prefix / sh:namespace, per namespace."""
    out = []
    for prefix, namespace in namespaces.items():
        node = prefixes.removesuffix("prefixes") + f"prefix-{prefix}"
        out += [_t(prefixes, SH + "declare", node), _t(node, SH + "prefix", ox.Literal(prefix)),
                _t(node, SH + "namespace", ox.Literal(namespace, datatype=ox.NamedNode(XSD + "anyURI")))]
    return out


class _Names:
    """IRIs as the generated SPARQL writes them: prefixed where the prefix is declared, else whole."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def __call__(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            local = iri.removeprefix(namespace)
            if local != iri and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", local):
                return f"{prefix}:{local}"
        return f"<{iri}>"


def _conforms(variable: str, alternative: str, n3: _Names) -> str:
    """A SPARQL condition: the node has the class, or is a literal of the datatype, or is an IRI (schema:URL)."""
    if alternative == SCHEMA + "URL":
        return f"isIRI({variable})"
    if is_datatype(alternative):
        return f"(isLiteral({variable}) && datatype({variable}) = {n3(alternative)})"
    return f"EXISTS {{ {variable} a/rdfs:subClassOf* {n3(alternative)} }}"


def _shape(shape: str, prop: str, pattern: str, value: str, conforms: str, message: str,
           prefixes: str) -> list[ox.Triple]:
    """A node shape whose SPARQL target selects the subjects with an offending triple and whose
    SPARQL constraint reports each offence (path = the property, value = subject or value)."""
    target, check = shape + "-target", shape + "-check"
    where = f"{pattern} . FILTER (!({conforms}))"
    return [
        _t(shape, RDF + "type", SH + "NodeShape"),
        _t(shape, SH + "target", target),
        _t(shape, SH + "sparql", check),
        _t(target, RDF + "type", SH + "SPARQLTarget"),
        _t(target, SH + "prefixes", prefixes),
        _t(target, SH + "select", ox.Literal(f"SELECT DISTINCT ?this WHERE {{ {where} }}")),
        _t(check, RDF + "type", SH + "SPARQLConstraint"),
        _t(check, SH + "prefixes", prefixes),
        _t(check, SH + "message", ox.Literal(message)),
        _t(check, SH + "select", ox.Literal(
            f"SELECT DISTINCT $this ?path ?value WHERE {{ {where.replace('?this', '$this')} "
            f"BIND ({prop} AS ?path) {'BIND ($this AS ?value) ' if value == '?this' else ''}}}")),
    ]


def _t(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if isinstance(o, ox.Literal) else ox.NamedNode(o))


def types_of(triples: Iterable[ox.Triple]) -> dict[str, list[str]]:
    """The rdf:type values of every subject, for reworded()."""
    types: dict[str, list[str]] = {}
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode) and not isinstance(
                t.subject, ox.Triple):
            types.setdefault(t.subject.value, []).append(t.object.value)
    return types


def reworded(result: ShaclResult, types: Mapping[str, list[str]], ontology: Ontology, project: Project) -> str:
    """A generated shape's result as a curator reads it, naming what the node is:
    "kg:crewMember: subject vehicle/soyuz-rocket is a kg:LaunchVehicle, not a kg:SpaceMission (domain)".
    Any other result keeps its message."""
    kind = result.shape.removeprefix(project.base_iri + "shapes#").split("-", 1)[0]
    info = ontology.properties.get(result.path or "")
    if kind not in ("domain", "range") or info is None or not result.shape.startswith(project.base_iri):
        return result.message
    curie = ontology.compact(info.iri)
    if kind == "domain":
        expected = " or ".join(ontology.compact(d) for d in info.domains)
        return f"{curie}: subject {_node(result.focus, types, ontology, project)}, not a {expected} (domain)"
    expected = " or ".join(ontology.compact(r) for r in info.ranges)
    term = result.value_term
    if isinstance(term, ox.Literal):
        datatype = RDF + "langString" if term.language else term.datatype.value
        what = f"value {term.value!r} is an {ontology.compact(datatype)}"
    else:
        what = f"value {_node(result.value or '', types, ontology, project)}"
    return f"{curie}: {what}, not a {expected} (range)"


def _node(iri: str, types: Mapping[str, list[str]], ontology: Ontology, project: Project) -> str:
    name = iri.removeprefix(project.base_iri + "id/")
    classes = sorted(ontology.compact(t) for t in types.get(iri, ()))
    return f"{name} is a {' and a '.join(classes)}" if classes else f"{name} has no type"
