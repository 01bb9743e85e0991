"""kg draft: candidate claims from a registered article, for a curator to review."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.app import main, with_project
from kg.files import display_path
from kg.project import Project


@main.command()
@click.argument("article", metavar="SOURCE-KEY")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the draft (default: drafts/SOURCE-KEY.yaml in the project).")
@with_project
def draft(project: Project, article: str, out: Path | None) -> None:
    """Draft the entities and claims a registered article supports, each with its verbatim quote
    (located as the build locates quotes), the rule that proposed it and a confidence, into a facts
    file whose every candidate is `status: unreviewed`. Nothing enters facts/ until a curator marks
    each candidate accepted or rejected and runs kg add, which refuses unreviewed ones (KG033).

    \b
    Example:
      kg source add landing.txt --date 2021-10-17 && kg draft landing
      kg add drafts/landing.yaml     # once every candidate is reviewed
    """
    from kg.draft.run import write_draft

    drafted, path = write_draft(project, article, out)
    click.echo(drafted.summary(), err=True)
    click.echo(f"wrote {display_path(path, project.root)}", err=True)
