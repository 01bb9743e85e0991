"""Commands that build or change the project: init, build, load, add, validate, source add."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.app import article_options, handles_errors, main, no_wait_option, with_project
from kg.files import display_path
from kg.project import Project
from kg.shacl import CHOICES


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The dataset's short name, also the stem of the output files (default: the folder's name).")
@click.option("--title", help="The dataset's title (default: from the name).")
@click.option("--base-iri", metavar="IRI", help="The IRI every minted IRI starts with (default: https://example.org/<name>/).")
@handles_errors
def init(directory: Path, name: str | None, title: str | None, base_iri: str | None) -> None:
    """Create a new project in DIRECTORY: kg.toml, sources/, facts/, ontology/, shapes/, queries/,
    reference/ and a README. `kg build` works in it at once.

    \b
    Example:
      kg init ~/newsroom/elections --title "Election claims" --base-iri https://data.example.com/elections/
    """
    from kg.project.scaffold import create_project

    created = create_project(directory, name=name, title=title, base_iri=base_iri)
    click.echo(f"created project {created.name} in {created.root}: {len(created.files)} files")
    click.echo(f"next: cd {directory} && kg source add ARTICLE.txt && kg build")


@main.command()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.option("--verbose", "-v", is_flag=True, help="Also print timings per stage and each conflict.")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster; not for publishing).")
@click.option("--validator", type=click.Choice(CHOICES), default="auto", show_default=True,
              help="SHACL engine: pyshacl, or the same shapes compiled to SPARQL on Oxigraph (fast); "
                   "auto is the compiled engine.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Read and map the facts files the build cache misses in N processes (1: in this process; "
                   "default: the CPUs, up to 8; a pool starts only for 16 misses or more).")
@click.option("--scheduler", metavar="ADDRESS|local",
              help="Read and map them on a Dask cluster instead: its scheduler's address (tcp://host:8786), "
                   "or local for a local cluster (needs the dask extra: pip install 'kg[dask]').")
@click.option("--full-validation", is_flag=True,
              help="Validate the whole graph, not only what changed since the last build (and build even when "
                   "nothing changed).")
@no_wait_option
@with_project
def build(project: Project, quiet: bool, verbose: bool, no_shacl: bool, validator: str, jobs: int | None,
          scheduler: str | None, full_validation: bool, no_wait: bool) -> None:
    """Build the graph from sources/ and facts/ into output/.

    Fails (exit 1) when a quote is not in its source or SHACL finds a violation; conflicts
    between sources are reported, never resolved.

    \b
    Example:
      kg build --verbose
    """
    from kg.api import build_or_reuse
    from kg.build_cache import Workers, default_jobs
    from kg.cli.progress import StageProgress

    progress = None if quiet else StageProgress(["read", "map", "validate", "serialise", "write"])
    workers = Workers(jobs=jobs or (1 if scheduler else default_jobs()), scheduler=scheduler)
    result = build_or_reuse(project, shacl=not no_shacl, validator=validator, wait=not no_wait, on_stage=progress,
                            workers=workers, full_validation=full_validation)
    if progress:
        progress.finish()
    if quiet:
        return
    click.echo(result.summary())
    if verbose:
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:<10} {seconds:.3f}s")
        validation = getattr(result, "validation", None)  # a reused build validated nothing
        if validation is not None:
            click.echo(f"  SHACL: {validation.how}")
    for line in result.notes(verbose):
        click.echo(line)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people; json, or turtle (a SHACL sh:ValidationReport), for machines.")
@click.option("--strict", is_flag=True, help="Treat warnings (contradictions) as failures.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL check of the merged graph.")
@with_project
def validate(project: Project, files: tuple[Path, ...], output_format: str, strict: bool, no_shacl: bool) -> None:
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

    outcome = validate_files(list(files), project, shacl=not no_shacl)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    if output_format == "turtle":
        click.echo(render_turtle(outcome, project), nl=False)
    else:
        click.echo((render_json if output_format == "json" else render_text)(outcome), nl=False)
    sys.exit(outcome.exit_code(strict))


@main.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to keep the store (default: $KG_STORE, else output/store).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@no_wait_option
@with_project
def load(project: Project, store_dir: Path | None, quiet: bool, no_wait: bool) -> None:
    """Load the built dataset (the N-Quads file and the ontology of output/) into a persistent
    on-disk Oxigraph store, which kg query, explain, conflicts and validate then use. The graph is
    the default graph; each statement's named graph is there too, for GRAPH queries.

    The store is replaced only once the new one is complete. kg build then keeps it current
    by applying each rebuild's difference in one transaction; kg add reloads it. It goes out of date when
    output/ holds other content by other means (checked by SHA-256); kg query then reads output/
    directly, and kg validate reads facts/, until the next kg load.

    \b
    Example:
      kg build && kg load
      kg query --example crew      # answered from output/store
    """
    from kg.api import load as load_store

    loaded = load_store(project, store=store_dir, wait=not no_wait)
    if not quiet:
        click.echo(f"kg load: {loaded.triples} triples and {loaded.graphs} statement graphs into "
                   f"{display_path(loaded.path, project.root)}, {loaded.seconds:.2f}s")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@no_wait_option
@with_project
def add(project: Project, files: tuple[Path, ...], dry_run: bool, no_wait: bool) -> None:
    """Validate FILES, then copy them into facts/ and rebuild output/ (and reload a current store).

    All or nothing: if validation or the build fails, not one byte of facts/ or output/ changes.

    \b
    Example:
      kg add new-claims.yaml --dry-run
    """
    from kg.api import add as add_files
    from kg.check.outcome import render_text

    plan = add_files(project, files=list(files), dry_run=dry_run, wait=not no_wait)
    if not plan.outcome.conforms:
        click.echo(render_text(plan.outcome), nl=False)
        click.echo("nothing added", err=True)
        sys.exit(1)
    verb = "would add" if dry_run else "added"
    for target in plan.new_facts:
        click.echo(f"{verb} {display_path(target, project.root)}")
    click.echo(f"{'would change' if dry_run else 'changed'}: {', '.join(plan.changed_outputs) or 'no output file'}")
    click.echo(plan.summary)


@main.group()
def source() -> None:
    """Register source articles.

    \b
    Example:
      kg source add article.txt --title "Turnout hits record" --date 2024-11-06
    """


@source.command("add")
@click.argument("location")
@article_options
@no_wait_option
@with_project
def source_add(project: Project, location: str, key: str | None, title: str | None, date: str | None,
               language: str | None, url: str | None, publisher: str | None, rights: str | None,
               no_wait: bool) -> None:
    """Register LOCATION, a text file or an http(s) URL, as a source: stored byte for byte,
    checksummed, duplicates refused. A web page is decoded as browsers decode it, reduced to its
    main text (trafilatura) and recorded under the URL it was finally served from (after
    redirects); a download that takes over 30 s is refused. Every option is one line of text.

    \b
    Examples:
      kg source add ~/articles/2024-11-06-results.txt --language en --publisher "Example News"
      kg source add https://example.com/news/results.html --date 2024-11-06
    """
    from kg.api import add_source

    registered = add_source(project, location, key=key, title=title, date=date, language=language, url=url,
                            publisher=publisher, rights=rights, wait=not no_wait)
    click.echo(f"registered {registered.key}: sources/{registered.file} sha256 {registered.sha256} "
               f"(retrieved {registered.retrieved})")


@main.command()
@click.argument("words", nargs=-1, required=True, metavar="SELECTOR... RANK")
@click.option("--reason", required=True, help="Why (one line): written as the claim's note, published as kg:curatorNote.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@no_wait_option
@with_project
def rank(project: Project, words: tuple[str, ...], reason: str, dry_run: bool, no_wait: bool) -> None:
    """Give a claim RANK (preferred, normal or deprecated) with a reason, without editing YAML:
    its `rank:` and `note:` lines are rewritten in place (no other line changes) and output/ is
    rebuilt, all or nothing, as kg add does. A deprecated claim keeps its statement and sources but
    is not asserted.

    SELECTOR is the statement (its IRI, statement/HASH or HASH, as kg explain shows it) or
    SUBJECT PROPERTY VALUE as the facts file writes them. A statement claimed in several places
    is ranked in all of them (a statement has one rank); one that matches several statements
    (different qualifiers) is refused with the list.

    \b
    Examples:
      kg rank mission/soyuz-ms-19 kg:plannedReturnDate 2021-10-16 deprecated --reason "corrected by RIA"
      kg rank statement/0a1b2c3d4e5f6a7b preferred --reason "the agency's own figure"
    """
    from kg.errors import InputError
    from kg.rank import parse_selector, rank_claims

    if len(words) < 2:
        raise InputError("give SELECTOR and RANK: a statement or SUBJECT PROPERTY VALUE, then preferred, normal "
                         "or deprecated")
    ranked = rank_claims(project, parse_selector(list(words[:-1])), words[-1], reason, dry_run=dry_run,
                         wait=not no_wait)
    verb = "would rank" if dry_run else "ranked"
    click.echo(f"{verb} {ranked.statement.removeprefix(project.base_iri)} {ranked.rank}: {', '.join(ranked.claims)}")
    click.echo(f"{'would change' if dry_run else 'changed'}: {', '.join(ranked.plan.changed_outputs) or 'no output file'}")
    click.echo(ranked.plan.summary)
