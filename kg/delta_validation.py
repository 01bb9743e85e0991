"""SHACL on what an edit changed: the focus nodes the added and removed triples can affect are
validated again over the part of the graph that decides their results; every other focus node
keeps the result the last validated build recorded. The report is the one a full validation
writes, byte for byte (kg.shacl.report renders both from the same results).

The state (.kg/cache/validation/state, header `kg-validation/1 <sha256 of the JSON>`) holds the
last validated build's results and names the published N-Quads file whose default graph is the
graph they are of (its sha256 and the length of that default graph), under a key: kg's code, the
engine, the shapes, the vocabulary layer and the project's settings. A damaged, other-format or
other-key state, a changed output/ file, an edit to a triple some shape reads anywhere in the
graph (kg.shacl.locality's context patterns), shapes the analysis cannot bound, the pyshacl engine
or blank nodes in the graph: a full validation, which then writes the state again."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.build_cache import project_settings, write_entry
from kg.build_manifest import Stamp, code_fingerprint, read_manifest, stamp
from kg.cache_entry import seal, term_from_row, term_row, unseal
from kg.inputs.ontology import Vocabulary
from kg.lock import STATE_DIR
from kg.outputs import output
from kg.outputs.rdf import ntriples
from kg.project import Project
from kg.shacl import validate
from kg.shacl.locality import Context, Local, Path as StepPath, Reach, Unbounded, reach_of
from kg.shacl.report import ShaclReport, ShaclResult, ordered, report_turtle
from kg.store_delta import difference

FORMAT = "kg-validation/1"
STATE_FILE = Path(STATE_DIR) / "cache" / "validation" / "state"
# Above this share of the graph's triples in focus, validating the part costs what the whole does.
FULL_SHARE = 0.2


@dataclass(frozen=True)
class Validation:
    """How a build validated: its report, which validation ran (and why a full one), and the key
    its state is saved under (None: the state cannot describe this build)."""

    report: ShaclReport
    how: str
    key: str | None = None


def state_path(project: Project) -> Path:
    return project.root / STATE_FILE


def validation_key(project: Project, shapes: Vocabulary, vocabulary: Sequence[ox.Triple], engine: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}\0{engine}\0".encode())
    digest.update(b"".join(sorted(ntriples(shapes.triples).splitlines(keepends=True))))
    digest.update(json.dumps(shapes.prefixes, sort_keys=True).encode() + b"\0")
    digest.update(b"".join(sorted(ntriples(vocabulary).splitlines(keepends=True))))
    digest.update(json.dumps(project_settings(project), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def validate_graph(project: Project, triples: list[ox.Triple], vocabulary: list[ox.Triple], shapes: Vocabulary,
                   engine: str, graph_text: Callable[[], bytes], full: str | None = None) -> Validation:
    """The report of the triples (`graph_text`: their N-Triples, as kg.outputs.rdf writes them):
    the delta on the last state where it can be, else a full validation; `full` names a reason to
    run the full one anyway."""
    if engine != "fast":
        return _full(triples, vocabulary, project, engine, shapes, "the pyshacl engine validates the whole graph", None)
    key = validation_key(project, shapes, vocabulary, engine)
    if full is not None:
        return _full(triples, vocabulary, project, engine, shapes, full, key)
    previous = _read_state(project, key)
    if isinstance(previous, str):
        return _full(triples, vocabulary, project, engine, shapes, previous, key)
    results, old_text = previous
    try:
        delta = delta_report(project, results, old_text, graph_text(), vocabulary, shapes, engine)
    except Unbounded as reason:
        return _full(triples, vocabulary, project, engine, shapes, str(reason), key)
    report, focus = delta
    return Validation(report, f"delta: {focus} focus node{'s' if focus != 1 else ''}", key)


def _full(triples: list[ox.Triple], vocabulary: list[ox.Triple], project: Project, engine: str, shapes: Vocabulary,
          why: str, key: str | None) -> Validation:
    return Validation(validate(triples, vocabulary, project, engine=engine, shapes=shapes), f"full ({why})", key)


def delta_report(project: Project, previous: list[ShaclResult], old_text: bytes, new_text: bytes,
                 vocabulary: list[ox.Triple], shapes: Vocabulary, engine: str) -> tuple[ShaclReport, int]:
    """The full report of the graph `new_text`, from the results of the graph `old_text` and a
    validation of the focus nodes the difference can affect; raises Unbounded where it cannot."""
    if b"_:" in old_text or b"_:" in new_text:
        raise Unbounded("blank nodes in the graph")
    old_lines, new_lines = sorted(old_text.splitlines()), sorted(new_text.splitlines())
    removed, added = difference(old_lines, new_lines)
    if not removed and not added:
        return ShaclReport(tuple(previous), report_turtle(previous, project)), 0
    reach = reach_of(shapes)
    graph = LineGraph(new_lines, new_text, ntriples(vocabulary).splitlines())
    focus = affected(reach, graph, [*removed, *added], len(new_lines))
    if any(not f.startswith(b"<") for f in focus):
        raise Unbounded("a literal focus node")
    part = graph.part(reach, focus)
    triples = [q.triple for q in ox.parse(b"\n".join(part) + b"\n", format=ox.RdfFormat.N_TRIPLES)] if part else []
    report = validate(triples, vocabulary, project, engine=engine, shapes=shapes)
    names = {f[1:-1].decode() for f in focus}
    results = ordered([*(r for r in previous if r.focus not in names), *(r for r in report.results if r.focus in names)])
    return ShaclReport(tuple(results), report_turtle(results, project)), len(focus)


def affected(reach: Reach, graph: LineGraph, changed: Iterable[bytes], size: int) -> set[bytes]:
    """The focus nodes whose results the changed triples can change: for each local pattern a
    changed triple matches, the nodes its anchor is reached from (in the new graph)."""
    focus: set[bytes] = set()
    for line in changed:
        s, p, o = split(line)
        for pattern in reach.context:
            if _matches(pattern, s, p, o):
                raise Unbounded(f"the edit changes a triple the shapes read anywhere ({line.decode()[:120]})")
        for local in reach.local:
            if _matches(local, s, p, o):
                anchor = s if local.anchor == "s" else o
                for path in local.paths:
                    focus |= graph.back(anchor, path)
        if len(focus) > max(1000, FULL_SHARE * size):
            raise Unbounded(f"the edit reaches more than {len(focus)} focus nodes")
    return focus


def _matches(pattern: Local | Context, s: bytes, p: bytes, o: bytes) -> bool:
    return ((pattern.subject is None or pattern.subject == s) and (pattern.predicate is None or pattern.predicate == p)
            and (pattern.object is None or pattern.object == o))


def split(line: bytes) -> tuple[bytes, bytes, bytes]:
    """An N-Triples line's subject, predicate and object as N-Triples text."""
    s, p, rest = line.split(b" ", 2)
    return s, p, rest[:-2]


