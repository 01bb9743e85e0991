"""SHACL validation compiled to SPARQL and run on a pyoxigraph store: the fast twin of kg.validation.

`validate_fast(triples, vocabulary, project)` takes the same inputs as `kg.validation.validate` and
returns the same `ShaclReport`. Every shape in shapes/ is read from the shapes graph (nothing here
names a project shape) and compiled into SPARQL SELECT queries, each of which checks one constraint
for all focus nodes of its shape at once.

Supported (the subset shapes/ uses, plus its obvious siblings):

- targets: sh:targetClass (instances of the class and of its rdfs:subClassOf* subclasses in the
  data), sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode, implicit class targets (a shape
  that is also an rdfs:Class), SHACL-AF SPARQL targets (sh:target [ sh:select … ]);
- shapes: node shapes and property shapes (sh:property; sh:path an IRI), sh:severity (default
  sh:Violation), sh:message, sh:deactivated;
- value constraints: sh:class, sh:datatype, sh:nodeKind, sh:pattern (+ sh:flags), sh:in,
  sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive, sh:minLength, sh:maxLength,
  sh:or of shapes made of value constraints (e.g. ( [ sh:class A ] [ sh:class B ] ));
- property constraints: sh:minCount, sh:maxCount, sh:uniqueLang, sh:lessThan,
  sh:qualifiedValueShape (value constraints only) with sh:qualifiedMinCount / sh:qualifiedMaxCount;
- SHACL-SPARQL: sh:sparql with sh:select, sh:prefixes / sh:declare, $this, $PATH, sh:message with
  {$this} / {?var}. $this is pre-bound by joining the shape's focus-node pattern into the query's
  top-level group, so one query covers every focus node.

Anything else in the sh: namespace raises InputError naming the shape and the construct.

Two rewrites keep the queries linear on pyoxigraph (see /work/shared/reference/perf-notes.md):
classes are written into the patterns (subclass closure computed first, one pattern per class,
never VALUES), and `FILTER NOT EXISTS { triple patterns }` becomes `MINUS { … }` where that means
the same (`_antijoins`): Oxigraph plans the inside of NOT EXISTS without the outer bindings.

Results are those of kg.validation.validate: the same focus node, path, value, source shape,
severity and message, down to how pyshacl substitutes {$this} / {?var} in SPARQL messages and how
it prints literals. Like kg.validation (whose pyshacl reads an oxrdflib store), this engine sees the
data through an Oxigraph store, which keeps canonical literals only ("1.90"^^xsd:decimal is 1.9)
and turns derived integer types (xsd:int, …) into xsd:integer. See `KNOWN_DIFFERENCES`.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import InputError
from kg.inputs.ontology import Vocabulary
from kg.namespaces import OWL, RDF, RDFS, SH, XSD
from kg.project import Project
from kg.shacl.report import SEVERITIES, ShaclReport, ShaclResult, report_turtle

KNOWN_DIFFERENCES = """\
Where pyshacl (as kg.validation runs it) and this engine can disagree; none arises in data kg builds.
- xsd:date values that differ only by time zone ("2021-10-05Z", "2021-10-05") are one value for
  pyshacl (rdflib drops a date's time zone) and two here, which changes counts and repeats results.
- sh:in with plain string members: on kg.validation's oxrdflib graph pyshacl sees data strings as
  typed xsd:string and the shapes' as untyped, so they never match (a bug, not copied here).
- sh:pattern on typed literals: pyshacl matches rdflib's printed form; emulated for hexBinary, date,
  dateTime and time, not for doubles (rdflib prints 1e2 as 100.0).
- Comparisons rdflib cannot make (NaN against a decimal, ...): pyshacl raises; here they fail.
- Default messages (a shape without sh:message) follow pyshacl's wording and prefixed names, except
  where pyshacl is not deterministic itself (it lists sh:in members in Python set order).
- Blank-node shapes: pyshacl names them by a random blank node id, so the `shape` strings differ.
"""

N = ox.NamedNode
TYPE = N(RDF + "type")
# What rdflib binds in every Graph (pyshacl's data graph has only these; its shapes graph adds the Turtle's).
RDFLIB_NAMESPACES = {ns: p for p, ns in {
    "brick": "https://brickschema.org/schema/Brick#", "csvw": "http://www.w3.org/ns/csvw#",
    "dc": "http://purl.org/dc/elements/1.1/", "dcam": "http://purl.org/dc/dcam/", "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/", "dcterms": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#", "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#", "odrl": "http://www.w3.org/ns/odrl/2/",
    "org": "http://www.w3.org/ns/org#", "owl": "http://www.w3.org/2002/07/owl#",
    "prof": "http://www.w3.org/ns/dx/prof/",
    "prov": "http://www.w3.org/ns/prov#", "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/", "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sosa": "http://www.w3.org/ns/sosa/", "ssn": "http://www.w3.org/ns/ssn/", "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/", "void": "http://rdfs.org/ns/void#",
    "wgs": "https://www.w3.org/2003/01/geo/wgs84_pos#", "xml": "http://www.w3.org/XML/1998/namespace",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}.items()}
FIRST, REST, NIL = N(RDF + "first"), N(RDF + "rest"), N(RDF + "nil")
XSD_STRING = N(XSD + "string")
LANG_STRING = N(RDF + "langString")


def sh(local: str) -> ox.NamedNode:
    return N(SH + local)


# ------------------------------------------------------------------ what the compiler accepts

TARGETS = {sh("targetClass"), sh("targetNode"), sh("targetSubjectsOf"), sh("targetObjectsOf"), sh("target")}
VALUE_PARAMS = {
    sh(p)
    for p in (
        "class datatype nodeKind pattern flags in minInclusive maxInclusive minExclusive "
        "maxExclusive minLength maxLength or"
    ).split()
}
PROPERTY_PARAMS = {
    sh(p)
    for p in (
        "minCount maxCount uniqueLang lessThan qualifiedValueShape qualifiedMinCount qualifiedMaxCount "
        "qualifiedValueShapesDisjoint"
    ).split()
}
SHAPE_PARAMS = TARGETS | {
    sh(p) for p in "property path sparql severity message deactivated name description order group".split()
}
SPARQL_PARAMS = {sh(p) for p in "select prefixes message deactivated".split()}
DECLARE_PARAMS = {sh("prefix"), sh("namespace")}
NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}
# Datatypes whose lexical form oxigraph can check with a cast (rdflib flags the same ones ill-typed).
CASTABLE = {
    XSD + t
    for t in (
        "integer decimal float double boolean date dateTime time duration dayTimeDuration yearMonthDuration"
    ).split()
}
NUMERIC = (  # rdflib's numeric datatypes: compared by value, never by datatype IRI
    "integer decimal double float byte int long short negativeInteger nonNegativeInteger nonPositiveInteger "
    "positiveInteger unsignedByte unsignedInt unsignedLong unsignedShort"
).split()
STRINGISH = [XSD_STRING, LANG_STRING, N(XSD + "normalizedString"), N(XSD + "token"), N(XSD + "language")]
HEX = '"^([0-9A-Fa-f]{2})*$"'


# ------------------------------------------------------------------ the shapes graph


class _Shapes:
    """The shapes graph, with the few look-ups the compiler needs."""

    def __init__(self, shapes: Vocabulary) -> None:
        self.store = load_store(shapes.triples)
        self.prefixes = dict(shapes.prefixes)

    def objects(self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode) -> list:
        return sorted((q.object for q in self.store.quads_for_pattern(s, p, None)), key=str)

    def subjects(self, p: ox.NamedNode, o: object = None) -> list:
        return sorted({q.subject for q in self.store.quads_for_pattern(None, p, o)}, key=str)

    def one(self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode) -> object:
        values = self.objects(s, p)
        if len(values) > 1:
            raise InputError(f"shape {_name(s)} has {len(values)} values for {_curie(p)}; SHACL allows one")
        return values[0] if values else None

    def items(self, node: object, owner: object, p: ox.NamedNode) -> list:
        out = []
        seen = set()
        while node != NIL:
            if node in seen or not isinstance(node, (ox.BlankNode, ox.NamedNode)):
                raise InputError(f"shape {_name(owner)}: the value of {_curie(p)} is not an RDF list")
            seen.add(node)
            first, rest = self.objects(node, FIRST), self.objects(node, REST)
            if len(first) != 1 or len(rest) != 1:
                raise InputError(f"shape {_name(owner)}: the value of {_curie(p)} is not a well-formed RDF list")
            out.append(first[0])
            node = rest[0]
        return out

    def predicates(self, s: object) -> set:
        return {q.predicate for q in self.store.quads_for_pattern(s, None, None)}


def _name(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def _curie(term: ox.NamedNode) -> str:
    return "sh:" + term.value[len(SH):] if term.value.startswith(SH) else f"<{term.value}>"


# ------------------------------------------------------------------ compiled checks


@dataclass
class _Raw:
    """One result before rendering: terms as the store holds them."""

    severity: str
    focus: object
    path: ox.NamedNode | None
    value: object
    message: str
    shape: str
    bindings: list[tuple[str, object]] | None = None  # SPARQL messages: variables to substitute


@dataclass(frozen=True)
class _Focus:
    """A graph pattern that binds ?this once per focus node, and the prefixes it needs."""

    pattern: str
    prefixes: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.pattern


@dataclass
class _Check:
    query: str
    rows: Callable[[ox.QuerySolution], list[_Raw]]
    label: str = ""


@dataclass
class _Shape:
    node: ox.NamedNode | ox.BlankNode
    path: ox.NamedNode | None
    severity: str
    messages: list[str]
    deactivated: bool
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.node.value if isinstance(self.node, ox.NamedNode) else str(self.node)


class _Compiler:
    def __init__(self, shapes: _Shapes, data: ox.Store) -> None:
        self.sg = shapes
        self.data = data
        self.checks: list[_Check] = []
        self._closure: dict[ox.NamedNode, list[ox.NamedNode]] = {}
        self._sparql_nodes: set = set(self._all_objects(sh("sparql"))) | set(self._all_objects(sh("target")))
        self._declare_nodes: set = set(self._all_objects(sh("declare")))

    def _all_objects(self, p: ox.NamedNode) -> list:
        return [q.object for q in self.sg.store.quads_for_pattern(None, p, None)]

    # -------------------------------------------------------------- discovery and vetting

    def compile(self) -> list[_Check]:
        self._vet()
        for node in self._top_level():
            shape = self._shape(node)
            if shape.deactivated:
                continue
            focus = self._focus(node)
            self._shape_checks(shape, focus)
            for prop in self.sg.objects(node, sh("property")):
                pshape = self._shape(prop)
                if shape.path is not None or self.sg.objects(prop, sh("property")):
                    raise InputError(
                        f"shape {_name(node)}: sh:property on a property shape (a nested path) is not supported"
                    )
                if pshape.path is None:
                    raise InputError(f"shape {_name(prop)} is the value of sh:property but has no sh:path")
                if not pshape.deactivated:
                    self._shape_checks(pshape, focus)
        return self.checks

    def _vet(self) -> None:
        """Refuse every sh: construct this compiler does not implement, naming it."""
        subjects = {q.subject for q in self.sg.store}
        for s in sorted(subjects, key=str):
            preds = {p for p in self.sg.predicates(s) if p.value.startswith(SH)}
            if not preds:
                continue
            if s in self._sparql_nodes:
                allowed = SPARQL_PARAMS
            elif s in self._declare_nodes:
                allowed = DECLARE_PARAMS
            elif preds <= {sh("declare")}:
                continue
            else:
                allowed = SHAPE_PARAMS | VALUE_PARAMS | PROPERTY_PARAMS
            unknown = sorted(p for p in preds if p not in allowed)
            if unknown:
                names = ", ".join(_curie(p) for p in unknown)
                raise InputError(
                    f"shape {_name(s)} uses {names}, which kg.shacl_sparql does not support; supported: "
                    "targetClass/Node/SubjectsOf/ObjectsOf, SPARQL target, property with IRI path, class, "
                    "datatype, nodeKind, pattern, flags, in, min/maxInclusive, min/maxExclusive, min/maxLength, "
                    "or, minCount, "
                    "maxCount, uniqueLang, lessThan, qualifiedValueShape with qualifiedMin/MaxCount, severity, "
                    "message, deactivated, sparql (select, prefixes) — use kg.validation.validate (pyshacl) "
                    "for the rest"
                )
        for s in self.sg.subjects(sh("path")):
            path = self.sg.one(s, sh("path"))
            if not isinstance(path, ox.NamedNode):
                raise InputError(
                    f"shape {_name(s)}: sh:path {path} is not an IRI; kg.shacl_sparql supports predicate paths "
                    "only (no sequence, alternative, inverse or * paths)"
                )

    def _top_level(self) -> list:
        nodes = set()
        for p in TARGETS:
            nodes.update(self.sg.subjects(p))
        for node in self.sg.subjects(TYPE, N(RDFS + "Class")):
            if self.sg.predicates(node) & (SHAPE_PARAMS | VALUE_PARAMS | PROPERTY_PARAMS):
                nodes.add(node)
        return sorted(nodes, key=str)

    def _shape(self, node: object) -> _Shape:
        severity = self.sg.one(node, sh("severity"))
        if severity is not None and not isinstance(severity, ox.NamedNode):
            raise InputError(f"shape {_name(node)}: sh:severity must be an IRI, got {severity}")
        path = self.sg.one(node, sh("path"))
        deactivated = self.sg.one(node, sh("deactivated"))
        return _Shape(
            node=node,
            path=path,
            severity=SEVERITIES.get(severity.value if severity else SH + "Violation", "violation"),
            messages=sorted(m.value for m in self.sg.objects(node, sh("message")) if isinstance(m, ox.Literal)),
            deactivated=isinstance(deactivated, ox.Literal) and deactivated.value == "true",
        )

    # -------------------------------------------------------------- focus nodes

    def _subclasses(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        if cls not in self._closure:
            rows = self.data.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {cls} }}")
            self._closure[cls] = sorted({r["c"] for r in rows if isinstance(r["c"], ox.NamedNode)} | {cls}, key=str)
        return self._closure[cls]

    def _focus(self, node: object) -> _Focus:
        """A graph pattern binding ?this to each focus node of the shape exactly once."""
        classes: set = set()
        for cls in self.sg.objects(node, sh("targetClass")):
            if not isinstance(cls, ox.NamedNode):
                raise InputError(f"shape {_name(node)}: sh:targetClass {cls} is not an IRI")
            classes.update(self._subclasses(cls))
        if N(RDFS + "Class") in self.sg.objects(node, TYPE):
            classes.update(self._subclasses(node))
        parts = [f"{{ ?this <{RDF}type> {c} }}" for c in sorted(classes, key=str)]
        parts += [f"{{ BIND({n} AS ?this) }}" for n in self.sg.objects(node, sh("targetNode"))]
        parts += [f"{{ ?this {p} ?_o }}" for p in self.sg.objects(node, sh("targetSubjectsOf"))]
        parts += [f"{{ ?_s {p} ?this }}" for p in self.sg.objects(node, sh("targetObjectsOf"))]
        prefixes: dict[str, str] = {}
        for target in self.sg.objects(node, sh("target")):
            selects = self.sg.objects(target, sh("select"))
            if len(selects) != 1 or not isinstance(selects[0], ox.Literal):
                raise InputError(
                    f"shape {_name(node)}: sh:target {_name(target)} is not a SPARQL target with one sh:select; "
                    "kg.shacl_sparql supports SPARQL targets only (no SPARQLTargetType or JavaScript targets)"
                )
            own, body = _split_prologue(selects[0].value, f"SPARQL target {_name(target)}")
            for prefix, ns in {**self._sparql_prefixes(target), **own}.items():
                if prefixes.get(prefix, ns) != ns:
                    raise InputError(f"shape {_name(node)}: its targets give prefix {prefix}: two meanings")
                prefixes[prefix] = ns
            parts.append("{ " + "".join(t for _, t in _antijoins(_tokens(body))) + " }")
        if len(parts) == 1 and (classes or self.sg.objects(node, sh("targetNode"))):
            return _Focus(parts[0][2:-2] + " .")  # one class or node: each ?this appears once already
        pattern = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"
        return _Focus(pattern, tuple(prefixes.items()))

    # -------------------------------------------------------------- constraints of one shape

    def _shape_checks(self, shape: _Shape, focus: _Focus) -> None:
        node = shape.node
        preds = self.sg.predicates(node)
        is_property = shape.path is not None
        if not is_property:
            wrong = sorted(p for p in preds if p in PROPERTY_PARAMS)
            if wrong:
                raise InputError(
                    f"shape {_name(node)} is a node shape but uses {', '.join(_curie(p) for p in wrong)}, "
                    "which only property shapes may use"
                )
        for cond in self._value_conditions(node):
            self._value_check(shape, focus, cond)
        if is_property:
            self._count_checks(shape, focus, preds)
        for constraint in self.sg.objects(node, sh("sparql")):
            self._sparql_check(shape, focus, constraint)

    def _value_conditions(self, node: object) -> list[tuple[Callable[[str], str], Callable[..., str]]]:
        """(condition on a value variable that is true when the value conforms, default message)."""
        sg = self.sg
        out: list[tuple[Callable[[str], str], Callable[..., str]]] = []
        for cls in sg.objects(node, sh("class")):
            out.append((lambda v, c=cls: f"EXISTS {{ {v} <{RDF}type>/<{RDFS}subClassOf>* {c} }}",
                        lambda f, v, c=cls: f"Value does not have class {self._n3(c)}"))
        datatype = sg.one(node, sh("datatype"))
        if datatype is not None:
            out.append((lambda v, d=datatype: _datatype_condition(v, d),
                        lambda f, v, d=datatype: f"Value is not Literal with datatype {self._n3(d)}"))
        kind = sg.one(node, sh("nodeKind"))
        if kind is not None:
            local = kind.value[len(SH):] if isinstance(kind, ox.NamedNode) and kind.value.startswith(SH) else ""
            if local not in NODE_KINDS:
                raise InputError(f"shape {_name(node)}: unknown sh:nodeKind {kind}")
            out.append((lambda v, t=NODE_KINDS[local]: t.format(v=v),
                        lambda f, v, k=kind: f"Value is not of Node Kind {self._n3(k)}"))
        patterns = sg.objects(node, sh("pattern"))
        flags_node = sg.objects(node, sh("flags"))
        flags = "".join(sorted({c for c in (flags_node[0].value.lower() if flags_node else "") if c in "im"}))
        for pattern in patterns:
            if not isinstance(pattern, ox.Literal):
                raise InputError(f"shape {_name(node)}: sh:pattern must be a literal")
            regex = self._regex(node, pattern.value, flags)
            out.append((lambda v, r=regex: f"(!isBlank({v}) && REGEX({_pystr(v)}, {r}))",
                        lambda f, v, p=pattern.value: f"Value does not match pattern '{p}'"))
        values = sg.one(node, sh("in"))
        if values is not None:
            members = sg.items(values, node, sh("in"))
            out.append((lambda v, ms=members: "(" + (" || ".join(_member(v, m) for m in ms) or "false") + ")",
                        lambda f, v, m=members: f"Value {self._n3(v, True)} not in list {[self._n3(x) for x in m]}"))
        for local, op, word in (("minInclusive", ">=", ">="), ("maxInclusive", "<=", "<="),
                                ("minExclusive", ">", ">"), ("maxExclusive", "<", "<")):
            for bound in sg.objects(node, sh(local)):
                if not isinstance(bound, ox.Literal):
                    raise InputError(f"shape {_name(node)}: sh:{local} must be a literal")
                out.append((lambda v, b=bound, o=op: _range_test(v, o, str(b)),
                             lambda f, v, b=bound, w=word: f"Value is not {w} {self._n3(b)}"))
        for local, op, word in (("minLength", ">=", ">="), ("maxLength", "<=", "<=")):
            length = sg.one(node, sh(local))
            if length is None:
                continue
            if not isinstance(length, ox.Literal) or not re.fullmatch(r"\+?[0-9]+", length.value):
                raise InputError(f"shape {_name(node)}: sh:{local} must be a non-negative integer")
            n = int(length.value)
            if local == "minLength" and n == 0:
                continue
            out.append((lambda v, n=n, o=op: f"(!isBlank({v}) && STRLEN({_pystr(v)}) {o} {n})",
                        lambda f, v, ln=length, w=word: f"String length not {w} {self._n3(ln, True)}"))
        for alternatives in sg.objects(node, sh("or")):
            members = sg.items(alternatives, node, sh("or"))
            conds = [self._member_condition(m, node, "sh:or") for m in members]
            out.append((lambda v, cs=conds: "(" + " || ".join(f"({c(v)})" for c in cs) + ")" if cs else "false",
                        lambda f, v, ms=members: f"Node {self._n3(v, True)} must conform to one or more shapes in "
                        + " , ".join(self._n3(m) for m in ms)))
        return out

    def _member_condition(self, member: object, owner: object, where: str) -> Callable[[str], str]:
        """A shape used inside sh:or / sh:qualifiedValueShape: only value constraints allowed."""
        preds = self.sg.predicates(member)
        extra = sorted(p for p in preds if p.value.startswith(SH) and p not in VALUE_PARAMS
                       and p not in {sh(x) for x in ("message", "severity", "name", "description", "deactivated")})
        if extra:
            raise InputError(
                f"shape {_name(owner)}: a shape in {where} uses {', '.join(_curie(p) for p in extra)}; "
                "kg.shacl_sparql supports only value constraints (class, datatype, nodeKind, pattern, in, "
                "ranges, lengths, or) there"
            )
        deactivated = self.sg.one(member, sh("deactivated"))
        conds = [c for c, _ in self._value_conditions(member)]
        if isinstance(deactivated, ox.Literal) and deactivated.value == "true":
            conds = []
        return lambda v: " && ".join(f"({c(v)})" for c in conds) or "true"

    def _regex(self, node: object, pattern: str, flags: str) -> str:
        translated = _python_regex(pattern, "m" in flags)
        text = str(ox.Literal(translated)) + (f", {ox.Literal(flags)}" if flags else "")
        probe = list(self.data.query(f"SELECT (REGEX('', {text}) AS ?ok) {{}}"))
        if probe[0]["ok"] is None:
            raise InputError(
                f"shape {_name(node)}: sh:pattern {pattern!r} uses regular-expression syntax oxigraph does not "
                "support (look-around, back-references, …)"
            )
        return text

    def _value_check(self, shape: _Shape, focus: _Focus, cond: tuple) -> None:
        test, default = cond
        path = shape.path
        if path is None:
            query = f"SELECT ?this WHERE {{ {focus} FILTER(!({test('?this')})) }}"

            def rows(r: ox.QuerySolution) -> list[_Raw]:
                return [self._raw(shape, r["this"], None, r["this"], default)]
        else:
            query = f"SELECT ?this ?v WHERE {{ {focus} ?this {path} ?v . FILTER(!({test('?v')})) }}"

            def rows(r: ox.QuerySolution) -> list[_Raw]:
                return [self._raw(shape, r["this"], path, r["v"], default)]

        self._add(focus, query, rows, shape.name)

    def _raw(self, shape: _Shape, focus: object, path: object, value: object, default: Callable[..., str]) -> _Raw:
        message = shape.messages[0] if shape.messages else default(focus, value)
        return _Raw(shape.severity, focus, path, value, message, shape.name)

    def _count_checks(self, shape: _Shape, focus: _Focus, preds: set) -> None:
        sg, path, node = self.sg, shape.path, shape.node
        p = str(path)
        min_count = _count(sg, node, "minCount")
        if min_count:
            if min_count == 1:
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
            else:
                query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} "
                         f"GROUP BY ?this HAVING (COUNT(?v) < {min_count})")
            self._focus_check(shape, focus, query, lambda f, v, n=min_count: (
                f"Less than {n} values on {self._n3(f, True)}->{self._n3(path)}"))
        max_count = _count(sg, node, "maxCount")
        if max_count is not None:
            query = (f"SELECT ?this WHERE {{ {focus} ?this {p} ?v }} "
                     f"GROUP BY ?this HAVING (COUNT(?v) > {max_count})")
            self._focus_check(shape, focus, query, lambda f, v, n=max_count: (
                f"More than {n} values on {self._n3(f, True)}->{self._n3(path)}"))
        unique = sg.one(node, sh("uniqueLang"))
        if unique is not None:
            if not isinstance(unique, ox.Literal) or unique.value not in ("true", "false", "1", "0"):
                raise InputError(f"shape {_name(node)}: sh:uniqueLang must be a boolean")
            if unique.value in ("true", "1"):
                query = (f"SELECT ?this ?lang WHERE {{ {focus} ?this {p} ?v . "
                         f"FILTER(isLiteral(?v) && LANG(?v) != \"\") BIND(LCASE(LANG(?v)) AS ?lang) }} "
                         f"GROUP BY ?this ?lang HAVING (COUNT(?v) > 1)")
                self._focus_check(shape, focus, query, lambda f, v: "More than one String shares the same Language")
        for other in sg.objects(node, sh("lessThan")):
            if not isinstance(other, ox.NamedNode):
                raise InputError(f"shape {_name(node)}: sh:lessThan must be an IRI")
            less = _less_than("?v", "?o")
            query = f"SELECT ?this ?v WHERE {{ {focus} ?this {p} ?v . ?this {other} ?o . FILTER(!({less})) }}"

            def rows(r: ox.QuerySolution, o=other) -> list[_Raw]:
                return [self._raw(shape, r["this"], path, r["v"],
                                  lambda f, v: f"Value of {self._n3(f, True)}->{self._n3(o)} <= {self._n3(v, True)}")]

            self._add(focus, query, rows, shape.name)
        qualified = sg.objects(node, sh("qualifiedValueShape"))
        if qualified:
            disjoint = sg.one(node, sh("qualifiedValueShapesDisjoint"))
            if isinstance(disjoint, ox.Literal) and disjoint.value in ("true", "1"):
                raise InputError(f"shape {_name(node)}: sh:qualifiedValueShapesDisjoint true is not supported")
            qmin = _count(sg, node, "qualifiedMinCount")
            qmax = _count(sg, node, "qualifiedMaxCount")
            if qmin is None and qmax is None:
                raise InputError(f"shape {_name(node)}: sh:qualifiedValueShape needs qualifiedMinCount or MaxCount")
            for member in qualified:
                cond = self._member_condition(member, node, "sh:qualifiedValueShape")
                having = " || ".join(
                    ([f"COUNT(?v) < {qmin}"] if qmin is not None else [])
                    + ([f"COUNT(?v) > {qmax}"] if qmax is not None else [])
                )
                query = (f"SELECT ?this (COUNT(?v) AS ?n) WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v . "
                         f"FILTER({cond('?v')}) }} }} GROUP BY ?this HAVING ({having})")
                counts = (f" MinCount {qmin}" if qmin is not None else "") + (
                    f" MaxCount {qmax}" if qmax is not None else "")

                def rows(r: ox.QuerySolution, m=member, counts=counts) -> list[_Raw]:
                    n = int(r["n"].value)
                    default = lambda f, v: f"Focus node does not conform to shape{counts}: {self._n3(m)}"  # noqa: E731
                    out = []
                    if qmax is not None and n > qmax:
                        out.append(self._raw(shape, r["this"], path, None, default))
                    if qmin is not None and n < qmin:
                        out.append(self._raw(shape, r["this"], path, None, default))
                    return out

                self._add(focus, query, rows, shape.name)

    def _focus_check(self, shape: _Shape, focus: _Focus, query: str, default: Callable[..., str]) -> None:
        def rows(r: ox.QuerySolution) -> list[_Raw]:
            return [self._raw(shape, r["this"], shape.path, None, default)]

        self._add(focus, query, rows, shape.name)

    def _add(self, focus: _Focus, query: str, rows: Callable[[ox.QuerySolution], list[_Raw]], label: str,
             prefixes: dict[str, str] | None = None) -> None:
        merged = dict(focus.prefixes)
        for prefix, ns in (prefixes or {}).items():
            if merged.get(prefix, ns) != ns:
                raise InputError(f"shape {label}: prefix {prefix}: means {merged[prefix]} in its target query and "
                                 f"{ns} in its constraint; kg.shacl_sparql needs one meaning per query")
            merged[prefix] = ns
        query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in merged.items()) + query
        try:
            ox.Store().query(query)
        except SyntaxError as e:
            raise InputError(f"shape {label}: its SPARQL does not compile: {e}\n{query}") from e
        self.checks.append(_Check(query, rows, label))

    # -------------------------------------------------------------- SHACL-SPARQL

    def _sparql_check(self, shape: _Shape, focus: _Focus, constraint: object) -> None:
        sg = self.sg
        deactivated = sg.one(constraint, sh("deactivated"))
        if isinstance(deactivated, ox.Literal) and deactivated.value == "true":
            return
        select = sg.objects(constraint, sh("select"))
        if len(select) != 1 or not isinstance(select[0], ox.Literal):
            raise InputError(f"SPARQL constraint {_name(constraint)} needs exactly one sh:select string")
        where = f"SPARQL constraint {_name(constraint)} of shape {shape.name}"
        own_prefixes, text = _split_prologue(select[0].value, where)
        try:
            query, this_projected, projected = _rewrite_select(text, focus, shape, where)
        except _Refused as refusal:
            def refuse(r: ox.QuerySolution, refusal: _Refused = refusal) -> list[_Raw]:
                raise InputError(str(refusal))

            self._add(focus, f"SELECT ?this WHERE {{ {focus} }} LIMIT 1", refuse, shape.name)
            return
        own = [m.value for m in sg.objects(constraint, sh("message")) if isinstance(m, ox.Literal)]
        messages = own or shape.messages
        is_node_shape = shape.path is None
        others = [v for v in projected if v not in ("this", "path", "value")]

        def rows(r: ox.QuerySolution) -> list[_Raw]:
            this = r["this"]
            path = r["path"] if "path" in projected else None
            value = r["value"] if "value" in projected else None
            bindings: list[tuple[str, object]] = [(v, r[v]) for v in others if r[v] is not None]
            if this_projected:
                bindings.append(("this", this))
            if path is not None:
                bindings.append(("path", path))
            if value is None and is_node_shape:
                value = this
            if value is not None:
                bindings.append(("value", value))
            raw = _Raw(shape.severity, this, path if path is not None else shape.path, value,
                       messages[0] if messages else "", shape.name, bindings)
            return [raw]

        self._add(focus, query, rows, shape.name, {**self._sparql_prefixes(constraint), **own_prefixes})

    def _sparql_prefixes(self, constraint: object) -> dict[str, str]:
        """As pyshacl: rdf, rdfs, owl, then the sh:declare of each sh:prefixes node (plus, when that node
        is not itself an owl:Ontology, the declarations of every owl:Ontology in the shapes graph)."""
        sg = self.sg
        prefixes = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
        ontologies = sg.subjects(TYPE, N(OWL + "Ontology"))
        for holder in sg.objects(constraint, sh("prefixes")):
            declares = sg.objects(holder, sh("declare"))
            if not (declares and holder in ontologies):
                declares = sorted({*declares, *(d for o in ontologies for d in sg.objects(o, sh("declare")))}, key=str)
            for dec in declares:
                prefix, namespace = sg.objects(dec, sh("prefix")), sg.objects(dec, sh("namespace"))
                if len(prefix) != 1 or len(namespace) != 1:
                    raise InputError(f"sh:declare {dec} needs exactly one sh:prefix and one sh:namespace")
                prefixes[prefix[0].value] = namespace[0].value
        return prefixes

    # -------------------------------------------------------------- default messages

    def _n3(self, term: object, data_graph: bool = False) -> str:
        """pyshacl's stringify_node: prefixed names from the data graph's (rdflib's default) or the shapes
        graph's bindings, Literal(...) for literals, [ p o ] for blank nodes of the shapes graph."""
        if isinstance(term, ox.NamedNode):
            namespaces = RDFLIB_NAMESPACES if data_graph else self.shape_namespaces
            return _qname(term.value, namespaces)
        if isinstance(term, ox.Literal):
            value = term.value
            if term.datatype.value == XSD + "boolean" and value in ("true", "false", "1", "0"):
                value = f"{value}\" = {value in ('true', '1')}"
            lang = f", lang={term.language}" if term.language else ""
            plain = term.language or term.datatype == XSD_STRING
            dt = "" if plain else f", datatype={self._n3(term.datatype, data_graph)}"
            return f'Literal("{value}"{lang}{dt})'
        if isinstance(term, ox.BlankNode) and not data_graph:
            if self.sg.objects(term, FIRST):
                return "( " + " ".join(self._n3(x) for x in self.sg.items(term, term, FIRST)) + " )"
            parts = []
            for p in sorted(self.sg.predicates(term), key=lambda x: self._n3(x)):
                objects = sorted(self._n3(o) for o in self.sg.objects(term, p))
                parts.append((self._n3(p), ", ".join(objects)))
            return "[ " + " ; ".join(f"{p} {o}" for p, o in sorted(parts)) + " ]" if parts else "[ ]"
        return str(term)

    @property
    def shape_namespaces(self) -> dict[str, str]:
        return {**RDFLIB_NAMESPACES, **{ns: p for p, ns in self.sg.prefixes.items()}}


def _qname(iri: str, namespaces: dict[str, str]) -> str:
    """rdflib's URIRef.n3(namespace_manager): split where rdflib splits, prefix only a bound namespace."""
    import unicodedata

    name_categories = {"Ll", "Lu", "Lo", "Lt", "Nl", "Mc", "Me", "Mn", "Lm", "Nd"}
    split_start = {"Ll", "Lu", "Lo", "Lt", "Nl", "Nd"}
    for i in range(len(iri)):
        c = iri[-i - 1]
        if unicodedata.category(c) in name_categories or c in "\u00b7\u0387-._%()":
            continue
        for j in range(len(iri) - 1 - i, len(iri)):
            if unicodedata.category(iri[j]) in split_start or iri[j] == "_":
                prefix = namespaces.get(iri[:j]) if j else None
                return f"{prefix}:{iri[j:]}" if prefix is not None else f"<{iri}>"
        break
    return f"<{iri}>"


def _count(sg: _Shapes, node: object, local: str) -> int | None:
    value = sg.one(node, sh(local))
    if value is None:
        return None
    if not isinstance(value, ox.Literal) or not re.fullmatch(r"\+?[0-9]+", value.value):
        raise InputError(f"shape {_name(node)}: sh:{local} must be a non-negative integer, got {value}")
    return int(value.value)


def _datatype_condition(v: str, datatype: object) -> str:
    if not isinstance(datatype, ox.NamedNode):
        raise InputError(f"sh:datatype must be an IRI, got {datatype}")
    if datatype.value == RDFS + "Literal":
        return f"isLiteral({v})"
    if datatype.value == RDFS + "Datatype":
        return f"(isLiteral({v}) && LANG({v}) = \"\" && !sameTerm(DATATYPE({v}), {XSD_STRING}))"
    if datatype == LANG_STRING:
        return f"(isLiteral({v}) && LANG({v}) != \"\")"
    same = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {datatype})"
    if datatype.value in CASTABLE:
        return same + f" && COALESCE(sameTerm(DATATYPE({datatype}(STR({v}))), {datatype}), false))"
    if datatype.value == XSD + "hexBinary":
        return same + f" && REGEX(STR({v}), {HEX}))"
    return same + ")"


def _member(v: str, member: object) -> str:
    """v is the sh:in member for pyshacl: the same rdflib term. Typed literals are equal when rdflib
    prints them alike ("2021-10-05Z" and "2021-10-05" as xsd:date). (pyshacl on kg.validation's oxrdflib
    graph also fails plain string members, which come back typed xsd:string there; not copied.)"""
    if isinstance(member, ox.Literal) and not member.language and member.datatype != XSD_STRING:
        printed = ox.Literal(_rdflib_lexical(member.value, member.datatype.value))
        return f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {member.datatype}) && {_pystr(v)} = {printed})"
    return f"sameTerm({v}, {member})"


