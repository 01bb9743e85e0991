"""Write kg/vocab/schemaorg.nt: the structure of a schema.org release, without its prose.

    python scripts/schemaorg_vocab.py /work/schemaorg/schemaorg-current-https.ttl kg/vocab/schemaorg.nt

Keeps, for every schema.org term (subject in https://schema.org/): rdf:type, rdfs:subClassOf,
rdfs:subPropertyOf, schema:domainIncludes, schema:rangeIncludes, schema:inverseOf and
schema:supersededBy; drops comments, labels and every other namespace. The output is sorted
N-Triples, so a new release diffs line by line. schema.org is CC BY-SA 3.0 (kg/vocab/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

SCHEMA = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
KEPT = {
    RDF + "type", RDFS + "subClassOf", RDFS + "subPropertyOf", SCHEMA + "domainIncludes",
    SCHEMA + "rangeIncludes", SCHEMA + "inverseOf", SCHEMA + "supersededBy",
}


def structure(release: bytes) -> list[str]:
    lines = set()
    for quad in ox.parse(release, format=ox.RdfFormat.TURTLE):
        subject, predicate = quad.subject, quad.predicate.value
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(SCHEMA) and predicate in KEPT:
            if isinstance(quad.object, ox.NamedNode):
                lines.add(f"{subject} {quad.predicate} {quad.object} .")
    return sorted(lines)


def main(release: str, target: str) -> None:
    lines = structure(Path(release).read_bytes())
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{target}: {len(lines)} triples")


if __name__ == "__main__":
    main(*sys.argv[1:])
