"""kg source add: register a new article (a local text file) in sources/."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.files import read_limited, write_atomically
from kg.inputs.facts import LANG_TAG
from kg.inputs.sources import KEY_PATTERN, REGISTRY_FILE, load_sources
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


def _today() -> str:
    """The retrieval date: SOURCE_DATE_EPOCH when set (reproducible runs), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return moment.date().isoformat()


def _yaml_string(value: str | None) -> str:
    if value is None:
        return "null"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def register_file(path: Path, sources_dir: Path, key: str | None = None,
                  description: Description = Description()) -> Registered:
    """Copy the text into sources/ byte for byte and append its entry to sources.yaml."""
    raw = read_limited(path, MAX_BYTES, "a source text may hold")
    return register_text(raw, str(path), key or derived_key(path.stem), sources_dir, description)


def derived_key(name: str) -> str:
    """A source key from a file or URL name: runs of other characters become '-'."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "article"


def register_text(raw: bytes, origin: str, key: str, sources_dir: Path,
                  description: Description = Description()) -> Registered:
    """Store `raw` (UTF-8 text) as a new source; `origin` names it in errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{origin}: not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text or not text.strip():
        raise InputError(f"{origin}: not a text article (empty or holds NUL characters)")
    if not KEY_PATTERN.match(key):
        raise InputError(f"source key {key!r} may hold only letters, digits, '_', '.', '-'")
    if not LANG_TAG.match(description.language):
        raise InputError(f"language {description.language!r} is not a BCP 47 tag")
    if description.date is not None:
        try:
            dt.date.fromisoformat(description.date)
        except ValueError as exc:
            raise InputError(f"date {description.date!r} is not YYYY-MM-DD") from exc
    if description.url is not None and not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", description.url):
        raise InputError(f"url {description.url!r} is not an http(s) URL")
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
    retrieved = _today()
    entry = (
        f"  - key: {key}\n"
        f"    file: {file_name}\n"
        f"    title: {_yaml_string(description.title)}\n"
        f"    date: {_yaml_string(description.date)}\n"
        f"    language: {description.language}\n"
        f"    sha256: {digest}\n"
        f"    retrieved: \"{retrieved}\"\n"
        + "".join(f"    {name}: {_yaml_string(value)}\n" for name, value in (
            ("url", description.url), ("publisher", description.publisher), ("rights", description.rights)) if value)
    )
    registry = sources_dir / REGISTRY_FILE
    # An empty registry may say `sources: []` (or nothing): entries then start a block list.
    current = re.sub(r"^sources:[ \t]*(?:\[[ \t]*\])?[ \t]*$", "sources:", registry.read_text(encoding="utf-8"),
                     count=1, flags=re.M)
    write_atomically({
        sources_dir / file_name: raw,
        registry: (current.rstrip("\n") + "\n" + entry).encode("utf-8"),
    })
    return Registered(key, file_name, digest, retrieved)


TEXT_TYPES = ("text/plain", "text/html", "application/xhtml+xml")
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 20


def fetch_article(url: str, max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """GET an article: (UTF-8 text, the page's title). HTML is reduced to its main text with
    trafilatura; timeouts, a size limit and the content type are enforced."""
    import requests

    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url}: only http(s) URLs can be fetched")
    try:
        with requests.get(url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True,
                          headers={"User-Agent": "kg (knowledge-graph publisher)"}) as response:
            if response.status_code != 200:
                raise InputError(f"{url}: HTTP {response.status_code} {response.reason}")
            media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media_type not in TEXT_TYPES:
                raise InputError(f"{url}: content type {media_type or 'unknown'!r} is not an article "
                                 f"({', '.join(TEXT_TYPES)})")
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(f"{url}: more than {max_bytes:,} bytes; refused")
            encoding = response.encoding or "utf-8"
    except requests.RequestException as exc:
        raise InputError(f"{url}: cannot fetch: {exc.__class__.__name__}") from exc
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{url}: cannot decode the page as {encoding}") from exc
    if media_type == "text/plain":
        return text.encode("utf-8"), None
    import trafilatura

    main_text = trafilatura.extract(text, include_comments=False, include_tables=False)
    if not main_text:
        raise InputError(f"{url}: no article text found in the page")
    metadata = trafilatura.extract_metadata(text)
    return (main_text.strip() + "\n").encode("utf-8"), (metadata.title if metadata else None)


def register_url(url: str, sources_dir: Path, key: str | None = None,
                 description: Description = Description()) -> Registered:
    raw, page_title = fetch_article(url)
    from urllib.parse import urlparse

    parts = urlparse(url)
    default_key = Path(parts.path).stem or parts.hostname or "article"
    described = replace(description, title=description.title or page_title, url=description.url or url)
    return register_text(raw, url, key or derived_key(default_key), sources_dir, described)