def _pystr(v: str) -> str:
    """The string pyshacl matches sh:pattern / sh:minLength / sh:maxLength against: how rdflib prints the
    store's literal. It differs from STR() for valid hexBinary (lower case), dates (no time zone), and
    dateTimes and times (Z as +00:00, fractions of a second to six digits)."""
    zone = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    timed = f'REPLACE(STR({v}), "Z$", "+00:00")'
    fraction = (f'IF(CONTAINS({timed}, "."), CONCAT(STRBEFORE({timed}, "."), ".", '
                f'SUBSTR(CONCAT(REPLACE(STRAFTER({timed}, "."), "[^0-9].*$", ""), "000000"), 1, 6), '
                f'REPLACE(STRAFTER({timed}, "."), "^[0-9]*", "")), {timed})')
    valid = {
        t: f"COALESCE(sameTerm(DATATYPE({_x(t)}(STR({v}))), {_x(t)}), false)" for t in ("date", "dateTime", "time")
    }
    return (
        f"IF(!isLiteral({v}), STR({v}), "
        f"IF(sameTerm(DATATYPE({v}), {_x('hexBinary')}) && REGEX(STR({v}), {HEX}), LCASE(STR({v})), "
        f"IF(sameTerm(DATATYPE({v}), {_x('date')}) && {valid['date']}, REPLACE(STR({v}), {zone}, \"\"), "
        f"IF((sameTerm(DATATYPE({v}), {_x('dateTime')}) && {valid['dateTime']}) "
        f"|| (sameTerm(DATATYPE({v}), {_x('time')}) && {valid['time']}), {fraction}, STR({v})))))"
    )


