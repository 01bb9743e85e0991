"""kg.toml, how a project is found, kg init, and what a project's text policy publishes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import ProjectError
from kg.project import Agent, open_project

MINIMAL = '[dataset]\nname = "demo"\ntitle = "Demo"\nbase_iri = "https://example.org/demo/"\n'
ARTICLE = "Cosmonaut Oleg Novitsky landed in Kazakhstan on 17 October 2021.\n"
CLAIMS = """\
entities:
  - id: person/oleg-novitsky
    type: schema:Person
    names:
      - {text: Oleg Novitsky, preferred: true, refs: [{source: report, quote: Cosmonaut Oleg Novitsky}]}
  - id: place/kazakhstan
    type: schema:Place
    names:
      - {text: Kazakhstan, preferred: true, refs: [{source: report, quote: landed in Kazakhstan}]}
claims:
  - subject: person/oleg-novitsky
    property: schema:jobTitle
    value: Cosmonaut
    refs: [{source: report, quote: Cosmonaut Oleg Novitsky}]
"""
SCHEMA = "https://schema.org/"


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kg.toml").write_text(text, encoding="utf-8")
    return folder


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


# ------------------------------------------------------------------ the project file


def test_defaults_follow_from_the_required_keys(tmp_path: Path) -> None:
    project = open_project(write(tmp_path, MINIMAL))
    assert (project.name, project.stem, project.title, project.language, project.source_text) == (
        "demo", "demo", "Demo", "en", "quotes")
    assert (project.license, project.publisher, project.pictured) == (None, None, ())
    assert project.root == tmp_path.resolve()


def test_every_key_is_read(tmp_path: Path) -> None:
    project = open_project(write(tmp_path, MINIMAL.replace('title = "Demo"', '''title = "Demo"
description = "About things."
stem = "things"
language = "fr"
license = "https://creativecommons.org/publicdomain/zero/1.0/"
example = "person/x"
publisher = {name = "Example News", url = "https://news.example.com/"}
creator = {name = "A. Curator"}
issued = 2026-11-22''') + '[sources]\ntext = "full"\nrights = "© the publishers"\n'
        '[site]\npictures = ["schema:Event", "kg:Mission"]\n'))
    assert (project.stem, project.description, project.language, project.example_entity) == (
        "things", "About things.", "fr", "person/x")
    assert project.publisher == Agent("Example News", "https://news.example.com/")
    assert project.creator == Agent("A. Curator")
    assert project.issued == "2026-11-22"
    assert open_project(write(tmp_path, MINIMAL + 'issued = "2021-10-05"\n')).issued == "2021-10-05"
    assert (project.source_text, project.source_rights, project.publishes_text) == ("full", "© the publishers", True)
    assert project.pictured == (SCHEMA + "Event", "https://example.org/demo/ontology#Mission")


@pytest.mark.parametrize("text,message", [
    ('[dataset]\nname = "demo"\n', "dataset.base_iri is required"),
    (MINIMAL + 'colour = "red"\n', "unknown key 'dataset.colour' (known here: name, title"),
    (MINIMAL + '[output]\nstem = "x"\n', "unknown key 'output' (known here: dataset, sources, site)"),
    (MINIMAL.replace("https://example.org/demo/", "https://example.org/demo"), "must end with '/' or '#'"),
    (MINIMAL.replace("https://example.org/demo/", "example.org/demo/"), "dataset.base_iri 'example.org/demo/' is not an http(s) IRI"),
    (MINIMAL.replace('"demo"', '"my demo"', 1), "dataset.name 'my demo' is not letters, digits"),
    (MINIMAL + '[sources]\ntext = "everything"\n', "sources.text must be one of quotes, full, not 'everything'"),
    (MINIMAL + 'title = "Again"\n', "Cannot overwrite a value"),
    (MINIMAL.replace('"Demo"', '"Bell\\u0007"'), "dataset.title holds a control character"),
    (MINIMAL + 'license = 3\n', "dataset.license must be a non-empty string"),
    (MINIMAL + 'issued = 2026-11-22T10:00:00Z\n', "dataset.issued must be a date such as 2026-11-22, not 2026-11-22 10:00:00+00:00"),
    (MINIMAL + 'issued = "2026-02-30"\n', "dataset.issued must be a date such as 2026-11-22, not '2026-02-30'"),
    (MINIMAL + 'issued = "20261122"\n', "dataset.issued must be a date such as 2026-11-22, not '20261122'"),
    (MINIMAL + '[site]\npictures = ["Event"]\n', "site.pictures: 'Event' is not a class CURIE with a known prefix"),
    ("[dataset\n", "TOML syntax error: Expected ']'"),
])
def test_a_bad_project_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ProjectError, match=None) as caught:
        open_project(tmp_path)
    assert message in str(caught.value)
    assert str(tmp_path / "kg.toml") in str(caught.value)
    code, output = invoke("--project", str(tmp_path), "build")
    assert code == 2 and output.startswith(f"error: {tmp_path / 'kg.toml'}")


def test_a_project_file_that_is_not_toml_is_a_syntax_error_kg001(tmp_path: Path) -> None:
    write(tmp_path, "[dataset\n")
    with pytest.raises(ProjectError, match=r"kg.toml: TOML syntax error: .* \[KG001\]$"):
        open_project(tmp_path)


def test_an_ontology_that_is_not_turtle_is_a_syntax_error_kg001(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path / "p"))[0] == 0
    (tmp_path / "p" / "ontology" / "broken.ttl").write_text("schema:Person a \n", encoding="utf-8")
    code, output = invoke("--project", str(tmp_path / "p"), "build")
    assert code == 2
    assert output.startswith("error: ontology/broken.ttl:1:") and output.rstrip().endswith("[KG001]")


def test_binary_project_file_is_refused(tmp_path: Path) -> None:
    tmp_path.joinpath("kg.toml").write_bytes(b"\xff\xfe[dataset]")
    with pytest.raises(ProjectError, match="not UTF-8 text"):
        open_project(tmp_path)


# ------------------------------------------------------------------ finding the project


def test_found_as_git_finds_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = write(tmp_path / "outer", MINIMAL)
    inner = write(tmp_path / "outer" / "inner", MINIMAL.replace("demo", "inner"))
    deep = inner / "facts" / "drafts"
    deep.mkdir(parents=True)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    monkeypatch.chdir(deep)
    assert open_project().name == "inner"  # the nearest kg.toml upwards
    monkeypatch.setenv("KG_PROJECT", str(outer))
    assert open_project().name == "demo"  # the environment beats the working directory
    assert open_project(inner / "kg.toml").name == "inner"  # and --project beats both


def test_no_project_anywhere_is_exit_2_with_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    code, output = invoke("build")
    assert code == 2
    assert output == (f"error: no kg.toml in {tmp_path.resolve()} or any folder above it: run kg inside a project, "
                      "give --project DIR or set KG_PROJECT (kg init DIR creates a project)\n")
    assert invoke("--project", str(tmp_path), "stats")[1] == (
        f"error: {tmp_path}: not a kg project (no kg.toml; kg init {tmp_path} creates one)\n")


def test_commands_that_need_no_project_run_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert invoke("--help")[0] == 0
    assert invoke("--version")[0] == 0


# ------------------------------------------------------------------ kg init


def test_init_makes_a_project_that_builds_empty_then_with_one_claim(tmp_path: Path) -> None:
    code, output = invoke("init", str(tmp_path / "landing"), "--title", "Soyuz landing")
    assert code == 0 and output.startswith(f"created project landing in {(tmp_path / 'landing').resolve()}: ")
    root = tmp_path / "landing"
    for name in ("kg.toml", "README.md", ".gitignore", "sources/sources.yaml", "facts/README.md",
                 "ontology/ontology.ttl", "shapes/domain.ttl", "queries/names.rq", "reference/wikidata-ids.tsv"):
        assert (root / name).is_file(), name
    project = ["--project", str(root)]
    code, output = invoke(*project, "build")
    assert code == 0 and output.startswith("kg build: 0 sources, 0 entities, 0 claims, 0 statements, 0 triples")
    (tmp_path / "report.txt").write_text(ARTICLE, encoding="utf-8")
    assert invoke(*project, "source", "add", str(tmp_path / "report.txt"), "--key", "report")[0] == 0
    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    code, output = invoke(*project, "add", str(tmp_path / "claims.yaml"))
    assert code == 0, output
    graph = ox.Store()
    graph.bulk_load(path=str(root / "output" / "landing.ttl"), format=ox.RdfFormat.TURTLE)
    person = ox.NamedNode("https://example.org/landing/id/person/oleg-novitsky")
    assert [q.object for q in graph.quads_for_pattern(person, ox.NamedNode(SCHEMA + "jobTitle"), None)] == [
        ox.Literal("Cosmonaut", language="en")]


def test_init_refuses_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = invoke("init", str(tmp_path))
    assert (code, output) == (2, f"error: {tmp_path} exists and is not an empty folder: kg init writes a new project\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_bad_base_iri_and_leaves_nothing(tmp_path: Path) -> None:
    code, output = invoke("init", str(tmp_path / "p"), "--base-iri", "https://example.org/no-slash")
    assert code == 2 and "must end with '/' or '#'" in output
    assert list(tmp_path.iterdir()) == []


def test_init_writes_quotes_and_titles_safely_into_toml_and_turtle(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path / "p"), "--title", 'The "quoted" \\ title')[0] == 0
    assert open_project(tmp_path / "p").title == 'The "quoted" \\ title'
    assert invoke("--project", str(tmp_path / "p"), "build", "-q")[0] == 0


# ------------------------------------------------------------------ what the text policy publishes


def built_project(tmp_path: Path, policy: str, registry_extra: str = "") -> ox.Store:
    assert invoke("init", str(tmp_path / "p"))[0] == 0
    root = tmp_path / "p"
    toml = (root / "kg.toml").read_text(encoding="utf-8").replace('text = "quotes"', f'text = "{policy}"')
    (root / "kg.toml").write_text(toml + '', encoding="utf-8")
    (tmp_path / "report.txt").write_text(ARTICLE, encoding="utf-8")
    args = ["--project", str(root), "source", "add", str(tmp_path / "report.txt"), "--key", "report", *registry_extra.split()]
    assert invoke(*args)[0] == 0
    (root / "facts" / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    code, output = invoke("--project", str(root), "build")
    assert code == 0, output
    store = ox.Store()
    store.bulk_load(path=str(root / "output" / "p.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def source_values(store: ox.Store, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    article = ox.NamedNode("https://example.org/p/source/report")
    return [q.object for q in store.quads_for_pattern(article, ox.NamedNode(predicate), None)]


def test_quotes_policy_publishes_no_article_text_but_every_quote_with_its_offsets(tmp_path: Path) -> None:
    store = built_project(tmp_path, "quotes")
    assert source_values(store, SCHEMA + "text") == []
    exact = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/oa#exact"), None)}
    assert exact == {"Cosmonaut Oleg Novitsky", "landed in Kazakhstan"}


def test_full_policy_publishes_the_text_the_quotes_index(tmp_path: Path) -> None:
    assert source_values(built_project(tmp_path, "full"), SCHEMA + "text") == [ox.Literal(ARTICLE)]


def test_a_source_publishes_its_url_publisher_and_rights_and_still_conforms(tmp_path: Path) -> None:
    store = built_project(tmp_path, "quotes", "--url https://news.example.com/landing --publisher Example-News "
                                              "--rights ©-Example-News")
    assert source_values(store, SCHEMA + "url") == [ox.NamedNode("https://news.example.com/landing")]
    assert source_values(store, "http://purl.org/dc/terms/rights") == [ox.Literal("©-Example-News")]
    publisher = source_values(store, SCHEMA + "publisher")
    assert publisher == [ox.NamedNode("https://example.org/p/source/report#publisher")]
    names = [q.object for q in store.quads_for_pattern(publisher[0], ox.NamedNode(SCHEMA + "name"), None)]
    assert names == [ox.Literal("Example-News", language="en")]
