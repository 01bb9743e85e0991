"""kg publish and kg query --endpoint against real stores (Oxigraph server, Virtuoso), started
per test on free loopback ports; faults injected by killing the server or through a proxy. What is
published is the frozen seed project's build (conftest's `seed_root`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.errors import PublishError
from kg.query import run
from kg.remote.delta import record_graph
from kg.remote.endpoint import Client, endpoints
from kg.remote.publish import expected_count, plan, publish, published_files
from kg.store import open_published
from tests.conftest import SEED
from tests.helpers import scratch_project
from tests.proxy import FaultProxy
from tests.servers import STARTERS, Server

GRAPH = "https://example.org/vyzov/"  # the frozen seed's base IRI: the graph kg publish names
EXPECTED = 7338  # triples the seed publishes: 6913 in vyzov.ttl + 425 in ontology.ttl, none shared
EXAMPLES = sorted(p.stem for p in (SEED / "queries").glob("*.rq"))


@pytest.fixture(autouse=True)
def seed(seed_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every kg command here works on the built seed (a test that needs another project names it)."""
    monkeypatch.setenv("KG_PROJECT", str(seed_root))
    return seed_root


@pytest.fixture(params=sorted(STARTERS))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    started = STARTERS[request.param](tmp_path)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[Server]:
    """Virtuoso alone: the store here with authentication (digest)."""
    started = STARTERS["virtuoso"](tmp_path)
    try:
        yield started
    finally:
        started.stop()


def kg(server: Server, *args: str, url: str | None = None, env: dict[str, str] | None = None) -> Result:
    command = [args[0], "--endpoint", url or server.store_url, *args[1:]]
    environment = {"KG_ENDPOINT_USER": "", "KG_ENDPOINT_PASSWORD": "", **server.env, **(env or {})}
    return CliRunner().invoke(main, command, env=environment)


def published(server: Server) -> None:
    result = kg(server, "publish")
    assert result.exit_code == 0, result.output
    assert server.count(GRAPH) == EXPECTED


def staging_graphs(server: Server) -> set[str]:
    return {g for g in server.graphs() if "kg-staging-" in g}


def rows(tsv: str) -> tuple[str, list[str]]:
    head, *body = tsv.splitlines()
    return head, sorted(body)


def test_the_graph_and_ontology_are_counted_once(seed_project) -> None:  # type: ignore[no-untyped-def]
    assert expected_count(published_files(seed_project, "turtle")) == EXPECTED


def test_publish_then_every_example_answers_remotely_as_embedded(server: Server, seed_project) -> None:  # type: ignore[no-untyped-def]
    result = kg(server, "publish")
    assert result.exit_code == 0, result.output
    # stdout: over plain HTTP to Virtuoso (digest) stderr has DIGEST_ON_LOOPBACK
    assert re.match(rf"kg publish: 7,338 triples \(vyzov.ttl, ontology.ttl\) to <{GRAPH}> at ", result.stdout)
    assert result.stdout.rstrip().endswith("replaced 0 triples")
    embedded = open_published(seed_project, use_store=False)
    for name in EXAMPLES:
        text = (SEED / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        remote = kg(server, "query", "--example", name, "--format", "tsv")
        assert remote.exit_code == 0, remote.output
        assert rows(remote.stdout) == rows(run(embedded, text, "tsv")), name
        assert len(rows(remote.stdout)[1]) > 0, name


def test_republish_replaces_never_duplicates(server: Server) -> None:
    published(server)
    for _ in range(2):
        result = kg(server, "publish")
        assert result.exit_code == 0, result.output
        assert result.output.rstrip().endswith(f"replaced {EXPECTED:,} triples")
    assert server.count(GRAPH) == EXPECTED
    assert staging_graphs(server) == set()


def test_progress_reports_every_byte_of_the_upload(server: Server, seed_project) -> None:  # type: ignore[no-untyped-def]
    client = Client(endpoints(server.store_url))
    client.creds = (server.user, server.password or "") if server.user else None
    the_plan = plan(published_files(seed_project, "turtle"), GRAPH)
    seen: list[tuple[int, int]] = []
    result = publish(client, the_plan, on_progress=lambda sent, total: seen.append((sent, total)), update_limit=0)
    assert result.previous == 0 and server.count(GRAPH) == EXPECTED
    assert seen[-1] == (the_plan.size, the_plan.size)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen) and len(seen) > 10