# ------------------------------------------------------------------ rdflib's ordering, in SPARQL
# pyshacl orders values with rdflib: Literal.eq, Literal.__gt__ and, for sh:minInclusive & co,
# pyshacl.rdfutil.compare_literal. These build SPARQL expressions that decide exactly as they do
# (including rdflib's TypeErrors, which pyshacl turns into violations), on the store's literals.


def _x(local: str) -> str:
    return f"<{XSD}{local}>"


def _dt(a: str) -> str:
    """rdflib's datatype, with plain and language-tagged literals as xsd:string."""
    return f'IF(LANG({a}) != "", {_x("string")}, DATATYPE({a}))'


def _numeric(a: str) -> str:
    return f"(DATATYPE({a}) IN ({', '.join(_x(t) for t in NUMERIC)}))"


def _has_value(a: str) -> str:
    """rdflib could map the lexical form to a Python value (it is not ill-typed and not of an unknown type)."""
    casts = " || ".join(
        f"(sameTerm(DATATYPE({a}), {_x(t)}) && COALESCE(sameTerm(DATATYPE({_x(t)}(STR({a}))), {_x(t)}), false))"
        for t in sorted(c[len(XSD):] for c in CASTABLE)
    )
    other = ", ".join(_x(t) for t in ("gYear", "gYearMonth", "base64Binary", "anyURI"))
    return (f"({_stringish_literal(a)} || {casts} || DATATYPE({a}) IN ({other}) || "
            f"(sameTerm(DATATYPE({a}), {_x('hexBinary')}) && REGEX(STR({a}), {HEX})))")


