"""The Wikidata statements (kg.outputs.wikidata_statements) as QuickStatements v1 commands, to
paste into https://quickstatements.toolforge.org ("New batch", "Import V1 commands").

The syntax (Help:QuickStatements, "Command sequence syntax"; its reference implementation,
magnusmanske/quickstatements public_html/quickstatements.php, importDataFromV1 and parseValueV1):
one command a line, its fields separated by a tab: `Q4350906<TAB>P27<TAB>Q159`, then qualifiers
(`P585<TAB>+2021-10-05T00:00:00Z/11`) and sources (`S854<TAB>"https://…"`). Values: an item `Q…`;
a string or URL `"text"`; monolingual text `en:"text"`; a time `+2021-10-05T00:00:00Z/11` (the
precision after the slash); a quantity `1.9`, with a unit item `1.9U11573`.

References. All the S-fields of one line make one reference (the importer gathers them into one
`sources` command, added with one wbsetreference). Several references of one statement are
therefore one line each, the statement repeated: QuickStatements does not add a statement that
exists with the same value, it adds the line's reference to it (OpenRefine/OpenRefine#2320:
"the whole statement has to be duplicated just with the different reference"). The newer `!S`
marker that starts a second reference on one line is honoured only for items the same batch
creates, so it is not used. The qualifiers are repeated on each line; QuickStatements adds those
the statement lacks.

What is written, what is not (`QuickStatementsExport.report` says it on stderr):
- only statements whose item, property and value have a Wikidata ID from the reference table; a
  qualifier whose value has none (a role without an item) is left out, the statement kept;
- deprecated statements are not exported (a curator judged them wrong; Wikidata's deprecated rank
  cannot be set in v1), nor disputed ones (values kg.conflicts reports as a conflict: curators
  decide first); both are listed;
- ranks: v1 has no syntax for a rank, so a preferred statement is written as a normal one;
- times at most to the day (precision 11, the UTC day): Wikibase refuses hour, minute and second
  precisions (wmde/Time#69, "we block hour, minute and second precisions");
- text that v1 cannot carry is refused, never altered: a tab or a line break would split the
  command, and v1 has no escape for a double quote (its string pattern is only `"…"`). A
  statement with such a value is not exported; a quote with one is left out of its reference.
- entities without a Wikidata ID are listed as what would need `CREATE`; with `create=True`
  each is written as `CREATE` with its labels (`LAST<TAB>Len<TAB>"…"`) and aliases (`Aen`), and
  no statements: those follow, on a later export, once the item exists and the table lists it."""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.mapping import MappedGraph
from kg.namespaces import SCHEMA, WD
from kg.outputs.wikidata_statements import Snak, WikidataReference, WikidataStatement, WikidataValue, wikidata_statements
from kg.project import Project
from kg.terms import iri

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

# A tab or a line break would end the field or the command; v1 has no escape for a double quote.
_UNWRITABLE = re.compile(r'["\t\r\n]')
_LANGUAGE = re.compile(r"[a-z]+(?:-[a-z]+)*")  # the importer's language codes: letters and '-'
DAY = 11
# Why something was left out, in the order the report gives them.
DEPRECATED = "deprecated statement(s) (a curator judged the value wrong)"
DISPUTED = "disputed statement(s) (sources disagree: kg conflicts lists them)"
NO_ID = "statement(s) about an entity without a Wikidata ID"
UNCARRIABLE = "statement(s) whose value QuickStatements v1 cannot carry (a double quote, a tab or a line break)"
NO_REFERENCE = "statement(s) with no reference QuickStatements v1 can carry"
QUALIFIER_NO_ID = "qualifier(s) whose value has no Wikidata ID"
QUOTE_UNCARRIABLE = "quote(s) QuickStatements v1 cannot carry (a double quote, a tab or a line break)"
REASONS = (DEPRECATED, DISPUTED, NO_ID, UNCARRIABLE, NO_REFERENCE, QUALIFIER_NO_ID, QUOTE_UNCARRIABLE)


def qs_string(text: str) -> str | None:
    """`"text"`, or None for text QuickStatements v1 cannot carry unaltered.

    >>> qs_string("Kazakhstan"), qs_string('the "film"'), qs_string("two\\nlines")
    ('"Kazakhstan"', None, None)
    """
    return None if _UNWRITABLE.search(text) else f'"{text}"'


