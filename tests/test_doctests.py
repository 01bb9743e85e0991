"""The docstring examples of kg's modules are tests: every one runs, and the library API's must exist."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(m.name for m in pkgutil.walk_packages(kg.__path__, "kg."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the examples make projects of their own in temporary folders: their stores go there too
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


@pytest.mark.parametrize("name", ["init", "build", "publish"])
def test_the_library_api_shows_how_each_call_is_used(name: str) -> None:
    """The calls a Python user starts with carry a runnable example in their docstring."""
    assert ">>> " in (getattr(kg, name).__doc__ or "")


def test_no_module_shadows_a_call_of_the_api() -> None:
    """`import kg.x` sets the attribute kg.x: a module named like a call would replace the call."""
    for name in kg.__all__:
        assert name not in {m.rsplit(".", 1)[-1] for m in MODULES if m.count(".") == 1}, name
        assert callable(getattr(kg, name)) or name == "__version__"


def test_the_library_api_takes_keywords_after_the_project() -> None:
    import inspect

    for name in ("build", "load", "validate", "add", "add_source", "publish"):
        parameters = list(inspect.signature(getattr(kg, name)).parameters.values())
        assert parameters[0].name == "project"
        assert all(p.kind is not p.POSITIONAL_OR_KEYWORD for p in parameters[1:] if p.name != "location"), name