def _aware(a: str) -> str:
    return f'REGEX(STR({a}), "(Z|[+-][0-9][0-9]:[0-9][0-9])$")'


def _timed(a: str) -> str:
    """A valid xsd:dateTime or xsd:time: a Python datetime / time in rdflib."""
    return " || ".join(
        f"(sameTerm(DATATYPE({a}), {_x(t)}) && COALESCE(sameTerm(DATATYPE({_x(t)}(STR({a}))), {_x(t)}), false))"
        for t in ("dateTime", "time")
    )


def _value_gt(a: str, b: str) -> str:
    """a > b by value, for two literals of the same (non-numeric) datatype that both have a value."""
    day = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    return (
        f"IF({_dt(a)} = {_x('string')}, STR({a}) > STR({b}), "
        f"IF({_timed(a)}, IF({_aware(a)} != {_aware(b)}, {_aware(a)}, COALESCE({a} > {b}, false)), "
        f"IF(sameTerm(DATATYPE({a}), {_x('date')}), REPLACE(STR({a}), {day}, \"\") > REPLACE(STR({b}), {day}, \"\"), "
        f"IF(sameTerm(DATATYPE({a}), {_x('hexBinary')}), LCASE(STR({a})) > LCASE(STR({b})), "
        f"COALESCE({a} > {b}, STR({a}) > STR({b}))))))"
    )


