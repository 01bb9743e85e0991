"""The compiler: each shape of the shapes graph becomes SPARQL SELECT queries (checks), each of which
checks one constraint for all focus nodes of its shape at once, and turns its rows into results.

Two rewrites keep the queries linear on pyoxigraph (see /work/shared/reference/perf-notes.md):
classes are written into the patterns (subclass closure computed first, one pattern per class,
never VALUES), and `FILTER NOT EXISTS { triple patterns }` becomes `MINUS { … }` where that means
the same (kg.shacl.compiled.select.antijoins): Oxigraph plans the inside of NOT EXISTS without the
outer bindings."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import OWL, RDF, RDFS, SH
from kg.shacl.compiled.expressions import (
    NODE_KINDS,
    datatype_condition,
    is_member,
    less_than,
    pyshacl_string,
    python_regex,
    range_test,
)
from kg.shacl.compiled.render import NodeNames
from kg.shacl.compiled.select import Refused, antijoins, rewrite_select, split_prologue, tokens
from kg.shacl.compiled.shapes_graph import (
    DECLARE_PARAMS,
    PROPERTY_PARAMS,
    SHAPE_PARAMS,
    SPARQL_PARAMS,
    TARGETS,
    TYPE,
    VALUE_PARAMS,
    Node,
    ShapesGraph,
    Term,
    curie,
    display,
    sh,
)
from kg.shacl.report import SEVERITIES

# A value condition: (SPARQL test on a value variable, true when the value conforms; default message;
# the constraint component, as sh:sourceConstraintComponent names it).
# Callable[..., str] because the lambdas bind their loop variables as default arguments.
Condition = tuple[Callable[..., str], Callable[..., str], str]


def component(local: str) -> str:
    """sh:ClassConstraintComponent for "Class"."""
    return f"{SH}{local}ConstraintComponent"


@dataclass
class RawResult:
    """One result before rendering: terms as the store holds them."""

    severity: str
    focus: Term
    path: ox.NamedNode | None
    value: Term | None
    message: str
    shape: str
    bindings: list[tuple[str, Term]] | None = None  # SPARQL messages: variables to substitute
    component: str = ""


@dataclass(frozen=True)
class Focus:
    """A graph pattern that binds ?this once per focus node, and the prefixes it needs."""

    pattern: str
    prefixes: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.pattern


@dataclass
class Check:
    query: str
    rows: Callable[[ox.QuerySolution], list[RawResult]]
    label: str = ""


@dataclass
class Shape:
    node: ox.NamedNode | ox.BlankNode
    path: ox.NamedNode | None
    severity: str
    messages: list[str]
    deactivated: bool
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.node.value if isinstance(self.node, ox.NamedNode) else str(self.node)


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The rows of a SELECT query."""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions), query
    return rows


