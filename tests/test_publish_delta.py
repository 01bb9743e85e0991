"""Delta publishes against a real Oxigraph server: after a one-claim change kg publish sends only
the difference, in one SPARQL Update, and the store then holds exactly what a full publish of
the same build gives; a remote changed by someone else, or a build kg did not keep, gets the
full publish; a failed update leaves the remote at the old build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from kg.cli import main
from kg.remote.delta import Record, delta_update, difference, record_graph, snapshot, snapshots_of
from kg.remote.endpoint import Client, endpoints
from kg.remote.publish import published_files, published_quads
from kg.project import open_project
from tests.helpers import scratch_project
from tests.proxy import FaultProxy
from tests.servers import Server, start_oxigraph

GRAPH = "https://example.org/vyzov/"
DROPPED_REF = '      - {source: 004_ba6c03b084f54831, quote: "The film is directed by Russian filmmaker Klim Shipenko"}\n'


def oxigraph_in(folder: Path) -> Server:
    folder.mkdir()
    return start_oxigraph(folder)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = oxigraph_in(tmp_path / "oxigraph")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = scratch_project(tmp_path / "project")
    built = kg(root, "build", "-q")
    assert built.exit_code == 0, built.output
    return root


def kg(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(root), *args], env={"KG_ENDPOINT_USER": ""})


def publish(root: Path, server: Server, *args: str, url: str | None = None) -> Result:
    return kg(root, "publish", "--endpoint", url or server.store_url, *args)


def one_claim_changed(root: Path) -> None:
    """Drop one quote of one claim (film.yaml's first claim loses its fifth source) and rebuild."""
    facts = root / "facts" / "film.yaml"
    text = facts.read_text(encoding="utf-8")
    assert text.count(DROPPED_REF) == 1
    facts.write_text(text.replace(DROPPED_REF, "", 1), encoding="utf-8")
    built = kg(root, "build", "-q")
    assert built.exit_code == 0, built.output


def dump(server: Server) -> set[str]:
    """Every quad in the store, as N-Quads lines, asked of the store directly."""
    response = requests.get(server.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
    response.raise_for_status()
    return set(response.text.splitlines())


def full_publish_of(root: Path, tmp_path: Path, fmt: str) -> set[str]:
    """What a full publish of the project's current build leaves in a fresh store."""
    fresh = oxigraph_in(tmp_path / f"fresh-{fmt}")
    try:
        result = publish(root, fresh, "--full", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "in one update" in result.output and "as a difference" not in result.output
        return dump(fresh)
    finally:
        fresh.stop()


@pytest.mark.parametrize("fmt", ["turtle", "nquads"])
def test_a_delta_publish_leaves_exactly_what_a_full_publish_does(server: Server, project: Path, tmp_path: Path,
                                                                 fmt: str) -> None:
    first = publish(project, server, "--format", fmt)
    assert first.exit_code == 0, first.output
    assert "(the remote has no publish record)" in first.output
    one_claim_changed(project)
    proxy_seen: list[tuple[str, str, int | str]] = []
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        second = publish(project, server, "--format", fmt, url=proxy.url + "/store")
        proxy_seen = proxy.seen
    assert second.exit_code == 0, second.output
    assert " as a difference (-" in second.output
    removed, added = second.output.split("as a difference (-")[1].split(" quads)")[0].split(" +")
    assert int(removed.replace(",", "")) > 0
    updates = [s for s in proxy_seen if s[0] == "POST" and s[1].startswith("/update")]
    assert len(updates) == 1, "the difference and the record go in one request"
    assert not [s for s in proxy_seen if s[1].startswith("/store")], "nothing is uploaded through the Graph Store"
    assert dump(server) == full_publish_of(project, tmp_path, fmt)


def test_republishing_the_same_build_sends_nothing(server: Server, project: Path) -> None:
    assert publish(project, server).exit_code == 0
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        again = publish(project, server, url=proxy.url + "/store")
        changes = [s for s in proxy.seen if s[1].startswith(("/update", "/store"))]
    assert again.exit_code == 0, again.output
    assert again.output.endswith(" as a difference (the store already holds this build: nothing sent); "
                                 "replaced 7,338 triples\n")
    assert changes == []


def change_record(server: Server, operations: str) -> None:
    response = requests.post(server.query_url.replace("/query", "/update"), data={"update": operations}, timeout=60)
    response.raise_for_status()


@pytest.mark.parametrize("how,why", [
    ("record removed", "the remote has no publish record"),
    ("record names another build", "the remote's build is not one kg kept locally"),
    ("graph changed, record kept",
     "the remote holds 7,339 quads, its record says 7,338: changed by someone else"),
    ("local copy corrupted", "the remote's build is not one kg kept locally"),
    ("local copy missing", "the remote's build is not one kg kept locally"),
])
def test_a_remote_kg_cannot_vouch_for_gets_the_full_publish(server: Server, project: Path, tmp_path: Path,
                                                           how: str, why: str) -> None:
    assert publish(project, server).exit_code == 0
    kept = snapshots_of(project)
    (copy,) = kept.folder.glob("*.nq")
    build = f"<{record_graph(GRAPH)}-build>"
    if how == "record removed":
        change_record(server, f"DROP GRAPH <{record_graph(GRAPH)}>")
    elif how == "record names another build":
        change_record(server, f'DELETE {{ GRAPH ?g {{ ?s {build} ?o }} }} INSERT {{ GRAPH ?g {{ ?s {build} "{"0" * 64}" }} }} '
                      f"WHERE {{ GRAPH ?g {{ ?s {build} ?o }} }}")
    elif how == "graph changed, record kept":
        change_record(server, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{GRAPH}x> <{GRAPH}y> "someone else" }} }}')
    elif how == "local copy corrupted":
        copy.write_bytes(copy.read_bytes().replace(b"Shipenko", b"Shipenk0"))
    else:
        copy.unlink()
    one_claim_changed(project)
    result = publish(project, server)
    assert result.exit_code == 0, result.output
    assert f"in one update ({why})" in result.output
    assert dump(server) == full_publish_of(project, tmp_path, "turtle")
    delta = publish(project, server)
    assert "the store already holds this build" in delta.output, "the full publish wrote a record kg trusts again"