def _value_eq(a: str, b: str) -> str:
    day = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    return (
        f"IF({_timed(a)}, {_aware(a)} = {_aware(b)} && COALESCE({a} = {b}, false), "
        f"IF(sameTerm(DATATYPE({a}), {_x('date')}), REPLACE(STR({a}), {day}, \"\") = REPLACE(STR({b}), {day}, \"\"), "
        f"IF(sameTerm(DATATYPE({a}), {_x('hexBinary')}), LCASE(STR({a})) = LCASE(STR({b})), "
        f"COALESCE({a} = {b}, STR({a}) = STR({b})))))"
    )


def _eq(a: str, b: str) -> str:
    """rdflib's Literal.eq as 0 (False), 1 (True) or 2 (TypeError)."""
    return (
        f"IF({_numeric(a)} && {_numeric(b)} && {_has_value(a)} && {_has_value(b)}, "
        f"IF(COALESCE({a} = {b}, false), 1, 0), "
        f"IF(LCASE(LANG({a})) != LCASE(LANG({b})), 0, "
        f"IF({_dt(a)} = {_x('string')} && {_dt(b)} = {_x('string')}, IF(STR({a}) = STR({b}), 1, 0), "
        f"IF({_dt(a)} != {_dt(b)}, 0, "
        f"IF({_has_value(a)} && {_has_value(b)}, IF({_value_eq(a, b)}, 1, 0), "
        f"IF(STR({a}) = STR({b}), 1, 2))))))"
    )


