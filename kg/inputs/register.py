"""kg source add: register a new article (a local text file or a web page) in sources/.

Everything the registry is to hold is checked before anything is fetched or written: each field
is one line of printable text (a control character or a line break is refused, naming the
field), the date a real YYYY-MM-DD, the language a BCP 47 tag, the url http(s), and a new key
one whose IRI kg serve can answer."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.files import read_limited, write_atomically
from kg.inputs.lexical import one_line_problem
from kg.inputs.sources import REGISTRY_FILE, field_problem, load_sources
from kg.inputs.yamlio import parse_yaml
from kg.model import sha256_hex

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Description:
    """What the registry records of an article besides its text, as the curator states it."""

    title: str | None = None
    date: str | None = None
    language: str = "en"
    url: str | None = None
    publisher: str | None = None
    rights: str | None = None


@dataclass(frozen=True)
class Registered:
    key: str
    file: str
    sha256: str
    retrieved: str


@dataclass(frozen=True)
class Article:
    """A fetched article: its text as UTF-8, the page's title, the URL it was served from."""

    raw: bytes
    title: str | None
    url: str


def _today() -> str:
    """The retrieval date: SOURCE_DATE_EPOCH when set (reproducible runs), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    utc = dt.timezone.utc
    moment = dt.datetime.fromtimestamp(int(epoch), utc) if epoch and epoch.isdigit() else dt.datetime.now(utc)
    return moment.date().isoformat()


def _yaml_string(value: str | None) -> str:
    """A double-quoted YAML scalar: every field is quoted, so that no key, tag or checksum can
    read as a number, a boolean or null (a key 2021 or 046, a language 'no')."""
    if value is None:
        return "null"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data_suffixes() -> dict[str, str]:
    """The suffixes of the files kg publishes and serves, and what each is."""
    from kg.outputs import FORMATS
    from kg.site.layout import HTML

    return {HTML: "the site's pages", **{f.suffix: f"kg's {f.media_type} files" for f in FORMATS}}


def new_key_problem(key: str) -> str | None:
    """Why `key` cannot name a new source, or None. Beyond the registry's key form, a new key
    holds no '.': its IRI {base}source/KEY is served by suffix, so `report.ttl` would name a
    Turtle file (kg serve answers 404 for it whatever the Accept) and `v1.2` one with suffix .2."""
    problem = field_problem("key", key)
    if problem:
        return f"source key {key!r} {problem}"
    if "." in key:
        suffix = "." + key.rsplit(".", 1)[1]
        clash = _data_suffixes().get(suffix.lower())
        what = f"ends in {suffix}, the suffix of {clash}" if clash else f"holds a '.' (its IRI would end in {suffix})"
        return (f"source key {key!r} {what}: the source's IRI …/source/{key} would name a file, not the source; "
                "choose a key without '.' (use '-' or '_')")
    return None


def check_description(key: str | None, description: Description) -> None:
    """Refuse, before anything is fetched or written, what the registry cannot hold; the
    message names the field."""
    if key is not None:
        problem = new_key_problem(key)
        if problem:
            raise InputError(problem)
    fields = {"title": description.title, "date": description.date, "language": description.language,
              "url": description.url, "publisher": description.publisher, "rights": description.rights}
    for name, value in fields.items():
        if value is None:
            continue
        if one_line_problem(value):
            raise InputError(f"{name} {value!r} {one_line_problem(value)}: a registry field is one line of text")
        problem = field_problem(name, value)
        if problem:
            raise InputError(f"{name} {value!r} {problem}")


@dataclass(frozen=True)
class Prepared:
    """An article read or fetched and described, ready for register_text (under the project lock)."""

    raw: bytes
    origin: str
    key: str
    description: Description


def prepare_file(path: Path, key: str | None = None, description: Description = Description()) -> Prepared:
    check_description(key, description)
    raw = read_limited(path, MAX_BYTES, "a source text may hold")
    return Prepared(raw, str(path), key or derived_key(path.stem), description)


def register_file(path: Path, sources_dir: Path, key: str | None = None,
                  description: Description = Description()) -> Registered:
    """Copy the text into sources/ byte for byte and append its entry to sources.yaml."""
    return register_prepared(prepare_file(path, key, description), sources_dir)


def register_prepared(prepared: Prepared, sources_dir: Path) -> Registered:
    return register_text(prepared.raw, prepared.origin, prepared.key, sources_dir, prepared.description)


def derived_key(name: str) -> str:
    """A source key from a file or URL name: runs of other characters (dots included, see
    new_key_problem) become '-'."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")[:128].strip("-_") or "article"


