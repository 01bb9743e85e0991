"""Did-you-mean: the known entities closest to an unknown id or name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.model import Entity


def _normalise(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def suggest_entities(wanted: str, entities: Iterable[Entity], limit: int = 3) -> str:
    """'person/jane-doe'-style hints, best first; '' when nothing is close."""
    entities = list(entities)
    slug = wanted.rsplit("/", 1)[-1]
    keys: dict[str, str] = {}
    for entity in entities:
        keys.setdefault(_normalise(entity.id.rsplit("/", 1)[-1]), entity.id)
        for name in entity.names:
            keys.setdefault(_normalise(name.text), entity.id)
    wanted_key = _normalise(slug)
    scored: dict[str, float] = {}
    for key, entity_id in keys.items():
        if not key:
            continue
        ratio = difflib.SequenceMatcher(None, wanted_key, key).ratio()
        if wanted_key and (wanted_key in key or key in wanted_key):
            ratio = max(ratio, 0.8)
        if ratio >= 0.6:
            scored[entity_id] = max(scored.get(entity_id, 0.0), ratio)
    best = sorted(scored, key=lambda e: (-scored[e], e))[:limit]
    return ", ".join(best)