def _gt(a: str, b: str) -> str:
    """rdflib's Literal.__gt__."""
    return (
        f"IF({_numeric(a)} && {_numeric(b)} && {_has_value(a)} && {_has_value(b)}, COALESCE({a} > {b}, false), "
        f"IF({_dt(a)} != {_dt(b)}, STR({_dt(a)}) > STR({_dt(b)}), "
        f'IF(LANG({a}) != LANG({b}), IF(LANG({a}) = "", false, IF(LANG({b}) = "", true, LANG({a}) > LANG({b}))), '
        f"IF({_has_value(a)} && {_has_value(b)}, {_value_gt(a, b)}, STR({a}) > STR({b})))))"
    )


def _range_test(v: str, op: str, bound: str) -> str:
    """pyshacl's sh:minInclusive / maxInclusive / minExclusive / maxExclusive: true when v conforms."""
    zero_ok = "true" if op in (">=", "<=") else "false"
    above_ok = "true" if op in (">=", ">") else "false"
    below_ok = "false" if op in (">=", ">") else "true"
    eq = _eq(v, bound)
    timed = (f"IF(sameTerm(DATATYPE({v}), DATATYPE({bound})) && {_aware(v)} = {_aware(bound)} && {_has_value(bound)}, "
             f"IF({_value_eq(v, bound)}, {zero_ok}, IF({_value_gt(v, bound)}, {above_ok}, {below_ok})), false)")
    literal = (f"IF({eq} = 2, false, IF({eq} = 1, {zero_ok}, IF({_timed(v)}, {timed}, "
               f"IF({_gt(v, bound)}, {above_ok}, {below_ok}))))")
    same = f"({_stringish_literal(v)} = {_stringish_literal(bound)})"
    gt, eq_ = f"COALESCE({v} > {bound}, false)", f"COALESCE({v} = {bound}, false)"
    numbers = {">=": f"({gt} || {eq_})", ">": gt, "<=": f"!{gt}", "<": f"(!{gt} && !{eq_})"}[op]
    # the common case first (two valid numbers: Python compares the values; NaN is neither > nor =)
    return (f"IF(isNumeric({v}) && isNumeric({bound}), {numbers}, "
            f"COALESCE(isLiteral({v}) && {same} && {literal}, false))")


