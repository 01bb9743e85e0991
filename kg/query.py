"""SPARQL over the published graph: run a query and render its results for people or machines."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import EndpointError, InputError
from kg.outputs.rdf import serialize
from kg.sparql_lexer import tokenize

if TYPE_CHECKING:
    from kg.remote.endpoint import Client

FORMATS = ("table", "csv", "tsv", "json")
_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
MAX_NESTING = 64
_OPENS, _CLOSES = frozenset("{(["), frozenset("})]")
_MACHINE_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
_RDF_MEDIA = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    path: Path


def examples(queries_dir: Path) -> list[Example]:
    """The shipped example queries: name, first comment line, path."""
    found = []
    for path in sorted(queries_dir.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
        found.append(Example(path.stem, first.lstrip("# ").strip(), path))
    return found


def example_text(queries_dir: Path, name: str) -> str:
    for example in examples(queries_dir):
        if example.name == name:
            return example.path.read_text(encoding="utf-8")
    known = ", ".join(e.name for e in examples(queries_dir))
    raise InputError(f"no example query named {name!r} (known: {known})")


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse a query whose brackets ({ ( [) nest deeper than `limit`, before any parser reads it:
    Oxigraph's and rdflib's parsers recurse once per level, and some thousands of levels overflow
    the stack (a segfault, no exception). Brackets in strings and comments do not count; those in
    an IRI do, since Oxigraph reads a `<` inside parentheses as less-than, not as an IRI."""
    depth = 0
    for token in tokenize(text):
        if token.kind not in ("punct", "iri"):
            continue
        for char in token.text:
            if char in _OPENS:
                depth += 1
                if depth > limit:
                    raise InputError(f"the query nests deeper than {limit} levels")
            elif char in _CLOSES:
                depth = max(depth - 1, 0)


def calls_service(text: str) -> bool:
    """Whether the query may call SERVICE (federation: the engine would fetch another URL).

    Read by rdflib's SPARQL 1.1 parser into its algebra: a SERVICE pattern anywhere (nested, in
    OPTIONAL, EXISTS or a subquery, SILENT, a variable endpoint) is a call; the word in a string,
    an IRI, a comment or a name is none. A query rdflib cannot read (a syntax error, or syntax
    beyond SPARQL 1.1 that Oxigraph reads) counts as a call when its text holds the letters
    "service" anywhere, in any case, also spelt with \\u escapes: it cannot be checked. Call
    check_nesting first: the parser recurses once per nesting level."""
    mentions_service = "service" in _UNESCAPE.sub(_unescape, text).casefold()
    if not mentions_service:  # no keyword without its letters: most queries need no parse (~7 ms)
        return False
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import Query

    try:
        # Not rdflib's parseQuery: it decodes \u escapes in the whole text first, as the grammar says,
        # while Oxigraph decodes them only inside strings and IRIs, so `"\u0022" SERVICE … "\u0022"`
        # would be one long string to rdflib and a call to Oxigraph. Read raw, an escape rdflib does
        # not know makes the query unreadable, and so refused when it mentions service.
        algebra = translateQuery(Query.parse_string(text, parse_all=True)).algebra
    except Exception:  # noqa: BLE001 - pyparsing and rdflib's translation raise many kinds
        return True  # unreadable, and it mentions service: it cannot be checked
    pending: list[object] = [algebra]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, (list, tuple, set)):
            pending.extend(node)
    return False


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code < 0x110000 else ""


def run(store: ox.Store, text: str, output_format: str = "table") -> str:
    """Run one SPARQL query; SELECT and ASK results in `output_format`, CONSTRUCT as N-Triples."""
    _check_format(output_format)
    check_nesting(text)
    try:
        results = store.query(text)
    except SyntaxError as exc:
        raise InputError(f"SPARQL syntax error: {exc}") from exc
    return render(results, output_format)


def run_remote(client: Client, text: str, output_format: str = "table", default_graph: str | None = None) -> str:
    """The same as `run`, against a remote SPARQL endpoint (SPARQL 1.1 Protocol)."""
    _check_format(output_format)
    response = client.select("query", text, default_graph)
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        if media in _RDF_MEDIA:
            triples = ox.parse(response.content, format=_RDF_MEDIA[media])
            return serialize(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"query: {client.urls.query} answered {media or 'no content type'} "
                            f"that is not SPARQL JSON results: {exc}") from exc
    return render(results, output_format)


def results_bytes(results: ox.QuerySolutions | ox.QueryBoolean, format: ox.QueryResultsFormat) -> bytes:
    """SELECT or ASK results written into memory (pyoxigraph returns None only when given a file)."""
    data = results.serialize(format=format)
    assert data is not None
    return data


def _check_format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise InputError(f"unknown format {output_format!r} (use one of {', '.join(FORMATS)})")


def render(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, output_format: str) -> str:
    """Query results as text: a table for people, CSV/TSV/JSON for machines, N-Triples for graphs."""
    if isinstance(results, ox.QueryTriples):
        return serialize(results, ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if isinstance(results, ox.QueryBoolean):
        if output_format == "table":
            return "true\n" if bool(results) else "false\n"
        return results_bytes(results, _MACHINE_FORMATS[output_format]).decode("utf-8")
    if output_format != "table":
        return results_bytes(results, _MACHINE_FORMATS[output_format]).decode("utf-8")
    return table(results)


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def table(results: ox.QuerySolutions) -> str:
    """An aligned text table: plain values (no quotes or datatypes), one row per solution."""
    names = [v.value for v in results.variables]
    rows = [[_cell(solution[name]).replace("\n", " ") for name in names] for solution in results]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    out = io.StringIO()
    out.write("  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return out.getvalue()


def solutions(store: ox.Store, text: str) -> ox.QuerySolutions:
    """The rows of a SELECT query kg itself writes (anything else is a bug, not a user's error)."""
    results = store.query(text)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {text[:60]!r}")
    return results


__all__ = ["Example", "FORMATS", "MAX_NESTING", "calls_service", "check_nesting", "example_text", "examples", "render",
           "solutions", "run", "run_remote", "table"]
