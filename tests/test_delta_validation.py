"""Delta SHACL validation (kg.delta_validation): after any edit, the report a build publishes, its
conforms and its violation message are those of a full validation, byte for byte; a state it
cannot trust (damaged, foreign, other shapes, another output/, a kill while it was written) means
a full validation."""

from __future__ import annotations

import json
import signal
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.api import build_or_reuse
from kg.build_manifest import Reused
from kg.delta_validation import FORMAT, delta_report, state_path
from kg.errors import KgError
from kg.inputs.ontology import Vocabulary, load_ontology
from kg.namespaces import OA, RDF
from kg.outputs.rdf import ntriples
from kg.pipeline import build
from kg.project import Project, open_project
from kg.shacl import validate
from kg.shacl.locality import Context, Reach, Unbounded, reach_of
from kg.shacl.shapes import load_shapes, vocabulary_layer
from tests.helpers import kg_process, scratch_project
from tests.test_incremental import CACHED_EDITS, Scratch

AGE = "    property: kg:age\n    value: 37\n"


def published(project: Project, **options: object) -> tuple[dict[str, bytes] | str, str]:
    """`kg build`: the files it left in output/ (or its error message) and which validation it ran."""
    try:
        result = build_or_reuse(project, **options)  # type: ignore[arg-type]
    except KgError as exc:
        return f"{type(exc).__name__}: {exc}", "failed"
    if isinstance(result, Reused):
        how = "reused"
    else:
        assert result.validation is not None
        how = result.validation.how
    return {p.name: p.read_bytes() for p in project.output_dir.iterdir() if p.is_file()}, how


def clean(project: Project) -> dict[str, bytes] | str:
    """A clean build's files (which a full validation checked), or its error message."""
    try:
        files = build(project, cache=False).files
    except KgError as exc:
        return f"{type(exc).__name__}: {exc}"
    assert {p.name for p in project.output_dir.iterdir() if p.is_file()} <= set(files)
    return files


DELTA_EDITS = st.one_of(
    CACHED_EDITS,
    # 200 breaks the seed's age shape (a violation); the dates make and unmake a conflict (a warning)
    st.tuples(st.just("age"), st.sampled_from(["37", "200", "38"])),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(DELTA_EDITS, min_size=1, max_size=5))
def test_every_build_after_edits_publishes_a_full_validations_report(edits: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Scratch(scratch_project(Path(folder)))
        people = scratch.root / "facts" / "people.yaml"
        text = people.read_text(encoding="utf-8")
        assert AGE in text
        project = open_project(scratch.root)
        assert published(project)[0] == clean(project)
        for kind, value in edits:
            if kind == "age":
                people.write_text(text.replace(AGE, AGE.replace("37", str(value))), encoding="utf-8")
            else:
                scratch.apply(kind, value)
            built, how = published(project)
            assert built == clean(project), (kind, how)


def test_an_edit_validates_only_the_nodes_it_reaches(tmp_path: Path) -> None:
    """The age edit: the person and the age's statement, not the whole graph; 200 is a violation
    located by file:line, as a full validation reports it."""
    root = scratch_project(tmp_path)
    people = root / "facts" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    project = open_project(root)
    assert published(project)[1] == "full (no earlier validation)"
    people.write_text(text.replace(AGE, AGE.replace("37", "36")), encoding="utf-8")
    files, how = published(project)
    assert how.startswith("delta: ") and files == clean(project)
    focus = int(how.split()[1])
    assert 1 <= focus <= 10
    people.write_text(text.replace(AGE, AGE.replace("37", "200")), encoding="utf-8")
    message, _ = published(project)
    assert message == clean(project)
    assert isinstance(message, str) and "facts/people.yaml:8" in message and "an age is between 0 and 150" in message
    people.write_text(text, encoding="utf-8")
    files, how = published(project)
    assert how.startswith("delta: ") and files == clean(project)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, list[bytes]]:
    project = open_project(scratch_project(tmp_path_factory.mktemp("seed")))
    result = build(project, cache=False)
    return project, ntriples(result.graph.triples()).splitlines()


