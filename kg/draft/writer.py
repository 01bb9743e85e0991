"""The draft file: the curated facts format, each candidate with its `draft:` mark, new facts
first and repeats of known claims (new references) kept apart after them."""

from __future__ import annotations

import json
from decimal import Decimal

from kg.draft.candidates import ClaimCandidate, EntityCandidate, Quote, YamlValue
from kg.inputs.lexical import looks_like_date_time


def text(value: str) -> str:
    """A YAML double-quoted string that YAML 1.1 and 1.2 readers read alike (kg.inputs.yamlio)."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P"))


def _value(value: YamlValue) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v if k == 'amount' else text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return text(value) if looks_like_date_time(value) else value


def reference(source: str, quote: Quote) -> str:
    """A reference as the draft writes it: {source, quote, occurrence when one of several}."""
    occurrence = f", occurrence: {quote.occurrence}" if quote.occurrence else ""
    return f"{{source: {source}, quote: {text(quote.text)}{occurrence}}}"


def _mark(rule: str, confidence: float, duplicates: str | None = None, contradicts: str | None = None) -> str:
    extra = "".join(f", {k}: {text(v)}" for k, v in (("duplicates", duplicates), ("contradicts", contradicts)) if v)
    return f"{{rule: {rule}, confidence: {confidence:g}{extra}, status: unreviewed}}"


def _entity(source: str, e: EntityCandidate) -> str:
    types = e.types[0] if len(e.types) == 1 else "[" + ", ".join(e.types) + "]"
    wikidata = f"    wikidata: {e.wikidata}\n" if e.wikidata else ""
    return (f"  - id: {e.id}\n    type: {types}\n{wikidata}    names:\n"
            f"      - text: {text(e.name)}\n        preferred: true\n        refs:\n"
            f"          - {reference(source, e.quote)}\n    draft: {_mark(e.rule, e.confidence)}\n")


def _claim(source: str, c: ClaimCandidate) -> str:
    given = [f"{k}: {v}" for k, v in (("point_in_time", c.point_in_time), ("role", c.role)) if v]
    qualifiers = f"    qualifiers: {{{', '.join(given)}}}\n" if given else ""
    return (f"  - subject: {c.subject}\n    property: {c.property}\n    value: {_value(c.value)}\n{qualifiers}"
            f"    refs:\n      - {reference(source, c.quote)}\n"
            f"    draft: {_mark(c.rule, c.confidence, c.duplicates, c.contradicts)}\n")


def render(source: str, entities: list[EntityCandidate], claims: list[ClaimCandidate]) -> str:
    lines = [f"# kg draft of source {source}: every candidate is unreviewed. Set each `status:` to accepted\n"
             "# (edit it first if it is wrong) or rejected, then `kg add` this file.\n"]
    if entities:
        lines.append("\nentities:\n")
        lines += [_entity(source, e) for e in entities]
    new = [c for c in claims if c.duplicates is None]
    repeats = [c for c in claims if c.duplicates is not None]
    if claims:
        lines.append("\nclaims:\n")
    if new:
        lines.append("  # new facts (a `contradicts` mark names the known claim it disagrees with)\n")
        lines += [_claim(source, c) for c in new]
    if repeats:
        lines.append("  # known facts: each quote is a new reference of the claim its `duplicates` names\n")
        lines += [_claim(source, c) for c in repeats]
    return "".join(lines)
