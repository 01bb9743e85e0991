"""The project file (kg.toml): read once into a frozen Project that every stage is handed.

A project is found the way git finds .git: `--project DIR`, else `$KG_PROJECT`, else the nearest
folder holding kg.toml from the working directory upwards."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kg.errors import ProjectError
from kg.inputs import lexical
from kg.namespaces import DCAT, DCTERMS, OA, OWL, PQ, PROV, RDF, RDFS, SCHEMA, SH, SKOS, VOID, WD, WDT, WIKIBASE, XSD
from kg.rules import Rule

PROJECT_FILE = "kg.toml"
PROJECT_ENV = "KG_PROJECT"
STORE_ENV = "KG_STORE"
TEXT_POLICIES = ("quotes", "full")
MAX_BYTES = 1024 * 1024
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Agent:
    """A publisher or creator of the dataset: a name and, where known, a web page (its IRI)."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Project:
    """One project: its folder, what it publishes as, and which IRIs it mints."""

    root: Path
    name: str
    title: str
    base_iri: str
    description: str = ""
    stem: str = ""
    language: str = "en"
    license: str | None = None
    publisher: Agent | None = None
    creator: Agent | None = None
    issued: str | None = None  # the date the dataset was first published, YYYY-MM-DD
    source_text: str = "quotes"
    source_rights: str | None = None
    example_entity: str | None = None
    pictured: tuple[str, ...] = ()
    store_override: Path | None = None

    # ------------------------------------------------------------------ folders

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
    def reference_table(self) -> Path:
        """The checked Wikidata identifiers: the only ones the project may link to."""
        return self.root / "reference" / "wikidata-ids.tsv"

    @property
    def store_dir(self) -> Path:
        """The persistent store `kg load` writes and the other commands read ($KG_STORE overrides)."""
        return self.store_override or self.output_dir / "store"

    @property
    def input_dirs(self) -> tuple[Path, ...]:
        """What the published graph is built from: a store is only as current as the newest of these."""
        return (self.facts_dir, self.sources_dir, self.ontology_dir, self.shapes_dir, self.reference_table.parent)

    @property
    def publishes_text(self) -> bool:
        """Whether the articles' full texts are published (the project declared the right to)."""
        return self.source_text == "full"

    # ------------------------------------------------------------------ IRIs

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


# ---------------------------------------------------------------------- discovery


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder holding kg.toml, from `start` (the working directory) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise ProjectError(
        f"no {PROJECT_FILE} in {here} or any folder above it: run kg inside a project, "
        f"give --project DIR or set {PROJECT_ENV} (kg init DIR creates a project)"
    )


