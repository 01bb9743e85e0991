"""What each page of the site read, so that after a change only the pages whose inputs changed
are rendered again (kg.site.build.update_site).

While a resource's page and data files are rendered, every read of the SiteGraph's maps (triples
by subject, by object, labels) and of the entity explanations is recorded (Recorded, Recorder): a
key is the map's letter and the IRI read, upper case for a value read (`S<iri>`: its triples),
lower case for a membership test (`s<iri>`: is there a page to link to). A page reads nothing
else that varies between renders with the same global inputs (kg's code, the project's settings,
the published JSON-LD context, the picture classes, Graphviz). The index (.kg/cache/site/index)
keeps each page's keys and each key's fingerprint at the last render; a page none of whose keys
changed would render to the same bytes, so it is not rendered. A read of a whole map (iterating
it) cannot be narrowed to keys: such a page is rendered every time.

The index is JSON behind a header line `kg-site-index/1 <sha256 of the JSON>`; one that is
truncated, corrupted, of another format, made with other global inputs, or written for a site
folder other than the one on disk (its marker file's identity differs) is never trusted: the
caller renders the whole site."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.build_cache import write_entry
from kg.cache_entry import seal, unseal
from kg.lock import STATE_DIR
from kg.project import Project
from kg.site.layout import MARKER_NAME

FORMAT = "kg-site-index/1"
INDEX_FILE = Path(STATE_DIR) / "cache" / "site" / "index"
EVERYTHING = "*"  # the key of a read of a whole map

V = TypeVar("V")


class Recorder:
    """The keys read while a page renders (`recording`), and the maps they are read from."""

    def __init__(self) -> None:
        self.reads: set[str] | None = None
        self.maps: dict[str, Mapping[str, Any]] = {}
        self.prints: dict[str, str] = {}  # the maps do not change during a render

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        reads: set[str] = set()
        self.reads = reads
        try:
            yield reads
        finally:
            self.reads = None

    def everything(self) -> None:
        """Note a read of a whole map (or of what was computed from one)."""
        if self.reads is not None:
            self.reads.add(EVERYTHING)

    def fingerprint(self, key: str) -> str:
        """What a key read gave, as a short digest ("1"/"0" for a membership test)."""
        found = self.prints.get(key)
        if found is None:
            found = self.prints[key] = self._fingerprint(key)
        return found

    def _fingerprint(self, key: str) -> str:
        kind, name = key[0], key[1:]
        source = self.maps[kind.upper()]
        if kind.islower():
            return "1" if name in source else "0"
        found = source.get(name)
        if found is None:
            return "-"
        if isinstance(found, str):
            text = found
        elif isinstance(found, list) and all(isinstance(t, ox.Triple) for t in found):
            text = "\n".join(map(str, found))  # N-Triples lines: one triple per line, unambiguous
        else:
            text = json.dumps(canonical(found), ensure_ascii=False, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class Recorded(Mapping[str, V]):
    """A read-only map whose reads the recorder notes while a page renders."""

    def __init__(self, data: dict[str, V], kind: str, recorder: Recorder) -> None:
        self.data = data
        self.kind = kind
        self.presence = kind.lower()
        self.recorder = recorder
        recorder.maps[kind] = data

    def __getitem__(self, key: str) -> V:
        if self.recorder.reads is not None:
            self.recorder.reads.add(self.kind + key)
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        if self.recorder.reads is not None:
            self.recorder.reads.add(self.kind + key)
        return self.data.get(key, default)

    def __contains__(self, key: object) -> bool:
        if self.recorder.reads is not None and isinstance(key, str):
            self.recorder.reads.add(self.presence + key)
        return key in self.data

    def _everything(self) -> None:
        self.recorder.everything()

    def __iter__(self) -> Iterator[str]:
        self._everything()
        return iter(self.data)

    def __len__(self) -> int:
        self._everything()
        return len(self.data)

    def keys(self) -> Any:
        self._everything()
        return self.data.keys()

    def values(self) -> Any:
        self._everything()
        return self.data.values()

    def items(self) -> Any:
        self._everything()
        return self.data.items()


def canonical(value: object) -> object:
    """A value as JSON, unambiguously: RDF terms in N-Triples form, dataclasses as their fields."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode, ox.Triple)):
        return "\0" + str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [canonical(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, Mapping):
        return [[canonical(k), canonical(v)] for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(canonical(list(parts)), ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class PageRecord:
    """One resource's page as last rendered: its files (stem + suffixes), the keys it read, and
    whether the index page lists it as pictured and it carries a picture."""

    stem: str
    suffixes: tuple[str, ...]
    reads: tuple[str, ...]
    pictured: bool = False
    drawn: bool = False

    @property
    def files(self) -> list[str]:
        return [self.stem + s for s in self.suffixes]


@dataclass
class SiteIndex:
    inputs: str  # digest of the global inputs
    pages: dict[str, PageRecord] = field(default_factory=dict)  # by resource IRI
    prints: dict[str, str] = field(default_factory=dict)  # key -> fingerprint
    marker: list[int] = field(default_factory=list)  # the site folder's marker file: inode, mtime_ns, size

    def changed_keys(self, recorder: Recorder) -> set[str]:
        return {key for key, old in self.prints.items() if recorder.fingerprint(key) != old}


def index_path(project: Project) -> Path:
    return project.root / INDEX_FILE


def marker_identity(marker: Path) -> list[int]:
    st = marker.stat()
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def encode(index: SiteIndex) -> bytes:
    keys = sorted(index.prints)
    number = {key: i for i, key in enumerate(keys)}
    body = json.dumps({
        "format": FORMAT, "inputs": index.inputs, "marker": index.marker,
        "keys": [[key, index.prints[key]] for key in keys],
        "pages": [[iri, r.stem, list(r.suffixes), sorted(number[k] for k in r.reads), int(r.pictured), int(r.drawn)]
                  for iri, r in index.pages.items()],
    }, ensure_ascii=False, separators=(",", ":")).encode()
    return seal(FORMAT, body)


def decode(data: bytes) -> SiteIndex | None:
    body = unseal(FORMAT, data)
    if body is None:
        return None
    try:
        raw = json.loads(body)
        if raw["format"] != FORMAT:
            return None
        keys = [str(key) for key, _ in raw["keys"]]
        prints = {str(key): str(fp) for key, fp in raw["keys"]}
        pages = {str(iri): PageRecord(str(stem), tuple(str(s) for s in suffixes), tuple(map(keys.__getitem__, reads)),
                                      bool(pictured), bool(drawn))
                 for iri, stem, suffixes, reads, pictured, drawn in raw["pages"]}
        return SiteIndex(str(raw["inputs"]), pages, prints, [int(n) for n in raw["marker"]])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def read_index(project: Project, site: Path, inputs: str) -> SiteIndex | None:
    """The index of the site folder `site` when it is whole, ours, made with these global inputs
    and written for the folder as it is on disk; else None."""
    try:
        index = decode(index_path(project).read_bytes())
        marker = marker_identity(site / MARKER_NAME)
    except OSError:
        return None
    if index is None or index.inputs != inputs or index.marker != marker:
        return None
    return index


def write_index(project: Project, site: Path, index: SiteIndex) -> None:
    index.marker = marker_identity(site / MARKER_NAME)
    write_entry(index_path(project), encode(index))


def drop_index(project: Project) -> None:
    """Before the site folder changes: a write cut short leaves no index to trust."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(index_path(project))