def test_the_staging_path_writes_the_record_too(server: Server, project: Path, tmp_path: Path) -> None:
    staged = publish(project, server, "--update-limit", "0")
    assert staged.exit_code == 0, staged.output
    assert "through a staging graph (the remote has no publish record; 1 MB is over the update limit)" in staged.output
    one_claim_changed(project)
    result = publish(project, server, "--update-limit", "0")
    assert " as a difference (-" in result.output, result.output
    assert dump(server) == full_publish_of(project, tmp_path, "turtle")


def test_a_failed_delta_update_leaves_the_old_build(server: Server, project: Path) -> None:
    assert publish(project, server).exit_code == 0
    old = dump(server)
    one_claim_changed(project)
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        proxy.rule = lambda m, p, f: 500 if m == "POST" and p.startswith("/update") else None
        failed = publish(project, server, url=proxy.url + "/store")
        sent = [s for s in proxy.seen if s[2] == 500]
    assert failed.exit_code == 1
    assert failed.output == ("error: publish failed at send the difference: HTTP 500 Internal Server Error from "
                             f"{proxy.url}/update: injected fault; the published graph is unchanged\n")
    assert len(sent) == 1, "an update that changes the target is never retried"
    assert dump(server) == old
    again = publish(project, server)
    assert " as a difference (-" in again.output, "the remote still holds the old build, and says so"


def test_an_update_failing_inside_the_store_changes_nothing(server: Server, project: Path) -> None:
    """The store runs the whole request as one transaction: the difference and the record are
    applied together or not at all (an operation that fails after them rolls both back)."""
    assert publish(project, server).exit_code == 0
    old = dump(server)
    kept = snapshots_of(project)
    (copy,) = kept.folder.glob("*.nq")
    previous = kept.load(copy.stem)
    assert previous is not None
    one_claim_changed(project)
    files = published_files(open_project(project), "turtle")
    new = snapshot(published_quads(files, GRAPH))
    removed, added = difference(previous.lines, new.lines)
    assert removed and not added
    text = delta_update(GRAPH, removed, added, Record(new.checksum, len(new.lines), "turtle"))
    client = Client(endpoints(server.store_url), auth="none")
    with pytest.raises(Exception, match="HTTP 400|HTTP 500"):
        client.update("send the difference", text + f" ;\nCREATE GRAPH <{GRAPH}>", direct=True)
    client.close()
    assert dump(server) == old
