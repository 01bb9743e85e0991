"""The project kg works on: where its folders are and which IRIs it mints."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.namespaces import DCAT, DCTERMS, OA, OWL, PQ, PROV, RDF, RDFS, SCHEMA, SH, SKOS, VOID, WD, WDT, WIKIBASE, XSD

DEFAULT_BASE_IRI = "https://example.org/vyzov/"
BASE_IRI_ENV = "KG_BASE_IRI"
STORE_ENV = "KG_STORE"


def project_root() -> Path:
    """The project folder: KG_ROOT if set, else the folder holding this package."""
    env = os.environ.get("KG_ROOT")
    return Path(env) if env else Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Settings:
    """Paths and the base IRI of one build."""

    root: Path = field(default_factory=project_root)
    base_iri: str = field(default_factory=lambda: os.environ.get(BASE_IRI_ENV, DEFAULT_BASE_IRI))

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def facts_dir(self) -> Path:
        return self.root / "facts"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def store_dir(self) -> Path:
        """The persistent store `kg load` writes and the other commands read (env KG_STORE)."""
        return Path(os.environ[STORE_ENV]) if os.environ.get(STORE_ENV) else self.output_dir / "store"

    @property
    def kg(self) -> str:
        """The ontology namespace."""
        return self.base_iri + "ontology#"

    def prefixes(self) -> dict[str, str]:
        """Prefixes used in every serialisation, in a fixed order."""
        return {
            "kg": self.kg,
            "kgr": self.base_iri,
            "schema": SCHEMA,
            "wd": WD,
            "wdt": WDT,
            "pq": PQ,
            "wikibase": WIKIBASE,
            "prov": PROV,
            "oa": OA,
            "rdf": RDF,
            "rdfs": RDFS,
            "owl": OWL,
            "xsd": XSD,
            "skos": SKOS,
            "dcterms": DCTERMS,
            "void": VOID,
            "dcat": DCAT,
            "sh": SH,
        }

    def rebase(self, text: str) -> str:
        """Files in ontology/ and shapes/ are written with the default base; move them to ours."""
        if self.base_iri == DEFAULT_BASE_IRI:
            return text
        return text.replace(DEFAULT_BASE_IRI, self.base_iri)
