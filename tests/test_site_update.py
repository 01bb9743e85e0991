"""After a change, an output/site kg site wrote follows the build by rendering only the pages whose
recorded reads changed (kg.site.dependencies), and ends byte for byte, file for file, what a full
kg site writes; an index it cannot trust means a full render."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import site as site_module
from kg.api import build_or_reuse
from kg.project import Project, open_project
from kg.site import SiteResult, build_site, render_site, update_site
from kg.site.dependencies import EVERYTHING, Recorder, index_path
from kg.site.layout import MARKER_NAME
from tests.helpers import NEW_CLAIM, scratch_project
from tests.test_incremental import CLAIM, EDITS, FactsState, apply_edit
from tests.test_site_incremental import assert_same_site

FILM_NAME = "      - text: Vyzov\n        preferred: true\n"  # a preferred name need not occur in its quote

SITE_EDITS = st.one_of(
    EDITS,
    # the film's preferred name changes: its label, on every page that links it
    st.tuples(st.just("film label"), st.booleans()),
    st.tuples(st.just("new claim"), st.booleans()),  # a statement, its reference, a new quote
    st.tuples(st.just("damage index"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("site elsewhere"), st.just(None)),  # kg site --out another folder
)


def set_film_label(root: Path, renamed: bool) -> None:
    entities = root / "facts" / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    renamed_name = FILM_NAME.replace("Vyzov", "Vyzov, the film")
    text = text.replace(renamed_name, FILM_NAME)
    entities.write_text(text.replace(FILM_NAME, renamed_name) if renamed else text, encoding="utf-8")


def damage_index(project: Project, n: int) -> None:
    path = index_path(project)
    if not path.exists():
        return
    data = path.read_bytes()
    if n % 3 == 0:
        path.write_bytes(data[: n % len(data)])
    elif n % 3 == 1:
        at = n % len(data)
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
    else:
        path.write_bytes(b"")


def assert_site_is_a_full_render(project: Project, scratch: Path) -> None:
    full = scratch / "full"
    build_site(project, full)
    assert_same_site(project.output_dir / "site", full)


@pytest.fixture
def updates(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[SiteResult]]:
    """What each update_site after a build returned."""
    seen: list[SiteResult] = []

    def spy(project: Project) -> SiteResult | None:
        result = update_site(project)
        if result is not None:
            seen.append(result)
        return result

    monkeypatch.setattr(site_module, "update_site", spy)
    yield seen


def built_site(root: Path) -> Project:
    project = open_project(root)
    build_or_reuse(project, shacl=False)
    build_site(project)
    return project


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SITE_EDITS, min_size=1, max_size=4))
def test_an_updated_site_is_a_full_render_after_any_edits(edits: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = scratch_project(Path(folder) / "project")
        original = (root / "facts" / "mission.yaml").read_text(encoding="utf-8")
        assert CLAIM in original and FILM_NAME in (root / "facts" / "entities.yaml").read_text()
        project = built_site(root)
        state = FactsState(original)
        for kind, value in edits:
            if kind == "film label":
                set_film_label(root, bool(value))
            elif kind == "new claim":
                extra = root / "facts" / "zz-new-claim.yaml"
                extra.write_text(NEW_CLAIM, encoding="utf-8") if value else extra.unlink(missing_ok=True)
            elif kind == "damage index":
                damage_index(project, int(value))  # type: ignore[call-overload]
            elif kind == "site elsewhere":
                build_site(project, Path(folder) / "elsewhere")
            apply_edit(project, state, (kind, value))
            build_or_reuse(project, shacl=False)
            assert_site_is_a_full_render(project, Path(folder))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return built_site(scratch_project(tmp_path / "project"))


def test_a_one_claim_edit_renders_only_the_pages_it_touches(project: Project, tmp_path: Path,
                                                            updates: list[SiteResult]) -> None:
    (project.root / "facts" / "zz-new-claim.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    build_or_reuse(project, shacl=False)
    [result] = updates
    assert 0 < result.rendered <= 10 < result.pages / 50
    rendered = sorted(name for name in result.files if name.endswith(".html") and name.startswith("id/"))
    assert "id/person/klim-shipenko.html" in rendered and len(rendered) < 8, rendered
    assert any(name.startswith("statement/") for name in result.files)
    assert_site_is_a_full_render(project, tmp_path)

    (project.root / "facts" / "zz-new-claim.yaml").unlink()
    build_or_reuse(project, shacl=False)
    assert 0 < updates[1].rendered <= 10
    assert any(name.startswith("statement/") and name.endswith(".html") for name in updates[1].removed)
    assert_site_is_a_full_render(project, tmp_path)


def test_a_new_label_renders_the_pages_that_show_it(project: Project, tmp_path: Path,
                                                     updates: list[SiteResult]) -> None:
    set_film_label(project.root, True)
    build_or_reuse(project, shacl=False)
    [result] = updates
    assert 10 < result.rendered < result.pages / 2
    assert "id/film/vyzov.html" in result.files and "statement/" in " ".join(result.files)
    assert_site_is_a_full_render(project, tmp_path)


def test_a_missed_dependency_leaves_a_stale_page(project: Project, tmp_path: Path, updates: list[SiteResult],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison with a full render catches an index that misses a kind of read: here the
    labels of the resources a page links to."""
    real = Recorder.fingerprint
    monkeypatch.setattr(Recorder, "fingerprint", lambda self, key: "" if key[0] == "L" else real(self, key))
    build_site(project)  # an index whose label fingerprints say nothing
    set_film_label(project.root, True)
    build_or_reuse(project, shacl=False)
    with pytest.raises(AssertionError):
        assert_site_is_a_full_render(project, tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "missing", "other inputs", "marker"])
def test_an_index_it_cannot_trust_means_a_full_render(project: Project, tmp_path: Path, updates: list[SiteResult],
                                                      damage: str) -> None:
    path = index_path(project)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "missing":
        path.unlink()
    elif damage == "other inputs":  # a whole index, made by another kg or for other settings
        header, _, body = data.partition(b"\n")
        inputs = body.split(b'"inputs":"', 1)[1][:64]
        body = body.replace(inputs, b"0" * 64, 1)
        path.write_bytes(header.split(b" ")[0] + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    else:  # the folder was written since the index was (another kg site)
        (project.output_dir / "site" / MARKER_NAME).touch()
    set_film_label(project.root, True)
    build_or_reuse(project, shacl=False)
    [result] = updates
    assert result.rendered == len(render_site(project).index.pages)  # type: ignore[union-attr]
    assert_site_is_a_full_render(project, tmp_path)
    # and the index it wrote is trusted by the next update
    set_film_label(project.root, False)
    build_or_reuse(project, shacl=False)
    assert updates[1].rendered < result.rendered / 2
    assert_site_is_a_full_render(project, tmp_path)


def test_no_page_reads_a_whole_map(project: Project) -> None:
    """A page that iterates a map of the graph would be rendered on every update."""
    index = render_site(project).index
    assert index is not None and len(index.pages) > 500
    assert [iri for iri, record in index.pages.items() if EVERYTHING in record.reads] == []
    kinds = {key[0] for record in index.pages.values() for key in record.reads}
    assert kinds == {"S", "s", "O", "L", "E"}
    assert sum(1 for record in index.pages.values() if record.drawn) >= 2