def registry_entry(registered: Registered, description: Description) -> str:
    """The YAML of one registry entry, every field quoted; read back strictly to be sure it
    says exactly what was meant (a registry no command can read would stop them all)."""
    fields = {"key": registered.key, "file": registered.file, "title": description.title, "date": description.date,
              "language": description.language, "sha256": registered.sha256, "retrieved": registered.retrieved}
    fields |= {name: value for name, value in (("url", description.url), ("publisher", description.publisher),
                                               ("rights", description.rights)) if value}
    entry = "  - " + "    ".join(f"{name}: {_yaml_string(value)}\n" for name, value in fields.items())
    read_back = parse_yaml("sources:\n" + entry, "the new registry entry")
    if read_back.problems or read_back.data != {"sources": [fields]}:  # pragma: no cover - a bug in kg
        raise InputError(f"cannot write a registry entry that reads back as written: {fields!r}")
    return entry


def registered_as(raw: bytes, sources_dir: Path) -> str | None:
    """The key under which the very same text (same SHA-256) is registered already, or None."""
    digest = sha256_hex(raw)
    return next((s.key for s in load_sources(sources_dir).values() if s.sha256 == digest), None)


def registration(raw: bytes, origin: str, key: str, sources_dir: Path,
                 description: Description = Description()) -> tuple[Registered, dict[Path, bytes]]:
    """What registering `raw` (UTF-8 text) as a new source writes: the text and the registry with
    its new entry, for one atomic write (register_text, or kg draft with the draft beside them);
    `origin` names the text in errors."""
    check_description(key, description)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{origin}: not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text or not text.strip():
        raise InputError(f"{origin}: not a text article (empty or holds NUL characters)")
    existing = load_sources(sources_dir)
    digest = sha256_hex(raw)
    for source in existing.values():
        if source.sha256 == digest:
            raise InputError(f"{origin} is already registered as source {source.key} (same sha256)")
    if key in existing:
        raise InputError(f"source key {key!r} is taken: give another with --key")
    file_name = f"{key}.txt"
    if (sources_dir / file_name).exists():
        raise InputError(f"{sources_dir / file_name} exists already")
    registered = Registered(key, file_name, digest, _today())
    entry = registry_entry(registered, description)
    registry = sources_dir / REGISTRY_FILE
    # An empty registry may say `sources: []` (or nothing): entries then start a block list.
    current = re.sub(r"^sources:[ \t]*(?:\[[ \t]*\])?[ \t]*$", "sources:", registry.read_text(encoding="utf-8"),
                     count=1, flags=re.M)
    return registered, {sources_dir / file_name: raw,
                        registry: (current.rstrip("\n") + "\n" + entry).encode("utf-8")}


def register_text(raw: bytes, origin: str, key: str, sources_dir: Path,
                  description: Description = Description()) -> Registered:
    """Store `raw` (UTF-8 text) as a new source; `origin` names it in errors."""
    registered, files = registration(raw, origin, key, sources_dir, description)
    write_atomically(files, sources_dir.parent)
    return registered


def fetch_article(url: str, max_bytes: int = MAX_BYTES) -> Article:
    """GET an article (kg.inputs.fetch: redirects followed, the encoding sniffed as browsers do,
    an overall deadline): its UTF-8 text, the page's title and the final URL. HTML is reduced to
    its main text with trafilatura."""
    from kg.inputs.fetch import fetch_page

    page = fetch_page(url, max_bytes)
    if page.media_type == "text/plain":
        return Article(page.text.encode("utf-8"), None, page.url)
    import trafilatura

    main_text = trafilatura.extract(page.text, include_comments=False, include_tables=False)
    if not main_text:
        raise InputError(f"{url}: no article text found in the page")
    metadata = trafilatura.extract_metadata(page.text)
    title = " ".join(metadata.title.split()) if metadata and metadata.title else None
    return Article((main_text.strip() + "\n").encode("utf-8"), title, page.url)


def prepare_url(url: str, key: str | None = None, description: Description = Description()) -> Prepared:
    """Fetch a web article; the registry is to record the URL it was finally served from (after
    redirects) unless `description.url` says otherwise."""
    check_description(key, description)
    article = fetch_article(url)
    from urllib.parse import urlparse

    parts = urlparse(article.url)
    default_key = Path(parts.path).stem or parts.hostname or "article"
    title = description.title or (article.title if article.title and not one_line_problem(article.title) else None)
    described = replace(description, title=title, url=description.url or article.url)
    return Prepared(article.raw, url, key or derived_key(default_key), described)


def register_url(url: str, sources_dir: Path, key: str | None = None,
                 description: Description = Description()) -> Registered:
    """Fetch and register a web article (see prepare_url)."""
    return register_prepared(prepare_url(url, key, description), sources_dir)
