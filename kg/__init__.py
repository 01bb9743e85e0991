"""kg: publish quoted news claims as a schema.org / Wikidata-aligned knowledge graph.

The library API (kg.api): `open_project`, `init`, `add_source`, `validate`, `add`, `build`, `load`,
`publish` (named as the commands of the CLI, which is a shell over them). Each takes the Project first and keywords after it; `import kg` stays light (each call
imports what it needs).
"""

__version__ = "0.2.0"

from kg.api import add, add_source, build, init, load, open_project, publish, validate  # noqa: E402

__all__ = ["__version__", "add", "add_source", "build", "init", "load", "open_project", "publish", "validate"]
