"""Where each minted IRI lives in the static site: the page path mirrors the IRI path.

`{base}id/person/jane-doe` is the page `id/person/jane-doe.html` with its data files
`.ttl`, `.jsonld`, `.nt` and `.nq` next to it; `{base}reference/<h>#quote` is the anchor `quote`
on the page of `{base}reference/<h>`. Links between pages are relative, so the site works from
any host path and from file://."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from kg.errors import InputError
from kg.outputs import RESOURCE_FORMATS

HTML = ".html"
DATA_SUFFIXES = {f.suffix: f.media_type for f in RESOURCE_FORMATS}
SPACES = ("id/", "statement/", "source/", "reference/", "value/")
ONTOLOGY = "ontology"
# The VoID/DCAT description's page stem: {base}dataset, and every IRI it mints under {base}dataset/
# (class partitions, distributions, agents), are described by the one document dataset.ttl/.html/….
DATASET = "dataset"
MARKER_NAME = ".kg-site"
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Location:
    """A page stem (no suffix, '/'-separated, relative to the site root) and an optional anchor."""

    stem: str
    anchor: str = ""


def locate(iri: str, base_iri: str) -> Location | None:
    """The page of a minted IRI, or None for an IRI kg does not mint (schema.org, Wikidata, …)."""
    if not iri.startswith(base_iri):
        return None
    path, _, anchor = iri[len(base_iri):].partition("#")
    if path != ONTOLOGY and not path.startswith(SPACES):
        return None
    segments = path.split("/")
    if not all(_SEGMENT.match(s) for s in segments):
        raise InputError(f"cannot publish <{iri}> as a page: its path has characters unsafe in file names")
    return Location(path, anchor)


def described_by(path: str) -> str | None:
    """The page stem of the document that describes a site path with no file of its own: the
    dataset document for the VoID/DCAT IRIs under dataset/, else None."""
    return DATASET if path.startswith(DATASET + "/") else None


def href(from_stem: str, to_stem: str, suffix: str = HTML, anchor: str = "") -> str:
    """A relative link from one page to another page (or its data file)."""
    start = posixpath.dirname(from_stem) or "."
    target = posixpath.relpath(to_stem + suffix, start)
    return f"{target}#{anchor}" if anchor else target


def asset(from_stem: str, name: str) -> str:
    """A relative link from a page to a file at the site root (style.css, index.html)."""
    start = posixpath.dirname(from_stem) or "."
    return posixpath.relpath(name, start)


def span_anchor(start: int, end: int) -> str:
    """The id of a quoted span on its source page."""
    return f"s{start}-{end}"
