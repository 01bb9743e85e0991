"""Curated facts: read facts/*.yaml into typed entities and claims, reporting every problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.files import display_path
from kg.inputs import lexical
from kg.inputs.lexical import LANG_TAG
from kg.inputs.ontology import Ontology
from kg.inputs.quotes import QuoteAmbiguous, QuoteNotFound, closest_passage, locate
from kg.inputs.yamlio import Located, LocatedList, Refused, parse_yaml, read_yaml
from kg.draft.mark import read_mark, unreviewed_message
from kg.model import (
    RANKS,
    UNITS,
    Claim,
    DraftMark,
    Entity,
    EntityValue,
    Facts,
    LiteralValue,
    Name,
    QuantityValue,
    Reference,
    Source,
    Value,
)
from kg.namespaces import RDF, SCHEMA, XSD
from kg.rules import Problem, Rule
from kg.suggest import did_you_mean, suggest_entities

ENTITY_ID = re.compile(r"[a-z][a-z0-9]*/[a-z0-9]+(?:-[a-z0-9]+)*")
QID = re.compile(r"Q[1-9][0-9]*")
DURATION = re.compile(r"-?P(?=[0-9]|T[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
                      r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?")
QUANTITY = SCHEMA + "QuantitativeValue"
ROLE = SCHEMA + "Role"

DATE_OR_DATE_TIME = (XSD + "date", XSD + "dateTime")


def _datatype_for(raw: Any, literal_ranges: list[str]) -> str:
    """The datatype a written value takes among its property's literal ranges: a property that
    takes a date or a dateTime (schema:startDate) reads 2021-10-17 as an xsd:date and
    "2021-10-17T04:36:00Z" as an xsd:dateTime; otherwise the range's first datatype."""
    if set(DATE_OR_DATE_TIME) <= set(literal_ranges):
        return DATE_OR_DATE_TIME[lexical.looks_like_date_time(raw)]
    return literal_ranges[0]


