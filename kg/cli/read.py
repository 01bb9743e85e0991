"""Commands that read the built graph: query, explain, conflicts, stats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from kg.cli.app import main, with_project
from kg.cli.remote import client, remote_options
from kg.project import Project


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--example", help="Run one of the project's example queries (queries/*.rq) by name.")
@click.option("--list-examples", is_flag=True, help="List the project's example queries.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Result format (json: SPARQL 1.1 Query Results JSON).")
@click.option("--endpoint", metavar="URL", help="Query this remote SPARQL endpoint instead (SPARQL 1.1 Protocol). "
              "A Graph Store URL that kg publish takes (Oxigraph .../store, Virtuoso .../sparql-graph-crud-auth) "
              "is mapped to its query endpoint.")
@click.option("--graph", metavar="IRI", help="With --endpoint: the graph to query as the default graph "
              "(default: the base IRI, where kg publish puts the graph).")
@click.option("--all-graphs", is_flag=True, help="With --endpoint: query the endpoint's own default dataset.")
@remote_options
@with_project
def query(project: Project, query: str | None, query_file: Path | None, example: str | None, list_examples: bool,
          output_format: str, endpoint: str | None, graph: str | None, all_graphs: bool, auth: str, insecure: bool,
          allow_insecure_auth: bool, timeout: float) -> None:
    """Run SPARQL over the built graph (the Turtle file and the ontology of output/) in an
    embedded store, or with --endpoint over the graph a triple store holds.

    \b
    Examples:
      kg query --example crew
      kg query 'SELECT ?name WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?name }'
      kg query -f queries/conflicts.rq --format csv
      kg query --endpoint http://localhost:7878/query --example crew --format tsv
    """
    from kg import query as q
    from kg.errors import InputError

    if list_examples:
        for item in q.examples(project.queries_dir):
            click.echo(f"{item.name:<16} {item.description}")
        return
    given = [x for x in (query, query_file, example) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of QUERY, --file or --example")
    if endpoint is None and (graph is not None or all_graphs):
        raise InputError("--graph and --all-graphs need --endpoint")
    if graph is not None and all_graphs:
        raise InputError("give --graph or --all-graphs, not both")
    if example is not None:
        text = q.example_text(project.queries_dir, example)
    elif query_file is not None:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{query_file}: cannot read: {exc}") from exc
    else:
        text = query or ""
    if endpoint is not None:
        remote = client(endpoint, None, None, auth, insecure, timeout, allow_insecure_auth=allow_insecure_auth)
        default_graph = None if all_graphs else (graph or project.base_iri)
        click.echo(q.run_remote(remote, text, output_format, default_graph), nl=False)
        return
    from kg.store import open_published

    click.echo(q.run(open_published(project), text, output_format), nl=False)


@main.command()
@click.argument("entity")
@with_project
def explain(project: Project, entity: str) -> None:
    """Everything the graph says about ENTITY, each fact with its sources and quotes.

    ENTITY is a slug (person/jane-doe), an IRI, a Wikidata QID (Q…) or any name form the
    sources use ("J. Doe").

    \b
    Example:
      kg explain "Jane Doe"
    """
    from kg.explain import explain as run_explain
    from kg.explain import render, resolve
    from kg.store import open_published

    store = open_published(project)
    iri = resolve(store, entity, project.base_iri)
    click.echo(render(run_explain(store, iri, project.kg), entity_compactor(project)), nl=False)


@main.command()
@with_project
def conflicts(project: Project) -> None:
    """List every property on which sources disagree, with values, sources and quotes.

    \b
    Example:
      kg conflicts
    """
    import pyoxigraph as ox

    from kg.conflicts import stored_conflicts
    from kg.namespaces import SCHEMA
    from kg.store import open_published
    from kg.terms import value

    store = open_published(project)
    found = stored_conflicts(store, kg_namespace=project.kg)
    compact = entity_compactor(project)
    for conflict in found:
        names = sorted(value(q.object) for q in store.quads_for_pattern(
            ox.NamedNode(conflict.subject), ox.NamedNode(SCHEMA + "name"), None, ox.DefaultGraph()))
        named = f"{names[0]} ({compact(conflict.subject)})" if names else compact(conflict.subject)
        click.echo(f"{named} — {compact(conflict.predicate)}")
        for evidence in conflict.evidence:
            for source, quote in evidence.quotes:
                click.echo(f"  {evidence.value.value}  {source}: “{quote}”")
        note = conflict.note(compact)
        if note:
            click.echo(f"  ({note})")
    click.echo(f"{len(found)} conflict(s)")


@main.command()
@with_project
def stats(project: Project) -> None:
    """Count what the built graph holds (reads the published N-Quads).

    \b
    Example:
      kg stats
    """
    from kg.outputs import output_path
    from kg.stats import graph_stats

    for key, count in graph_stats(output_path(project, "dataset-nquads")).items():
        click.echo(f"{key:<20} {count}")


def entity_compactor(project: Project) -> Callable[[str], str]:
    """IRIs as people read them: entities by their slug (person/jane-doe), the rest as
    prefixed names."""
    from kg.namespaces import Compactor

    compact = Compactor(project.prefixes())
    entities = project.base_iri + "id/"

    def show(iri: str) -> str:
        return iri[len(entities):] if iri.startswith(entities) else compact(iri)

    return show



@main.command()
@click.argument("term", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json (stable, terms sorted by CURIE) for scripts.")
@with_project
def vocab(project: Project, term: str | None, output_format: str) -> None:
    """List the classes and properties facts may use (kg's vocabulary and ontology/*.ttl): for a
    property its domain, range, Wikidata alignment, whether one value is expected and an example
    claim (from facts/, with its file:line, or made from the range); for a class its label,
    superclasses and Wikidata class.

    TERM shows only the terms whose CURIE starts with it (kg:launchDate, kg:launch, schema:);
    none matching is exit 2 with the closest terms.

    \b
    Examples:
      kg vocab kg:launch
      kg vocab --format json
    """
    from kg.vocabulary import describe_vocabulary, render_json, render_text

    found = describe_vocabulary(project, term)
    click.echo((render_json if output_format == "json" else render_text)(found), nl=False)