class LineGraph:
    """The new graph as N-Triples lines (sorted: a subject's lines by bisection; objects found in
    the text), plus the vocabulary layer's lines."""

    def __init__(self, sorted_lines: list[bytes], text: bytes, vocabulary: list[bytes]) -> None:
        self.lines = sorted_lines
        self.text = text
        self.vocabulary = vocabulary
        self._objects: dict[bytes, list[bytes]] = {}

    def with_subject(self, subject: bytes) -> list[bytes]:
        key = subject + b" "
        out = [line for line in self.vocabulary if line.startswith(key)]
        i = bisect.bisect_left(self.lines, key)
        while i < len(self.lines) and self.lines[i].startswith(key):
            out.append(self.lines[i])
            i += 1
        return out

    def with_object(self, obj: bytes) -> list[bytes]:
        if obj not in self._objects:
            needle = b" " + obj + b" .\n"
            found = [line for line in self.vocabulary if line.endswith(needle[:-1]) and split(line)[2] == obj]
            at = self.text.find(needle)
            while at >= 0:
                start = self.text.rfind(b"\n", 0, at) + 1
                line = self.text[start:at + len(needle) - 1]
                if split(line)[2] == obj:
                    found.append(line)
                at = self.text.find(needle, at + 1)
            self._objects[obj] = found
        return self._objects[obj]

    def step(self, nodes: set[bytes], predicate: bytes | None, forward: bool) -> set[bytes]:
        """The nodes one step from `nodes`: objects of their `predicate` triples (forward), or subjects."""
        out = set()
        for node in nodes:
            for line in self.with_subject(node) if forward else self.with_object(node):
                s, p, o = split(line)
                if predicate is None or p == predicate:
                    out.add(o if forward else s)
        return out

    def back(self, anchor: bytes, path: StepPath) -> set[bytes]:
        """The nodes from which `path` reaches `anchor`."""
        nodes = {anchor}
        for predicate, forward in reversed(path):
            nodes = self.step(nodes, predicate, not forward)
        return nodes

    def part(self, reach: Reach, focus: set[bytes]) -> list[bytes]:
        """Every line of the graph a check of a focus node can match: for each local pattern, its
        lines at the terms its paths reach from the focus nodes; and every line of a context pattern."""
        reached: dict[StepPath, set[bytes]] = {(): set(focus)}

        def at(path: StepPath) -> set[bytes]:
            if path not in reached:
                predicate, forward = path[-1]
                reached[path] = self.step(at(path[:-1]), predicate, forward)
            return reached[path]

        lines: set[bytes] = set()
        for local in reach.local:
            for path in local.paths:
                for node in at(path):
                    for line in self.with_subject(node) if local.anchor == "s" else self.with_object(node):
                        if _matches(local, *split(line)):
                            lines.add(line)
        for pattern in reach.context:
            lines.update(self.matching(pattern))
        vocabulary = set(self.vocabulary)
        return sorted(line for line in lines if line not in vocabulary)

    def matching(self, pattern: Context) -> list[bytes]:
        if pattern.subject is not None:
            candidates = self.with_subject(pattern.subject)
        elif pattern.object is not None:
            candidates = self.with_object(pattern.object)
        else:
            assert pattern.predicate is not None, "kg.shacl.locality refuses a pattern without a constant"
            candidates = []
            needle = b" " + pattern.predicate + b" "
            at = self.text.find(needle)
            while at >= 0:
                start = self.text.rfind(b"\n", 0, at) + 1
                end = self.text.find(b"\n", at)
                candidates.append(self.text[start:end])
                at = self.text.find(needle, end)
        return [line for line in candidates if _matches(pattern, *split(line))]