def _text(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def _full(project: Project, lines: list[bytes]) -> tuple[bytes, tuple[object, ...]]:
    ontology = load_ontology(project)
    triples = [q.triple for q in ox.parse(_text(lines), format=ox.RdfFormat.N_TRIPLES)]
    report = validate(triples, vocabulary_layer(ontology.triples, project.kg), project, engine="fast",
                      shapes=load_shapes(project, ontology))
    return report.turtle, report.results


GRAPH_EDITS = st.lists(st.tuples(st.sampled_from(["remove", "object from", "subject from"]),
                                 st.integers(min_value=0), st.integers(min_value=0)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GRAPH_EDITS, min_size=1, max_size=3))
def test_the_delta_of_any_triple_edits_is_the_full_report(seed: tuple[Project, list[bytes]],
                                                         steps: list[list[tuple[str, int, int]]]) -> None:
    """Triples removed, or copied with another triple's object or subject (a second value, a
    reference without its type, a statement of another node…), step after step: each delta,
    made from the previous step's results, is the full report."""
    project, lines = seed
    ontology = load_ontology(project)
    vocabulary = vocabulary_layer(ontology.triples, project.kg)
    shapes = load_shapes(project, ontology)
    turtle, results = _full(project, lines)
    current = list(lines)
    for edits in steps:
        new = list(current)
        for kind, i, j in edits:
            if not new:
                break
            line, other = new[i % len(new)], new[j % len(new)]
            s, p, rest = line.split(b" ", 2)
            if kind == "remove":
                new.remove(line)
            elif kind == "object from":
                new.append(b" ".join([s, p, other.split(b" ", 2)[2]]))
            else:
                new.append(b" ".join([other.split(b" ", 1)[0], p, rest]))
        new = sorted(set(new))
        try:
            report = delta_report(project, list(results), _text(current), _text(new), vocabulary, shapes,  # type: ignore[arg-type]
                                  "fast")[0]
        except Unbounded:  # a literal made a focus node: the build validates in full
            report = None
        turtle, results = _full(project, new)
        if report is not None:
            assert report.turtle == turtle
            assert report.results == results
        current = new


def test_a_node_is_validated_again_when_a_node_it_points_at_changes(seed: tuple[Project, list[bytes]]) -> None:
    """A reference loses its type: the statements derived from it (focus nodes the edit does not
    name) now violate sh:class oa:SpecificResource; the delta finds them."""
    project, lines = seed
    typed = f"<{RDF}type> <{OA}SpecificResource> .".encode()
    reference = next(line for line in lines if line.endswith(typed))
    new = [line for line in lines if line != reference]
    ontology = load_ontology(project)
    _, before = _full(project, lines)
    turtle, after = _full(project, new)
    statements = {r.focus for r in after if r.shape.endswith("Statement-reference")}
    assert statements and not any(r.shape.endswith("Statement-reference") for r in before)  # type: ignore[attr-defined]
    assert reference.split(b" ")[0][1:-1].decode() not in statements
    report, focus = delta_report(project, list(before), _text(lines), _text(new),  # type: ignore[arg-type]
                                 vocabulary_layer(ontology.triples, project.kg), load_shapes(project, ontology), "fast")
    assert report.turtle == turtle
    assert focus < len(lines) / 100


def _built(tmp_path: Path) -> tuple[Project, Path, str]:
    root = scratch_project(tmp_path)
    project = open_project(root)
    published(project)
    people = root / "facts" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace(AGE, AGE.replace("37", "36")), encoding="utf-8")
    return project, people, text


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "foreign key", "other format", "not json"])
def test_a_state_it_cannot_trust_means_a_full_validation(tmp_path: Path, damage: str) -> None:
    project, _, _ = _built(tmp_path)
    path = state_path(project)
    data = path.read_bytes()
    header, _, body = data.partition(b"\n")
    if damage == "flip a byte":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:
        import hashlib

        raw = json.loads(body)
        if damage == "foreign key":
            raw["key"] = "0" * 64
        elif damage == "other format":
            raw["format"] = "kg-validation/0"
        body = json.dumps(raw).encode() if damage != "not json" else b"[1, 2"
        path.write_bytes(f"{FORMAT} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
    files, how = published(project)
    assert how.startswith("full (") and files == clean(project)
    again = build_or_reuse(project)
    assert isinstance(again, Reused)


def test_changed_shapes_or_output_mean_a_full_validation(tmp_path: Path) -> None:
    project, people, text = _built(tmp_path)
    shapes = project.root / "shapes" / "domain.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace("an age is between", "ages are between"),
                      encoding="utf-8")
    files, how = published(project)
    assert how == "full (the shapes, vocabulary, engine, settings or kg changed)" and files == clean(project)
    nquads = project.output_dir / "vyzov.nq"
    nquads.write_bytes(nquads.read_bytes() + b"\n")
    people.write_text(text, encoding="utf-8")
    files, how = published(project)
    assert how == "full (output/vyzov.nq is not the last validated build's)" and files == clean(project)
    people.write_text(text.replace(AGE, AGE.replace("37", "35")), encoding="utf-8")
    files, how = published(project)
    assert how.startswith("delta: ") and files == clean(project)
    files, how = published(project, full_validation=True)
    assert how == "full (--full-validation)" and files == clean(project)