def test_dry_run_changes_nothing(server: Server) -> None:
    result = kg(server, "publish", "--dry-run")
    assert result.exit_code == 0, result.output
    if server.name == "virtuoso":
        assert result.stdout.startswith("kg publish --dry-run: would upload 7,338 triples")
    else:
        assert result.stdout == (f"kg publish --dry-run: would send 7,338 triples (vyzov.ttl, ontology.ttl) to "
                                 f"{server.store_url} in one update (the remote has no publish record), replacing "
                                 f"<{GRAPH}> (now 0 triples)\n")
    staged = kg(server, "publish", "--dry-run", "--update-limit", "0")
    assert staged.stdout.startswith("kg publish --dry-run: would upload 7,338 triples"), staged.output
    graphs = server.graphs()
    assert GRAPH not in graphs and record_graph(GRAPH) not in graphs and staging_graphs(server) == set()


def test_remote_table_output_is_the_embedded_table(server: Server) -> None:
    published(server)
    remote = kg(server, "query", "--example", "fact-sources")
    local = CliRunner().invoke(main, ["query", "--example", "fact-sources"])
    assert remote.exit_code == 0 and remote.stdout == local.stdout


def test_a_bad_query_is_a_clear_error(server: Server) -> None:
    result = kg(server, "query", "SELECT WHERE {")
    assert result.exit_code == 1
    assert re.search(r"error: query: HTTP 400 Bad Request from http://127\.0\.0\.1:\d+/sparql(-auth)?\b|"
                     r"error: query: HTTP 400 Bad Request from http://127\.0\.0\.1:\d+/query", result.output)


def proxied(proxy: FaultProxy, server: Server) -> str:
    return proxy.url + urlsplit(server.store_url).path


def is_swap(method: str, path: str, form: str | None) -> bool:
    return form is not None and form.startswith("update=COPY")


@pytest.mark.parametrize("fault", ["500 on the swap", "500 on every upload", "reset on every upload"])
def test_a_fault_in_mid_publish_keeps_the_previous_graph(server: Server, fault: str) -> None:
    published(server)
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        if fault == "500 on the swap":
            proxy.rule = lambda m, p, f: 500 if is_swap(m, p, f) else None
        elif fault == "500 on every upload":
            proxy.rule = lambda m, p, f: 500 if m in ("PUT", "POST") and f is None else None
        else:
            proxy.rule = lambda m, p, f: "reset" if m in ("PUT", "POST") and f is None else None
        result = kg(server, "publish", "--retries", "1", "--full", "--update-limit", "0",
                    url=proxied(proxy, server))
        uploads = [s for s in proxy.seen if s[0] == "PUT"]
    assert result.exit_code == 1, result.output
    if fault == "500 on the swap":
        assert "error: publish failed at replace the published graph: HTTP 500 Internal Server Error" in result.output
        assert len([s for s in proxy.seen if s[2] == 500]) == 1, "the swap is never retried"
    elif fault == "500 on every upload":
        assert "error: publish failed at upload vyzov.ttl: HTTP 500 Internal Server Error" in result.output
        assert len(uploads) == 2, "one retry after a 5xx"
    else:
        assert re.search(r"error: publish failed at upload vyzov.ttl: http://127.0.0.1:\d+/\S+ did not answer "
                         r"\(after 2 attempts\)", result.output)
    assert result.output.rstrip().endswith("the published graph is unchanged")
    assert server.count(GRAPH) == EXPECTED
    assert staging_graphs(server) == set()


def test_a_4xx_is_not_retried(server: Server) -> None:
    published(server)
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        proxy.rule = lambda m, p, f: 413 if m == "PUT" else None
        result = kg(server, "publish", "--full", "--update-limit", "0", url=proxied(proxy, server))
        uploads = [s for s in proxy.seen if s[0] == "PUT"]
    assert result.exit_code == 1
    assert "upload vyzov.ttl: HTTP 413 Request Entity Too Large" in result.output
    assert len(uploads) == 1
    assert server.count(GRAPH) == EXPECTED and staging_graphs(server) == set()


