"""The kg command line: a thin shell over the library (parse options, call, report)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from kg import __version__
from kg.config import Settings
from kg.errors import KgError

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
@handles_errors
def build(quiet: bool, verbose: bool, no_shacl: bool) -> None:
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
    result = run_build(settings, run_shacl=not no_shacl)
    write_outputs(result.files, settings.output_dir)
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
