"""A build cache entry (kg.build_cache): one facts file read and mapped alone, as JSON behind a
header line `kg-build-cache/2 <sha256 of the JSON>`. Each reference is written once and named by
its index; terms are [iri] or [lexical form, datatype, language]. decode() refuses (None) a
truncated, corrupted, other-format or other-key entry, and runs no code: it is JSON, not pickle."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.mapping import MappedPart, Statement
from kg.model import (
    Claim,
    DraftMark,
    Entity,
    EntityValue,
    Facts,
    LiteralValue,
    Name,
    QuantityValue,
    Reference,
    Span,
    Value,
)

FORMAT = "kg-build-cache/2"


@dataclass
class Part:
    """One facts file read and mapped alone."""

    key: str
    facts: Facts
    mapped: MappedPart
    quoted: dict[str, str] = field(default_factory=dict)  # source key -> source_fingerprint



def seal(form: str, body: bytes) -> bytes:
    """`body` behind a header line `FORM <sha256 of body>`: what kg keeps under .kg/ (a cache
    entry, the validation state, the site index) is read back only whole and of its own format."""
    return f"{form} {hashlib.sha256(body).hexdigest()}\n".encode() + body


def unseal(form: str, data: bytes) -> bytes | None:
    """The body `seal(form, body)` wrote; None when `data` is truncated, corrupted or of another form."""
    header, newline, body = data.partition(b"\n")
    if not newline or header != f"{form} {hashlib.sha256(body).hexdigest()}".encode():
        return None
    return body


def encode(part: Part) -> bytes:
    table: dict[Reference, int] = {}  # each reference written once, named by its index elsewhere
    entities = [_entity(e, table) for e in part.facts.entities.values()]
    claims = [_claim(c, table) for c in part.facts.claims]
    entity_statements = [_statement(s, table) for s in part.mapped.entity_statements]
    claim_statements = [_statement(s, table) for s in part.mapped.claim_statements]
    body = json.dumps({
        "format": FORMAT, "key": part.key, "quoted": part.quoted,
        "references": [_reference(ref) for ref in table],
        "entities": entities, "claims": claims,
        "entity_statements": entity_statements, "claim_statements": claim_statements,
        "metadata": [[term_row(t.subject), term_row(t.predicate), term_row(t.object)] for t in part.mapped.metadata],
    }, ensure_ascii=False, separators=(",", ":")).encode()
    return seal(FORMAT, body)


def decode(data: bytes, key: str) -> Part | None:
    """The entry's part; None when it is truncated, corrupted, of another format or another key."""
    body = unseal(FORMAT, data)
    if body is None:
        return None
    try:
        raw = json.loads(body)
        if raw["format"] != FORMAT or raw["key"] != key:
            return None
        refs = [_from_reference(r) for r in raw["references"]]
        entities = [_from_entity(e, refs) for e in raw["entities"]]
        facts = Facts({e.id: e for e in entities}, [_from_claim(c, refs) for c in raw["claims"]])
        mapped = MappedPart([_from_statement(s, refs) for s in raw["entity_statements"]],
                            [_from_statement(s, refs) for s in raw["claim_statements"]],
                            [ox.Triple(_from_node(s), _from_node(p), term_from_row(o)) for s, p, o in raw["metadata"]],
                            [])
        quoted = {str(k): str(v) for k, v in raw["quoted"].items()}
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    return Part(key, facts, mapped, quoted)


def term_row(term: Any) -> list[Any]:
    if isinstance(term, ox.NamedNode):
        return [term.value]
    if isinstance(term, ox.Literal):
        return [term.value, term.datatype.value, term.language]
    raise TypeError(f"no cache form for {term!r}")


def _from_node(row: list[Any]) -> ox.NamedNode:
    (value,) = row
    return ox.NamedNode(value)


def term_from_row(row: list[Any]) -> ox.NamedNode | ox.Literal:
    if len(row) == 1:
        return _from_node(row)
    value, datatype, language = row
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _reference(ref: Reference) -> list[Any]:
    s = ref.span
    return [ref.source, ref.quote, s.start, s.end, s.exact, s.prefix, s.suffix, ref.file, ref.line]


def _index(ref: Reference, table: dict[Reference, int]) -> int:
    return table.setdefault(ref, len(table))


def _from_reference(row: list[Any]) -> Reference:
    source, quote, start, end, exact, prefix, suffix, file, line = row
    return Reference(source, quote, Span(start, end, exact, prefix, suffix), file, line)


def _mark(mark: DraftMark | None) -> list[Any] | None:
    return None if mark is None else [mark.rule, mark.confidence, mark.status, mark.duplicates, mark.contradicts]


def _from_mark(row: list[Any] | None) -> DraftMark | None:
    return None if row is None else DraftMark(*row)


def _entity(entity: Entity, table: dict[Reference, int]) -> list[Any]:
    names = [[n.text, n.lang, n.preferred, [_index(r, table) for r in n.refs]] for n in entity.names]
    return [entity.id, list(entity.types), entity.wikidata, names, entity.file, entity.line, _mark(entity.draft)]


def _from_entity(row: list[Any], table: list[Reference]) -> Entity:
    entity_id, types, wikidata, names, file, line, mark = row
    return Entity(entity_id, tuple(types), wikidata,
                  tuple(Name(text, lang, preferred, tuple(table[i] for i in refs))
                        for text, lang, preferred, refs in names),
                  file, line, _from_mark(mark))


def _value(value: Value) -> list[Any]:
    if isinstance(value, EntityValue):
        return ["e", value.id]
    if isinstance(value, LiteralValue):
        return ["l", value.lexical, value.datatype, value.lang]
    return ["q", value.amount, value.unit]


def _from_value(row: list[Any]) -> Value:
    kind, *rest = row
    if kind == "e":
        (entity_id,) = rest
        return EntityValue(entity_id)
    if kind == "l":
        lexical, datatype, lang = rest
        return LiteralValue(lexical, datatype, lang)
    if kind == "q":
        amount, unit = rest
        return QuantityValue(amount, unit)
    raise ValueError(f"unknown value kind {kind!r}")


def _claim(claim: Claim, table: dict[Reference, int]) -> list[Any]:
    return [claim.subject, claim.property, _value(claim.value), [_index(r, table) for r in claim.refs], claim.file,
            claim.line, claim.point_in_time, claim.role, claim.rank, claim.note, _mark(claim.draft)]


def _from_claim(row: list[Any], table: list[Reference]) -> Claim:
    subject, prop, value, refs, file, line, point_in_time, role, rank, note, mark = row
    return Claim(subject, prop, _from_value(value), tuple(table[i] for i in refs), file, line,
                 point_in_time, role, rank, note, _from_mark(mark))


def _statement(st: Statement, table: dict[Reference, int]) -> list[Any]:
    return [term_row(st.subject), term_row(st.predicate), term_row(st.object), st.iri.value, st.rank,
            [[iri.value, _index(ref, table)] for iri, ref in st.refs.items()],
            sorted(st.points_in_time), sorted(st.roles), st.notes, st.origin]


def _from_statement(row: list[Any], table: list[Reference]) -> Statement:
    s, p, o, iri, rank, refs, points_in_time, roles, notes, origin = row
    return Statement(_from_node(s), _from_node(p), term_from_row(o), ox.NamedNode(iri), rank,
                     {ox.NamedNode(ref_iri): table[i] for ref_iri, i in refs},
                     set(points_in_time), set(roles), list(notes), origin)