def qs_time(stamp: str, precision: int) -> str:
    """A Wikidata timestamp (`2021-10-05T09:22:00Z`) in v1's form, at most to the day; the
    parts finer than the precision written 00, as Wikidata stores them.

    >>> qs_time("2021-10-05T09:22:00Z", 14), qs_time("2021-10-01T00:00:00Z", 10), qs_time("2021-01-01T00:00:00Z", 9)
    ('+2021-10-05T00:00:00Z/11', '+2021-10-00T00:00:00Z/10', '+2021-00-00T00:00:00Z/9')
    """
    precision = min(precision, DAY)
    year, month, day = stamp[:10].split("-")
    month = month if precision >= 10 else "00"
    day = day if precision >= DAY else "00"
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def qs_quantity(amount: str, unit: str | None) -> str:
    """An amount in v1's form (digits, an optional fraction; no exponent), with its unit item.

    >>> qs_quantity("1.9", "Q11573"), qs_quantity("3000", None), qs_quantity("-.5", None)
    ('1.9U11573', '3000', '-0.5')
    """
    number = format(decimal.Decimal(amount), "f")
    return number + (f"U{unit.removeprefix('Q')}" if unit else "")


def qs_value(value: WikidataValue) -> str | None:
    """The value as a v1 field, or None where v1 cannot say it (an entity without a Wikidata ID,
    text it cannot carry)."""
    simple = value.simple
    if value.kind == "item":
        return value.qid
    if value.kind == "time":
        return qs_time(simple.value, value.precision or DAY)
    if value.kind == "quantity":
        return qs_quantity(simple.value, value.unit)
    if value.kind == "monolingual":
        assert isinstance(simple, ox.Literal)
        text = qs_string(simple.value)
        language = (simple.language or "").lower()
        return f"{language}:{text}" if text and _LANGUAGE.fullmatch(language) else None
    return qs_string(simple.value)  # a string, a URL


@dataclass(frozen=True)
class NewItem:
    """An entity without a Wikidata ID that exported statements would need."""

    node: ox.NamedNode
    slug: str  # person/jane-doe
    labels: tuple[tuple[str, str], ...]  # (language, text): the preferred name, one per language
    aliases: tuple[tuple[str, str], ...]  # the other name forms


@dataclass
class QuickStatementsExport:
    """The commands, and what was left out and why (reason -> what, in order)."""

    lines: list[str]
    statements: int  # how many statements the lines write
    skipped: dict[str, list[str]] = field(default_factory=dict)
    new_items: list[NewItem] = field(default_factory=list)
    created: bool = False

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def report(self, show: int = 10) -> str:
        """What the export wrote and left out, for people (stderr): counts, and the first
        `show` of each kind."""
        out = [f"kg export quickstatements: {self.statements} statement(s) in {len(self.lines)} line(s), "
               "one line per reference"]
        for reason, items in self.skipped.items():
            out.append(f"left out {len(items)} {reason}")
            out += [f"  {item}" for item in items[:show]]
            if len(items) > show:
                out.append(f"  … and {len(items) - show} more")
        if self.new_items:
            how = "written as CREATE with their labels and aliases" if self.created else \
                "they would need CREATE (--create writes them with their labels and aliases)"
            out.append(f"{len(self.new_items)} entities have no Wikidata ID: {how}")
            out += [f"  {item.slug}" for item in self.new_items[:show]]
            if len(self.new_items) > show:
                out.append(f"  … and {len(self.new_items) - show} more")
        return "\n".join(out) + "\n"


class _Writer:
    def __init__(self, entities: str) -> None:
        self.entities = entities  # the IRI space of kg's entities, shown by their slug
        self.skipped: dict[str, list[str]] = {}
        self.lines: dict[str, None] = {}  # in order, once each
        self.statements = 0
        self.unidentified: set[ox.NamedNode] = set()

    def show(self, node: ox.NamedNode | ox.Literal) -> str:
        return node.value.removeprefix(WD).removeprefix(self.entities)

    def describe(self, st: WikidataStatement) -> str:
        where = f" ({', '.join(st.origins)})" if st.origins else ""
        return f"{self.show(st.item)} {st.pid} {self.show(st.value.simple)}{where}"

    def skip(self, reason: str, what: str) -> None:
        self.skipped.setdefault(reason, []).append(what)

    def statement(self, st: WikidataStatement) -> None:
        if st.rank == "deprecated":
            return self.skip(DEPRECATED, self.describe(st))
        if st.disputed:
            return self.skip(DISPUTED, self.describe(st))
        missing = [st.item] if st.qid is None else []
        if st.value.kind == "item" and st.value.qid is None:
            missing.append(iri(st.value.simple))
        if missing:
            self.unidentified |= set(missing)
            return self.skip(NO_ID, self.describe(st))
        written_value = qs_value(st.value)
        if written_value is None:
            return self.skip(UNCARRIABLE, self.describe(st))
        head = [st.qid or "", st.pid, written_value]
        qualifiers = self.snaks(st.qualifiers, "P", QUALIFIER_NO_ID, st)
        written = 0
        for reference in st.references:
            sources = self.snaks(reference.snaks, "S", QUOTE_UNCARRIABLE, st, reference)
            if sources:
                self.lines["\t".join([*head, *qualifiers, *sources])] = None
                written += 1
        if not written:
            return self.skip(NO_REFERENCE, self.describe(st))
        self.statements += 1

    def snaks(self, snaks: Iterable[Snak], letter: str, reason: str, st: WikidataStatement,
              reference: WikidataReference | None = None) -> list[str]:
        fields = []
        for snak in snaks:
            written = qs_value(snak.value)
            if written is None:
                where = f" in the reference from {reference.source}" if reference else ""
                self.skip(reason, f"{snak.pid} {self.show(snak.value.simple)}{where}, on {self.describe(st)}")
            else:
                fields += [f"{letter}{snak.pid.removeprefix('P')}", written]
        return fields


