"""`kg rules`: the rule registry (kg.rules) as people read it, as `ruff rule` does for ruff."""

from __future__ import annotations

import click

from kg.cli.app import handles_errors, main


@main.command()
@click.argument("rule", required=False)
@handles_errors
def rules(rule: str | None) -> None:
    """List every rule kg checks (code, severity, name, summary), or explain RULE in full: what
    it means and how to fix it. RULE is a code (KG007) or a name (quote-not-found). Needs no
    project.

    \b
    Examples:
      kg rules
      kg rules KG007
    """
    from kg.rules import Rule, rule_list, rule_text

    click.echo(rule_list() if rule is None else rule_text(Rule.find(rule)), nl=False)
