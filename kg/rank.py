"""`kg rank`: prefer or deprecate a claim with a reason, without editing YAML by hand. The claim's
`rank:` and `note:` lines are rewritten in place (every other line, comments included, stays as it
was), output/ is rebuilt from the edited facts, and both are written as one change, as `kg add`
writes its files (kg.merge.apply).

A statement (one subject, property, value and qualifiers) may be claimed in several places; every
claim of it gets the new rank and note, since a statement has one rank (KG025)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.check.facts import value_text
from kg.check.outcome import Outcome
from kg.errors import InputError
from kg.files import display_path
from kg.inputs import lexical
from kg.inputs.yamlio import Located, LocatedList, parse_yaml
from kg.mapping import Minter
from kg.merge import Plan, apply, changed_outputs
from kg.model import RANKS, Claim
from kg.origins import graph_origins
from kg.pipeline import build, load_inputs
from kg.project import Project

STATEMENT_HASH = re.compile(r"(?:.*statement/)?([0-9a-f]{16})")


@dataclass(frozen=True)
class Ranked:
    statement: str  # the statement IRI
    rank: str
    claims: list[str]  # file:line of every claim edited
    plan: Plan


def parse_selector(words: list[str]) -> tuple[str] | tuple[str, str, str]:
    """A statement (its IRI, statement/HASH or the hash) or SUBJECT PROPERTY VALUE."""
    if len(words) == 1 and STATEMENT_HASH.fullmatch(words[0]):
        return (words[0],)
    if len(words) == 3:
        return (words[0], words[1], words[2])
    raise InputError("name the claim by its statement (IRI, statement/HASH or HASH, as kg explain shows it) "
                     f"or by SUBJECT PROPERTY VALUE; got {' '.join(words)!r}")


def rank_claims(project: Project, selector: tuple[str] | tuple[str, str, str], rank: str, reason: str,
                *, dry_run: bool = False, wait: bool = True) -> Ranked:
    """Give every claim of the selected statement `rank` and the note `reason`, rebuild, and write
    facts and output/ (and a current store) as one change, holding the project lock."""
    from kg.lock import writing

    if rank not in RANKS:
        raise InputError(f"rank {rank!r} must be one of {', '.join(RANKS)}")
    problem = lexical.one_line_problem(reason) if reason.strip() else "is empty"
    if problem:
        raise InputError(f"--reason {problem}: give the reason as one line of text")
    with writing(project, "kg rank", wait=wait):
        inputs = load_inputs(project)
        mint = Minter(project)
        claims, statement = _select(project, inputs.facts.claims, selector, mint, inputs.ontology.expand)
        originals = {path: path.read_bytes() for path in {project.root / c.file for c in claims}}
        texts = {path: data.decode("utf-8") for path, data in originals.items()}
        for claim in sorted(claims, key=lambda c: -c.line):  # bottom up: line numbers above stay right
            path = project.root / claim.file
            texts[path] = edit_claim(texts[path], claim.file, claim.line, rank, reason)
        result = build(project, fact_texts=texts)
        plan = Plan(Outcome((), (), ()), {p: t.encode("utf-8") for p, t in texts.items()},
                    changed_outputs(result.files, project),
                    graph_origins(result.inputs.facts, result.graph, project), result)
        if not dry_run:
            for path, data in originals.items():
                if path.read_bytes() != data:
                    raise InputError(f"{display_path(path, project.root)} changed while kg rank ran; nothing was "
                                     "changed: run kg rank again")
            apply(plan, project)
    return Ranked(statement, rank, [f"{c.file}:{c.line}" for c in sorted(claims, key=lambda c: (c.file, c.line))],
                  plan)


def _select(project: Project, claims: list[Claim], selector: tuple[str] | tuple[str, str, str], mint: Minter,
            expand: Callable[[str], str]) -> tuple[list[Claim], str]:
    by_statement: dict[str, list[Claim]] = {}
    for claim in claims:
        by_statement.setdefault(mint.claim_statement(claim).value, []).append(claim)
    if len(selector) == 1:
        found = STATEMENT_HASH.fullmatch(selector[0])
        assert found is not None
        iri = f"{project.base_iri}statement/{found.group(1)}"
        if iri not in by_statement:
            raise InputError(f"no claim in facts/ has the statement {selector[0]} (an entity's type or names "
                             "have no rank; kg explain shows the statements of claims)")
        return by_statement[iri], iri
    subject, curie, wanted = selector
    prop = expand(curie)
    matching = {iri: group for iri, group in by_statement.items()
                if group[0].subject == subject and group[0].property == prop and value_text(group[0]) == wanted}
    if not matching:
        raise InputError(f"no claim in facts/ says {subject} {curie} {wanted} (the value as the facts file "
                         "writes it: an entity id, 2021-10-16, 38, '1.9 m')")
    if len(matching) > 1:
        listed = "; ".join(f"{iri.rsplit('/', 1)[-1]} ({', '.join(f'{c.file}:{c.line}' for c in group)}"
                           f"{_qualifiers(group[0])})" for iri, group in sorted(matching.items()))
        raise InputError(f"{subject} {curie} {wanted} is claimed as {len(matching)} statements with different "
                         f"qualifiers: {listed}; give the statement's hash instead")
    [(iri, group)] = matching.items()
    return group, iri


def _qualifiers(claim: Claim) -> str:
    parts = [f"point_in_time {claim.point_in_time}"] if claim.point_in_time else []
    parts += [f"role {claim.role}"] if claim.role else []
    return f", {', '.join(parts)}" if parts else ""


def edit_claim(text: str, file: str, line: int, rank: str, reason: str) -> str:
    """The facts text with the claim starting at `line` given `rank: RANK` and `note: "REASON"`:
    an existing rank or note line is rewritten in place, a missing one inserted after the value;
    no other line changes. A claim written as a flow mapping ({subject: …}) is refused."""
    claim = _claim_at(parse_yaml(text, file).data, line)
    if claim is None:
        raise InputError(f"{file}:{line}: no claim starts here any more; nothing was changed")
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, list[str]]] = []  # (first line index, end index, new lines)
    column = _key_column(lines, claim, "value", file)
    newline = "\n" if not lines[-1].endswith("\r\n") else "\r\n"
    # a JSON string is a YAML double-quoted scalar; the reason is one line of printable text
    wanted = {"rank": rank, "note": json.dumps(reason, ensure_ascii=False)}
    inserted = []
    for key in ("rank", "note"):
        if key in claim:
            first = claim.line_of(key) - 1
            prefix = lines[first][:_key_column(lines, claim, key, file)]
            comment = re.search(r"\s+#.*$", lines[first].rstrip("\r\n")) if key == "rank" else None
            edits.append((first, _block_end(lines, first, len(prefix)),
                          [f"{prefix}{key}: {wanted[key]}{comment.group(0) if comment else ''}{newline}"]))
        else:
            inserted.append(f"{' ' * column}{key}: {wanted[key]}{newline}")
    if inserted:
        after = _block_end(lines, claim.line_of("value") - 1, column)
        edits.append((after, after, inserted))
    for first, end, new in sorted(edits, reverse=True):
        lines[first:end] = new
    return "".join(lines)


def _claim_at(document: object, line: int) -> Located | None:
    claims = document.get("claims") if isinstance(document, Located) else None
    if isinstance(claims, LocatedList):
        for claim in claims:
            if isinstance(claim, Located) and claim.line == line:
                return claim
    return None


def _key_column(lines: list[str], claim: Located, key: str, file: str) -> int:
    """Where the key starts on its line; refused unless the claim is a block mapping."""
    number = claim.line_of(key)
    found = re.match(rf"^(\s*(?:-\s+)?){key}:(?:\s|$)", lines[number - 1])
    if found is None:
        raise InputError(f"{file}:{number}: kg rank edits claims written one key a line; this claim is a flow "
                         "mapping ({…}): write it as a block, or edit its rank and note by hand")
    return len(found.group(1))


def _block_end(lines: list[str], first: int, column: int) -> int:
    """The index after a key's block: its line and every following line indented deeper (blank
    lines inside it included, trailing ones not)."""
    end = first + 1
    probe = end
    while probe < len(lines):
        stripped = lines[probe].strip()
        indent = len(lines[probe]) - len(lines[probe].lstrip())
        if stripped and indent <= column:
            break
        probe += 1
        if stripped:
            end = probe
    return end
