"""kg is a tool, not one dataset's program, and its stages are modules that do not import in circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.project import open_project

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECTS = [PACKAGE.parent, FIXTURES / "seed"]


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.parametrize("root", PROJECTS, ids=["live project", "seed fixture"])
def test_no_dataset_name_title_or_iri_is_written_into_kg(root: Path) -> None:
    """What kg.toml says of a dataset (its name, title and base IRI) appears nowhere in the package."""
    project = open_project(root)
    words = {project.name.casefold(), project.title.casefold(), project.base_iri.casefold(), project.kg.casefold()}
    found = [
        f"{path.relative_to(PACKAGE.parent)}: {word}"
        for path in _package_files()
        for word in words
        if word in path.read_bytes().decode("utf-8", "replace").casefold()
    ]
    assert found == []


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The kg modules a module imports when it is itself imported (module level, TYPE_CHECKING aside);
    `from package import submodule` imports the submodule."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                break
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("kg"):
                submodules = {f"{child.module}.{a.name}" for a in child.names} & modules
                found.update(submodules)
                if len(submodules) < len(child.names):
                    found.add(child.module)
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("kg"))
    return found


def _module_graph() -> dict[str, set[str]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    names = set(modules)
    return {name: {m for m in _imports(path, names) if m in names and m != name} for name, path in modules.items()}


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def test_no_import_cycles_between_modules() -> None:
    """Importing a module imports its parent packages first, so an edge into a package counts as
    an edge into its __init__; a package's __init__ importing its own submodules is no cycle."""
    graph = _module_graph()
    cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for target in graph.get(node, ()):
                if target == start and not (start in _parents(node) or node in _parents(start)):
                    cycles.append(" -> ".join([*path, start]))
                elif target not in path and len(path) < 8:
                    stack.append((target, [*path, target]))
    assert cycles == []


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """`kg --help` (and every command until it runs) loads neither the SHACL engines nor rdflib,
    pyshacl, requests or the YAML reader: each command imports what it needs when it runs."""
    import subprocess
    import sys

    probe = ("import sys, kg.cli; print(sorted(m for m in ('rdflib', 'pyshacl', 'requests', 'yaml', 'jinja2', "
             "'kg.shacl.compiled', 'kg.shacl.pyshacl_engine', 'kg.pipeline') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