def entity_names(graph: MappedGraph) -> dict[ox.NamedNode, list[tuple[bool, int, ox.Literal]]]:
    """Each entity's asserted name forms: (preferred, how many references, name), the preferred
    one (schema:name) and the best-attested first."""
    names: dict[ox.NamedNode, list[tuple[bool, int, ox.Literal]]] = {}
    for st in graph.statements:
        preferred = st.predicate.value == SCHEMA + "name"
        if st.asserted and isinstance(st.object, ox.Literal) and (preferred or st.predicate.value == SCHEMA + "alternateName"):
            names.setdefault(st.subject, []).append((preferred, len(st.refs), st.object))
    for forms in names.values():
        forms.sort(key=lambda form: (not form[0], -form[1], form[2].value))
    return names


def _new_item(node: ox.NamedNode, slug: str, names: list[tuple[bool, int, ox.Literal]]) -> NewItem:
    """A label per language (the preferred name, else the name form with the most references),
    the other name forms as aliases."""
    labels: dict[str, str] = {}
    aliases = []
    for _, _, literal in names:
        language = (literal.language or "").lower()
        if language not in labels:
            labels[language] = literal.value
        elif literal.value != labels[language]:
            aliases.append((language, literal.value))
    return NewItem(node, slug, tuple(sorted(labels.items())), tuple(dict.fromkeys(aliases)))


def create_commands(item: NewItem) -> list[str]:
    """`CREATE`, then the item's labels and aliases on LAST (those v1 can carry)."""
    lines = ["CREATE"]
    for code, pairs in (("L", item.labels), ("A", item.aliases)):
        for language, text in pairs:
            written = qs_string(text)
            if written and _LANGUAGE.fullmatch(language):
                lines.append(f"LAST\t{code}{language}\t{written}")
    return lines


def quickstatements(statements: Iterable[WikidataStatement], graph: MappedGraph, *, create: bool = False,
                    entities: str = "") -> QuickStatementsExport:
    """The QuickStatements v1 commands for the statements (see the module's docstring for what is
    left out); with `create`, a CREATE block for each entity without a Wikidata ID they need.
    The report shows the entities under `entities` (the project's `{base}id/`) by their slug."""
    writer = _Writer(entities)
    for st in statements:
        writer.statement(st)
    names = entity_names(graph)
    new_items = [_new_item(node, writer.show(node), names.get(node, []))
                 for node in sorted(writer.unidentified, key=str)]
    lines = list(writer.lines)
    if create:
        lines += [line for item in new_items for line in create_commands(item)]
    skipped = {reason: writer.skipped[reason] for reason in REASONS if reason in writer.skipped}
    return QuickStatementsExport(lines, writer.statements, skipped, new_items, create)


def export_quickstatements(result: BuildResult, project: Project, *, create: bool = False) -> QuickStatementsExport:
    """The QuickStatements export of a build: the same Wikidata statements as its Wikidata view."""
    statements = wikidata_statements(result.graph, result.inputs.ontology, project, result.inputs.sources,
                                     result.conflicts)
    return quickstatements(statements, result.graph, create=create, entities=project.base_iri + "id/")


__all__ = ["NewItem", "QuickStatementsExport", "create_commands", "entity_names", "export_quickstatements", "qs_quantity", "qs_string",
           "qs_time", "qs_value", "quickstatements"]