def _less_than(v: str, o: str) -> str:
    """pyshacl's sh:lessThan: IRIs and string values compare as Python strings (and with nothing else),
    other literals with rdflib's `<` (not __gt__ and not eq; where eq raises, the reflected __gt__)."""
    s_v, s_o = _stringish(v), _stringish(o)
    literal = f"IF({_gt(v, o)}, false, IF({_eq(v, o)} = 2, {_gt(o, v)}, {_eq(v, o)} = 0))"
    numbers = f"(!COALESCE({v} > {o}, false) && !COALESCE({v} = {o}, false))"
    return (f"IF(isNumeric({v}) && isNumeric({o}), {numbers}, "
            f"COALESCE(IF({s_v} != {s_o}, false, IF({s_v}, STR({v}) < STR({o}), "
            f"IF(isLiteral({v}) && isLiteral({o}), {literal}, false))), false))")


def _stringish_literal(v: str) -> str:
    return f"(isLiteral({v}) && ({' || '.join(f'sameTerm(DATATYPE({v}), {d})' for d in STRINGISH)}))"


def _stringish(v: str) -> str:
    """pyshacl's sh:lessThan compares IRIs and string literals as Python strings, the rest as values."""
    return f"(isIRI({v}) || {_stringish_literal(v)})"


def _python_regex(pattern: str, multiline: bool) -> str:
    """Python `re` (what pyshacl uses) to oxigraph's regex: without re.M, Python's `$` also matches before a
    final newline; `\\Z` is `\\z`."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pair = pattern[i:i + 2]
            out.append("\\z" if pair == "\\Z" else pair)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            j = i + 1
            if pattern[j:j + 1] == "^":
                out.append("^")
                j += 1
            if pattern[j:j + 1] == "]":
                out.append("]")
                j += 1
            i = j
            continue
        elif c == "$" and not multiline:
            out.append("(?:\\n?$)")
        else:
            out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------ sh:select rewriting

_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      |(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
      |(?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
      |(?P<punct>[{}()*])
      |(?P<space>\s+)
      |(?P<other>.)''',
    re.X | re.S,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]


_NOT_BGP = {"FILTER", "OPTIONAL", "BIND", "VALUES", "MINUS", "UNION", "GRAPH", "SERVICE", "SELECT", "EXISTS", "NOT"}


def _antijoins(toks: list[tuple[str, str]], seed: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Rewrite `FILTER NOT EXISTS { triple patterns }` as `MINUS { triple patterns }` at the end of its
    group wherever the two mean the same: when some variable of the patterns is bound in every solution
    of the group (it occurs in a triple pattern of the group itself, or is ?this, which the focus pattern
    binds). Oxigraph plans the inner patterns of NOT EXISTS without the outer bindings (the most constant
    pattern first: every reference, for every asserted triple), which is quadratic; MINUS is a hash
    anti-join. See perf-notes.md."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, (kind, tok) in enumerate(toks):
        if kind == "punct" and tok == "{":
            stack.append(i)
        elif kind == "punct" and tok == "}":
            if not stack:
                return toks
            match[stack.pop()] = i
    if stack:
        return toks

    def significant(i: int) -> int:
        while i < len(toks) and toks[i][0] == "space":
            i += 1
        return i

    def group(start: int, end: int, seed: frozenset[str], rewrite: bool) -> list[tuple[str, str]]:
        """A group graph pattern; `rewrite` only where the group is evaluated on its own (the WHERE
        group, UNION branches, plain nested groups), not in OPTIONAL / MINUS / EXISTS / GRAPH / subqueries,
        whose filters see other bindings."""
        out: list = [toks[start]]
        bound, candidates = set(seed), []
        depth, in_values, i = 0, False, start + 1
        previous = "{"
        while i < end:
            kind, tok = toks[i]
            if kind == "punct" and tok == "{":
                in_values = False
                independent = previous in ("{", "}", ".", "UNION") and toks[significant(i + 1)][1].upper() != "SELECT"
                out.extend(group(i, match[i], frozenset(), rewrite and independent))
                i = match[i] + 1
                previous = "}"
                continue
            if kind != "space":
                previous = tok.upper()
            if rewrite and kind == "word" and tok.upper() == "FILTER" and depth == 0:
                a = significant(i + 1)
                b = significant(a + 1)
                c = significant(b + 1)
                if (c < end and toks[a][1].upper() == "NOT" and toks[b][1].upper() == "EXISTS"
                        and toks[c] == ("punct", "{")):
                    inner = toks[c + 1:match[c]]
                    if not any(k == "punct" and t in "{}" or k == "word" and t.upper() in _NOT_BGP for k, t in inner):
                        candidates.append((len(out), inner))
                        out.append(None)
                        i = match[c] + 1
                        continue
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif kind == "word" and tok.upper() == "VALUES":
                in_values = True
            elif kind == "var" and depth == 0 and not in_values:
                bound.add(tok[1:])
            out.append(toks[i])
            i += 1
        moved = []
        for position, inner in candidates:
            names = {t[1:] for k, t in inner if k == "var"}
            text = "{" + "".join(t for _, t in inner) + "}"
            if names & bound:
                moved.append(("other", f" MINUS {text}"))
                out[position] = ("space", " ")
            else:
                out[position] = ("other", f"FILTER NOT EXISTS {text}")
        return out + moved + [toks[end]]

    result: list = []
    i = 0
    while i < len(toks):
        if toks[i] == ("punct", "{"):
            result.extend(group(i, match[i], seed, True))
            i = match[i] + 1
        else:
            result.append(toks[i])
            i += 1
    return result


class _Refused(InputError):
    """A SPARQL constraint SHACL forbids: pyshacl refuses it once it has a focus node, and so do we."""


def _split_prologue(text: str, where: str) -> tuple[dict[str, str], str]:
    """PREFIX declarations at the start of a query, and the rest (so that it can become a subquery)."""
    prefixes: dict[str, str] = {}
    rest = text
    while True:
        m = re.match(r"\s*(?:#[^\n]*\n\s*)*PREFIX\s+([\w.-]*):\s*<([^>]*)>", rest, re.I)
        if not m:
            break
        prefixes[m.group(1)] = m.group(2)
        rest = rest[m.end():]
    if re.match(r"\s*(?:#[^\n]*\n\s*)*BASE\b", rest, re.I):
        raise InputError(f"{where}: BASE is not supported")
    return prefixes, rest


def _rewrite_select(text: str, focus: _Focus, shape: _Shape, where: str) -> tuple[str, bool, list[str]]:
    """Join the focus pattern into the top-level group (pre-binding $this for all focus nodes at once),
    substitute $PATH, make sure ?this is projected. Returns (query, $this projected?, projected names)."""
    toks = _tokens(text)
    words = [t.upper() for k, t in toks if k == "word"]
    for bad in ("MINUS", "VALUES", "SERVICE"):
        if bad in words:
            raise _Refused(f"{where}: a SPARQL constraint must not use {bad} (SHACL 5.3.1; pyshacl refuses it too)")
    names = {t[1:] for k, t in toks if k == "var"}
    if "this" not in names:
        raise InputError(f"{where}: sh:select must use $this")
    for bad in ("currentShape", "shapesGraph", "failure"):
        if bad in names:
            raise InputError(f"{where}: ${bad} is not supported by kg.shacl_sparql")
    out = []
    for kind, tok in _antijoins(toks, frozenset({"this"})):
        if kind == "var" and tok[1:] == "PATH":
            if shape.path is None:
                raise InputError(f"{where}: $PATH used in a node shape")
            tok = str(shape.path)
        out.append((kind, tok))
    selects = [i for i, (k, t) in enumerate(out) if k == "word" and t.upper() == "SELECT"]
    if not selects:
        raise InputError(f"{where}: sh:select is not a SELECT query")
    start = selects[0]
    depth, i, projected, star, previous = 0, start + 1, [], False, ""
    insert_proj = start + 1
    while i < len(out):
        kind, tok = out[i]
        if kind == "space":
            i += 1
            continue
        if kind == "word" and tok.upper() in ("DISTINCT", "REDUCED") and not previous:
            insert_proj = i + 1
        elif (kind == "word" and tok.upper() == "WHERE" and depth == 0) or tok == "{":
            break
        elif tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif tok == "*" and depth == 0:
            star = True
        elif kind == "var" and (depth == 0 or previous == "AS"):
            projected.append(tok[1:])
        previous = tok.upper()
        i += 1
    while i < len(out) and not (out[i][0] == "punct" and out[i][1] == "{"):
        i += 1
    if i == len(out):
        raise InputError(f"{where}: no WHERE group found")
    for j in selects[1:]:
        nested = []
        for kind, tok in out[j + 1:]:
            if kind == "punct" and tok == "{" or (kind == "word" and tok.upper() == "WHERE"):
                break
            nested.append((kind, tok))
        if ("punct", "*") in nested or not any(k == "var" and t[1:] == "this" for k, t in nested):
            raise _Refused(f"{where}: a nested SELECT must project $this (pre-bound variables)")
    if star:
        projected = sorted(names - {"PATH"})
    this_projected = star or "this" in projected
    pieces = [t for _, t in out]
    pieces.insert(i + 1, f" {focus} ")
    if not this_projected:
        pieces.insert(insert_proj, " ?this ")
    return "".join(pieces), this_projected, projected


# ------------------------------------------------------------------ rendering like pyshacl


_FAST_LEXICAL = {
    XSD + "integer": re.compile(r"-?(0|[1-9][0-9]*)"),
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
_LEXICAL_CACHE: dict[tuple[str, str], str] = {}


def _rdflib_lexical(lexical: str, datatype: str) -> str:
    """How rdflib prints a typed literal (its canonical form); rdflib is imported only when needed."""
    fast = _FAST_LEXICAL.get(datatype)
    if fast is not None and fast.fullmatch(lexical):
        return lexical
    key = (lexical, datatype)
    if key not in _LEXICAL_CACHE:
        import rdflib

        log = logging.getLogger("rdflib.term")
        level = log.level
        log.setLevel(logging.CRITICAL)  # rdflib logs a traceback for every ill-typed literal
        try:
            _LEXICAL_CACHE[key] = str(rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype)))
        finally:
            log.setLevel(level)
    return _LEXICAL_CACHE[key]


class _Renderer:
    """Print terms as kg.validation's report does. Its pyshacl runs on an Oxigraph-backed rdflib store,
    so it sees the store's canonical literals, which rdflib then prints in its own canonical form."""

    def term(self, term: object) -> tuple[str, object]:
        if isinstance(term, ox.NamedNode):
            return term.value, term
        if isinstance(term, ox.Literal):
            if term.language:
                return term.value, ox.Literal(term.value, language=term.language)
            if term.datatype == XSD_STRING:
                return term.value, ox.Literal(term.value)
            lexical = _rdflib_lexical(term.value, term.datatype.value)
            return lexical, ox.Literal(lexical, datatype=term.datatype)
        return str(term), None


