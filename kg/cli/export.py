"""`kg export`: the graph in formats other tools import (QuickStatements for Wikidata)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.app import main, with_project
from kg.project import Project


@main.group()
def export() -> None:
    """Write the graph in a format another tool imports.

    \b
    Example:
      kg export quickstatements > batch.txt
    """


@export.command()
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the commands to FILE instead of stdout.")
@click.option("--create", is_flag=True,
              help="Also write a CREATE block, with labels and aliases, for each entity without a Wikidata ID "
                   "that the statements need.")
@with_project
def quickstatements(project: Project, output_file: Path | None, create: bool) -> None:
    """QuickStatements v1 commands for every statement whose item, property and value have
    verified Wikidata IDs (reference/wikidata-ids.tsv), with their qualifiers and one reference
    per source (quote, URL, retrieved, stated in). Builds the graph in memory first (SHACL
    included); output/ is not read or written. Deprecated and disputed statements are left out;
    what was left out, and why, goes to stderr.

    \b
    Examples:
      kg export quickstatements > batch.txt
      kg export quickstatements --create -o batch.txt
    """
    from kg.api import build
    from kg.files import write_atomically
    from kg.outputs.quickstatements import export_quickstatements

    exported = export_quickstatements(build(project, write=False), project, create=create)
    if output_file is None:
        click.echo(exported.text, nl=False)
    else:
        write_atomically({output_file: exported.text.encode("utf-8")}, project.root)
    click.echo(exported.report(), err=True, nl=False)