# ---------------------------------------------------------------------- the state


def _read_state(project: Project, key: str) -> tuple[list[ShaclResult], bytes] | str:
    """The last state's results and the N-Triples of the graph they are of; or why there are none."""
    try:
        data = state_path(project).read_bytes()
    except OSError:
        return "no earlier validation"
    body = unseal(FORMAT, data)
    if body is None:
        return "the last validation's state is damaged"
    try:
        raw = json.loads(body)
        if raw["format"] != FORMAT:
            return "the last validation's state is of another format"
        if raw["key"] != key:
            return "the shapes, vocabulary, engine, settings or kg changed"
        results = [_result(row) for row in raw["results"]]
        nquads, length = str(raw["nquads"]), int(raw["length"])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return "the last validation's state is damaged"
    name = output("dataset-nquads").name(project)
    path = project.output_dir / name
    manifest = read_manifest(project)
    try:
        current = stamp(path, manifest.outputs.get(name) if manifest else None)
        text = path.read_bytes()[:length] if current.sha256 == nquads else None
    except OSError:
        return f"output/{name} cannot be read"
    if text is None or len(text) != length or (text and not text.endswith(b"\n")):
        return f"output/{name} is not the last validated build's"
    return results, text


def save_state(project: Project, validation: Validation | None, results_of: bytes, nquads: Stamp | None) -> None:
    """Keep `validation`'s results as the state of the graph whose N-Triples are `results_of`,
    published in the N-Quads file `nquads` (stamped after it was written)."""
    if validation is None or validation.key is None or nquads is None:
        return
    body = json.dumps({"format": FORMAT, "key": validation.key, "nquads": nquads.sha256, "length": len(results_of),
                       "results": [_row(r) for r in validation.report.results]},
                      ensure_ascii=False, separators=(",", ":")).encode()
    path = state_path(project)
    for leftover in path.parent.glob(f".{path.name}.*"):  # what a killed write left
        leftover.unlink(missing_ok=True)
    write_entry(path, seal(FORMAT, body), "validation-state")


def _row(r: ShaclResult) -> list[Any]:
    return [r.severity, r.focus, r.path, r.value, r.message, r.shape,
            None if r.value_term is None else term_row(r.value_term), r.component]


def _result(row: list[Any]) -> ShaclResult:
    severity, focus, path, value, message, shape, value_term, component = row
    return ShaclResult(str(severity), str(focus), None if path is None else str(path),
                       None if value is None else str(value), str(message), str(shape),
                       None if value_term is None else term_from_row(value_term), str(component))