def test_a_build_killed_while_writing_the_state_leaves_the_next_build_correct(tmp_path: Path) -> None:
    project, people, text = _built(tmp_path)
    old_state = state_path(project).read_bytes()
    killed = kg_process(project.root, "build", "-q", hook="validation-state")
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, err
    assert state_path(project).read_bytes() == old_state  # the new one was never renamed in
    assert [p for p in state_path(project).parent.iterdir() if p.name.startswith(".")]
    people.write_text(text.replace(AGE, AGE.replace("37", "200")), encoding="utf-8")
    again = kg_process(project.root, "build", "-v")
    out, err = again.communicate(timeout=300)
    failure = clean(project)
    assert again.returncode == 1 and isinstance(failure, str) and failure.removeprefix("ValidationFailed: ") in err
    people.write_text(text, encoding="utf-8")
    again = kg_process(project.root, "build", "-v")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "SHACL: full (output/vyzov.nq is not the last validated build's)" in out
    built = {name: (project.output_dir / name).read_bytes() for name in clean(project)}  # type: ignore[union-attr]
    assert built == clean(project)
    assert not [p for p in state_path(project).parent.iterdir() if p.name.startswith(".")]


def _reach(select: str, kind: str = "SPARQLConstraint") -> Reach:
    text = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:{'sparql' if kind == 'SPARQLConstraint' else 'target'} ex:q .
        ex:q a sh:{kind} ; sh:prefixes ex:p ; sh:select \"\"\"{select}\"\"\" .
        ex:p sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ."""
    triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
    return reach_of(Vocabulary(tuple(triples), {}))


EX = b"<http://example.org/"


def test_patterns_are_anchored_only_where_the_focus_node_binds_them() -> None:
    reach = _reach("SELECT $this WHERE { $this ex:p ?x . ?x ex:q ?y . OPTIONAL { ?y ex:r ?z } "
                   "FILTER NOT EXISTS { ?z ex:s ?w } }")
    local = {(p.predicate, p.anchor, tuple(sorted(p.paths))) for p in reach.local}
    assert (EX + b"p>", "s", ((),)) in local
    assert (EX + b"q>", "s", (((EX + b"p>", True),),)) in local
    assert (EX + b"r>", "s", (((EX + b"p>", True), (EX + b"q>", True)),)) in local
    # ?z is bound only inside the OPTIONAL: the NOT EXISTS may see it unbound and match ex:s anywhere
    assert Context(None, EX + b"s>", None) in reach.context
    assert not any(p.predicate == EX + b"s>" for p in reach.local)


def test_an_optional_before_what_binds_its_anchor_reads_the_whole_graph() -> None:
    reach = _reach("SELECT ?this WHERE { OPTIONAL { ?x ex:r ?this } ?this ex:p ?o }", "SPARQLTarget")
    assert Context(None, EX + b"r>", None) in reach.context


@pytest.mark.parametrize("select", [
    "SELECT $this WHERE { $this ex:p ?x . MINUS { ?x ex:q ?y } }",
    "SELECT $this WHERE { $this ex:p ?x . { SELECT ?x WHERE { ?x ex:q ?y } } }",
    "SELECT $this WHERE { $this ex:p|ex:q ?x }",
    "SELECT $this WHERE { VALUES ?x { ex:a } $this ex:p ?x }",
    "SELECT $this WHERE { ?a ?b ?c }",
])
def test_sparql_the_analysis_cannot_bound_means_full_validation(select: str) -> None:
    with pytest.raises(Unbounded):
        _reach(select)
