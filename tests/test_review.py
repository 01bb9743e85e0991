"""The review pages of kg serve, in-process: a draft's article with every candidate's span marked,
Accept/Reject written into drafts/KEY.yaml (comments kept), kg add run from the page with its
rules (KG033 while a candidate is unreviewed), forgery and non-loopback requests refused, and
hostile article text escaped."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from kg.draft.curate import read_draft, with_statuses
from kg.project import open_project
from tests.test_browser import ARTIFACTS, browser  # noqa: F401 - the headless Chromium fixture
from tests.test_draft import ARTICLE, kg, landing

KEY = "landing"
DRAFT = f"drafts/{KEY}.yaml"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory, seed_root: Path) -> Path:
    """A seed copy with the article `landing` registered and drafted, and the seed's output/ (the
    app needs a built graph to start; kg add rebuilds it)."""
    project = landing(tmp_path_factory.mktemp("review"))
    code, out, err = kg(project, "draft", KEY)
    assert code == 0, out + err
    shutil.copytree(seed_root / "output", project / "output")
    return project


@pytest.fixture
def project(drafted: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(drafted, tmp_path / "p"))


@pytest.fixture
def client(project: Path, site_dir: Path) -> Iterator[Client]:
    from kg.serve import Limits
    from kg.serve.server import make_app

    app = make_app(open_project(project), site_dir, Limits(timeout=5, max_rows=100, workers=1), quiet=True, review=True)
    def from_loopback(environ: dict[str, Any], start_response: Any) -> Any:  # as waitress sets it
        return app({"REMOTE_ADDR": "127.0.0.1", **environ}, start_response)

    yield Client(from_loopback)
    app.service.close()


def token(page: TestResponse) -> dict[str, str]:
    html = page.get_data(as_text=True)
    return {name: re.search(f'name="{name}" value="([^"]+)"', html)[1]  # type: ignore[index]
            for name in ("token", "version")}


def candidate_id(project: Path, subject: str, prop: str) -> str:
    """A candidate's id by what it proposes: ids are places in the file, which the rules move."""
    return next(c.id for c in read_draft(open_project(project), KEY).candidates
                if (c.subject, c.property) == (subject, prop))


def statuses_with(project: Path, default: str, changed: dict[str, str]) -> list[str]:
    """The draft's status lines, in file order, when every candidate has `default` but `changed`."""
    return [changed.get(c.id, default) for c in read_draft(open_project(project), KEY).candidates]


def status_lines(project: Path) -> list[str]:
    return re.findall(r"status: (\w+)", (project / DRAFT).read_text(encoding="utf-8"))


def post(client: Client, path: str, form: dict[str, str], origin: str | None = "http://localhost") -> TestResponse:
    return client.post(path, data=form, headers={"Origin": origin} if origin else {})


def test_the_index_lists_the_drafts(client: Client, project: Path) -> None:
    page = client.get("/review/")
    assert page.status_code == 200
    n = len(read_draft(open_project(project), KEY).candidates)
    assert f'<a href="/review/landing">landing</a>: {n} candidates, {n} unreviewed, 0 accepted, 0 rejected' in page.text
    assert "Access-Control-Allow-Origin" not in page.headers
    assert page.headers["Cache-Control"] == "no-store"


def test_the_page_marks_every_candidates_span_in_the_article(client: Client, project: Path) -> None:
    page = client.get("/review/landing")
    assert page.status_code == 200
    draft = read_draft(open_project(project), KEY)
    marked: dict[str, str] = {}
    for ids, text in re.findall(r'<mark data-candidate="([^"]+)"[^>]*>([^<]*)</mark>', page.text):
        for candidate in ids.split():
            marked[candidate] = marked.get(candidate, "") + text
    for c in draft.candidates:
        (start, end), = c.spans
        assert marked[c.id] == ARTICLE[start:end], c.id
    age = candidate_id(project, "person/klim-shipenko", "kg:age")
    row = re.search(f'<tr id="{age}".*?</tr>', page.text)[0]  # type: ignore[index]
    assert "<td>person/klim-shipenko</td><td>kg:age</td><td>38<div><q>Director Klim Shypenko, 38,</q>" in row
    assert "<td>age-comma</td><td>0.9</td><td><div>duplicates facts/people.yaml:57</div></td>" in row
    assert '<td class="status">unreviewed</td>' in row
    assert f'data-candidate="{age}" >Accept</button>' in row


