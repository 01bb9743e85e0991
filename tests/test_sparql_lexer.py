"""kg.sparql_lexer (SPARQL 1.1 tokens), and the query service's SERVICE check (kg.query.calls_service, read
by rdflib's parser) against the queries that fooled the lexer-based check it replaced."""

from __future__ import annotations

import doctest
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg.sparql_lexer
from kg.query import calls_service
from kg.sparql_lexer import tokenize

ENDPOINT = "<http://127.0.0.1:1/query>"  # port 1: Oxigraph refuses to connect, but only once it tries


def significant(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text) if t.kind not in ("space", "comment")]


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(kg.sparql_lexer).failed == 0


@given(st.text())
def test_every_character_is_in_exactly_one_token(text: str) -> None:
    tokens = list(tokenize(text))
    assert "".join(t.text for t in tokens) == text
    assert all(a.end == b.start for a, b in zip(tokens, tokens[1:]))


@pytest.mark.parametrize("escaped", list("_~.-!$&'()*+,;=/?#@%"))
def test_pn_local_esc_stays_in_the_prefixed_name(escaped: str) -> None:
    """PN_LOCAL_ESC: a local part may hold a backslash and one of these, even # or ' (no comment, no string)."""
    assert significant(f"ex:a\\{escaped} ?x") == [("pname", f"ex:a\\{escaped}"), ("var", "?x")]


@pytest.mark.parametrize(("text", "tokens"), [
    pytest.param("ex:%41b ex:%4", [("pname", "ex:%41b"), ("pname", "ex:"), ("other", "%"), ("number", "4")],
                 id="percent-escape-needs-two-hex-digits"),
    pytest.param("ex:a.b ex:a.", [("pname", "ex:a.b"), ("pname", "ex:a"), ("punct", ".")],
                 id="local-part-does-not-end-with-a-dot"),
    pytest.param(": ex: :x ex:a:b", [("pname", ":"), ("pname", "ex:"), ("pname", ":x"), ("pname", "ex:a:b")],
                 id="prefixed-names"),
    pytest.param("SERVICE:q", [("pname", "SERVICE:q")], id="a-keyword-before-a-colon-is-a-prefix"),
    pytest.param("_:b0 ?x $this ? ?service", [("bnode", "_:b0"), ("var", "?x"), ("var", "$this"), ("punct", "?"),
                                             ("var", "?service")], id="blank-nodes-and-variables"),
    pytest.param("'a\\'b' \"a\\u0022b\" 'x#y'", [("string", "'a\\'b'"), ("string", '"a\\u0022b"'),
                                                 ("string", "'x#y'")], id="escapes-in-strings"),
    pytest.param("'''a''b''' '''a''''", [("string", "'''a''b'''"), ("string", "'''a'''"), ("other", "'")],
                 id="long-strings"),
    pytest.param("'a\\qb'", [("other", "'"), ("keyword", "a"), ("other", "\\"), ("keyword", "qb"), ("other", "'")],
                 id="no-string-with-an-invalid-escape"),
    pytest.param("<http://x/\\u0041'> <http://x/a b>",
                 [("iri", "<http://x/\\u0041'>"), ("punct", "<"), ("pname", "http:"), ("punct", "/"), ("punct", "/"),
                  ("keyword", "x"), ("punct", "/"), ("keyword", "a"), ("keyword", "b"), ("punct", ">")],
                 id="iris"),
    pytest.param("1 1.5 .5 1e5 1.E-5 1.", [("number", "1"), ("number", "1.5"), ("number", ".5"), ("number", "1e5"),
                                          ("number", "1.E-5"), ("number", "1"), ("punct", ".")], id="numbers"),
    pytest.param('"x"@en-GB "1"^^xsd:int', [("string", '"x"'), ("langtag", "@en-GB"), ("string", '"1"'),
                                           ("punct", "^^"), ("pname", "xsd:int")], id="literals"),
    pytest.param("?a<=?b||!?c&&?d!=1", [("var", "?a"), ("punct", "<="), ("var", "?b"), ("punct", "||"),
                                       ("punct", "!"), ("var", "?c"), ("punct", "&&"), ("var", "?d"),
                                       ("punct", "!="), ("number", "1")], id="operators"),
    pytest.param("?a<?b&&?c>?d", [("var", "?a"), ("iri", "<?b&&?c>"), ("var", "?d")],
                 id="longest-match-makes-an-iri-of-less-than-and-greater-than"),
])
def test_tokens(text: str, tokens: list[tuple[str, str]]) -> None:
    assert significant(text) == tokens


def test_comments_end_at_a_line_break() -> None:
    assert [(t.kind, t.text) for t in tokenize("?a # b\r?c")] == [
        ("var", "?a"), ("space", " "), ("comment", "# b"), ("space", "\r"), ("var", "?c")]