class Compiler:
    """Compiles every shape of the shapes graph into checks against one data store."""

    def __init__(self, shapes: ShapesGraph, data: ox.Store) -> None:
        self.sg = shapes
        self.data = data
        self.checks: list[Check] = []
        self.n3 = NodeNames(shapes)
        self._closure: dict[Term, list[Term]] = {}
        self._sparql_nodes = set(self.sg.all_objects(sh("sparql"))) | set(self.sg.all_objects(sh("target")))
        self._declare_nodes = set(self.sg.all_objects(sh("declare")))

    # -------------------------------------------------------------- discovery and vetting

    def compile(self) -> list[Check]:
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
                        f"shape {display(node)}: sh:property on a property shape (a nested path) is not supported"
                    )
                if pshape.path is None:
                    raise InputError(f"shape {display(prop)} is the value of sh:property but has no sh:path")
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
                names = ", ".join(curie(p) for p in unknown)
                raise InputError(
                    f"shape {display(s)} uses {names}, which the compiled SHACL engine does not support; supported: "
                    "targetClass/Node/SubjectsOf/ObjectsOf, SPARQL target, property with IRI path, class, "
                    "datatype, nodeKind, pattern, flags, in, min/maxInclusive, min/maxExclusive, min/maxLength, "
                    "or, minCount, "
                    "maxCount, uniqueLang, lessThan, qualifiedValueShape with qualifiedMin/MaxCount, severity, "
                    "message, deactivated, sparql (select, prefixes) — use the pyshacl engine "
                    "for the rest"
                )
        for s in self.sg.subjects(sh("path")):
            path = self.sg.one(s, sh("path"))
            if not isinstance(path, ox.NamedNode):
                raise InputError(
                    f"shape {display(s)}: sh:path {path} is not an IRI; the compiled engine supports predicate paths "
                    "only (no sequence, alternative, inverse or * paths)"
                )

    def _top_level(self) -> list[Node | ox.Triple]:
        nodes: set[Node | ox.Triple] = set()
        for p in TARGETS:
            nodes.update(self.sg.subjects(p))
        for node in self.sg.subjects(TYPE, ox.NamedNode(RDFS + "Class")):
            if self.sg.predicates(node) & (SHAPE_PARAMS | VALUE_PARAMS | PROPERTY_PARAMS):
                nodes.add(node)
        return sorted(nodes, key=str)

    def _shape(self, node: Term) -> Shape:
        if not isinstance(node, (ox.NamedNode, ox.BlankNode)):
            raise InputError(f"{display(node)} is used as a shape, but a shape is an IRI or a blank node")
        severity = self.sg.one(node, sh("severity"))
        if severity is not None and not isinstance(severity, ox.NamedNode):
            raise InputError(f"shape {display(node)}: sh:severity must be an IRI, got {severity}")
        path = self.sg.one(node, sh("path"))
        assert path is None or isinstance(path, ox.NamedNode), "_vet refuses every other sh:path"
        return Shape(
            node=node,
            path=path,
            severity=SEVERITIES.get(severity.value if severity else SH + "Violation", "violation"),
            messages=sorted(m.value for m in self.sg.objects(node, sh("message")) if isinstance(m, ox.Literal)),
            deactivated=self.sg.is_deactivated(node),
        )

    # -------------------------------------------------------------- focus nodes

    def _subclasses(self, cls: Term) -> list[Term]:
        if cls not in self._closure:
            rows = solutions(self.data, f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {cls} }}")
            self._closure[cls] = sorted({r["c"] for r in rows if isinstance(r["c"], ox.NamedNode)} | {cls}, key=str)
        return self._closure[cls]

    def _focus(self, node: Term) -> Focus:
        """A graph pattern binding ?this to each focus node of the shape exactly once."""
        classes: set[Term] = set()
        for cls in self.sg.objects(node, sh("targetClass")):
            if not isinstance(cls, ox.NamedNode):
                raise InputError(f"shape {display(node)}: sh:targetClass {cls} is not an IRI")
            classes.update(self._subclasses(cls))
        if ox.NamedNode(RDFS + "Class") in self.sg.objects(node, TYPE):
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
                    f"shape {display(node)}: sh:target {display(target)} is not a SPARQL target with one sh:select; "
                    "the compiled engine supports SPARQL targets only (no SPARQLTargetType or JavaScript targets)"
                )
            own, body = split_prologue(selects[0].value, f"SPARQL target {display(target)}")
            for prefix, ns in {**self._sparql_prefixes(target), **own}.items():
                if prefixes.get(prefix, ns) != ns:
                    raise InputError(f"shape {display(node)}: its targets give prefix {prefix}: two meanings")
                prefixes[prefix] = ns
            parts.append("{ " + "".join(t for _, t in antijoins(tokens(body))) + " }")
        if len(parts) == 1 and (classes or self.sg.objects(node, sh("targetNode"))):
            return Focus(parts[0][2:-2] + " .")  # one class or node: each ?this appears once already
        pattern = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"
        return Focus(pattern, tuple(prefixes.items()))

    # -------------------------------------------------------------- constraints of one shape

    def _shape_checks(self, shape: Shape, focus: Focus) -> None:
        node = shape.node
        preds = self.sg.predicates(node)
        is_property = shape.path is not None
        if not is_property:
            wrong = sorted(p for p in preds if p in PROPERTY_PARAMS)
            if wrong:
                raise InputError(
                    f"shape {display(node)} is a node shape but uses {', '.join(curie(p) for p in wrong)}, "
                    "which only property shapes may use"
                )
        for cond in self._value_conditions(node):
            self._value_check(shape, focus, cond)
        if is_property:
            self._count_checks(shape, focus)
        for constraint in self.sg.objects(node, sh("sparql")):
            self._sparql_check(shape, focus, constraint)

    def _value_conditions(self, node: Term) -> list[Condition]:
        """(condition on a value variable that is true when the value conforms, default message)."""
        sg = self.sg
        out: list[Condition] = []
        for cls in sg.objects(node, sh("class")):
            out.append((lambda v, c=cls: f"EXISTS {{ {v} <{RDF}type>/<{RDFS}subClassOf>* {c} }}",
                        lambda f, v, c=cls: f"Value does not have class {self.n3(c)}", component("Class")))
        datatype = sg.one(node, sh("datatype"))
        if datatype is not None:
            out.append((lambda v, d=datatype: datatype_condition(v, d),
                        lambda f, v, d=datatype: f"Value is not Literal with datatype {self.n3(d)}",
                        component("Datatype")))
        kind = sg.one(node, sh("nodeKind"))
        if kind is not None:
            local = kind.value[len(SH):] if isinstance(kind, ox.NamedNode) and kind.value.startswith(SH) else ""
            if local not in NODE_KINDS:
                raise InputError(f"shape {display(node)}: unknown sh:nodeKind {kind}")
            out.append((lambda v, t=NODE_KINDS[local]: t.format(v=v),
                        lambda f, v, k=kind: f"Value is not of Node Kind {self.n3(k)}", component("NodeKind")))
        patterns = sg.objects(node, sh("pattern"))
        flags_node = sg.objects(node, sh("flags"))
        flag_text = flags_node[0].value if flags_node and not isinstance(flags_node[0], ox.Triple) else ""
        flags = "".join(sorted({c for c in flag_text.lower() if c in "im"}))
        for pattern in patterns:
            if not isinstance(pattern, ox.Literal):
                raise InputError(f"shape {display(node)}: sh:pattern must be a literal")
            regex = self._regex(node, pattern.value, flags)
            out.append((lambda v, r=regex: f"(!isBlank({v}) && REGEX({pyshacl_string(v)}, {r}))",
                        lambda f, v, p=pattern.value: f"Value does not match pattern '{p}'", component("Pattern")))
        values = sg.one(node, sh("in"))
        if values is not None:
            members = sg.items(values, node, sh("in"))
            out.append((lambda v, ms=members: "(" + (" || ".join(is_member(v, m) for m in ms) or "false") + ")",
                        lambda f, v, m=members: f"Value {self.n3(v, True)} not in list {[self.n3(x) for x in m]}",
                        component("In")))
        for local, op, word in (("minInclusive", ">=", ">="), ("maxInclusive", "<=", "<="),
                                ("minExclusive", ">", ">"), ("maxExclusive", "<", "<")):
            for bound in sg.objects(node, sh(local)):
                if not isinstance(bound, ox.Literal):
                    raise InputError(f"shape {display(node)}: sh:{local} must be a literal")
                out.append((lambda v, b=bound, o=op: range_test(v, o, str(b)),
                             lambda f, v, b=bound, w=word: f"Value is not {w} {self.n3(b)}",
                             component(local[0].upper() + local[1:])))
        for local, op, word in (("minLength", ">=", ">="), ("maxLength", "<=", "<=")):
            length = sg.one(node, sh(local))
            if length is None:
                continue
            if not isinstance(length, ox.Literal) or not re.fullmatch(r"\+?[0-9]+", length.value):
                raise InputError(f"shape {display(node)}: sh:{local} must be a non-negative integer")
            n = int(length.value)
            if local == "minLength" and n == 0:
                continue
            out.append((lambda v, n=n, o=op: f"(!isBlank({v}) && STRLEN({pyshacl_string(v)}) {o} {n})",
                        lambda f, v, ln=length, w=word: f"String length not {w} {self.n3(ln, True)}",
                        component(local[0].upper() + local[1:])))
        for alternatives in sg.objects(node, sh("or")):
            members = sg.items(alternatives, node, sh("or"))
            conds = [self._member_condition(m, node, "sh:or") for m in members]
            out.append((lambda v, cs=conds: "(" + " || ".join(f"({c(v)})" for c in cs) + ")" if cs else "false",
                        lambda f, v, ms=members: f"Node {self.n3(v, True)} must conform to one or more shapes in "
                        + " , ".join(self.n3(m) for m in ms), component("Or")))
        return out

    def _member_condition(self, member: Term, owner: Term, where: str) -> Callable[[str], str]:
        """A shape used inside sh:or / sh:qualifiedValueShape: only value constraints allowed."""
        preds = self.sg.predicates(member)
        extra = sorted(p for p in preds if p.value.startswith(SH) and p not in VALUE_PARAMS
                       and p not in {sh(x) for x in ("message", "severity", "name", "description", "deactivated")})
        if extra:
            raise InputError(
                f"shape {display(owner)}: a shape in {where} uses {', '.join(curie(p) for p in extra)}; "
                "the compiled engine supports only value constraints (class, datatype, nodeKind, pattern, in, "
                "ranges, lengths, or) there"
            )
        deactivated = self.sg.is_deactivated(member)
        conds = [c for c, _, _ in self._value_conditions(member)]
        if deactivated:
            conds = []
        return lambda v: " && ".join(f"({c(v)})" for c in conds) or "true"

    def _regex(self, node: Term, pattern: str, flags: str) -> str:
        translated = python_regex(pattern, "m" in flags)
        text = str(ox.Literal(translated)) + (f", {ox.Literal(flags)}" if flags else "")
        probe = list(solutions(self.data, f"SELECT (REGEX('', {text}) AS ?ok) {{}}"))
        if probe[0]["ok"] is None:
            raise InputError(
                f"shape {display(node)}: sh:pattern {pattern!r} uses regular-expression syntax oxigraph does not "
                "support (look-around, back-references, …)"
            )
        return text

    def _value_check(self, shape: Shape, focus: Focus, cond: Condition) -> None:
        test, default, kind = cond
        path = shape.path
        if path is None:
            query = f"SELECT ?this WHERE {{ {focus} FILTER(!({test('?this')})) }}"

            def rows(r: ox.QuerySolution) -> list[RawResult]:
                return [self._raw(shape, r["this"], None, r["this"], default, kind)]
        else:
            query = f"SELECT ?this ?v WHERE {{ {focus} ?this {path} ?v . FILTER(!({test('?v')})) }}"

            def rows(r: ox.QuerySolution) -> list[RawResult]:
                return [self._raw(shape, r["this"], path, r["v"], default, kind)]

        self._add(focus, query, rows, shape.name)

    def _raw(self, shape: Shape, focus: Term | None, path: ox.NamedNode | None, value: Term | None,
             default: Callable[..., str], kind: str) -> RawResult:
        assert focus is not None, "every check binds ?this"
        message = shape.messages[0] if shape.messages else default(focus, value)
        return RawResult(shape.severity, focus, path, value, message, shape.name, component=kind)

    def _count_checks(self, shape: Shape, focus: Focus) -> None:
        sg, path, node = self.sg, shape.path, shape.node
        assert path is not None, "only property shapes have count constraints"
        p = str(path)
        min_count = sg.count(node, "minCount")
        if min_count:
            if min_count == 1:
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
            else:
                query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} "
                         f"GROUP BY ?this HAVING (COUNT(?v) < {min_count})")
            self._focus_check(shape, focus, query, lambda f, v, n=min_count: (
                f"Less than {n} values on {self.n3(f, True)}->{self.n3(path)}"), component("MinCount"))
        max_count = sg.count(node, "maxCount")
        if max_count is not None:
            query = (f"SELECT ?this WHERE {{ {focus} ?this {p} ?v }} "
                     f"GROUP BY ?this HAVING (COUNT(?v) > {max_count})")
            self._focus_check(shape, focus, query, lambda f, v, n=max_count: (
                f"More than {n} values on {self.n3(f, True)}->{self.n3(path)}"), component("MaxCount"))
        unique = sg.one(node, sh("uniqueLang"))
        if unique is not None:
            if not isinstance(unique, ox.Literal) or unique.value not in ("true", "false", "1", "0"):
                raise InputError(f"shape {display(node)}: sh:uniqueLang must be a boolean")
            if unique.value in ("true", "1"):
                query = (f"SELECT ?this ?lang WHERE {{ {focus} ?this {p} ?v . "
                         f"FILTER(isLiteral(?v) && LANG(?v) != \"\") BIND(LCASE(LANG(?v)) AS ?lang) }} "
                         f"GROUP BY ?this ?lang HAVING (COUNT(?v) > 1)")
                self._focus_check(shape, focus, query, lambda f, v: "More than one String shares the same Language",
                                  component("UniqueLang"))
        for other in sg.objects(node, sh("lessThan")):
            if not isinstance(other, ox.NamedNode):
                raise InputError(f"shape {display(node)}: sh:lessThan must be an IRI")
            less = less_than("?v", "?o")
            query = f"SELECT ?this ?v WHERE {{ {focus} ?this {p} ?v . ?this {other} ?o . FILTER(!({less})) }}"

            def rows(r: ox.QuerySolution, o: ox.NamedNode = other) -> list[RawResult]:
                return [self._raw(shape, r["this"], path, r["v"],
                                  lambda f, v: f"Value of {self.n3(f, True)}->{self.n3(o)} <= {self.n3(v, True)}",
                                  component("LessThan"))]

            self._add(focus, query, rows, shape.name)
        qualified = sg.objects(node, sh("qualifiedValueShape"))
        if qualified:
            disjoint = sg.one(node, sh("qualifiedValueShapesDisjoint"))
            if isinstance(disjoint, ox.Literal) and disjoint.value in ("true", "1"):
                raise InputError(f"shape {display(node)}: sh:qualifiedValueShapesDisjoint true is not supported")
            qmin = sg.count(node, "qualifiedMinCount")
            qmax = sg.count(node, "qualifiedMaxCount")
            if qmin is None and qmax is None:
                raise InputError(f"shape {display(node)}: sh:qualifiedValueShape needs qualifiedMinCount or MaxCount")
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

                def qualified_rows(r: ox.QuerySolution, m: Term = member, counts: str = counts) -> list[RawResult]:
                    n = int(r["n"].value)
                    default = lambda f, v: f"Focus node does not conform to shape{counts}: {self.n3(m)}"  # noqa: E731
                    out = []
                    if qmax is not None and n > qmax:
                        out.append(self._raw(shape, r["this"], path, None, default, component("QualifiedMaxCount")))
                    if qmin is not None and n < qmin:
                        out.append(self._raw(shape, r["this"], path, None, default, component("QualifiedMinCount")))
                    return out

                self._add(focus, query, qualified_rows, shape.name)

    def _focus_check(self, shape: Shape, focus: Focus, query: str, default: Callable[..., str], kind: str) -> None:
        def rows(r: ox.QuerySolution) -> list[RawResult]:
            return [self._raw(shape, r["this"], shape.path, None, default, kind)]

        self._add(focus, query, rows, shape.name)

    def _add(self, focus: Focus, query: str, rows: Callable[[ox.QuerySolution], list[RawResult]], label: str,
             prefixes: dict[str, str] | None = None) -> None:
        merged = dict(focus.prefixes)
        for prefix, ns in (prefixes or {}).items():
            if merged.get(prefix, ns) != ns:
                raise InputError(f"shape {label}: prefix {prefix}: means {merged[prefix]} in its target query and "
                                 f"{ns} in its constraint; the compiled engine needs one meaning per query")
            merged[prefix] = ns
        query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in merged.items()) + query
        try:
            ox.Store().query(query)
        except SyntaxError as e:
            raise InputError(f"shape {label}: its SPARQL does not compile: {e}\n{query}") from e
        self.checks.append(Check(query, rows, label))

    # -------------------------------------------------------------- SHACL-SPARQL

    def _sparql_check(self, shape: Shape, focus: Focus, constraint: Term) -> None:
        sg = self.sg
        if sg.is_deactivated(constraint):
            return
        select = sg.objects(constraint, sh("select"))
        if len(select) != 1 or not isinstance(select[0], ox.Literal):
            raise InputError(f"SPARQL constraint {display(constraint)} needs exactly one sh:select string")
        where = f"SPARQL constraint {display(constraint)} of shape {shape.name}"
        own_prefixes, text = split_prologue(select[0].value, where)
        try:
            query, this_projected, projected = rewrite_select(text, str(focus), shape.path, where)
        except Refused as refusal:
            def refuse(r: ox.QuerySolution, refusal: Refused = refusal) -> list[RawResult]:
                raise InputError(str(refusal))

            self._add(focus, f"SELECT ?this WHERE {{ {focus} }} LIMIT 1", refuse, shape.name)
            return
        own = [m.value for m in sg.objects(constraint, sh("message")) if isinstance(m, ox.Literal)]
        messages = own or shape.messages
        is_node_shape = shape.path is None
        others = [v for v in projected if v not in ("this", "path", "value")]

        def rows(r: ox.QuerySolution) -> list[RawResult]:
            this = r["this"]
            path = r["path"] if "path" in projected else None
            value = r["value"] if "value" in projected else None
            bindings: list[tuple[str, Term]] = [(v, t) for v in others if (t := r[v]) is not None]
            if this_projected:
                bindings.append(("this", this))
            if path is not None:
                bindings.append(("path", path))
            if value is None and is_node_shape:
                value = this
            if value is not None:
                bindings.append(("value", value))
            raw = RawResult(shape.severity, this, path if path is not None else shape.path, value,
                       messages[0] if messages else "", shape.name, bindings, component("SPARQL"))
            return [raw]

        self._add(focus, query, rows, shape.name, {**self._sparql_prefixes(constraint), **own_prefixes})

    def _sparql_prefixes(self, constraint: Term) -> dict[str, str]:
        """As pyshacl: rdf, rdfs, owl, then the sh:declare of each sh:prefixes node (plus, when that node
        is not itself an owl:Ontology, the declarations of every owl:Ontology in the shapes graph)."""
        sg = self.sg
        prefixes = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
        ontologies = sg.subjects(TYPE, ox.NamedNode(OWL + "Ontology"))
        for holder in sg.objects(constraint, sh("prefixes")):
            declares = sg.objects(holder, sh("declare"))
            if not (declares and holder in ontologies):
                declares = sorted({*declares, *(d for o in ontologies for d in sg.objects(o, sh("declare")))}, key=str)
            for dec in declares:
                prefix, namespace = sg.objects(dec, sh("prefix")), sg.objects(dec, sh("namespace"))
                if len(prefix) != 1 or len(namespace) != 1 or isinstance(prefix[0], ox.Triple) or isinstance(
                        namespace[0], ox.Triple):
                    raise InputError(f"sh:declare {dec} needs exactly one sh:prefix and one sh:namespace")
                prefixes[prefix[0].value] = namespace[0].value
        return prefixes
