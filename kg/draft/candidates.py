"""What a draft proposes: quoted entity and claim candidates, each with its rule and confidence."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kg.model import UNITS

# a claim value as the facts format writes it: an entity id, a number, a lexical form, {text, lang},
# {amount, unit} (a quantity: the amount's decimal lexical form, a unit of kg.model.UNITS)
YamlValue = str | int | Decimal | dict[str, str]


@dataclass(frozen=True)
class Quote:
    """A verbatim span of the article, located as the build locates quotes (kg.inputs.quotes)."""

    text: str
    start: int
    end: int
    occurrence: int | None  # which of several identical spans (1 = first); None when it is unique


@dataclass(frozen=True)
class Mention:
    """A span of the article that names an entity (known, or a new candidate)."""

    entity: str
    form: str  # the text as the article writes it
    start: int
    end: int
    known_form: str | None  # the name form of the graph it matched; None for a new entity
    rule: str
    confidence: float


@dataclass(frozen=True)
class EntityCandidate:
    id: str
    types: tuple[str, ...]  # class CURIEs
    name: str
    quote: Quote
    rule: str
    confidence: float
    wikidata: str | None = None


@dataclass(frozen=True)
class ClaimCandidate:
    subject: str
    property: str  # a CURIE the ontology declares
    value: YamlValue
    quote: Quote
    rule: str
    confidence: float
    point_in_time: str | None = None
    duplicates: str | None = None  # file:line of the known claim it repeats
    contradicts: str | None = None  # file:line of the known claim of a single-valued property it disagrees with
    role: str | None = None  # the role qualifier: the entity id of the role the value has (kg.model.Claim.role)

    def value_text(self) -> str:
        """The value as kg.check.facts.value_text writes a read claim's, to compare the two."""
        if isinstance(self.value, dict) and "amount" in self.value:
            return f"{self.value['amount']} {UNITS[self.value['unit']][1]}"
        if isinstance(self.value, dict):
            return self.value["text"]
        return str(self.value)
