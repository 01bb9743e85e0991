"""How far from a focus node the shapes look: the triple patterns every check of the compiled engine
(kg.shacl.compiled) may match, each anchored at a variable reached from the focus node by a path of
steps, or else a context pattern matched anywhere in the graph. kg.delta_validation uses it to find
the focus nodes an edit can affect and the part of the graph that decides their results.

A pattern is local when one of its variables is certainly bound, when the pattern is matched, to a
term reached from the focus node ($this) along the patterns before it: every triple it matches then
touches that term. A pattern nothing anchors (a variable bound only in an OPTIONAL and used after
it, a variable in predicate position, a BIND, a `*` path) is a context pattern: the delta falls back
to a full validation when an edit adds or removes a triple it matches, and keeps every triple it
matches in the graph it validates. SPARQL that the parser here does not follow (sub-SELECTs, VALUES,
SERVICE, GRAPH, alternative or negated paths, blank-node syntax) makes the shapes unbounded: full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.inputs.ontology import Vocabulary
from kg.namespaces import RDF, SH
from kg.shacl.compiled.select import split_prologue, tokens

Step = tuple[bytes | None, bool]  # (predicate as N-Triples text or any, forward: from subject to object)
Path = tuple[Step, ...]
TYPE = f"<{RDF}type>".encode()


class Unbounded(Exception):
    """The shapes use something whose reach this analysis cannot bound; the message says what."""


@dataclass(frozen=True)
class Var:
    name: str


Term = Var | bytes | None  # a variable, a constant (N-Triples text), or a constant not compared (any)


@dataclass(frozen=True)
class Local:
    """A triple pattern matched at a term `paths` reach from the focus node, in position `anchor`;
    each constant as N-Triples text, None for any."""

    subject: bytes | None
    predicate: bytes | None
    object: bytes | None
    anchor: str  # "s" or "o"
    paths: frozenset[Path]


@dataclass(frozen=True)
class Context:
    """A triple pattern matched anywhere: each constant as N-Triples text, None for any."""

    subject: bytes | None
    predicate: bytes | None
    object: bytes | None


@dataclass
class Reach:
    local: set[Local] = field(default_factory=set)
    context: set[Context] = field(default_factory=set)

    @property
    def paths(self) -> set[Path]:
        """Every path a local pattern's anchor is reached by (for walking forward from focus nodes)."""
        return {p for pattern in self.local for p in pattern.paths}


ROOT: frozenset[Path] = frozenset({()})
NONLOCAL: frozenset[Path] = frozenset()  # bound, but not to a term reached from the focus node


