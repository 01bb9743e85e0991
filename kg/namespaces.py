"""The namespaces of the vocabularies kg writes: one constant per namespace IRI."""

from __future__ import annotations

SCHEMA = "https://schema.org/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
SH = "http://www.w3.org/ns/shacl#"
WIKIBASE = "http://wikiba.se/ontology#"
# Wikidata's full statements: p: (item -> statement), ps: (statement -> simple value), psv: (-> value
# node); a statement's qualifiers pq: (simple value) and pqv: (value node); a reference's pr: and prv:
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PSV = "http://www.wikidata.org/prop/statement/value/"
PQ = "http://www.wikidata.org/prop/qualifier/"
PQV = "http://www.wikidata.org/prop/qualifier/value/"
PR = "http://www.wikidata.org/prop/reference/"
PRV = "http://www.wikidata.org/prop/reference/value/"


class Compactor:
    """IRIs written as prefixed names (schema:Person): the longest matching namespace wins, and
    an IRI no prefix covers is written whole. Results are cached: output writers call it per term.

    >>> compact = Compactor({"schema": "https://schema.org/", "kg": "https://example.org/p/ontology#"})
    >>> compact("https://schema.org/Movie"), compact("https://example.org/p/ontology#age")
    ('schema:Movie', 'kg:age')
    >>> compact("http://example.com/x"), compact.curie("http://example.com/x") is None
    ('<http://example.com/x>', True)
    """

    def __init__(self, prefixes: dict[str, str], *, exclude: tuple[str, ...] = ()) -> None:
        ordered = [(ns, prefix) for prefix, ns in prefixes.items() if prefix not in exclude]
        self._namespaces = sorted(ordered, key=lambda pair: -len(pair[0]))
        self._cache: dict[str, str | None] = {}

    def curie(self, iri: str) -> str | None:
        """The prefixed name, or None when no namespace covers the IRI."""
        if iri in self._cache:
            return self._cache[iri]
        found = None
        for namespace, prefix in self._namespaces:
            # a local part starting with // would read as an IRI in JSON-LD
            if iri.startswith(namespace) and not iri[len(namespace):].startswith("//"):
                found = f"{prefix}:{iri[len(namespace):]}"
                break
        self._cache[iri] = found
        return found

    def __call__(self, iri: str) -> str:
        """The prefixed name, or the IRI in angle brackets."""
        return self.curie(iri) or f"<{iri}>"
