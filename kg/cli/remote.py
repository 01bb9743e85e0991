"""Commands that talk to a remote triple store: publish, and the options kg query --endpoint shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.cli.app import main, with_project
from kg.project import Project

if TYPE_CHECKING:
    from kg.remote.endpoint import Client

F = TypeVar("F", bound=Callable[..., Any])


def remote_options(command: F) -> F:
    """Options shared by the commands that talk to a remote store."""
    for option in reversed([
        click.option("--auth", type=click.Choice(["auto", "basic", "digest", "none"]), default="auto",
                     show_default=True, help="HTTP authentication; auto follows the store's 401 challenge. "
                     "Credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, else ~/.netrc ($NETRC)."),
        click.option("--insecure", is_flag=True, help="Do not verify the server's TLS certificate."),
        click.option("--allow-insecure-auth", is_flag=True,
                     help="Send credentials over plain HTTP to a host that is not loopback, even with basic "
                     "authentication, which shows the password to anyone on the way (refused without it)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=600.0, show_default=True,
                     help="Seconds to wait for each HTTP response (a COPY of millions of triples takes minutes)."),
    ]):
        command = option(command)
    return command


def client(endpoint: str, query_endpoint: str | None, update_endpoint: str | None, auth: str, insecure: bool,
           timeout: float, retries: int = 3, allow_insecure_auth: bool = False) -> Client:
    from kg.remote.endpoint import Client, endpoints

    return Client(endpoints(endpoint, query_endpoint, update_endpoint), auth=auth, verify=not insecure,
                  timeout=timeout, retries=retries, allow_insecure_auth=allow_insecure_auth,
                  warn=lambda message: click.echo(f"warning: {message}", err=True))


@main.command()
@click.option("--endpoint", metavar="URL", required=True,
              help="The store's Graph Store Protocol URL (Oxigraph: http://host:7878/store; "
                   "Virtuoso: http://host:8890/sparql-graph-crud-auth).")
@click.option("--query-endpoint", metavar="URL", help="SPARQL query URL (default: from the layout of --endpoint).")
@click.option("--update-endpoint", metavar="URL", help="SPARQL Update URL (default: from the layout of --endpoint).")
@click.option("--graph", metavar="IRI", help="The graph to replace (default: the base IRI).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nquads"]), default="turtle", show_default=True,
              help="turtle: the Turtle graph and the ontology into --graph; nquads: the N-Quads, whose statement "
                   "graphs replace their namesakes (stores that take datasets, not Virtuoso).")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Retries, with exponential backoff, after a timeout, a dropped connection or a 5xx answer.")
@click.option("--full", is_flag=True, help="Send the whole graph even when the store holds a build kg knows "
              "(by default only the difference is sent then).")
@click.option("--update-limit", type=click.IntRange(min=0), default=120_000_000, show_default=True,
              metavar="BYTES",
              help="Largest SPARQL Update to send: a full publish above it goes through a staging graph "
                   "(Oxigraph takes 128 MiB; a proxy in front of a store often less; 0: always staging).")
@click.option("--dry-run", is_flag=True, help="Count and connect, say what would happen; change nothing.")
@remote_options
@with_project
def publish(project: Project, endpoint: str, query_endpoint: str | None, update_endpoint: str | None,
            graph: str | None, fmt: str, retries: int, full: bool, update_limit: int, dry_run: bool, auth: str,
            insecure: bool, allow_insecure_auth: bool, timeout: float) -> None:
    """Upload the built graph (output/) to a triple store and replace the published graph in
    one step. When the store's publish record names a build kg kept (.kg/published/), only the
    difference is sent, in one SPARQL Update; else the whole graph, in one update when it fits
    the store's size limit, otherwise into a staging graph that is count-checked, COPYed onto
    --graph in one update and dropped. On any failure the published graph is left as it was
    (exit 1).

    \b
    Example:
      export KG_ENDPOINT_USER=dba KG_ENDPOINT_PASSWORD=...
      kg publish --endpoint http://localhost:8890/sparql-graph-crud-auth --graph https://example.org/data/
    """
    from kg.cli.progress import UploadProgress
    from kg.remote import publish as pub
    from kg.remote.delta import snapshots_of

    files = pub.published_files(project, fmt)
    remote = client(endpoint, query_endpoint, update_endpoint, auth, insecure, timeout, retries, allow_insecure_auth)
    the_plan = pub.plan(files, graph or project.base_iri)
    bar = UploadProgress()
    try:
        result = pub.publish(remote, the_plan, dry_run=dry_run, on_progress=bar,
                             statement_prefix=project.base_iri + "statement/",
                             snapshots=snapshots_of(project.root), full=full, update_limit=update_limit)
    finally:
        bar.finish()
        remote.close()
    click.echo(result.summary(endpoint))