def test_accept_and_reject_set_the_status_in_the_file_and_keep_comments(client: Client, project: Path) -> None:
    name = candidate_id(project, "person/klim-shipenko", "schema:alternateName")
    age = candidate_id(project, "person/klim-shipenko", "kg:age")
    before = (project / DRAFT).read_text(encoding="utf-8")
    form = token(client.get("/review/landing"))
    answer = post(client, f"/review/landing/{name}", {**form, "status": "accepted"})
    assert (answer.status_code, answer.headers["Location"]) == (303, f"/review/landing#{name}")
    form = token(client.get("/review/landing"))
    assert post(client, f"/review/landing/{age}", {**form, "status": "rejected"}).status_code == 303
    assert status_lines(project) == statuses_with(project, "unreviewed", {name: "accepted", age: "rejected"})
    after = (project / DRAFT).read_text(encoding="utf-8")
    assert after == with_statuses(before, {name: "accepted", age: "rejected"})
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert f'<tr id="{name}" class="accepted"' in client.get("/review/landing").text


def test_reject_the_rest_rejects_every_unreviewed_candidate(client: Client, project: Path) -> None:
    form = token(client.get("/review/landing"))
    assert post(client, "/review/landing/c2", {**form, "status": "accepted"}).status_code == 303
    form = token(client.get("/review/landing"))
    assert post(client, "/review/landing/rest", {**form, "status": "rejected"}).status_code == 303
    assert status_lines(project) == statuses_with(project, "rejected", {"c2": "accepted"})


@pytest.mark.parametrize(("form", "origin", "status"), [
    ({"status": "accepted"}, "http://localhost", 403),             # no token
    ({"status": "accepted", "token": "forged"}, "http://localhost", 403),
    ({"status": "accepted", "TOKEN": ""}, "https://evil.example", 403),  # the page's token, another origin
    ({"status": "maybe", "TOKEN": ""}, "http://localhost", 400),
    ({"status": "accepted", "TOKEN": "", "version": "0" * 64}, None, 409),  # the file changed since
])
def test_a_forged_or_stale_change_is_refused(client: Client, project: Path, form: dict[str, str],
                                             origin: str | None, status: int) -> None:
    page = token(client.get("/review/landing"))
    form = {k if k != "TOKEN" else "token": v if k != "TOKEN" else page["token"] for k, v in form.items()}
    form.setdefault("version", page["version"])
    before = (project / DRAFT).read_bytes()
    assert post(client, "/review/landing/c1", form, origin).status_code == status
    assert (project / DRAFT).read_bytes() == before


def test_unknown_drafts_and_candidates_are_404(client: Client) -> None:
    form = token(client.get("/review/landing"))
    assert client.get("/review/nope").status_code == 404
    assert client.get("/review/..%2Fsources").status_code == 400
    assert post(client, "/review/landing/c99", {**form, "status": "accepted"}).status_code == 404
    assert post(client, "/review/nope/c1", {**form, "status": "accepted"}).status_code == 404


def test_only_loopback_clients_at_a_loopback_host_are_answered(client: Client) -> None:
    assert client.get("/review/", environ_overrides={"REMOTE_ADDR": "192.0.2.7"}).status_code == 403
    assert client.get("/review/", headers={"Host": "rebound.example:8000"}).status_code == 403
    assert client.get("/review/", headers={"Host": "[::1]:8000"}).status_code == 200


def test_a_server_not_on_loopback_has_no_review_pages(site_app: object) -> None:
    answer = Client(site_app).get("/review/")  # type: ignore[arg-type]
    assert answer.status_code == 404
    assert answer.text == "not found: the review pages are served only on loopback (--host 127.0.0.1)\n"


def test_add_refuses_unreviewed_candidates_then_adds_the_accepted_ones(client: Client, project: Path) -> None:
    form = token(client.get("/review/landing"))
    refused = post(client, "/review/landing/add", form)
    assert refused.status_code == 422
    assert ("drafts/landing.yaml:13: error KG033: entity mission/soyuz-ms-18 is an unreviewed draft candidate "
            "(rule designator-like-known, confidence 0.8)") in refused.text
    assert refused.text.count(": error KG033: ") == len(read_draft(open_project(project), KEY).candidates)
    assert "nothing added" in refused.text
    assert not (project / "facts" / "landing.yaml").exists()
    name = candidate_id(project, "person/klim-shipenko", "schema:alternateName")
    post(client, f"/review/landing/{name}", {**form, "status": "accepted"})
    form = token(client.get("/review/landing"))
    post(client, "/review/landing/rest", {**form, "status": "rejected"})
    added = post(client, "/review/landing/add", token(client.get("/review/landing")))
    assert added.status_code == 200, added.text
    assert "added facts/landing.yaml" in added.text
    facts = (project / "facts" / "landing.yaml").read_text(encoding="utf-8")
    assert "Klim Shypenko" in facts and "draft:" not in facts and "Perisild" not in facts
    again = post(client, "/review/landing/add", token(client.get("/review/landing")))
    assert again.status_code == 409
    assert "exists already" in again.text