@dataclass
class _Reader:
    """Turns YAML documents into Facts, collecting problems instead of stopping at the first."""

    ontology: Ontology
    sources: Mapping[str, Source]
    known_qids: set[str] | None
    known: Mapping[str, Entity] = field(default_factory=dict)  # entities of the graph these facts join
    facts: Facts = field(default_factory=Facts)
    file: str = ""

    def problem(self, rule: Rule, message: str, line: int | None) -> None:
        self.facts.problems.append(Problem(rule, message, self.file, line))

    # ------------------------------------------------------------------ references

    def references(self, raw: Any, line: int, what: str) -> tuple[Reference, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(Rule.MISSING_REFERENCE, f"{what} needs at least one reference ({{source, quote}})", line)
            return ()
        refs = []
        for item in raw:
            ref = self.reference(item, line)
            if ref is not None:
                refs.append(ref)
        return tuple(refs)

    def reference(self, item: Any, line: int) -> Reference | None:
        if not isinstance(item, Located):
            self.problem(Rule.INVALID_FIELD, "a reference must be a mapping {source, quote}", line)
            return None
        line = item.line
        unknown = set(item) - {"source", "quote", "occurrence"}
        if unknown:
            self.problem(Rule.UNKNOWN_KEY, f"unknown reference key(s): {', '.join(sorted(unknown))}", line)
        key, quote, occurrence = item.get("source"), item.get("quote"), item.get("occurrence")
        if not isinstance(key, str) or not isinstance(quote, str) or not quote:
            self.problem(Rule.MISSING_KEY, "a reference needs 'source' and a non-empty 'quote'", line)
            return None
        if isinstance(occurrence, Refused):
            return None  # its problem (KG027) is reported already
        if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)):
            self.problem(Rule.INVALID_FIELD, "'occurrence' must be a whole number (1 = first)", line)
            return None
        source = self.sources.get(key)
        if source is None:
            self.problem(Rule.UNKNOWN_SOURCE, f"unknown source {key!r}", line)
            return None
        try:
            span = locate(source.text, quote, occurrence)
        except QuoteNotFound:
            closest = closest_passage(source.text, quote)
            self.problem(
                Rule.QUOTE_NOT_FOUND,
                f"quote not found in source {key}: {quote!r}; closest passage: {closest!r}",
                line,
            )
            return None
        except QuoteAmbiguous as exc:
            if occurrence is None:
                self.problem(
                    Rule.AMBIGUOUS_QUOTE,
                    f"quote occurs {len(exc.offsets)} times in source {key} "
                    f"(at {', '.join(map(str, exc.offsets))}): add 'occurrence: N' or quote more",
                    line,
                )
            else:
                self.problem(
                    Rule.OCCURRENCE_OUT_OF_RANGE,
                    f"occurrence {occurrence} asked, but the quote occurs {len(exc.offsets)} times in {key}",
                    line,
                )
            return None
        return Reference(key, quote, span, self.file, line)

    def draft_mark(self, raw: Located, what: str) -> tuple[DraftMark | None, bool]:
        """A candidate's `draft:` mark, and whether to read the candidate at all (a rejected one is
        left out); an unreviewed one is read, so that every other problem shows too, and refused."""
        if "draft" not in raw:
            return None, True
        line = raw.line_of("draft")
        mark = read_mark(raw["draft"])
        if isinstance(mark, str):
            self.problem(Rule.UNKNOWN_KEY if mark.startswith("unknown") else Rule.INVALID_FIELD, mark, line)
            return None, True
        if mark.status == "unreviewed":
            status_line = raw["draft"].line_of("status") if isinstance(raw["draft"], Located) else line
            self.problem(Rule.UNREVIEWED_CANDIDATE, unreviewed_message(what, mark), status_line)
        return mark, mark.status != "rejected"

    def source_language(self, refs: tuple[Reference, ...]) -> str:
        return self.sources[refs[0].source].language if refs else "en"

    # ------------------------------------------------------------------ entities

    def entity(self, raw: Any, line: int) -> None:
        if not isinstance(raw, Located):
            self.problem(Rule.INVALID_FIELD, "an entity must be a mapping", line)
            return
        line = raw.line
        unknown = set(raw) - {"id", "type", "wikidata", "names", "draft"}
        if unknown:
            self.problem(Rule.UNKNOWN_KEY, f"unknown entity key(s): {', '.join(sorted(unknown))}", line)
        entity_id = raw.get("id")
        if entity_id is None or entity_id == "":
            self.problem(Rule.MISSING_KEY, "an entity needs an 'id' (kind/lowercase-slug)", line)
            return
        if not isinstance(entity_id, str) or not ENTITY_ID.fullmatch(entity_id):
            self.problem(Rule.INVALID_ENTITY_ID, f"entity id {entity_id!r} must look like kind/lowercase-slug", line)
            return
        mark, wanted = self.draft_mark(raw, f"entity {entity_id}")
        if not wanted:
            return
        other = self.entity_named(entity_id)
        if other is not None:
            first = f"{other.file}:{other.line}" if other.line else other.file
            self.problem(Rule.DUPLICATE_ENTITY, f"entity {entity_id} is defined twice (first at {first})", line)
            return
        types = self.classes(raw.get("type"), line)
        wikidata = raw.get("wikidata")
        if wikidata is not None:
            if not isinstance(wikidata, str) or not QID.fullmatch(wikidata):
                self.problem(Rule.UNVERIFIED_WIKIDATA_ID, f"wikidata {wikidata!r} is not a QID like Q4350906", line)
                wikidata = None
            elif self.known_qids is not None and wikidata not in self.known_qids:
                self.problem(
                    Rule.UNVERIFIED_WIKIDATA_ID,
                    f"{wikidata} is not a verified ID in reference/wikidata-ids.tsv; leave it out rather than guess",
                    line,
                )
                wikidata = None
        names = self.names(raw.get("names"), line, entity_id)
        self.facts.entities[entity_id] = Entity(entity_id, types, wikidata, names, self.file, line, mark)

    def classes(self, raw: Any, line: int) -> tuple[str, ...]:
        curies = raw if isinstance(raw, list) else [raw]
        if not curies or not all(isinstance(c, str) for c in curies):
            self.problem(Rule.INVALID_FIELD, "'type' must be a class CURIE or a list of them", line)
            return ()
        classes = []
        for curie in curies:
            iri = self.expand(curie, line)
            if iri is None:
                continue
            if not self.ontology.is_class(iri):
                hint = self.ontology.class_hint(curie)
                self.problem(Rule.UNKNOWN_CLASS, f"{curie} is not a class declared in ontology/{hint}", line)
                continue
            classes.append(iri)
        return tuple(classes)

    def names(self, raw: Any, line: int, entity_id: str) -> tuple[Name, ...]:
        if raw is not None and not isinstance(raw, list):
            self.problem(Rule.INVALID_FIELD, f"'names' of entity {entity_id} must be a list", line)
            return ()
        if not raw:
            self.problem(Rule.MISSING_KEY, f"entity {entity_id} needs 'names' with one preferred name", line)
            return ()
        names: list[Name] = []
        seen: set[tuple[str, str]] = set()
        for item in raw:
            if not isinstance(item, Located):
                self.problem(Rule.INVALID_FIELD, "a name must be a mapping {text, ...}", line)
                continue
            if not isinstance(item.get("text"), str) or not item["text"].strip():
                self.problem(Rule.MISSING_KEY, "each name needs a non-empty 'text'", item.line)
                continue
            unknown = set(item) - {"text", "lang", "preferred", "refs"}
            if unknown:
                self.problem(Rule.UNKNOWN_KEY, f"unknown name key(s): {', '.join(sorted(unknown))}", item.line)
            refs = self.references(item.get("refs"), item.line, f"name {item['text']!r}")
            lang = item.get("lang") or self.source_language(refs)
            if not isinstance(lang, str) or not LANG_TAG.fullmatch(lang):
                self.problem(Rule.INVALID_LANGUAGE_TAG, f"language tag {lang!r} is not BCP 47", item.line)
                lang = "und"
            preferred = item.get("preferred", False) is True
            if (item["text"], lang) in seen:
                self.problem(Rule.DUPLICATE_NAME, f"name {item['text']!r}@{lang} is listed twice", item.line)
            seen.add((item["text"], lang))
            if not preferred:
                for ref in refs:
                    if item["text"] not in ref.quote:
                        self.problem(
                            Rule.NAME_NOT_IN_QUOTE,
                            f"alternate name {item['text']!r} does not occur in its quote {ref.quote!r}",
                            ref.line,
                        )
            names.append(Name(item["text"], lang, preferred, refs))
        preferred_count = sum(n.preferred for n in names)
        if names and preferred_count != 1:
            self.problem(
                Rule.PREFERRED_NAME, f"entity {entity_id} needs exactly one preferred name, has {preferred_count}", line
            )
        return tuple(names)

    def expand(self, curie: str, line: int, hint: Callable[[str], str] | None = None) -> str | None:
        try:
            return self.ontology.expand(curie)
        except InputError as exc:
            self.problem(Rule.UNKNOWN_PREFIX, f"{exc}{hint(curie) if hint else ''}", line)
            return None

    # ------------------------------------------------------------------ claims

    def claim(self, raw: Any, line: int) -> None:
        if not isinstance(raw, Located):
            self.problem(Rule.INVALID_FIELD, "a claim must be a mapping", line)
            return
        line = raw.line
        unknown = set(raw) - {"subject", "property", "value", "qualifiers", "rank", "note", "refs", "draft"}
        if unknown:
            self.problem(Rule.UNKNOWN_KEY, f"unknown claim key(s): {', '.join(sorted(unknown))}", line)
        subject, curie = raw.get("subject"), raw.get("property")
        if not isinstance(subject, str) or not isinstance(curie, str) or "value" not in raw:
            self.problem(Rule.MISSING_KEY, "a claim needs 'subject', 'property' and 'value'", line)
            return
        mark, wanted = self.draft_mark(raw, f"claim {subject} {curie}")
        if not wanted:
            return
        property_line = raw.line_of("property")
        prop = self.expand(curie, property_line, self.ontology.property_hint)
        if prop is None:
            return
        info = self.ontology.properties.get(prop)
        if info is None:
            hint = self.ontology.property_hint(curie)
            self.problem(Rule.UNKNOWN_PROPERTY, f"{curie} is not a property declared in ontology/{hint}",
                         property_line)
            return
        rank = raw.get("rank", "normal")
        if rank not in RANKS:
            self.problem(Rule.INVALID_FIELD, f"rank {rank!r} must be one of {', '.join(RANKS)}", line)
            return
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            self.problem(Rule.INVALID_FIELD, "'note' must be text", line)
            note = None
        refs = self.references(raw.get("refs"), line, f"claim {subject} {curie}")
        value = self.value(raw["value"], info.ranges, line, refs)
        qualifiers = raw.get("qualifiers") or {}
        if not isinstance(qualifiers, dict):
            self.problem(Rule.INVALID_FIELD, "'qualifiers' must be a mapping {point_in_time, role}", line)
            qualifiers = {}
        elif set(qualifiers) - {"point_in_time", "role"}:
            unknown = set(qualifiers) - {"point_in_time", "role"}
            self.problem(Rule.UNKNOWN_KEY, f"unknown qualifier(s): {', '.join(sorted(map(str, unknown)))} "
                         "(qualifiers may be 'point_in_time' and 'role')", line)
            qualifiers = {}
        point_in_time = None
        if "point_in_time" in qualifiers:
            point_in_time = self.date(qualifiers["point_in_time"], line)
        role = qualifiers.get("role")
        if role is not None and not isinstance(role, str):
            self.problem(Rule.INVALID_FIELD, "qualifier 'role' must be an entity id", line)
            role = None
        if value is None:
            return
        self.facts.claims.append(
            Claim(subject, prop, value, refs, self.file, line, point_in_time, role, rank, note, mark)
        )

    def value(self, raw: Any, ranges: tuple[str, ...], line: int, refs: tuple[Reference, ...]) -> Value | None:
        if isinstance(raw, Refused):
            return None  # its problem (KG027) is reported already
        literal_ranges = [r for r in ranges if r.startswith((XSD, RDF))]
        if QUANTITY in ranges and (not literal_ranges or (isinstance(raw, dict) and "amount" in raw)):
            return self.quantity(raw, line)
        # schema.org mixes classes and text in some ranges (schema:location: Place or Text): an
        # entity id there is the entity, anything else the text.
        entity_allowed = len(literal_ranges) < len(ranges)
        if not literal_ranges or (entity_allowed and isinstance(raw, str) and ENTITY_ID.fullmatch(raw)):
            if not isinstance(raw, str):
                self.problem(Rule.WRONG_VALUE, f"value must be an entity id, got {raw!r}", line)
                return None
            return EntityValue(raw)  # existence and class are checked once all files are read
        datatype = _datatype_for(raw, literal_ranges)
        if datatype == RDF + "langString":
            if isinstance(raw, dict) and isinstance(raw.get("text"), str) and set(raw) <= {"text", "lang"}:
                text, lang = raw["text"], raw.get("lang") or self.source_language(refs)
            elif isinstance(raw, str):
                text, lang = raw, self.source_language(refs)
            else:
                self.problem(Rule.WRONG_VALUE, f"value must be text or {{text, lang}}, got {raw!r}", line)
                return None
            if not isinstance(lang, str) or not LANG_TAG.fullmatch(lang):
                self.problem(Rule.INVALID_LANGUAGE_TAG, f"language tag {lang!r} is not BCP 47", line)
                return None
            return LiteralValue(text, datatype, lang)
        written = self.literal_form(raw, datatype, line)
        return None if written is None else LiteralValue(written, datatype)

    def literal_form(self, raw: Any, datatype: str, line: int) -> str | None:
        """The lexical form of a value of `datatype` (kg.inputs.lexical's strict readings)."""
        local = datatype.removeprefix(XSD)
        if local == "date":
            return self.date(raw, line)
        if local == "dateTime":
            return self.checked(lexical.date_time, raw, line)
        if local == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.problem(Rule.WRONG_VALUE, f"{raw!r} is not an integer", line)
                return None
            return str(raw)
        if local == "decimal":
            return self.checked(lexical.decimal_lexical, raw, line)
        if local == "boolean":
            if not isinstance(raw, bool):
                self.problem(Rule.WRONG_VALUE, f"{raw!r} is not true or false", line)
                return None
            return "true" if raw else "false"
        if local == "duration":
            if not isinstance(raw, str) or not DURATION.fullmatch(raw):
                self.problem(Rule.WRONG_VALUE, f"{raw!r} is not an ISO 8601 duration like P12D or PT3H", line)
                return None
            return raw
        if isinstance(raw, str):
            return raw
        self.problem(Rule.WRONG_VALUE, f"{raw!r} is not a valid xsd:{local}", line)
        return None

    def checked(self, read: Callable[[Any], str], raw: Any, line: int, what: str = "") -> str | None:
        """read(raw), or None and a KG004 problem saying why the value is not accepted."""
        try:
            return read(raw)
        except lexical.NotAccepted as exc:
            self.problem(Rule.WRONG_VALUE, f"{what}{exc}", line)
            return None

    def date(self, raw: Any, line: int) -> str | None:
        return self.checked(lexical.date, raw, line)

    def quantity(self, raw: Any, line: int) -> QuantityValue | None:
        if not isinstance(raw, dict) or set(raw) != {"amount", "unit"}:
            self.problem(Rule.WRONG_VALUE, f"a quantity is {{amount, unit}}, got {raw!r}", line)
            return None
        unit, amount = raw["unit"], raw["amount"]
        if not isinstance(unit, str) or unit not in UNITS:
            self.problem(Rule.WRONG_VALUE, f"unknown unit {unit!r} (known: {', '.join(UNITS)})", line)
            return None
        if isinstance(amount, Refused):
            return None  # its problem (KG027) is reported already
        written = self.checked(lexical.decimal_lexical, amount, line, "amount: ")
        return None if written is None else QuantityValue(written, unit)

    # ------------------------------------------------------------------ cross-checks

    def entity_named(self, entity_id: str) -> Entity | None:
        return self.facts.entities.get(entity_id) or self.known.get(entity_id)

    def check_links(self) -> None:
        """Entity references must exist and have the class the property expects."""
        for claim in self.facts.claims:
            self.file = claim.file
            if self.entity_named(claim.subject) is None:
                self.unknown_entity(claim.subject, claim.line)
            if isinstance(claim.value, EntityValue):
                target = self.entity_named(claim.value.id)
                if target is None:
                    self.unknown_entity(claim.value.id, claim.line)
                else:
                    ranges = self.ontology.properties[claim.property].class_ranges
                    self.expect_class(target, ranges, claim.line, self.ontology.compact(claim.property))
            if claim.role is not None:
                role = self.entity_named(claim.role)
                if role is None:
                    self.unknown_entity(claim.role, claim.line)
                else:
                    self.expect_class(role, (ROLE,), claim.line, "qualifier role")

    def expect_class(self, entity: Entity, ranges: tuple[str, ...], line: int, what: str) -> None:
        if not ranges:
            return
        # schema.org's Role pattern: a role node stands where its property's value would
        if not any(self.ontology.is_subclass(t, r) for t in entity.types for r in (*ranges, ROLE)):
            expected = " or ".join(self.ontology.compact(r) for r in ranges)
            actual = ", ".join(self.ontology.compact(t) for t in entity.types) or "no type"
            self.problem(Rule.WRONG_VALUE, f"{what} expects {expected}; {entity.id} is {actual}", line)

    def unknown_entity(self, entity_id: str, line: int) -> None:
        entities = [*self.facts.entities.values(), *self.known.values()]
        hint = did_you_mean(suggest_entities(entity_id, {e.id: [n.text for n in e.names] for e in entities}))
        self.problem(Rule.UNKNOWN_ENTITY, f"unknown entity {entity_id}{hint}", line)