def _message(raw: _Raw, render: _Renderer) -> str:
    """pyshacl's substitution of {$var} / {?var} in SPARQL-based messages, in its order."""
    message = raw.message
    for name, term in raw.bindings or []:
        text = render.term(term)[0]
        pattern = "{{[?$]{}}}".format(name)
        try:
            message = re.sub(pattern, text, message)
        except re.error:
            message = re.sub(pattern, lambda _m: text, message)
    return message


# ------------------------------------------------------------------ entry point


def load_store(triples: Iterable[ox.Triple]) -> ox.Store:
    """An in-memory store holding the triples (N-Triples round trip: the fastest bulk path)."""
    payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    store = ox.Store()
    if payload:
        store.load(payload, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


def compile_checks(store: ox.Store, shapes: Vocabulary) -> list[_Check]:
    """The SPARQL queries for every shape, against this data (for subclass closure)."""
    return _Compiler(_Shapes(shapes), store).compile()


def validate_fast(triples: Iterable[ox.Triple], vocabulary: Iterable[ox.Triple], project: Project,
                  shapes: Vocabulary) -> ShaclReport:
    """Run every shape over the triples (plus the vocabulary layer) as SPARQL on pyoxigraph.

    Same inputs and same report as the pyshacl engine, in seconds for millions of triples."""
    store = load_store(itertools.chain(triples, vocabulary))
    checks = compile_checks(store, shapes)
    raws: list[_Raw] = []
    seen_sparql: set = set()
    for check in checks:
        for solution in store.query(check.query):
            for raw in check.rows(solution):
                if raw.bindings is not None:  # pyshacl drops duplicate rows of a SPARQL constraint
                    key = (check.query, raw.focus, tuple(raw.bindings))
                    if key in seen_sparql:
                        continue
                    seen_sparql.add(key)
                raws.append(raw)
    render = _Renderer()
    results = []
    for raw in raws:
        focus = render.term(raw.focus)[0]
        value, value_term = (None, None) if raw.value is None else render.term(raw.value)
        results.append(
            ShaclResult(
                severity=raw.severity,
                focus=focus,
                path=None if raw.path is None else raw.path.value,
                value=value,
                message=_message(raw, render),
                shape=raw.shape,
                value_term=value_term,
            )
        )
    results.sort(key=lambda r: (r.severity, r.focus, r.path or "", r.value or "", r.shape, r.message))
    return ShaclReport(tuple(results), report_turtle(results, project))
