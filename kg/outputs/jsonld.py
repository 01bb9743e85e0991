"""JSON-LD that reads as schema.org's own examples do, written directly from sorted triples: fast,
byte-stable, and exactly the Turtle's RDF graph.

The context is generated from the graph (`make_context`), so the same triples always give the
same context, published as context.jsonld and embedded in each document (no processor ever
fetches one):

- `"@vocab": "https://schema.org/"`: schema.org terms are plain keys and types (`"name"`,
  `"director"`, `"@type": "Movie"`). Another vocabulary's term (prov:, oa:, rdf:, kg:, …) gets a
  plain name (`"wasDerivedFrom"`, `"hasSource"`, `"exact"`) only where that name is no prefix, no
  schema.org term (so `"sameAs"` is schema:sameAs, `"rdf:object"` stays a compact IRI since
  schema.org has an `object`) and no other vocabulary's term in the graph; otherwise the key is a
  compact IRI (`"owl:sameAs"`, `"schema:value"` where `value:` is a prefix).
- Coercion per term, where every value of the property in the graph is of one kind: IRIs
  (`"@type": "@id"`, the value a plain string such as `"person:klim-shipenko"`), one datatype
  (`"@type": "xsd:date"`, the value its lexical form), one non-default language, or plain
  strings (`"@language": null`). A property with mixed values has no coercion.
- `"@language"`: the project's language, so its strings are plain; a string in another language
  is a value object (`{"@value": …, "@language": "ru-Latn"}`), as is any value its key's
  coercion does not fit. Language maps were not chosen: they would wrap every English name too.
- JSON numbers and booleans only where lossless: JSON-LD turns a JSON integer into xsd:integer
  with its canonical lexical form and true/false into xsd:boolean, so an xsd:integer is a number
  only when its lexical form is canonical ("38", not "038" or "+38") and exact as a JavaScript
  number (|n| < 2^53), an xsd:boolean only when "true" or "false"; the others stay strings. No
  other datatype becomes a JSON number (a JSON double would turn an xsd:decimal into xsd:double).
  An xsd:double must be in canonical form (1.0E3, not 1e3): pyld and jsonld.js rewrite every
  xsd:double, string or number, into it, so no JSON-LD could keep another form; to_jsonld refuses.
- One node object per line in a flat `@graph`, nodes referenced by `@id` (diffable, and what
  crawlers reading schema.org accept); a key with one value has no array.

A document holding part of a graph (a resource's data file on the site) uses the graph's context
and embeds the part of it that it uses: the same terms with the same coercions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.inputs.ontology import schemaorg
from kg.namespaces import RDF, SCHEMA, XSD, Compactor
from kg.terms import canonical_language_tag

TYPE = RDF + "type"
STRING = XSD + "string"
INTEGER = XSD + "integer"
BOOLEAN = XSD + "boolean"
DOUBLE = XSD + "double"
ID = "@id"
# The largest integer a JavaScript number holds exactly: a larger one would change in jsonld.js.
MAX_SAFE_INTEGER = 2**53 - 1
# A plain term: no colon (it would read as a compact IRI), no leading @ (a keyword's form).
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# A prefix is used for compact IRIs only when its IRI ends so (JSON-LD 1.1 takes no other as one).
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")

Kind = tuple[str, str]  # (ID, ""), ("@language", lowercase tag) or ("@type", datatype IRI)


@dataclass(frozen=True)
class Term:
    """How one property or class is written: its key (a plain name or a compact IRI), and the one
    kind of value it is coerced to (None: no coercion)."""

    name: str
    iri: str
    coercion: Kind | None = None
    definition: object = None  # the term's entry in the context, None when it needs none


@dataclass(frozen=True)
class Context:
    """A generated JSON-LD context: @vocab schema.org, the default language, the prefixes and the
    terms, by IRI."""

    prefixes: dict[str, str]
    language: str | None
    terms: dict[str, Term] = field(default_factory=dict)

    @property
    def keys(self) -> frozenset[str]:
        """Every name the context defines: a plain string equal to one expands through it."""
        return frozenset(self.prefixes) | {t.name for t in self.terms.values() if t.definition is not None}

    def body(self, names: set[str] | None = None, prefixes: set[str] | None = None) -> dict[str, object]:
        """The context object; only the named terms and prefixes when given (a part's document)."""
        body: dict[str, object] = {"@vocab": SCHEMA}
        if self.language:
            body["@language"] = self.language
        body.update((p, ns) for p, ns in self.prefixes.items() if prefixes is None or p in prefixes)
        defined = sorted((t.name, t.definition) for t in self.terms.values() if t.definition is not None
                         and (names is None or t.name in names))
        body.update(defined)
        return body

    def document(self) -> dict[str, object]:
        """The published context.jsonld."""
        return {"@context": self.body()}


def make_context(triples: Iterable[ox.Triple], prefixes: dict[str, str], language: str | None) -> Context:
    """The context for a graph: its properties' and classes' names and coercions (see the module
    docstring); the same for the same triples in any order."""
    kinds: dict[str, set[Kind]] = {}
    classes: set[str] = set()
    for triple in triples:
        predicate, obj = triple.predicate.value, triple.object
        if predicate == TYPE and isinstance(obj, ox.NamedNode):
            classes.add(obj.value)
            continue
        found = kinds.get(predicate)
        if found is None:
            found = kinds[predicate] = set()
        found.add(_kind(obj))
    default = canonical_language_tag(language) if language else None
    names = _names(set(kinds) | classes, prefixes)
    curie = _compactor(prefixes)
    terms: dict[str, Term] = {}
    for iri in sorted(set(kinds) | classes):
        name = names.get(iri)
        if name is None:
            continue
        values = kinds.get(iri, set())
        coercion = next(iter(values)) if len(values) == 1 else None
        entry = _coercion_entry(coercion, default, curie)
        if not entry:
            coercion = None  # none, or the default language's strings: plain without a term entry
        definition: object = None
        if entry or not iri.startswith(SCHEMA):
            iri_form = curie(iri) or iri
            definition = {"@id": iri_form, **entry} if entry or iri.endswith(_GEN_DELIMS) else iri_form
        terms[iri] = Term(name, iri, coercion, definition)
    return Context(dict(prefixes), default, terms)


def _kind(obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Kind:
    if isinstance(obj, ox.NamedNode):
        return (ID, "")
    if isinstance(obj, ox.Literal):
        return ("@language", obj.language) if obj.language else ("@type", obj.datatype.value)
    raise ValueError(f"{obj} in published output: kg publishes no blank nodes or triple terms")


def _coercion_entry(coercion: Kind | None, default: str | None,
                    curie: Callable[[str], str | None]) -> dict[str, object]:
    """The term entry's coercion; {} where none is needed."""
    if coercion is None:
        return {}
    what, detail = coercion
    if what == ID:
        return {"@type": "@id"}
    if what == "@language":
        tag = canonical_language_tag(detail)
        return {} if tag == default else {"@language": tag}
    if detail == STRING:
        return {"@language": None} if default else {}
    return {"@type": curie(detail) or detail}


def _names(iris: set[str], prefixes: dict[str, str]) -> dict[str, str]:
    """The plain name of each IRI that gets one: schema.org's by @vocab (unless the name is a
    prefix's), another vocabulary's when no prefix, schema.org term or other IRI of the graph has
    that local name."""
    reserved = set(prefixes)
    schema_names = _schemaorg_names()
    names: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    for iri in sorted(iris - {TYPE}):
        if iri.startswith(SCHEMA):
            local = iri[len(SCHEMA):]
            if _TERM.fullmatch(local) and local not in reserved:
                names[iri] = local
        else:
            local = re.split(r"[/#]", iri)[-1]
            if _TERM.fullmatch(local) and local not in reserved and local not in schema_names:
                others.setdefault(local, []).append(iri)
    for local, claimants in others.items():
        if len(claimants) == 1:
            names[claimants[0]] = local
    return names


def _schemaorg_names() -> frozenset[str]:
    """schema.org's property and class names (the release kg ships)."""
    vocabulary = schemaorg()
    iris = vocabulary.properties | set(vocabulary.superclasses) | {SCHEMA + "Thing"}
    return frozenset(iri[len(SCHEMA):] for iri in iris if iri.startswith(SCHEMA))


def _compactor(prefixes: dict[str, str]) -> Callable[[str], str | None]:
    usable = {p: ns for p, ns in prefixes.items() if ns.endswith(_GEN_DELIMS)}
    return Compactor(usable).curie


@dataclass(frozen=True)
class _Key:
    """A property's key and which values it writes plainly."""

    key: str
    bare_id: bool  # a plain string is an IRI
    bare_language: str | None  # a plain string is a string in this language (lowercase)
    bare_datatype: str | None  # a plain string is a literal of this datatype
    numbers: frozenset[str]  # the datatypes (xsd:integer, xsd:boolean) written as JSON numbers or booleans


class Writer:
    """Node objects under a context: keys, @type and @id forms and values, each cached per IRI.
    What it wrote tells which of the context's terms and prefixes a document used."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._curie = _compactor(context.prefixes)
        self._context_keys = context.keys
        self._default = context.language.lower() if context.language else None
        self._ids: dict[str, str] = {}
        self._vocab: dict[str, str] = {}
        self._keys: dict[str, _Key] = {}
        self._languages: dict[str, str] = {}

    def node_id(self, iri: str) -> str:
        """The @id form (and a datatype's): a compact IRI where a prefix covers it, else the IRI."""
        found = self._ids.get(iri)
        if found is None:
            found = self._ids[iri] = self._curie(iri) or self._whole(iri)
        return found

    def vocab(self, iri: str) -> str:
        """The form of a key or @type value: a term, a schema.org name, a compact IRI or the IRI."""
        found = self._vocab.get(iri)
        if found is None:
            term = self.context.terms.get(iri)
            local = iri[len(SCHEMA):]
            if term is not None:
                found = term.name
            elif iri.startswith(SCHEMA) and _TERM.fullmatch(local) and local not in self._context_keys:
                found = local
            else:
                found = self._curie(iri) or self._whole(iri)
            self._vocab[iri] = found
        return found

    def _whole(self, iri: str) -> str:
        scheme = iri.split(":", 1)[0]
        if scheme in self._context_keys:
            raise ValueError(f"<{iri}> would read as a compact IRI: its scheme {scheme!r} is a name of the JSON-LD context")
        return iri

    def key(self, predicate: str) -> _Key:
        found = self._keys.get(predicate)
        if found is None:
            term = self.context.terms.get(predicate)
            coercion = term.coercion if term is not None else None
            found = self._keys[predicate] = self._key(self.vocab(predicate), coercion)
        return found

    def _key(self, key: str, coercion: Kind | None) -> _Key:
        if coercion is None:
            plain_datatype = None if self._default else STRING
            return _Key(key, False, self._default, plain_datatype, frozenset({INTEGER, BOOLEAN}))
        what, detail = coercion
        if what == ID:
            return _Key(key, True, None, None, frozenset())
        if what == "@language":
            return _Key(key, False, detail, None, frozenset())
        numbers = frozenset({detail}) & {INTEGER, BOOLEAN}
        return _Key(key, False, None, detail, numbers)

    def value(self, key: _Key, obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        """The JSON value of one object under the key: plain where the key's coercion (or none)
        gives back exactly this term, a value object or {"@id": …} otherwise."""
        if isinstance(obj, ox.NamedNode):
            iri = self.node_id(obj.value)
            return iri if key.bare_id else {"@id": iri}
        if not isinstance(obj, ox.Literal):
            raise ValueError(f"{obj} in published output: kg publishes no blank nodes or triple terms")
        lexical = obj.value
        language = obj.language
        if language:
            if language == key.bare_language:
                return lexical
            return {"@value": lexical, "@language": self._language(language)}
        datatype = obj.datatype.value
        if datatype in key.numbers:
            if datatype == INTEGER:
                number = _json_integer(lexical)
                if number is not None:
                    return number
            elif lexical in ("true", "false"):
                return lexical == "true"
        if datatype == DOUBLE and not _processors_keep_double(lexical):
            raise ValueError(f'xsd:double "{lexical}" is not in canonical form, and JSON-LD processors (pyld, '
                             f'jsonld.js) rewrite every xsd:double into that form: no JSON-LD keeps it')
        if datatype == key.bare_datatype:
            return lexical
        if datatype == STRING:
            return {"@value": lexical}
        return {"@value": lexical, "@type": self.node_id(datatype)}

    def _language(self, tag: str) -> str:
        found = self._languages.get(tag)
        if found is None:
            found = self._languages[tag] = canonical_language_tag(tag)
        return found

    def used(self) -> tuple[set[str], set[str]]:
        """The context's term names and prefixes the written nodes use."""
        names = set(self._vocab.values())
        forms = [*self._ids.values(), *self._vocab.values()]
        for term in self.context.terms.values():
            if term.name in names and term.definition is not None:
                definition = term.definition
                forms += [str(v) for v in definition.values()] if isinstance(definition, dict) else [str(definition)]
        prefixes = {form.split(":", 1)[0] for form in forms if ":" in form}
        return names, prefixes & set(self.context.prefixes)


def _json_integer(lexical: str) -> int | None:
    """The integer, when a JSON number gives back exactly this xsd:integer lexical form."""
    try:
        number = int(lexical)
    except ValueError:
        return None
    return number if -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER and str(number) == lexical else None


def _processors_keep_double(lexical: str) -> bool:
    """Whether JSON-LD's toRdf gives back this xsd:double: pyld and jsonld.js turn the lexical form
    into a number and write it canonically (1.0E3), whatever the JSON holds.

    >>> [_processors_keep_double(x) for x in ("1.0E3", "-2.5E-3", "1e3", "1000.0", "NaN")]
    [True, True, False, False, False]
    """
    try:
        number = float(lexical)
    except ValueError:
        return False
    if number != number or number in (float("inf"), float("-inf")):
        return False
    return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{number:1.15E}") == lexical


def to_jsonld(triples: Iterable[ox.Triple], context: Context, *, whole_context: bool = True) -> bytes:
    """JSON-LD for triples already sorted by subject; the context embedded whole (the published
    document, equal to context.jsonld) or only the part the nodes use (`whole_context=False`)."""
    write = Writer(context)
    nodes = _nodes(write, triples)
    body = context.body() if whole_context else context.body(*write.used())
    # One node object per line: diffable, and json's C encoder (indent= would force the slow
    # pure-Python one) writes each line; one encoder for all (json.dumps makes one per call).
    text = ",\n".join(map(json.JSONEncoder(ensure_ascii=False).encode, nodes))
    return f'{_context_text(body)},\n "@graph": [\n{text}\n]}}\n'.encode("utf-8")


def _nodes(write: Writer, triples: Iterable[ox.Triple]) -> list[dict[str, object]]:
    """One node object per subject, in order: a key with one value holds it, one with more a list.
    The per-triple work of the writer, so the writer's caches are read here without a call."""
    ids, keys = write._ids, write._keys
    nodes: list[dict[str, object]] = []
    current: dict[str, object] = {}
    current_subject = None
    item: object
    for triple in triples:
        subject = triple.subject
        if subject != current_subject:
            if not isinstance(subject, ox.NamedNode):
                raise ValueError(f"blank node {subject} in published output")
            current = {"@id": write.node_id(subject.value)}
            nodes.append(current)
            current_subject = subject
        obj = triple.object
        predicate = triple.predicate.value
        if type(obj) is ox.NamedNode:
            if predicate == TYPE:
                key, item = "@type", write.vocab(obj.value)
            else:
                key_info = keys.get(predicate) or write.key(predicate)
                key = key_info.key
                item = ids.get(obj.value) or write.node_id(obj.value)
                if not key_info.bare_id:
                    item = {"@id": item}
        else:
            key_info = keys.get(predicate) or write.key(predicate)
            key, item = key_info.key, write.value(key_info, obj)
        found = current.get(key)
        if found is None:
            current[key] = item
        elif type(found) is list:
            found.append(item)
        else:
            current[key] = [found, item]  # a value is never a list itself
    return nodes


def _context_text(body: dict[str, object]) -> str:
    """'{"@context": {…}' left open, one entry of the context a line."""
    entries = ",\n".join(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in body.items())
    return f'{{\n "@context": {{\n{entries}\n }}'


def context_file(context: Context) -> bytes:
    """context.jsonld's bytes."""
    return f"{_context_text(context.body())}\n}}\n".encode("utf-8")
