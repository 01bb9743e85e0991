"""Commands that put the graph on the web: site, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.app import main, no_wait_option, with_project
from kg.project import Project


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: output/site; the folder is replaced).")
@no_wait_option
@with_project
def site(project: Project, out_dir: Path | None, no_wait: bool) -> None:
    """Write the browsable site: a page per entity, source article, statement and reference,
    each with its Turtle, JSON-LD, N-Triples and N-Quads; an index, the example queries with
    their results, the ontology. Static files with relative links: host them anywhere.

    \b
    Example:
      kg site && kg serve
    """
    from kg.api import site as write_site

    result = write_site(project, out=out_dir, wait=not no_wait,
                        warn=lambda message: click.echo(f"warning: {message}", err=True))
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
@click.option("--max-memory", default=1024, show_default=True, type=click.IntRange(64),
              help="MiB of memory each SPARQL query worker may use (more: 503, the worker is replaced).")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@with_project
def serve(project: Project, host: str, port: int, site_dir: Path | None, timeout: float, max_rows: int,
          max_memory: int, quiet: bool) -> None:
    """Serve the site and answer the minted IRIs: GET /id/... (also under the base IRI's path,
    e.g. /data/id/... for https://example.org/data/) is a 303 See Other to the page or data file
    the Accept header prefers (406 when none fits); a read-only SPARQL 1.1 endpoint at /sparql
    (GET or POST; GET without a query is its Service Description) that refuses SERVICE, updates and
    queries nested deeper than 64 levels, with time, memory and result size limits. Every answer
    allows any origin (CORS); files carry ETag, Last-Modified and Cache-Control and are gzipped on
    request. On loopback, /review/ is where a curator accepts or rejects the candidates of a
    draft (kg draft) beside the article, and adds the accepted ones (kg add). Served by waitress.
    Stop with Ctrl-C.

    \b
    Examples:
      kg serve --port 8080
      curl -L -H 'Accept: text/turtle' http://127.0.0.1:8080/id/person/jane-doe
      curl --data-urlencode 'query=ASK { ?s ?p ?o }' http://127.0.0.1:8080/sparql
    """
    import signal

    from kg.serve import Limits, make_server
    from kg.serve.server import bound_address

    limits = Limits(timeout=timeout, max_rows=max_rows, max_memory=max_memory * 2**20)
    server, service = make_server(project, site_dir, host, port, limits, quiet)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    bound_host, bound_port = bound_address(server)
    click.echo(f"serving http://{bound_host}:{bound_port}/ (SPARQL at /sparql); Ctrl-C stops")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        service.close()
