"""The `kg` group: finds the project once (--project > $KG_PROJECT > the nearest kg.toml) and
turns every KgError into its message and exit code, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from kg import __version__
from kg.errors import KgError
from kg.project import Project

P = ParamSpec("P")
R = TypeVar("R")


class Session:
    """What the group passes down (click's ctx.obj): where to look for the project, and the
    project once it has been read."""

    def __init__(self, location: Path | None) -> None:
        self.location = location
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            from kg.project import open_project

            self._project = open_project(self.location)
        return self._project


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a KgError into its message on stderr and its exit code; never a traceback."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def with_project(command: Callable[..., Any]) -> Callable[..., Any]:
    """Call the command with the project as its first argument; errors become exit codes."""

    @wraps(command)
    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        try:
            session = ctx.find_object(Session)
            assert session is not None  # the group sets it before any command runs
            project = session.project
            return command(project, *args, **kwargs)
        except KgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--project", "location", type=click.Path(path_type=Path), metavar="DIR",
              help="The project folder (default: $KG_PROJECT, else the nearest folder with a kg.toml "
                   "from here upwards).")
@click.pass_context
def main(ctx: click.Context, location: Path | None) -> None:
    """kg publishes quoted news claims as a linked-data knowledge graph.

    \b
    Example:
      kg init my-project && cd my-project
      kg build            # facts/ + sources/ -> output/
    """
    ctx.obj = Session(location)


def article_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """How an article is described when it is registered (kg source add, and kg draft of a new one)."""
    options = [
        click.option("--key", help="The source key: letters, digits, '_', '-' (default: from the file or URL name)."),
        click.option("--title", help="The headline, as the text gives it."),
        click.option("--date", help="The date the text states (YYYY-MM-DD); dates in the text resolve against it."),
        click.option("--language", help="Language of the text (BCP 47; default: the project's language)."),
        click.option("--url", metavar="URL",
                     help="Where the article is published (a URL given as the article is recorded by itself)."),
        click.option("--publisher", help="Who publishes the article (its name)."),
        click.option("--rights", help="Who holds the article's rights, as a statement (e.g. \"© Reuters\")."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def no_wait_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--no-wait, on every command that writes the project (kg.lock)."""
    wait = click.option("--no-wait", is_flag=True,
                        help="If another kg command is writing the project, exit 2 at once instead of waiting.")
    return wait(command)
