"""kg draft: candidate claims from an article (registered, or registered first), for a curator to review."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.app import article_options, main, no_wait_option, with_project
from kg.files import display_path
from kg.project import Project


@main.command()
@click.argument("article", metavar="SOURCE-KEY|FILE|URL")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the draft (default: drafts/SOURCE-KEY.yaml in the project).")
@article_options
@no_wait_option
@with_project
def draft(project: Project, article: str, out: Path | None, key: str | None, title: str | None, date: str | None,
          language: str | None, url: str | None, publisher: str | None, rights: str | None, no_wait: bool) -> None:
    """Draft the entities and claims an article supports, each with its verbatim quote (located as
    the build locates quotes), the rule that proposed it and a confidence, into a facts file whose
    every candidate is `status: unreviewed`. Nothing enters facts/ until a curator marks each
    candidate accepted or rejected and runs kg add, which refuses unreviewed ones (KG033).

    ARTICLE is a registered source key, or a text file or http(s) URL that is registered first as
    kg source add registers it (the options describe an article not yet registered, as they do there): the registration and the
    draft are written together, or neither. A file or URL whose text is registered already is
    drafted under its key.

    \b
    Examples:
      kg draft landing.txt --date 2021-10-17     # registers sources/landing.txt, writes drafts/landing.yaml
      kg draft landing                           # a registered source key
      kg add drafts/landing.yaml                 # once every candidate is reviewed
    """
    from kg.draft.run import write_draft
    from kg.inputs.register import Description

    described = Description(title=title, date=date, language=language or project.language, url=url,
                            publisher=publisher, rights=rights)
    written = write_draft(project, article, out, key=key, description=described, wait=not no_wait)
    if written.registered is not None:
        r = written.registered
        click.echo(f"registered {r.key}: sources/{r.file} sha256 {r.sha256} (retrieved {r.retrieved})", err=True)
    elif written.known_as is not None:
        click.echo(f"{article} is registered already as source {written.known_as} (same sha256): drafted under it",
                   err=True)
    click.echo(written.draft.summary(), err=True)
    click.echo(f"wrote {display_path(written.path, project.root)}", err=True)