def test_article_text_is_escaped(client: Client, project: Path, tmp_path: Path) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text('Director Klim Shypenko, 38, said <script>alert("x")</script> & left.\n', encoding="utf-8")
    code, out, err = kg(project, "source", "add", str(article), "--key", "hostile", "--date", "2021-10-17")
    assert code == 0, out + err
    assert kg(project, "draft", "hostile")[0] == 0
    page = client.get("/review/hostile")
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left." in page.text
    assert "script-src" not in page.headers["Content-Security-Policy"]


def test_a_curator_reviews_and_adds_in_chromium(browser: Any, project: Path, site_dir: Path) -> None:
    """A real kg serve on loopback and headless Chromium: Accept one candidate, Reject another, Add
    (refused with KG033 while the rest are unreviewed), Reject the rest, Add again."""
    from tests.helpers import running_server

    name = candidate_id(project, "person/klim-shipenko", "schema:alternateName")
    candidates = read_draft(open_project(project), KEY).candidates
    last = candidates[-1].id
    (start, end), = next(c for c in candidates if c.id == name).spans
    with running_server(project, site_dir) as url:
        page = browser.new_page()
        assert page.goto(url + "review/landing").status == 200
        # overlapping quotes split a span into pieces: together they are the quote
        assert "".join(page.locator(f'mark[data-candidate~="{name}"]').all_inner_texts()) == ARTICLE[start:end]
        with page.expect_navigation():
            page.click(f'button[data-candidate="{name}"][value="accepted"]')
        assert page.locator(f"#{name} .status").inner_text() == "accepted"
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        with page.expect_navigation():
            page.click(f'button[data-candidate="{last}"][value="rejected"]')
        assert page.locator(f"#{last} .status").inner_text() == "rejected"
        with page.expect_navigation():
            page.click("#add")
        assert "error KG033: entity mission/soyuz-ms-18 is an unreviewed draft candidate" in \
            page.locator("#result").inner_text()
        assert not (project / "facts" / "landing.yaml").exists()
        with page.expect_navigation():
            page.click("#reject-rest")
        assert page.locator("td.status").all_inner_texts() == statuses_with(project, "rejected", {name: "accepted"})
        with page.expect_navigation():
            page.click("#add")
        assert page.locator("#result").inner_text().startswith("added facts/landing.yaml\n")
        page.close()
    facts = (project / "facts" / "landing.yaml").read_text(encoding="utf-8")
    assert "property: schema:alternateName\n    value: {text: \"Klim Shypenko\", lang: \"en\"}" in facts
    assert "kg:launchDate" not in facts and "draft:" not in facts
    assert status_lines(project) == statuses_with(project, "rejected", {name: "accepted"})


def test_a_change_while_another_command_writes_is_409_and_changes_nothing(client: Client, project: Path) -> None:
    import threading

    from kg.lock import writing

    form = token(client.get("/review/landing"))
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writing(open_project(project), "kg build"):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(30)
        before = (project / DRAFT).read_bytes()
        answer = post(client, "/review/landing/c1", {**form, "status": "accepted"})
        assert answer.status_code == 409
        assert "the project is locked by kg build (pid" in answer.text
        assert (project / DRAFT).read_bytes() == before
    finally:
        release.set()
        holder.join(30)
    assert post(client, "/review/landing/c1", {**form, "status": "accepted"}).status_code == 303


def test_a_draft_broken_by_hand_is_a_422_with_the_yaml_error(client: Client, project: Path) -> None:
    form = token(client.get("/review/landing"))
    (project / DRAFT).write_text("claims: [\n", encoding="utf-8")
    page = client.get("/review/landing")
    assert page.status_code == 422
    assert "drafts/landing.yaml:2:1: YAML syntax error" in page.text
    assert post(client, "/review/landing/c1", {**form, "status": "accepted"}).status_code == 409  # it changed