# ------------------------------------------------------------------ the query service's SERVICE check (rdflib)

P = "PREFIX ex: <http://127.0.0.1:1/> PREFIX : <http://127.0.0.1:1/> "
CALLS = [
    pytest.param(f"SELECT * WHERE {{ SERVICE {ENDPOINT} {{ ?s ?p ?o }} }}", id="plain"),
    pytest.param(f"SELECT * WHERE {{ SeRvIcE {ENDPOINT} {{ ?s ?p ?o }} }}", id="any-case"),
    pytest.param(f"ASK{{SERVICE{ENDPOINT}{{?s ?p ?o}}}}", id="no-spaces"),
    pytest.param(f"SELECT * WHERE {{ BIND(ex:a\\# AS ?q) SERVICE {ENDPOINT} {{ ?s ?p ?o }} }}",
                 id="after-an-escaped-hash-in-a-local-name"),
    pytest.param(f"SELECT * WHERE {{ BIND(ex:a\\' AS ?q) SERVICE {ENDPOINT} {{ ?s ?p ?o }} BIND('x' AS ?y) }}",
                 id="after-an-escaped-quote-in-a-local-name"),
    pytest.param(f"SELECT * WHERE {{ BIND(<http://x/\\u0041'> AS ?i) SERVICE {ENDPOINT} {{ ?s ?p ?o }} "
                 "BIND('z' AS ?z) }", id="after-an-escaped-character-in-an-iri"),
    pytest.param(f"SELECT * WHERE {{ ?s ?p trueSERVICE{ENDPOINT}{{ ?a ?b ?c }} }}", id="glued-to-a-keyword"),
    pytest.param(f"SELECT * WHERE {{ ?s ?p 1SERVICE{ENDPOINT}{{ ?a ?b ?c }} }}", id="glued-to-a-number"),
    pytest.param(P + "SELECT * WHERE { SERVICE:q { ?s ?p ?o } }", id="glued-to-a-prefixed-name"),
    pytest.param(P + "SELECT * WHERE { SERVICEex:q { ?s ?p ?o } }", id="glued-to-a-prefix"),
    pytest.param(P + "SELECT * WHERE { ?s ?p ?o FILTER(1<2)SERVICE:q#>\n{ ?a ?b ?c } }",
                 id="after-less-than-read-as-an-iri"),
    pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(?o<'x>') SERVICE <http://127.0.0.1:1/> { } #'\n}",
                 id="after-less-than-and-a-string-read-as-an-iri"),
]


@pytest.mark.parametrize("query", [*CALLS, f"SELECT * WHERE {{ SERVICE SILENT {ENDPOINT} {{ }} }}"])
def test_a_service_call_is_found(query: str) -> None:
    """Each is a call, or a query rdflib cannot read that mentions service: unchecked, so refused too."""
    assert calls_service(query)


@pytest.mark.parametrize("query", CALLS)
def test_oxigraph_calls_the_service_in_each_of_those(query: str) -> None:
    """The cases above are real calls: Oxigraph tries the endpoint (and refuses port 1). (`ex:` is
    declared here for the two cases that use it undeclared.)"""
    store = ox.Store()
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for value in (ox.Literal("1"), ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
                  ox.Literal("1", datatype=ox.NamedNode(xsd + "integer"))):
        store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), value))
    with pytest.raises(OSError, match="port 1 is not allowed"):
        result = store.query(query, prefixes={"ex": "http://example.org/"})
        bool(result) if isinstance(result, ox.QueryBoolean) else list(result)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    pytest.param("SELECT ?x WHERE { BIND('SERVICE <http://example.org/>' AS ?x) }", id="in-a-string"),
    pytest.param('SELECT ?x WHERE { BIND("""a\nSERVICE <http://example.org/> {}""" AS ?x) }', id="in-a-long-string"),
    pytest.param("SELECT ?x WHERE { ?x ?p <http://example.org/SERVICE> }", id="in-an-iri"),
    pytest.param("SELECT ?x WHERE { ?x ?p ?o FILTER(?o = <http://example.org/service/1>) }",
                 id="in-an-iri-in-an-expression"),
    pytest.param("SELECT ?x WHERE { ?x ?p ?o } # SERVICE <http://example.org/> { }", id="in-a-comment"),
    pytest.param("SELECT ?service WHERE { ?service ?p $service }", id="as-a-variable"),
    pytest.param("PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ex:service ex:SERVICE }",
                 id="as-a-local-name"),
    pytest.param("SELECT ?x WHERE { ?x ?p ?o FILTER(?o < 2 && ?o > 0) }", id="less-than-with-spaces"),
])
def test_no_service_call(query: str) -> None:
    assert not calls_service(query)
