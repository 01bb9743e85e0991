"""Content negotiation (RFC 9110 §12.5.1): pick the offered media type the Accept header
prefers, honouring q-values and wildcards; a malformed entry is skipped, not fatal. Every entry is
read (a preferred type may come last), so the header's length is capped instead: longer is refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.errors import InputError

MAX_ACCEPT_BYTES = 8192
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^({_TOKEN})/({_TOKEN})$")
_QVALUE = re.compile(r"^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$")


class BadAccept(InputError):
    """An Accept header none of whose entries is a media range."""


class AcceptTooLarge(BadAccept):
    """An Accept header longer than MAX_ACCEPT_BYTES (HTTP 431)."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches media_type (2 exact, 1 type/*, 0 */*), or None."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == kind and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == sub:
            return 2
        return None


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header. Entries that are not media ranges or carry an
    invalid q are ignored; a header with entries but no valid one raises BadAccept, one longer
    than MAX_ACCEPT_BYTES raises AcceptTooLarge."""
    if len(header) > MAX_ACCEPT_BYTES:
        raise AcceptTooLarge(f"the Accept header is longer than {MAX_ACCEPT_BYTES:,} characters")
    ranges = []
    entries = [e.strip() for e in header.split(",") if e.strip()]
    for entry in entries:
        name, *params = [p.strip() for p in entry.split(";")]
        match = _RANGE.match(name)
        if not match or (match.group(1) == "*" and match.group(2) != "*"):
            continue
        q = 1.0
        valid = True
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                if not _QVALUE.match(value):
                    valid = False
                    break
                q = float(value)
        if valid:
            ranges.append(MediaRange(match.group(1).lower(), match.group(2).lower(), q))
    if entries and not ranges:
        raise BadAccept(f"the Accept header holds no media range: {header[:200]!r}")
    return ranges


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered type with the highest q (ties: the first offered), None when the header
    accepts none of them. No or an empty Accept header accepts anything."""
    if header is None or not header.strip():
        return offered[0] if offered else None
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for position, media_type in enumerate(offered):
        matches = [(spec, r.q) for r in ranges if (spec := r.specificity(media_type)) is not None]
        if not matches:
            continue
        q = max(matches)[1]
        if q > 0 and (best is None or q > best[0]):
            best, chosen = (q, position), media_type
    return chosen