def test_a_reset_connection_is_retried_and_the_publish_completes(server: Server) -> None:
    published(server)
    resets: list[str] = []

    def once(method: str, path: str, form: str | None) -> str | None:
        if method == "PUT" and not resets:
            resets.append(path)
            return "reset"
        return None

    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        proxy.rule = once
        result = kg(server, "publish", "--full", "--update-limit", "0", url=proxied(proxy, server))
    assert result.exit_code == 0, result.output
    assert resets and server.count(GRAPH) == EXPECTED and staging_graphs(server) == set()


def test_the_server_killed_in_mid_upload_leaves_the_previous_graph(server: Server, seed_project) -> None:  # type: ignore[no-untyped-def]
    published(server)
    client = Client(endpoints(server.store_url), retries=1, backoff=0.05, timeout=30)
    if server.user:
        client.creds = (server.user, server.password or "")
    killed: list[int] = []

    def kill_at_first_bytes(sent: int, total: int) -> None:
        if not killed:
            killed.append(sent)
            server.kill()

    with pytest.raises(PublishError) as caught:
        publish(client, plan(published_files(seed_project, "turtle"), GRAPH), on_progress=kill_at_first_bytes,
                update_limit=0)
    message = str(caught.value)
    assert message.startswith("publish failed at upload vyzov.ttl: ")
    assert "did not answer (after 2 attempts)" in message
    assert "the published graph is unchanged" in message
    assert "could not be removed" in message
    restarted = server.restart()
    assert restarted.count(GRAPH) == EXPECTED


def test_netrc_credentials_then_wrong_ones_change_nothing(virtuoso: Server, tmp_path: Path) -> None:
    server = virtuoso
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {server.user} password {server.password}\n")
    netrc.chmod(0o600)
    first = CliRunner().invoke(main, ["publish", "--endpoint", server.store_url],
                               env={"KG_ENDPOINT_USER": "", "KG_ENDPOINT_PASSWORD": "", "NETRC": str(netrc)})
    assert first.exit_code == 0, first.output
    assert server.count(GRAPH) == EXPECTED
    assert first.stderr == DIGEST_ON_LOOPBACK
    result = kg(server, "publish", env={"KG_ENDPOINT_PASSWORD": "wrong"})
    assert result.exit_code == 1
    assert re.fullmatch(re.escape(DIGEST_ON_LOOPBACK) +
                        r"error: publish failed at count the published graph: HTTP 401 Unauthorized from "
                        r"http://127\.0\.0\.1:\d+/sparql-auth \(check the credentials\); nothing was changed\n",
                        result.output)
    assert "wrong" not in result.output
    assert server.count(GRAPH) == EXPECTED


def test_wrong_credentials_on_the_upload_itself(virtuoso: Server) -> None:
    """The query endpoint accepts the user, the Graph Store endpoint refuses: 401 on the upload."""
    server = virtuoso
    published(server)
    with FaultProxy(server.store_url.rsplit("/", 1)[0]) as proxy:
        proxy.rule = lambda m, p, f: 401 if m == "PUT" else None
        result = kg(server, "publish", url=proxied(proxy, server))
    assert result.exit_code == 1
    assert "publish failed at upload vyzov.ttl: HTTP 401 Unauthorized" in result.output
    assert server.count(GRAPH) == EXPECTED and staging_graphs(server) == set()


def test_nquads_replace_the_statement_graphs(server: Server) -> None:
    result = kg(server, "publish", "--format", "nquads")
    if not endpoints(server.store_url).accepts_datasets:
        assert result.exit_code == 2
        assert "takes Turtle only (virtuoso): publish with --format turtle" in result.output
        assert GRAPH not in server.graphs()
        return
    assert result.exit_code == 0, result.output
    assert ("7,713 triples (vyzov.nq, ontology.ttl) in <https://example.org/vyzov/> and 375 named graphs"
            in result.output)
    again = kg(server, "publish", "--format", "nquads")
    assert again.exit_code == 0, again.output
    graphs = server.graphs() - {record_graph(GRAPH)}
    assert len(graphs) == 376 and GRAPH in graphs
    assert all(g.startswith(GRAPH + "statement/") for g in graphs - {GRAPH})
    assert server.count(GRAPH) == EXPECTED
    assert server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{record_graph(GRAPH)}>) }}"
                         )[0]["n"] == "7713"


DIGEST_ON_LOOPBACK = ("warning: digest authentication over plain HTTP to 127.0.0.1: the password is not sent, but "
                      "the requests and answers can be read and altered on the way; use https\n")
