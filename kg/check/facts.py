"""Check new facts against the curated ones without changing anything."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.check.baseline import Baseline, open_baseline
from kg.check.outcome import Outcome
from kg.conflicts import Evidence, group_conflicts
from kg.files import display_path
from kg.inputs.facts import read_facts
from kg.inputs.ontology import Ontology, load_ontology
from kg.inputs.wikidata_ids import verified_ids
from kg.mapping import MappedGraph, Minter, map_facts
from kg.model import UNITS, Claim, EntityValue, Facts, LiteralValue, QuantityValue
from kg.project import Project
from kg.rules import Problem, Rule, errors_of


def value_text(claim: Claim) -> str:
    """A claim's value as the facts format writes it: entity id, lexical form, or 'amount unit'."""
    value = claim.value
    if isinstance(value, EntityValue):
        return value.id
    if isinstance(value, LiteralValue):
        return value.lexical
    assert isinstance(value, QuantityValue)
    return f"{value.amount} {UNITS[value.unit][1]}"


def validate_facts(paths: list[Path], project: Project, shacl: bool = True) -> Outcome:
    """Validate facts files as if they were added to facts/; problems only for those files."""
    ontology, known_qids = load_ontology(project), verified_ids(project.reference_table)
    baseline, notes = open_baseline(project, paths, ontology, known_qids)
    facts = read_facts(paths, ontology, baseline.sources, known_qids, project.root, known=baseline.entities)
    shown = {display_path(p, project.root) for p in paths}
    cited = {r.source for c in facts.claims for r in c.refs}
    cited |= {r.source for e in facts.entities.values() for n in e.names for r in n.refs}
    new = map_facts(facts, {key: baseline.sources[key] for key in sorted(cited)}, project)
    problems = [*facts.problems, *new.problems]
    problems += _against_baseline(facts.claims, baseline, ontology, Minter(project))
    if shacl and not errors_of(problems):
        problems += _shacl(facts, new, baseline, ontology, project)
    return Outcome(tuple(sorted(shown)), tuple(problems), tuple(notes))


def _against_baseline(claims: list[Claim], baseline: Baseline, ontology: Ontology, mint: Minter) -> list[Problem]:
    problems = []
    for claim in claims:
        statement = mint.claim_statement(claim)
        rank = baseline.rank(statement)
        if rank is not None:
            where = baseline.where(statement.value)
            if rank != claim.rank:
                problems.append(Problem(
                    Rule.INCONSISTENT_RANK,
                    f"the same triple has rank {rank} at {where} and {claim.rank} here; give every claim "
                    "of one triple the same rank", claim.file, claim.line,
                ))
            else:
                problems.append(Problem(
                    Rule.DUPLICATE_CLAIM,
                    f"duplicate of the claim at {where}; its references will be merged", claim.file, claim.line,
                ))
            continue
        if claim.rank == "deprecated":
            continue
        subject, prop, value = mint.entity(claim.subject), ox.NamedNode(claim.property), mint.value(claim.value, claim)
        quotes = tuple((r.source, r.quote) for r in claim.refs)
        ours = Evidence(subject.value, prop.value, value, statement.value, quotes)
        actual = ontology.planned.get(prop.value)
        stated = baseline.evidence(subject, ox.NamedNode(actual)) if actual else []
        evidence = [*baseline.evidence(subject, prop), ours, *stated]
        for conflict in group_conflicts(evidence, ontology.functional, ontology.planned):
            sources = ", ".join(sorted({source for source, _ in ours.quotes}))
            note = conflict.note(ontology.compact)
            for rival in conflict.evidence:
                if rival.value == value:
                    continue
                problems.append(Problem(
                    Rule.CONFLICT,
                    f"contradicts {baseline.where(rival.statement)}: "
                    f"{claim.subject} has {baseline.value_text(rival.value)} "
                    f"(source {', '.join(source for source, _ in rival.quotes)}), this claim says {value_text(claim)} "
                    f"(source {sources})" + (f"; {note}" if note else ""),
                    claim.file, claim.line,
                ))
    return problems


def _shacl(facts: Facts, new: MappedGraph, baseline: Baseline, ontology: Ontology, project: Project) -> list[Problem]:
    from kg.check.neighbourhood import validate_joining
    from kg.shacl.origins import origins_of

    mint = Minter(project)
    touched = {mint.entity(c.subject).value for c in facts.claims}
    touched |= {mint.entity(e).value for e in facts.entities}
    touched |= {st.iri.value for st in new.statements} | {r.value for st in new.statements for r in st.refs}
    if not touched:
        return []
    return validate_joining(new.triples(), touched, baseline, ontology.triples, project,
                            origins_of(facts, new.statements, project))


