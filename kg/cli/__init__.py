"""The kg command line: a thin shell over the library (parse options, call, report). Each
module registers its commands on the one group, kg.cli.app.main."""

from kg.cli import draft, export, read, remote, rules, web, write  # noqa: F401 - importing registers the commands
from kg.cli.app import main

__all__ = ["main"]
