"""The rule registry: every problem kg reports has a stable code (scripts may match on it), a
short name, a default severity, a one-line summary, an explanation and how to fix it. `kg rules`
prints the registry and the README's rule table is generated from it (kg/cli/docs.py)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from enum import Enum

from kg.errors import InputError


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class Rule(Enum):
    """One member per problem; a code, once published, keeps its meaning."""

    code: str
    severity: Severity
    summary: str
    explanation: str
    fix: str

    def __init__(self, code: str, severity: Severity, summary: str, explanation: str, fix: str) -> None:
        self.code = code
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.fix = fix

    SYNTAX_ERROR = (
        "KG001", ERROR,
        "A file is not well-formed: not UTF-8 text, or not valid YAML or RDF syntax.",
        "The file cannot be parsed, so nothing in it is checked. This is an input error rather than "
        "a problem of the data: kg stops with exit code 2 and names file:line:column where the parser "
        "could say, for example `facts/x.yaml:3:5: YAML syntax error: ... [KG001]`.",
        "Correct the text at the position given (an unclosed bracket or quote, a tab used for "
        "indentation, a missing `.` at the end of a Turtle triple), and save the file as UTF-8.",
    )
    UNKNOWN_ENTITY = (
        "KG002", ERROR,
        "An entity id that neither the checked files nor the graph define.",
        "A claim's subject or entity value, a `role` qualifier, or an entity IRI in an RDF file "
        "names an entity that no facts file defines and the graph does not hold. The message "
        "suggests the known entities whose id or name forms are closest.",
        "Use the id of an existing entity (`kg explain NAME` finds it), or define the entity "
        "under `entities:` with its type and names.",
    )
    UNKNOWN_PROPERTY = (
        "KG003", ERROR,
        "A property that ontology/ does not declare.",
        "Claims may use only properties declared in ontology/*.ttl (or kg's model vocabulary), as "
        "owl:ObjectProperty or owl:DatatypeProperty: the declaration gives the value's range. The "
        "message suggests the declared properties closest to the one written.",
        "Correct the property's spelling, or declare the property in ontology/ with its range.",
    )
    WRONG_VALUE = (
        "KG004", ERROR,
        "A value that does not fit the property's range.",
        "The ontology says what a property's value is: a literal of a datatype (an integer, an "
        "xsd:date as YYYY-MM-DD, a duration like P12D, true or false), a quantity {amount, unit} in "
        "a known unit, or an entity of a class. The value given is not of that kind, or the entity "
        "it names has none of the expected classes.",
        "Write the value in the form the range asks for, or name an entity of the expected class.",
    )
    MISSING_REFERENCE = (
        "KG005", ERROR,
        "A fact without a reference to a quoted source.",
        "Every claim and every name needs at least one reference {source, quote}; in an RDF file, "
        "every new triple about an entity needs a statement (rdf:Statement) with a "
        "prov:wasDerivedFrom reference. A fact nobody can trace to a source is not published.",
        "Add `refs: [{source: KEY, quote: \"exact words\"}]` quoting the article that says it, or in "
        "RDF a statement for the triple that is derived from a reference.",
    )
    UNKNOWN_SOURCE = (
        "KG006", ERROR,
        "A reference cites a source key that sources/sources.yaml does not register.",
        "A reference's `source` must be the key of an article registered in sources/sources.yaml, "
        "whose text the quote is checked against.",
        "Correct the key, or register the article first with `kg source add FILE`.",
    )
    QUOTE_NOT_FOUND = (
        "KG007", ERROR,
        "A quote that is not in its source text, character for character.",
        "A quote must be copied verbatim from the article: kg finds its exact position there and "
        "publishes it. The message shows the passage of the article closest to the quote.",
        "Copy the words from the article exactly (punctuation, hyphens and quotation marks "
        "included), or cite the article that says them.",
    )
    AMBIGUOUS_QUOTE = (
        "KG008", ERROR,
        "A quote that occurs more than once in its source, with nothing saying which.",
        "A reference points at one place in the article; the quote occurs at several (the offsets "
        "are listed) and the reference has no `occurrence`.",
        "Quote more words, so that they occur once, or add `occurrence: N` (1 = the first).",
    )
    DUPLICATE_CLAIM = (
        "KG009", INFO,
        "A claim the graph already holds: its references will be merged.",
        "The same subject, property, value and qualifiers are already claimed (the message says "
        "where). Nothing is wrong: the new references are added to the existing statement.",
        "Nothing to fix; drop the claim if it adds no new reference.",
    )
    CONFLICT = (
        "KG010", WARNING,
        "A claim that contradicts the graph on a property with one value.",
        "The property is declared kg:SingleValuedProperty (one value expected) and the graph already "
        "gives the subject another value, from other sources. Both are kept and the conflict is "
        "published; `kg validate --strict` fails on it. Planned values (kg:plannedDate) conflict "
        "only with planned values: the event's actual date (schema:startDate) is a different fact, "
        "which the message names if the graph states it.",
        "Check both sources. If one is wrong, give its claim `rank: deprecated` and a `note`; if "
        "one is better, `rank: preferred`.",
    )
    SHAPE_VIOLATION = (
        "KG011", ERROR,
        "The graph with the new facts breaks a SHACL shape.",
        "After the checks above pass, the new triples and the part of the graph they join are "
        "validated against kg's shapes and shapes/*.ttl. The message names the focus node and the "
        "shape's message; the severity is the shape's (a violation is an error).",
        "Add what the shape asks for (a required property, a value of the right class), or correct "
        "the value it names.",
    )
    INVALID_FIELD = (
        "KG012", ERROR,
        "A field of a facts file holds a value of the wrong kind.",
        "The facts format fixes what each field holds: `entities`, `claims` and `names` are lists of "
        "mappings, a reference and `qualifiers` are mappings, `type` is a class CURIE or a list of "
        "them, `note` is text, `occurrence` a whole number, `rank` one of normal, preferred, "
        "deprecated, and the `role` qualifier an entity id. (Earlier versions of kg reported every "
        "problem of the facts format as KG012; the others now have codes of their own, KG016 to KG025.)",
        "Write the field as the facts format says: see the facts/README.md that kg init puts into "
        "every project.",
    )
    UNKNOWN_CLASS = (
        "KG013", ERROR,
        "An entity type that ontology/ does not declare as a class.",
        "An entity's `type` must be a class declared (owl:Class) in ontology/*.ttl or kg's model "
        "vocabulary. The message suggests the declared classes closest to the one written.",
        "Correct the class's spelling, or declare the class in ontology/.",
    )
    UNVERIFIED_WIKIDATA_ID = (
        "KG014", ERROR,
        "A wikidata ID that is not a verified QID from reference/wikidata-ids.tsv.",
        "An entity's `wikidata` must be a QID (Q followed by digits) that reference/wikidata-ids.tsv "
        "lists as verified: a guessed ID would link the entity to the wrong thing.",
        "Leave `wikidata` out, or add the ID to the reference table once checked against Wikidata.",
    )
    NAME_NOT_IN_QUOTE = (
        "KG015", ERROR,
        "An alternate name that does not occur in the quote given for it.",
        "An alternate name (a spelling a source uses) is published with its quote as evidence, so "
        "the quote must contain the name exactly.",
        "Quote the words that contain the name, or correct the name's spelling.",
    )
    UNKNOWN_KEY = (
        "KG016", ERROR,
        "A key the facts format does not define.",
        "Each mapping of a facts file has a fixed set of keys: a file `entities` and `claims`; an "
        "entity `id`, `type`, `wikidata`, `names`; a name `text`, `lang`, `preferred`, `refs`; a "
        "claim `subject`, `property`, `value`, `qualifiers`, `rank`, `note`, `refs`; a reference "
        "`source`, `quote`, `occurrence`; qualifiers `point_in_time` and `role`. Any other key is "
        "most likely a misspelling, and would be ignored.",
        "Correct the key's spelling, or remove it.",
    )
    MISSING_KEY = (
        "KG017", ERROR,
        "A key the facts format requires is missing or empty.",
        "An entity needs an `id` and `names`, a name a non-empty `text`, a claim its `subject`, "
        "`property` and `value`, and a reference its `source` and a non-empty `quote`.",
        "Add the key the message names.",
    )
    INVALID_ENTITY_ID = (
        "KG018", ERROR,
        "An entity id that is not kind/lowercase-slug.",
        "Entity ids become IRIs (the base IRI, id/, then the id), so they are a kind and a slug of "
        "lowercase letters, digits and single hyphens: person/jane-doe.",
        "Rename the entity to kind/lowercase-slug, and every claim that names it.",
    )
    DUPLICATE_ENTITY = (
        "KG019", ERROR,
        "An entity defined twice.",
        "An entity is defined once, in one facts file (the message says where it was first); "
        "claims in any file may use it.",
        "Remove the second definition, moving any names it adds to the first.",
    )
    PREFERRED_NAME = (
        "KG020", ERROR,
        "An entity without exactly one preferred name.",
        "One name of each entity is its schema:name (marked `preferred: true`); the others are "
        "alternate names (schema:alternateName).",
        "Mark exactly one of the entity's names `preferred: true`.",
    )
    DUPLICATE_NAME = (
        "KG021", ERROR,
        "The same name, in the same language, listed twice for one entity.",
        "Each name form of an entity is listed once; more sources for it are more references.",
        "Merge the two entries into one, keeping the references of both.",
    )
    INVALID_LANGUAGE_TAG = (
        "KG022", ERROR,
        "A language tag that is not BCP 47.",
        "The `lang` of a name or of a text value must be a BCP 47 tag such as en, ru or en-GB; "
        "without one, the language of the first reference's source is used.",
        "Write a BCP 47 tag, or leave `lang` out.",
    )
    UNKNOWN_PREFIX = (
        "KG023", ERROR,
        "A property or class that is not a CURIE with a prefix kg knows.",
        "Properties and classes are written as CURIEs (schema:director, kg:crewMember) with one of "
        "the prefixes kg declares; the message lists them.",
        "Use one of the listed prefixes, with a colon: schema:director, not schema/director.",
    )
    OCCURRENCE_OUT_OF_RANGE = (
        "KG024", ERROR,
        "A reference's `occurrence` is not one of the quote's occurrences in its source.",
        "`occurrence: N` picks the Nth time the quote occurs in the article (1 = the first); the "
        "quote occurs fewer times than N.",
        "Give an occurrence from 1 to the number of times the quote occurs, or quote other words.",
    )
    INCONSISTENT_RANK = (
        "KG025", ERROR,
        "Claims of one triple with different ranks.",
        "Claims of the same subject, property, value and qualifiers are one statement, with one "
        "rank; these give it two (the message says where the other is).",
        "Give every claim of the triple the same `rank`.",
    )
    DUPLICATE_KEY = (
        "KG026", ERROR,
        "A mapping of a YAML file gives the same key twice.",
        "YAML keeps one value of a key given twice and drops the other without a word (`value: 99` "
        "then `value: 38` reads as 38), so a reviewer and kg would read different facts. kg refuses "
        "the file in facts/ and in sources/sources.yaml; the message names the line of each.",
        "Remove one of the two keys, or merge them (two `refs:` lists become one).",
    )
    UNSUPPORTED_NUMBER = (
        "KG027", ERROR,
        "A number written in a form whose value depends on who reads it.",
        "kg reads numbers as plain decimals (38, -2, 1.9, 0.5) of at most 18 digits, exactly as "
        "written, under YAML 1.2. Refused: a leading zero (046 is the octal 38 to YAML 1.1 readers "
        "and 46 to YAML 1.2 ones), hexadecimal, octal or binary (0x1F, 0o17, 0b101), digit separators "
        "(1_000), exponents (1e3 would be published as 1E+3), .inf and .nan (xsd:decimal has no "
        "infinity or NaN), and more than 18 digits (the precision XML Schema requires of every "
        "processor). The message says what to write instead.",
        "Write the number as a plain decimal (46, 31, 1000), or quote it if it is text (\"046\").",
    )
    INVALID_SOURCE_ENTRY = (
        "KG028", ERROR,
        "An entry of sources/sources.yaml that the registry format does not allow.",
        "Each entry of the source registry has the keys `key`, `file`, `sha256` and `language` and "
        "may have `title`, `date`, `retrieved`, `url`, `publisher` and `rights`, nothing else; each "
        "is one line of text: the key letters, digits, `_`, `.`, `-`; the file a name inside sources/; "
        "the checksum 64 hexadecimal digits; the language a BCP 47 tag; dates YYYY-MM-DD; the url "
        "http(s). Every command reads the registry, so a wrong entry stops them all (exit 2).",
        "Correct the entry at the line given; `kg source add` writes entries that follow the format.",
    )
    TERM_WITHOUT_LABEL = (
        "KG029", ERROR,
        "A class or property the project's ontology declares without an rdfs:label.",
        "Every term ontology/*.ttl declares (a subject typed owl:Class, rdfs:Class, owl:ObjectProperty, "
        "owl:DatatypeProperty, owl:AnnotationProperty or rdf:Property) is shown to curators (`kg vocab`) and "
        "on the site by its label, and did-you-mean matches on it. The message names the ontology file "
        "and the line where the term first appears.",
        "Add `rdfs:label \"…\"@en` to the term's declaration.",
    )
    PROPERTY_WITHOUT_DOMAIN_OR_RANGE = (
        "KG030", ERROR,
        "A property of the project's own namespace (kg:) declared without rdfs:domain or rdfs:range.",
        "The range says what a claim's value is (an entity of a class, a date, an integer, …): without "
        "it no value can be read. The domain says what a subject must be; the generated SHACL shapes "
        "check both. schema.org terms take theirs from schema.org; a kg: term must state them. The "
        "message says which of the two is missing.",
        "Add `rdfs:domain CLASS` (schema:Thing if anything may have it) and `rdfs:range CLASS-OR-DATATYPE` "
        "(xsd:date, xsd:integer, rdf:langString, schema:Person, …) to the property's declaration.",
    )
    UNVERIFIED_ALIGNMENT = (
        "KG031", ERROR,
        "The project's ontology links to a Wikidata ID that reference/wikidata-ids.tsv does not mark usable.",
        "Every Wikidata IRI ontology/*.ttl names (wd:Q…, wdt:P…, pq:P…, in owl:equivalentClass, "
        "owl:equivalentProperty, rdfs:subPropertyOf, skos:closeMatch, rdfs:seeAlso, kg:wikidataProperty "
        "or any other triple) must be listed in the project's reference/wikidata-ids.tsv with status "
        "verified or single: a guessed ID aligns the term with something else.",
        "Check the ID on Wikidata and add it to reference/wikidata-ids.tsv (kind, label, id, status "
        "verified), or remove the alignment and say in the term's rdfs:comment that none is verified.",
    )
    FUNCTIONAL_PROPERTY = (
        "KG032", ERROR,
        "An ontology that declares a property owl:FunctionalProperty.",
        "In OWL a functional property has at most one value, so two values of it are the same thing: "
        "where two sources disagree (a planned return on 16 and on 17 October), a reasoner concludes "
        "`\"2021-10-16\"^^xsd:date owl:sameAs \"2021-10-17\"^^xsd:date`, and two different dates cannot "
        "be the same, so the published graph becomes inconsistent. kg keeps both claims and reports "
        "them as a conflict (KG010) instead; the property says so by being a kg:SingleValuedProperty. "
        "kg refuses the ontology (exit 2) and names the file, the line and the properties.",
        "Write `kg:SingleValuedProperty` where the ontology says `owl:FunctionalProperty` "
        "(`kg:age a owl:DatatypeProperty , kg:SingleValuedProperty`).",
    )
    UNREVIEWED_CANDIDATE = (
        "KG033", ERROR,
        "A candidate `kg draft` proposed that no curator has reviewed yet.",
        "`kg draft` writes every entity and claim it finds in an article with a `draft:` mark "
        "`{rule, confidence, status: unreviewed}`. Nothing a rule guessed enters the graph until a "
        "person has read its quote: `kg validate` and `kg add` refuse a file that still holds an "
        "unreviewed candidate, and name the line of its mark. `kg add` leaves out rejected "
        "candidates and strips the mark from accepted ones.",
        "Read the candidate and its quote, then set `status: accepted` (edit the value first if it "
        "is wrong), set `status: rejected`, or delete the candidate.",
    )


    @property
    def slug(self) -> str:
        """The rule's name as people write it: QUOTE_NOT_FOUND is quote-not-found."""
        return self.name.lower().replace("_", "-")

    @classmethod
    def find(cls, wanted: str) -> Rule:
        """The rule with this code (KG007, kg007) or name (quote-not-found).

        >>> Rule.find("kg007") is Rule.find("quote-not-found") is Rule.QUOTE_NOT_FOUND
        True
        """
        text = wanted.strip()
        for rule in cls:
            if text.upper() == rule.code or text.lower() == rule.slug:
                return rule
        from kg.suggest import closest, did_you_mean

        hint = did_you_mean(closest(text, [(r.slug, f"{r.slug} ({r.code})") for r in cls]))
        raise InputError(f"unknown rule {wanted!r}{hint} (`kg rules` lists them)")