def open_project(
    path: Path | str | None = None, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Project:
    """The project at `path` (a folder or its kg.toml), else at $KG_PROJECT, else the nearest
    kg.toml above the working directory.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "kg.toml").write_text('[dataset]\\nname = "demo"\\ntitle = "Demo"\\n'
    ...                                     'base_iri = "https://example.org/demo/"\\n')
    >>> project = open_project(folder)
    >>> project.name, project.stem, project.kg
    ('demo', 'demo', 'https://example.org/demo/ontology#')
    """
    env = os.environ if environ is None else environ
    if path is None and env.get(PROJECT_ENV):
        path = env[PROJECT_ENV]
    if path is None:
        root = find_project_root(cwd)
    else:
        given = Path(path).expanduser()
        root = given.parent if given.name == PROJECT_FILE else given
        if not (root / PROJECT_FILE).is_file():
            raise ProjectError(f"{root}: not a kg project (no {PROJECT_FILE}; kg init {root} creates one)")
    store = env.get(STORE_ENV)
    return read_project(root.resolve(), store_override=Path(store) if store else None)


def read_project(root: Path, *, store_override: Path | None = None) -> Project:
    """Parse root/kg.toml strictly: unknown keys, wrong types and bad values are errors naming the key."""
    path = root / PROJECT_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(raw) > MAX_BYTES:
        raise ProjectError(f"{path}: {len(raw):,} bytes is more than a project file may hold")
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProjectError(f"{path}: not UTF-8 text (byte {exc.start}) [{Rule.SYNTAX_ERROR.code}]") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: TOML syntax error: {exc} [{Rule.SYNTAX_ERROR.code}]") from exc
    table = _Table(document, path, "")
    table.only("dataset", "sources", "site")
    dataset = table.table("dataset", required=True)
    dataset.only("name", "title", "description", "base_iri", "stem", "language", "license", "example",
                 "publisher", "creator", "issued")
    sources = table.table("sources")
    sources.only("text", "rights")
    site = table.table("site")
    site.only("pictures")
    name = dataset.string("name", required=True, pattern=_STEM, hint="letters, digits, '_', '.', '-'")
    base_iri = dataset.string("base_iri", required=True, pattern=_IRI, hint="an http(s) IRI")
    assert name is not None and base_iri is not None
    if not base_iri.endswith(("/", "#")):
        raise ProjectError(f"{path}: dataset.base_iri {base_iri!r} must end with '/' or '#' (kg appends paths to it)")
    text = sources.string("text") or "quotes"
    if text not in TEXT_POLICIES:
        raise ProjectError(f"{path}: sources.text must be one of {', '.join(TEXT_POLICIES)}, not {text!r}")
    project = Project(
        root=root,
        name=name,
        title=dataset.string("title", required=True) or "",
        description=dataset.string("description") or "",
        base_iri=base_iri,
        stem=dataset.string("stem", pattern=_STEM, hint="letters, digits, '_', '.', '-'") or name,
        language=dataset.string("language", pattern=_LANGUAGE, hint="a BCP 47 tag") or "en",
        license=dataset.string("license", pattern=_IRI, hint="the licence's IRI"),
        publisher=dataset.agent("publisher"),
        creator=dataset.agent("creator"),
        issued=dataset.date("issued"),
        source_text=text,
        source_rights=sources.string("rights"),
        example_entity=dataset.string("example"),
        store_override=store_override,
    )
    prefixes = project.prefixes()
    pictured = []
    for curie in site.strings("pictures"):
        prefix, _, local = curie.partition(":")
        if prefix not in prefixes or not local:
            raise ProjectError(f"{path}: site.pictures: {curie!r} is not a class CURIE with a known prefix "
                               f"({', '.join(prefixes)})")
        pictured.append(prefixes[prefix] + local)
    return replace(project, pictured=tuple(pictured))


class _Table:
    """One TOML table, read with messages that name the file and the dotted key."""

    def __init__(self, data: dict[str, Any], path: Path, prefix: str) -> None:
        self.data, self.path, self.prefix = data, path, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise ProjectError(f"{self.path}: unknown key {self.key(unknown[0])!r} (known here: {', '.join(allowed)})")

    def table(self, name: str, required: bool = False) -> _Table:
        value = self.data.get(name)
        if value is None and not required:
            return _Table({}, self.path, f"{self.key(name)}.")
        if not isinstance(value, dict):
            raise ProjectError(f"{self.path}: [{self.key(name)}] is required and must be a table")
        return _Table(value, self.path, f"{self.key(name)}.")

    def string(self, name: str, required: bool = False, pattern: re.Pattern[str] | None = None,
               hint: str = "") -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise ProjectError(f"{self.path}: {self.key(name)} is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise ProjectError(f"{self.path}: {self.key(name)} must be a non-empty string")
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            raise ProjectError(f"{self.path}: {self.key(name)} holds a control character")
        if pattern is not None and not pattern.match(value):
            raise ProjectError(f"{self.path}: {self.key(name)} {value!r} is not {hint}")
        return value

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ProjectError(f"{self.path}: {self.key(name)} must be a list of strings")
        return value

    def date(self, name: str) -> str | None:
        """A calendar date, as a TOML date (2026-11-22) or a string of one ("2026-11-22")."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        try:
            return lexical.date(value)
        except lexical.NotAccepted:
            shown = repr(value) if isinstance(value, str) else str(value)
            raise ProjectError(f"{self.path}: {self.key(name)} must be a date such as 2026-11-22, not {shown}") from None

    def agent(self, name: str) -> Agent | None:
        if name not in self.data:
            return None
        table = self.table(name)
        table.only("name", "url")
        agent_name = table.string("name", required=True)
        assert agent_name is not None
        return Agent(agent_name, table.string("url", pattern=_IRI, hint="an http(s) IRI"))
