"""The kg command line: a thin shell over the library (parse options, call, report)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError
from kg.files import display_path
from kg.project import Settings

if TYPE_CHECKING:
    from kg.remote.endpoint import Client

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    """Turn a KgError into its message on stderr and its exit code; never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


class StageProgress:
    """A progress bar on stderr for builds that take more than a moment: nothing is drawn
    until a stage starts after DELAY seconds, so small builds print only their summary."""

    DELAY = 1.0

    def __init__(self, stages: list[str], enabled: bool | None = None) -> None:
        import time

        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.stages = stages
        self.started = time.monotonic()
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str) -> None:
        import time

        if self.enabled and self.bar is None and time.monotonic() - self.started >= self.DELAY:
            self.bar = click.progressbar(length=len(self.stages), label="kg build", file=sys.stderr,
                                         item_show_func=lambda s: s)
            self.bar.__enter__()
            self.bar.update(self.done)
        self.done = self.stages.index(stage) if stage in self.stages else self.done
        if self.bar is not None:
            self.bar.update(self.done - self.bar.pos, stage)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.update(len(self.stages) - self.bar.pos)
            self.bar.__exit__(None, None, None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg publishes quoted news claims as a linked-data knowledge graph.

    \b
    Example:
      kg build            # facts/ + sources/ -> output/
    """


@main.command()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.option("--verbose", "-v", is_flag=True, help="Also print timings per stage and each conflict.")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster; not for publishing).")
@click.option("--validator", type=click.Choice(["auto", "pyshacl", "fast"]), default="auto", show_default=True,
              help="SHACL engine: pyshacl, or the same shapes compiled to SPARQL on Oxigraph (fast); "
                   "auto picks pyshacl up to 50,000 triples.")
@handles_errors
def build(quiet: bool, verbose: bool, no_shacl: bool, validator: str) -> None:
    """Build the graph from sources/ and facts/ into output/.

    Fails (exit 1) when a quote is not in its source or SHACL finds a violation; conflicts
    between sources are reported, never resolved.

    \b
    Example:
      kg build --verbose
    """
    from kg.build import build as run_build
    from kg.build import write_outputs

    settings = Settings()
    progress = None if quiet else StageProgress(["read", "map", "validate", "serialise", "write"])
    result = run_build(settings, run_shacl=not no_shacl, validator=validator, on_stage=progress)
    if progress:
        progress("write")
    write_outputs(result.files, settings.output_dir)
    if progress:
        progress.finish()
    if quiet:
        return
    click.echo(result.summary())
    if verbose:
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:<10} {seconds:.3f}s")
    for conflict in result.conflicts:
        values = " vs ".join(conflict.values)
        click.echo(f"  conflict: <{conflict.subject}> <{conflict.property}>: {values}")
        if verbose:
            for st in conflict.statements:
                for ref in st.refs.values():
                    click.echo(f"    {st.object.value} — {ref.source}: {ref.quote!r}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people; json, or turtle (a SHACL sh:ValidationReport), for machines.")
@click.option("--strict", is_flag=True, help="Treat warnings (contradictions) as failures.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL check of the merged graph.")
@handles_errors
def validate(files: tuple[Path, ...], output_format: str, strict: bool, no_shacl: bool) -> None:
    """Check new facts (.yaml) or RDF files (.ttl, .trig, .jsonld, .nq, .nt) against the graph,
    without changing anything.

    Exit 0 when they conform (warnings allowed unless --strict), 1 when they do not, 2 when a
    file cannot be read.

    \b
    Example:
      kg validate new-claims.yaml --format json
    """
    from kg.check import validate_files
    from kg.check.outcome import render_json, render_text, render_turtle

    settings = Settings()
    outcome = validate_files(list(files), settings, shacl=not no_shacl)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    renderers = {"text": render_text, "json": render_json, "turtle": lambda o: render_turtle(o, settings)}
    click.echo(renderers[output_format](outcome), nl=False)
    sys.exit(outcome.exit_code(strict))


@main.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to keep the store (default: $KG_STORE, else output/store).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@handles_errors
def load(store_dir: Path | None, quiet: bool) -> None:
    """Load the built graph (output/vyzov.ttl and output/ontology.ttl) into a persistent
    on-disk Oxigraph store, which kg query, explain, conflicts and validate then use.

    The store is replaced only once the new one is complete. It goes out of date when output/
    is rebuilt; kg query then reads output/ directly, and kg validate reads facts/, until the
    next kg load.

    \b
    Example:
      kg build && kg load
      kg query --example crew      # answered from output/store
    """
    from kg.store import load_store

    settings = Settings()
    loaded = load_store(settings.output_dir, store_dir or settings.store_dir)
    if not quiet:
        where = display_path(loaded.path, settings.root)
        click.echo(f"kg load: {loaded.triples} triples into {where}, {loaded.seconds:.2f}s")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@handles_errors
def add(files: tuple[Path, ...], dry_run: bool) -> None:
    """Validate FILES, then copy them into facts/ and rebuild output/.

    All or nothing: if validation or the build fails, not one byte of facts/ or output/ changes.

    \b
    Example:
      kg add new-claims.yaml --dry-run
    """
    from kg.add import apply, plan_add
    from kg.check.outcome import render_text

    settings = Settings()
    plan = plan_add(list(files), settings)
    if not plan.outcome.conforms:
        click.echo(render_text(plan.outcome), nl=False)
        click.echo("nothing added", err=True)
        sys.exit(1)
    verb = "would add" if dry_run else "added"
    for target in plan.new_facts:
        click.echo(f"{verb} {display_path(target, settings.root)}")
    click.echo(f"{'would change' if dry_run else 'changed'}: {', '.join(plan.changed_outputs) or 'no output file'}")
    if not dry_run:
        apply(plan, settings)
    click.echo(plan.summary)


@main.group()
def source() -> None:
    """Register and list source articles.

    \b
    Example:
      kg source add article.txt --title "Russia outruns US" --date 2021-10-05
    """


@source.command("add")
@click.argument("location")
@click.option("--key", help="The source key (default: from the file name).")
@click.option("--title", help="The headline, as the text gives it.")
@click.option("--date", help="The date the text states (YYYY-MM-DD).")
@click.option("--language", default="en", show_default=True, help="Language of the text (BCP 47).")
@handles_errors
def source_add(location: str, key: str | None, title: str | None, date: str | None, language: str) -> None:
    """Register LOCATION, a text file or an http(s) URL, as a source: stored byte for byte,
    checksummed, duplicates refused. A web page is reduced to its main text (trafilatura).

    \b
    Examples:
      kg source add ~/articles/reuters-2021-10-05.txt --language en
      kg source add https://example.com/news/soyuz-landing.html --date 2021-10-17
    """
    from kg.inputs.register import register_file, register_url

    settings = Settings()
    if location.startswith(("http://", "https://")):
        registered = register_url(location, settings.sources_dir, key, title, date, language)
    else:
        registered = register_file(Path(location), settings.sources_dir, key, title, date, language)
    click.echo(f"registered {registered.key}: sources/{registered.file} sha256 {registered.sha256} "
               f"(retrieved {registered.retrieved})")


def _compactor(settings: Settings) -> Callable[[str], str]:
    namespaces = sorted(settings.prefixes().items(), key=lambda kv: -len(kv[1]))
    entities = settings.base_iri + "id/"

    def compact(iri: str) -> str:
        if iri.startswith(entities):
            return iri[len(entities):]
        for prefix, namespace in namespaces:
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return f"<{iri}>"

    return compact


def _remote_options(command: F) -> F:
    """Options shared by the commands that talk to a remote store."""
    for option in reversed([
        click.option("--auth", type=click.Choice(["auto", "basic", "digest", "none"]), default="auto",
                     show_default=True, help="HTTP authentication; auto follows the store's 401 challenge. "
                     "Credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, else ~/.netrc ($NETRC)."),
        click.option("--insecure", is_flag=True, help="Do not verify the server's TLS certificate."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=600.0, show_default=True,
                     help="Seconds to wait for each HTTP response (a COPY of millions of triples takes minutes)."),
    ]):
        command = option(command)
    return command


def _client(endpoint: str, query_endpoint: str | None, update_endpoint: str | None, auth: str, insecure: bool,
            timeout: float, retries: int = 3) -> Client:
    from kg.remote.endpoint import Client, endpoints

    return Client(endpoints(endpoint, query_endpoint, update_endpoint), auth=auth, verify=not insecure,
                  timeout=timeout, retries=retries)


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, path_type=Path), help="Read the query from a .rq file.")
@click.option("--example", help="Run a shipped example query by name (see --list-examples).")
@click.option("--list-examples", is_flag=True, help="List the shipped example queries.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Result format (json: SPARQL 1.1 Query Results JSON).")
@click.option("--endpoint", metavar="URL", help="Query this remote SPARQL endpoint instead (SPARQL 1.1 Protocol). "
              "A Graph Store URL that kg publish takes (Oxigraph .../store, Virtuoso .../sparql-graph-crud-auth) "
              "is mapped to its query endpoint.")
@click.option("--graph", metavar="IRI", help="With --endpoint: the graph to query as the default graph "
              "(default: the base IRI, where kg publish puts the graph).")
@click.option("--all-graphs", is_flag=True, help="With --endpoint: query the endpoint's own default dataset.")
@_remote_options
@handles_errors
def query(query: str | None, query_file: Path | None, example: str | None, list_examples: bool, output_format: str,
          endpoint: str | None, graph: str | None, all_graphs: bool, auth: str, insecure: bool, timeout: float) -> None:
    """Run SPARQL over the built graph (output/vyzov.ttl and the ontology) in an embedded store,
    or with --endpoint over the graph a triple store holds.

    \b
    Examples:
      kg query --example crew
      kg query 'SELECT ?name WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?name }'
      kg query -f queries/conflicts.rq --format csv
      kg query --endpoint http://localhost:7878/query --example crew --format tsv
    """
    from kg import query as q
    from kg.errors import InputError

    settings = Settings()
    if list_examples:
        for item in q.examples(settings.queries_dir):
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
        text = q.example_text(settings.queries_dir, example)
    elif query_file is not None:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{query_file}: cannot read: {exc}") from exc
    else:
        text = query or ""
    if endpoint is not None:
        client = _client(endpoint, None, None, auth, insecure, timeout)
        default_graph = None if all_graphs else (graph or settings.base_iri)
        click.echo(q.run_remote(client, text, output_format, default_graph), nl=False)
        return
    from kg.store import open_published

    click.echo(q.run(open_published(settings.output_dir, settings.store_dir), text, output_format), nl=False)


@main.command()
@click.option("--endpoint", metavar="URL", required=True,
              help="The store's Graph Store Protocol URL (Oxigraph: http://host:7878/store; "
                   "Virtuoso: http://host:8890/sparql-graph-crud-auth).")
@click.option("--query-endpoint", metavar="URL", help="SPARQL query URL (default: from the layout of --endpoint).")
@click.option("--update-endpoint", metavar="URL", help="SPARQL Update URL (default: from the layout of --endpoint).")
@click.option("--graph", metavar="IRI", help="The graph to replace (default: the base IRI).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nquads"]), default="turtle", show_default=True,
              help="turtle: vyzov.ttl and the ontology into --graph; nquads: vyzov.nq, whose statement graphs "
                   "replace their namesakes (stores that take datasets, not Virtuoso).")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Retries, with exponential backoff, after a timeout, a dropped connection or a 5xx answer.")
@click.option("--dry-run", is_flag=True, help="Count and connect, say what would happen; change nothing.")
@_remote_options
@handles_errors
def publish(endpoint: str, query_endpoint: str | None, update_endpoint: str | None, graph: str | None, fmt: str,
            retries: int, dry_run: bool, auth: str, insecure: bool, timeout: float) -> None:
    """Upload the built graph (output/) to a triple store and replace the published graph in
    one step: upload into a staging graph, check its triple count, then SPARQL COPY it onto
    --graph in one update and drop the staging graph. On any failure the published graph is
    left as it was (exit 1).

    \b
    Example:
      export KG_ENDPOINT_USER=dba KG_ENDPOINT_PASSWORD=...
      kg publish --endpoint http://localhost:8890/sparql-graph-crud-auth --graph https://example.org/vyzov/
    """
    from kg.remote import publish as pub

    settings = Settings()
    files = pub.published_files(settings.output_dir, fmt)
    client = _client(endpoint, query_endpoint, update_endpoint, auth, insecure, timeout, retries)
    the_plan = pub.plan(files, graph or settings.base_iri)
    bar = UploadProgress()
    try:
        result = pub.publish(client, the_plan, dry_run=dry_run, on_progress=bar,
                             statement_prefix=settings.base_iri + "statement/")
    finally:
        bar.finish()
        client.close()
    click.echo(result.summary(endpoint))


class UploadProgress:
    """A progress bar in bytes on stderr, drawn only when an upload lasts more than DELAY seconds."""

    DELAY = 1.0

    def __init__(self) -> None:
        import time

        self.started = time.monotonic()
        self.bar: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, sent: int, total: int) -> None:
        import time

        if not self.enabled:
            return
        if self.bar is None and time.monotonic() - self.started >= self.DELAY:
            self.bar = click.progressbar(length=total, label="kg publish", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(min(sent, total) - self.bar.pos)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@click.argument("entity")
@handles_errors
def explain(entity: str) -> None:
    """Everything the graph says about ENTITY, each fact with its sources and quotes.

    ENTITY is a slug (person/klim-shipenko), an IRI, a Wikidata QID (Q27990623) or any name
    form the sources use (Chipenko).

    \b
    Example:
      kg explain Chipenko
    """
    from kg.explain import explain as run_explain
    from kg.explain import render, resolve
    from kg.store import open_published

    settings = Settings()
    store = open_published(settings.output_dir, settings.store_dir)
    iri = resolve(store, entity, settings.base_iri)
    click.echo(render(run_explain(store, iri, settings.kg), _compactor(settings)), nl=False)


@main.command()
@handles_errors
def conflicts() -> None:
    """List every property on which sources disagree, with values, sources and quotes.

    \b
    Example:
      kg conflicts
    """
    from kg.query import example_text, rows_as_dicts
    from kg.store import open_published

    settings = Settings()
    store = open_published(settings.output_dir, settings.store_dir)
    rows = rows_as_dicts(store, example_text(settings.queries_dir, "conflicts"))
    compact = _compactor(settings)
    current = None
    for row in rows:
        head = (row["subject"], row["property"])
        if head != current:
            click.echo(f"{row['subject']} — {compact(row['property'])}")
            current = head
        click.echo(f"  {row['value']}  {row['article']}: “{row['exact']}”")
    click.echo(f"{len({(r['subject'], r['property']) for r in rows})} conflict(s)")


@main.command()
@handles_errors
def stats() -> None:
    """Count what the built graph holds (reads output/vyzov.nq).

    \b
    Example:
      kg stats
    """
    from kg.stats import graph_stats

    settings = Settings()
    for key, value in graph_stats(settings.output_dir / "vyzov.nq").items():
        click.echo(f"{key:<20} {value}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: output/site; the folder is replaced).")
@handles_errors
def site(out_dir: Path | None) -> None:
    """Write the browsable site: a page per entity, source article, statement and reference,
    each with its Turtle, JSON-LD, N-Triples and N-Quads; an index, the example queries with
    their results, the ontology. Static files with relative links: host them anywhere.

    \b
    Example:
      kg site && kg serve
    """
    from kg.site import build_site

    settings = Settings()
    result = build_site(settings, out_dir, warn=lambda message: click.echo(f"warning: {message}", err=True))
    click.echo(result.summary())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (the URL is printed).")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The site to serve (default: output/site, written by kg site).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds a SPARQL query may run before it is stopped (503).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1),
              help="Largest SPARQL result, in rows or triples (more: 413).")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@handles_errors
def serve(host: str, port: int, site_dir: Path | None, timeout: float, max_rows: int, quiet: bool) -> None:
    """Serve the site and answer the minted IRIs: GET /id/... (also under the base IRI's path,
    e.g. /vyzov/id/...) is a 303 See Other to the page or data file the Accept header prefers
    (406 when none fits); a read-only SPARQL 1.1 endpoint at /sparql (GET or POST) with a time
    and a result size limit. Stop with Ctrl-C.

    \b
    Examples:
      kg serve --port 8080
      curl -L -H 'Accept: text/turtle' http://127.0.0.1:8080/id/person/klim-shipenko
      curl --data-urlencode 'query=ASK { ?s ?p ?o }' http://127.0.0.1:8080/sparql
    """
    import signal

    from kg.serve import Limits, make_server

    settings = Settings()
    limits = Limits(timeout=timeout, max_rows=max_rows)
    from urllib.parse import urlsplit

    server, service = make_server(site_dir or settings.output_dir / "site", settings.output_dir, host, port,
                                  limits, quiet, mount=urlsplit(settings.base_iri).path,
                                  store_dir=settings.store_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving http://{bound_host}:{bound_port}/ (SPARQL at /sparql); Ctrl-C stops")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.close()