@dataclass(frozen=True)
class Problem:
    rule: Rule
    message: str
    file: str | None = None
    line: int | None = None
    shape_severity: Severity | None = None  # a SHACL result carries its shape's severity

    @property
    def severity(self) -> Severity:
        return self.shape_severity or self.rule.severity

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (
            f"{self.file}: " if self.file else ""
        )
        return f"{where}{self.severity.value} {self.rule.code}: {self.message}"


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def syntax_error(where: str, message: str) -> InputError:
    """The input error (exit 2) for a file that cannot be parsed, with the code at the end, where
    it leaves `file:line:col: YAML syntax error: ...` as people and scripts read it already."""
    return InputError(f"{where}: {message} [{Rule.SYNTAX_ERROR.code}]")


def rule_list() -> str:
    """Every rule on one line: code, severity, name, summary (`kg rules`)."""
    width = max(len(rule.slug) for rule in Rule)
    return "".join(f"{r.code}  {r.severity.value:<7}  {r.slug:<{width}}  {r.summary}\n" for r in Rule)


def rule_text(rule: Rule, width: int = 88) -> str:
    """One rule in full (`kg rules KG007`): summary, explanation, how to fix."""
    def wrap(text: str) -> str:
        return textwrap.fill(text, width, break_on_hyphens=False)

    return (f"{rule.code} {rule.slug} ({rule.severity.value})\n\n{wrap(rule.summary)}\n\n"
            f"{wrap(rule.explanation)}\n\n{wrap('How to fix: ' + rule.fix)}\n")


def rule_table() -> str:
    """The registry as a Markdown table, for the README."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = ["| Code | Name | Severity | Meaning | How to fix |", "| --- | --- | --- | --- | --- |"]
    rows += [f"| {r.code} | `{r.slug}` | {r.severity.value} | {cell(r.summary)} | {cell(r.fix)} |" for r in Rule]
    return "\n".join(rows) + "\n"