def reach_of(shapes: Vocabulary) -> Reach:
    """The patterns of every shape in the shapes graph (a union: more patterns only cost time)."""
    reach = Reach()
    iri = _iri_text
    # every focus node's types (sh:targetClass, sh:class on the node) and the subclass closure
    reach.local.add(Local(None, TYPE, None, "s", ROOT))
    reach.context.add(Context(None, iri(ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")), None))
    by_subject: dict[object, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]] = {}
    for t in shapes.triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    for subject, params in by_subject.items():
        for path in params.get(SH + "path", []):
            if not isinstance(path, ox.NamedNode):
                raise Unbounded(f"shape {subject}: sh:path is not an IRI")
            p = iri(path)
            reach.local.add(Local(None, p, None, "s", ROOT))
            reach.local.add(Local(None, TYPE, None, "s", frozenset({((p, True),)})))  # sh:class of a value
            for other in params.get(SH + "lessThan", []):
                if isinstance(other, ox.NamedNode):
                    reach.local.add(Local(None, iri(other), None, "s", ROOT))
        for predicate in params.get(SH + "targetSubjectsOf", []):
            if isinstance(predicate, ox.NamedNode):
                reach.local.add(Local(None, iri(predicate), None, "s", ROOT))
        for predicate in params.get(SH + "targetObjectsOf", []):
            if isinstance(predicate, ox.NamedNode):
                reach.local.add(Local(None, iri(predicate), None, "o", ROOT))
    declared = _declarations(shapes)
    targets = {t.object for t in shapes.triples if t.predicate.value == SH + "target"}
    for t in shapes.triples:
        if t.predicate.value != SH + "select" or not isinstance(t.object, ox.Literal):
            continue
        prefixes = {"rdf": RDF, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                    "owl": "http://www.w3.org/2002/07/owl#", **declared}
        own, text = split_prologue(t.object.value, f"sh:select of {t.subject}")
        if t.subject not in targets and any(k == "keyword" and w.upper() == "MINUS" for k, w in tokens(text)):
            # the engines refuse such a constraint only once it has a focus node: the part may have none
            raise Unbounded(f"the SPARQL constraint {t.subject} uses MINUS")
        group = _Parser(text, {**prefixes, **own}).query()
        # A constraint's $this is bound before its WHERE group (the compiler joins the focus pattern in
        # first); a target's ?this only by the target's own patterns.
        if t.subject in targets:
            _Analysis(reach).group(group, fixed={}, before={}, joined={"this": ROOT})
        else:
            _Analysis(reach).group(group, fixed={}, before={"this": ROOT}, joined={})
    if Context(None, None, None) in reach.context:
        raise Unbounded("a SPARQL pattern that matches any triple anywhere")
    # a pattern another one matches a superset of adds nothing (and would cost a search)
    reach.context = {c for c in reach.context if not any(g != c and _covers(g, c) for g in reach.context)}
    return reach


def _covers(general: Context, pattern: Context) -> bool:
    return all(g is None or g == p for g, p in zip((general.subject, general.predicate, general.object),
                                                   (pattern.subject, pattern.predicate, pattern.object)))


def _declarations(shapes: Vocabulary) -> dict[str, str]:
    """Every sh:declare in the shapes graph (more prefixes than a query sees only resolve more names)."""
    prefix: dict[object, str] = {}
    namespace: dict[object, str] = {}
    for t in shapes.triples:
        if t.predicate.value == SH + "prefix" and isinstance(t.object, ox.Literal):
            prefix[t.subject] = t.object.value
        elif t.predicate.value == SH + "namespace" and isinstance(t.object, ox.Literal):
            namespace[t.subject] = t.object.value
    declared: dict[str, str] = {}
    for node in prefix:
        if node in namespace and declared.setdefault(prefix[node], namespace[node]) != namespace[node]:
            raise Unbounded(f"the prefix {prefix[node]}: is declared with two namespaces")
    return declared


def _iri_text(node: ox.NamedNode) -> bytes:
    return f"<{node.value}>".encode()


# ---------------------------------------------------------------------- parsing


@dataclass
class Pattern:
    subject: Term
    predicate: Term  # a Var (bound to a predicate), a constant, or None for $PATH
    object: Term
    star: bool = False  # a `*`, `+` or `?` path: any number of steps


@dataclass
class Group:
    """A group graph pattern; `elements` in order: Pattern, ("union", [Group]), ("optional", Group),
    ("minus", Group), ("bind", var name, [Group] of its EXISTS); `exists`: the EXISTS groups of its
    filters, which see the group's whole solution."""

    elements: list[object] = field(default_factory=list)
    exists: list[Group] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str, prefixes: dict[str, str]) -> None:
        self.toks = [(k, t) for k, t in tokens(text) if k != "space"]
        self.i = 0
        self.prefixes = prefixes
        self.fresh = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def word(self, ahead: int = 0) -> str:
        kind, tok = self.peek(ahead)
        return tok.upper() if kind == "keyword" else ""

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise Unbounded(f"SPARQL the delta does not follow (expected {text!r} near token {self.i})")

    def query(self) -> Group:
        if self.word() != "SELECT":
            raise Unbounded("a SPARQL query that is not a SELECT")
        while self.peek()[1] != "{" and self.peek()[0] != "end":
            if self.word() in ("EXISTS", "SELECT") and self.i > 0:
                raise Unbounded("SPARQL with EXISTS or SELECT in its projection")
            self.take()
        group = self.group()
        for kind, tok in self.toks[self.i:]:
            if kind == "keyword" and tok.upper() in ("EXISTS", "SELECT", "VALUES", "SERVICE"):
                raise Unbounded(f"SPARQL with {tok.upper()} after its WHERE group")
            if tok == "{":
                raise Unbounded("SPARQL with a group after its WHERE group")
        return group

    def group(self) -> Group:
        self.expect("{")
        group = Group()
        while True:
            kind, tok = self.peek()
            word = self.word()
            if tok == "}":
                self.take()
                return group
            if kind == "end":
                raise Unbounded("an unclosed SPARQL group")
            if tok == ".":
                self.take()
            elif tok == "{":
                if self.word(1) == "SELECT":
                    raise Unbounded("a SPARQL sub-SELECT")
                branches = [self.group()]
                while self.word() == "UNION":
                    self.take()
                    branches.append(self.group())
                group.elements.append(("union", branches))
            elif word == "OPTIONAL":
                self.take()
                group.elements.append(("optional", self.group()))
            elif word == "MINUS":
                self.take()
                group.elements.append(("minus", self.group()))
            elif word == "FILTER":
                self.take()
                group.exists += self.constraint()
            elif word == "BIND":
                self.take()
                inner = self.bracketed(until_as=True)
                name = self.take()
                if name[0] != "var":
                    raise Unbounded("BIND without a variable")
                self.expect(")")
                group.elements.append(("bind", name[1][1:], inner))
            elif word in ("VALUES", "SERVICE", "GRAPH", "SELECT"):
                raise Unbounded(f"SPARQL with {word}")
            else:
                group.elements += self.triples()

    def constraint(self) -> list[Group]:
        """A filter's constraint (the groups of its EXISTS): (expression), EXISTS {…}, NOT EXISTS {…},
        or a function call."""
        if self.word() == "NOT" and self.word(1) == "EXISTS":
            self.i += 2
            return [self.group()]
        if self.word() == "EXISTS":
            self.take()
            return [self.group()]
        if self.peek()[1] != "(":
            self.take()  # a function's name
        return self.bracketed()

    def bracketed(self, until_as: bool = False) -> list[Group]:
        """Skip `( expression )` (with `until_as`: up to the AS of a BIND), returning its EXISTS groups."""
        self.expect("(")
        groups: list[Group] = []
        depth = 1
        while True:
            kind, tok = self.peek()
            if kind == "end" or tok in ("{", "}"):
                raise Unbounded("a SPARQL expression the delta does not follow")
            if until_as and depth == 1 and self.word() == "AS":
                self.take()
                return groups
            if self.word() == "EXISTS":
                self.take()
                groups.append(self.group())
                continue
            self.take()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
                if depth == 0:
                    if until_as:
                        raise Unbounded("BIND without AS")
                    return groups

    def term(self) -> Term:
        kind, tok = self.take()
        if kind == "var":
            return None if tok[1:] == "PATH" else Var(tok[1:])
        if kind == "iri":
            return tok.encode()
        if kind == "pname":
            prefix, _, local = tok.partition(":")
            if prefix not in self.prefixes or "\\" in local or "%" in local:
                raise Unbounded(f"a SPARQL name the delta cannot resolve: {tok}")
            return f"<{self.prefixes[prefix]}{local}>".encode()
        if kind == "keyword" and tok == "a":
            return TYPE
        if kind in ("string", "number") or (kind == "keyword" and tok.lower() in ("true", "false")):
            if self.peek()[0] == "langtag":
                self.take()
            elif self.peek()[1] == "^^":
                self.take()
                self.term()
            return None  # a literal constant: not compared (any)
        if kind == "punct" and tok in ("+", "-") and self.peek()[0] == "number":
            self.take()
            return None
        raise Unbounded(f"SPARQL term the delta does not follow: {tok!r}")

    def triples(self) -> list[Pattern]:
        subject = self.term()
        out: list[Pattern] = []
        while True:
            steps = self.path()
            while True:
                obj = self.term()
                out += self.expand(subject, steps, obj)
                if self.peek()[1] != ",":
                    break
                self.take()
            if self.peek()[1] != ";":
                return out
            self.take()
            if self.peek()[1] in (".", "}") or self.word() in ("FILTER", "OPTIONAL", "BIND", "MINUS"):
                return out

    def path(self) -> list[tuple[Term, bool, bool]]:
        """A verb: a variable, or a sequence of (^)IRI(*|+|?): [(predicate, inverse, star)]."""
        if self.peek()[0] == "var":
            return [(self.term(), False, False)]
        steps = []
        while True:
            inverse = self.peek()[1] == "^"
            if inverse:
                self.take()
            if self.peek()[1] in ("(", "!", "|"):
                raise Unbounded("a SPARQL property path with (, ! or |")
            predicate = self.term()
            star = self.peek()[1] in ("*", "+", "?")
            if star:
                self.take()
            if self.peek()[1] == "|":
                raise Unbounded("an alternative SPARQL property path")
            steps.append((predicate, inverse, star))
            if self.peek()[1] != "/":
                return steps
            self.take()

    def expand(self, subject: Term, steps: list[tuple[Term, bool, bool]], obj: Term) -> list[Pattern]:
        out = []
        current = subject
        for n, (predicate, inverse, star) in enumerate(steps):
            if n == len(steps) - 1:
                following: Term = obj
            else:
                self.fresh += 1
                following = Var(f" step{self.fresh}")
            s, o = (following, current) if inverse else (current, following)
            out.append(Pattern(s, predicate, o, star))
            current = following
        return out


# ---------------------------------------------------------------------- anchoring


Bound = dict[str, frozenset[Path]]


class _Analysis:
    def __init__(self, reach: Reach) -> None:
        self.reach = reach

    def group(self, group: Group, fixed: Bound, before: Bound, joined: Bound) -> Bound:
        """The variables the group certainly binds; records its patterns in self.reach. `fixed`: bound
        by substitution (EXISTS) everywhere inside; `before`: bound before the group's first element
        in its own evaluation; `joined`: bound in the solutions the group is joined with."""
        bound: Bound = {**fixed, **before}
        patterns = [e for e in group.elements if isinstance(e, Pattern)]
        mandatory = self.bgp(patterns, {**joined, **bound})
        for element in group.elements:
            if isinstance(element, Pattern):
                for name in _names(element):
                    bound.setdefault(name, mandatory.get(name, NONLOCAL))
                continue
            kind = element[0]  # type: ignore[index]
            if kind == "union":
                branches = [self.group(b, fixed, {}, {**joined, **mandatory, **bound})
                            for b in element[1]]  # type: ignore[index]
                common = set.intersection(*(set(b) for b in branches))
                for name in sorted(common):
                    paths = [b[name] for b in branches]
                    bound.setdefault(name, NONLOCAL if NONLOCAL in paths else frozenset().union(*paths))
            elif kind in ("optional", "minus"):
                self.group(element[1], fixed, {}, dict(bound))  # type: ignore[index]
            elif kind == "bind":
                for inner in element[2]:  # type: ignore[index]
                    self.group(inner, {**fixed, **bound}, {}, {})
                bound.setdefault(element[1], NONLOCAL)  # type: ignore[index]
        for inner in group.exists:
            self.group(inner, {**fixed, **bound}, {}, {})
        return bound

    def bgp(self, patterns: list[Pattern], anchors: Bound) -> Bound:
        """Anchor one group's triple patterns from the anchors, to a fixpoint (they are joined, in any
        order); the rest, and `*` paths, are context patterns. Returns every variable they bind."""
        bound = {name: paths for name, paths in anchors.items() if paths}
        waiting = [p for p in patterns if not p.star]
        progress = True
        while waiting and progress:
            progress = False
            for pattern in list(waiting):
                anchor = self.anchor(pattern, bound)
                if anchor is None:
                    continue
                waiting.remove(pattern)
                progress = True
                position, paths = anchor
                predicate = pattern.predicate if isinstance(pattern.predicate, bytes) else None
                self.reach.local.add(Local(_constant(pattern.subject), predicate, _constant(pattern.object), position,
                                           paths))
                other = pattern.object if position == "s" else pattern.subject
                if isinstance(other, Var) and other.name not in bound:
                    bound[other.name] = frozenset(p + ((predicate, position == "s"),) for p in paths)
        for pattern in [*waiting, *(p for p in patterns if p.star)]:
            self.reach.context.add(Context(_constant(pattern.subject),
                                           pattern.predicate if isinstance(pattern.predicate, bytes) else None,
                                           _constant(pattern.object)))
        names = {n: NONLOCAL for p in patterns for n in _names(p)}
        return {**anchors, **names, **bound}

    @staticmethod
    def anchor(pattern: Pattern, bound: Bound) -> tuple[str, frozenset[Path]] | None:
        s, o = pattern.subject, pattern.object
        candidates = []
        if isinstance(s, Var) and bound.get(s.name):
            candidates.append(("s", bound[s.name]))
        if isinstance(o, Var) and bound.get(o.name):
            candidates.append(("o", bound[o.name]))
        if not candidates:
            return None
        # the shortest paths, then those naming their predicates, then the subject: the cheapest walks
        return min(candidates, key=lambda c: (max(len(p) for p in c[1]),
                                              sum(step[0] is None for p in c[1] for step in p), c[0] != "s"))


def _names(pattern: Pattern) -> list[str]:
    return [t.name for t in (pattern.subject, pattern.predicate, pattern.object) if isinstance(t, Var)]


def _constant(term: Term) -> bytes | None:
    return term if isinstance(term, bytes) else None