CREDENTIALS = {"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "secret"}


@pytest.mark.parametrize("command", [["publish", "--endpoint", "http://store.invalid/store"],
                                     ["query", "--example", "crew", "--endpoint", "http://store.invalid/query"]])
@pytest.mark.parametrize("auth,how", [
    ("basic", "basic authentication sends it in clear text"),
    ("auto", "--auth auto would answer a basic challenge with it in clear text"),
])
def test_a_password_is_never_sent_in_clear_text_to_a_remote_host(command: list[str], auth: str, how: str) -> None:
    """Issue 10, row 16: kg 0.2 sent Basic credentials over plain HTTP without a word. Refused
    before anything is sent (store.invalid cannot even resolve: no traffic leaves the machine)."""
    result = CliRunner().invoke(main, [*command, "--auth", auth], env=CREDENTIALS)
    assert (result.exit_code, result.output) == (2, (
        f"error: refusing to send the password over plain HTTP to store.invalid: {how}; use https, --auth digest, "
        "or --allow-insecure-auth on a network you trust\n"))


def test_asked_for_explicitly_it_is_sent_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    warned: list[str] = []
    for auth, allow in (("basic", True), ("digest", False)):
        remote = Client(endpoints("http://store.invalid/store"), auth=auth, allow_insecure_auth=allow,
                        warn=warned.append)
        remote.close()
    assert warned == [
        "basic authentication over plain HTTP to store.invalid sends the password in clear text "
        "(--allow-insecure-auth)",
        "digest authentication over plain HTTP to store.invalid: the password is not sent, but the requests and "
        "answers can be read and altered on the way; use https",
    ]
    https = Client(endpoints("https://store.invalid/store"), auth="basic", warn=warned.append)
    https.close()
    assert len(warned) == 2  # nothing to say over https


def test_basic_credentials_to_loopback_over_http_are_sent_with_a_warning() -> None:
    from tests.local_server import running

    with running() as url:
        query = ["query", "SELECT ?user WHERE {}", "--endpoint", f"{url}/sparql-basic", "--format", "tsv"]
        result = CliRunner().invoke(main, query, env=CREDENTIALS)
        unauthenticated = CliRunner().invoke(main, [*query, "--auth", "none"], env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert result.stdout == "?user\n\"dba\"\n"  # the server saw the credentials (it answers with the user it checked)
    assert result.stderr == ("warning: basic authentication over plain HTTP to 127.0.0.1 sends the password in clear "
                             "text (tolerated on loopback only; use https)\n")
    assert unauthenticated.exit_code == 1 and "warning" not in unauthenticated.output


def test_credentials_in_the_url_are_refused_and_not_printed() -> None:
    result = CliRunner().invoke(main, ["publish", "--endpoint", "http://dba:hunter2@127.0.0.1:1/store"])
    assert result.exit_code == 2
    assert result.output == ("error: credentials do not belong in the URL: set KG_ENDPOINT_USER and "
                             "KG_ENDPOINT_PASSWORD or use a netrc file\n")


def test_an_unreachable_store_is_exit_1_and_changes_nothing() -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(main, ["publish", "--endpoint", url, "--retries", "0"])
    assert result.exit_code == 1
    assert result.output == (f"error: publish failed at count the published graph: http://127.0.0.1:"
                             f"{url.split(':')[2].split('/')[0]}/query did not answer: connection refused; "
                             "nothing was changed\n")


def test_graph_without_endpoint_is_misuse() -> None:
    result = CliRunner().invoke(main, ["query", "--example", "crew", "--graph", GRAPH])
    assert result.exit_code == 2
    assert result.output == "error: --graph and --all-graphs need --endpoint\n"
    both = CliRunner().invoke(main, ["query", "--example", "crew", "--endpoint", "http://127.0.0.1:1/query",
                                     "--graph", GRAPH, "--all-graphs"])
    assert both.exit_code == 2 and both.output == "error: give --graph or --all-graphs, not both\n"


def test_publish_before_build_is_misuse(tmp_path: Path) -> None:
    root = scratch_project(tmp_path / "unbuilt")
    result = CliRunner().invoke(main, ["publish", "--endpoint", "http://127.0.0.1:1/store"],
                                env={"KG_PROJECT": str(root)})
    assert result.exit_code == 2
    assert result.output == f"error: {root}/output/vyzov.ttl does not exist: run 'kg build' first\n"