def fact_files(facts_dir: Path) -> list[Path]:
    return sorted(p for p in facts_dir.rglob("*.yaml") if p.is_file())


def read_facts(
    paths: Iterable[Path],
    ontology: Ontology,
    sources: Mapping[str, Source],
    known_qids: set[str] | None = None,
    root: Path | None = None,
    known: Mapping[str, Entity] | None = None,
    texts: Mapping[Path, str] | None = None,
    links: bool = True,
) -> Facts:
    """Read fact files; problems are collected in Facts.problems, never raised one by one.
    Claims may use the `known` entities (of the graph the files would join) as well as their own.
    `texts` gives some files' new text, read instead of what is on disk (kg rank's edit).
    `links=False` leaves out the check of the entities claims name (link_problems does it, once
    every file is read: kg.build_cache reads each file alone)."""
    reader = _Reader(ontology, sources, known_qids, {} if known is None else known)
    for path in paths:
        display = display_path(path, root) if root else str(path)
        reader.file = display
        loaded = parse_yaml(texts[path], display) if texts and path in texts else read_yaml(path, display)
        reader.facts.problems.extend(loaded.problems)
        document = loaded.data
        if document is None:
            continue
        if not isinstance(document, Located):
            reader.problem(Rule.INVALID_FIELD, "a facts file is a mapping with 'entities' and/or 'claims'", 1)
            continue
        unknown = set(document) - {"entities", "claims"}
        if unknown:
            reader.problem(Rule.UNKNOWN_KEY, f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))} "
                           "(a facts file has 'entities' and/or 'claims')", 1)
        for key, read in (("entities", reader.entity), ("claims", reader.claim)):
            items = document.get(key) or []
            if not isinstance(items, list):
                reader.problem(Rule.INVALID_FIELD, f"'{key}' must be a list", document.line_of(key))
                continue
            lines = items.lines if isinstance(items, LocatedList) else [document.line_of(key)] * len(items)
            for raw, line in zip(items, lines):
                read(raw, line)
    if links:
        reader.check_links()
    return reader.facts


def link_problems(facts: Facts, ontology: Ontology) -> list[Problem]:
    """What read_facts' last check finds in `facts`: unknown entities and entities of the wrong class."""
    reader = _Reader(ontology, {}, None, facts=Facts(facts.entities, facts.claims))
    reader.check_links()
    return reader.facts.problems