def test_edit_changes_the_value_and_relocates_the_quote_then_accept_adds_the_edit(client: Client, project: Path) -> None:
    age = candidate_id(project, "person/klim-shipenko", "kg:age")
    before = (project / DRAFT).read_text(encoding="utf-8")
    form = token(client.get("/review/landing"))
    answer = post(client, f"/review/landing/{age}/edit", {**form, "value": "39", "quote": "Klim Shypenko, 38"})
    assert (answer.status_code, answer.headers["Location"]) == (303, f"/review/landing#{age}")
    after = (project / DRAFT).read_text(encoding="utf-8")
    old = ("    value: 38\n    qualifiers: {point_in_time: 2021-10-17}\n    refs:\n"
           "      - {source: landing, quote: \"Director Klim Shypenko, 38,\"}\n")
    assert old in before and after == before.replace(old, old.replace("38\n", "39\n", 1).replace(
        '"Director Klim Shypenko, 38,"', '"Klim Shypenko, 38"'))
    edited = next(c for c in read_draft(open_project(project), KEY).candidates if c.id == age)
    (start, end), = edited.spans
    assert (edited.value, ARTICLE[start:end], edited.mark.status) == ("39", "Klim Shypenko, 38", "unreviewed")
    form = token(client.get("/review/landing"))
    assert post(client, f"/review/landing/{age}", {**form, "status": "accepted"}).status_code == 303
    form = token(client.get("/review/landing"))
    assert post(client, "/review/landing/rest", {**form, "status": "rejected"}).status_code == 303
    added = post(client, "/review/landing/add", token(client.get("/review/landing")))
    assert added.status_code == 200, added.text
    facts = (project / "facts" / "landing.yaml").read_text(encoding="utf-8")
    assert "value: 39" in facts and 'quote: "Klim Shypenko, 38"' in facts and "draft:" not in facts


def test_edit_refuses_a_quote_the_article_does_not_hold_and_writes_nothing(client: Client, project: Path) -> None:
    name = candidate_id(project, "person/klim-shipenko", "schema:alternateName")
    before = (project / DRAFT).read_bytes()
    form = token(client.get("/review/landing"))
    answer = post(client, f"/review/landing/{name}/edit", {**form, "value": "Klim Shipenko",
                                                            "quote": "Director Klim Shipenko, 38"})
    assert answer.status_code == 422
    assert (f"{name} not edited: the quote &#x27;Director Klim Shipenko, 38&#x27; is not in the article (a quote is "
            "its exact words); the closest passage is &#x27;Director Klim Shypenko, 38&#x27;") in answer.text
    assert (project / DRAFT).read_bytes() == before
    stale = post(client, f"/review/landing/{name}/edit", {**form, "value": "K. Shypenko", "version": "0" * 64})
    assert stale.status_code == 409 and (project / DRAFT).read_bytes() == before
    assert post(client, f"/review/landing/{name}/edit", {"value": "K. Shypenko"}).status_code == 403  # no token
    assert post(client, "/review/landing/c99/edit", {**form, "value": "x"}).status_code == 404
    assert (project / DRAFT).read_bytes() == before


def test_a_curator_edits_a_candidate_in_chromium(browser: Any, project: Path, site_dir: Path) -> None:
    """Edit a name variant's value and quote in the page, Accept it: the file holds the edit, the
    article marks the new span; a quote not in the article is refused on the page."""
    from tests.helpers import running_server

    name = candidate_id(project, "person/klim-shipenko", "schema:alternateName")
    with running_server(project, site_dir) as url:
        page = browser.new_page()
        assert page.goto(url + "review/landing").status == 200
        row = page.locator(f"#{name}")
        row.locator("summary").click()
        row.locator('input[name="quote"]').fill("Director Klim Shypenko")
        row.locator('input[name="value"]').fill("Klim Shypenko-Peresild")
        with page.expect_navigation():
            row.locator('button[value="edit"]').click()
        assert "".join(page.locator(f'mark[data-candidate~="{name}"]').all_inner_texts()) == "Director Klim Shypenko"
        row = page.locator(f"#{name}")
        assert row.locator('input[name="value"]').input_value() == "Klim Shypenko-Peresild"
        with page.expect_navigation():
            page.click(f'button[data-candidate="{name}"][value="accepted"]')
        assert page.locator(f"#{name} .status").inner_text() == "accepted"
        row = page.locator(f"#{name}")
        row.locator("summary").click()
        row.locator('input[name="quote"]').fill("Director Klim Shipenko")
        with page.expect_navigation():
            row.locator('button[value="edit"]').click()
        assert "is not in the article" in page.locator("#result").inner_text()
        page.close()
    text = (project / DRAFT).read_text(encoding="utf-8")
    assert ('value: {text: "Klim Shypenko-Peresild", lang: "en"}\n    refs:\n'
            '      - {source: landing, quote: "Director Klim Shypenko"}\n'
            "    draft: {rule: name-variant") in text
