"""SHACL validation compiled to SPARQL and run on a pyoxigraph store: the fast twin of the pyshacl engine.

`validate_fast(triples, vocabulary, project, shapes)` takes the same inputs as
`kg.shacl.pyshacl_engine.validate` and returns the same `ShaclReport`. Every shape is read from the
shapes graph (nothing here names a project shape) and compiled into SPARQL SELECT queries, each of
which checks one constraint for all focus nodes of its shape at once.

Supported (the subset kg's and the seed project's shapes use, plus its obvious siblings):

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

Results are those of the pyshacl engine: the same focus node, path, value, source shape, severity
and message, down to how pyshacl substitutes {$this} / {?var} in SPARQL messages and how it prints
literals. Like the pyshacl engine (whose pyshacl reads an oxrdflib store), this engine sees the data
through an Oxigraph store, which keeps canonical literals only ("1.90"^^xsd:decimal is 1.9) and turns
derived integer types (xsd:int, …) into xsd:integer. See `KNOWN_DIFFERENCES`.

The modules, one job each:

- shapes_graph: reading the shapes graph (parameters, RDF lists, one-valued parameters);
- compiler: each shape into checks (SPARQL queries and how their rows become results);
- expressions: the SPARQL text the checks are made of (datatypes, rdflib's ordering, regexes);
- select: SHACL-SPARQL sh:select queries rewritten into checks;
- render: terms and messages printed as pyshacl prints them;
- engine: compile, run and report (`validate_fast`, `compile_checks`, `load_store`).
"""

from __future__ import annotations

from kg.shacl.compiled.engine import compile_checks, load_store, validate_fast

KNOWN_DIFFERENCES = """\
Where pyshacl (as kg.shacl.pyshacl_engine runs it) and this engine can disagree; none arises in data kg builds.
- xsd:date values that differ only by time zone ("2021-10-05Z", "2021-10-05") are one value for
  pyshacl (rdflib drops a date's time zone) and two here, which changes counts and repeats results.
- sh:in with plain string members: on the pyshacl engine's oxrdflib graph pyshacl sees data strings as
  typed xsd:string and the shapes' as untyped, so they never match (a bug, not copied here).
- sh:pattern on typed literals: pyshacl matches rdflib's printed form; emulated for hexBinary, date,
  dateTime and time, not for doubles (rdflib prints 1e2 as 100.0).
- Comparisons rdflib cannot make (NaN against a decimal, ...): pyshacl raises; here they fail.
- Default messages (a shape without sh:message) follow pyshacl's wording and prefixed names, except
  where pyshacl is not deterministic itself (it lists sh:in members in Python set order).
- Blank-node shapes: pyshacl names them by a random blank node id, so the `shape` strings differ.
- Blank nodes in the data (kg's graphs have none): each engine names a blank focus node or value by
  its own store's id, so the `focus` / `value` strings differ.
- SPARQL constraints SHACL forbids (MINUS, VALUES, SERVICE): pyshacl searches the query text, so it
  also refuses those words in strings and in names such as ex:minus; here only the keywords count.
"""

__all__ = ["KNOWN_DIFFERENCES", "compile_checks", "load_store", "validate_fast"]
