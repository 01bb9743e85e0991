"""What kind of thing an entity is (a person, a mission, a film, …), decided by its classes through
the ontology's subclass closure, never by its id: a project whose people are people/… or whose
missions are flights/… gets the same rules. The known entities' classes are the graph's, a new
candidate's the ones its rule proposed (Kinds.learn)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from kg.draft.candidates import EntityCandidate, Mention
from kg.inputs.ontology import Ontology
from kg.model import Entity


@dataclass(frozen=True)
class Kind:
    """Entities of one of `classes` (CURIEs) or a subclass, but of none of `excluding`."""

    classes: tuple[str, ...]
    excluding: tuple[str, ...] = ()


PERSON = Kind(("schema:Person",))
ORGANISATION = Kind(("schema:Organization",))
COUNTRY = Kind(("schema:Country",))
PLACE = Kind(("schema:Place",))
MISSION = Kind(("kg:SpaceMission",))
VEHICLE = Kind(("schema:Vehicle",))
FILM = Kind(("schema:CreativeWork",), ("schema:Quotation",))  # films, series, film projects, other works
MOVIE = Kind(("schema:Movie",))
# one work, shot in one place and time: what a shoot or a mission films (not a series of them)
ONE_WORK = Kind(("schema:CreativeWork",), ("schema:Quotation", "schema:MovieSeries", "schema:TVSeries"))
QUOTATION = Kind(("schema:Quotation",))
OCCUPATION = Kind(("schema:Occupation",))
ROLE = Kind(("schema:Role",))
ORGANISATION_ROLE = Kind(("schema:OrganizationRole",))
CREW_ROLE = Kind(("kg:CrewRole",))
# what a sentence may describe (kg.draft.descriptions)
DESCRIBABLE = Kind(("schema:Person", "schema:Organization", "schema:Place", "kg:SpaceMission", "schema:Vehicle",
                    "schema:CreativeWork"), ("schema:Quotation",))


def has_class(classes: Mapping[str, set[str]], ontology: Ontology, entity: str, iri: str) -> bool:
    """Whether one of the entity's classes (IRIs) is class `iri` or a subclass of it."""
    return any(ontology.is_subclass(c, iri) for c in classes.get(entity, ()))


class Kinds(Mapping[str, set[str]]):
    """Each entity's classes (IRIs), read when a rule asks: a new candidate's (CURIEs, expanded),
    else the graph's (not a set for every entity of a large graph, per draft); and its kinds."""

    def __init__(self, known: Mapping[str, Entity], ontology: Ontology, new: Iterable[EntityCandidate] = ()) -> None:
        self.known = known
        self.ontology = ontology
        self.new: dict[str, set[str]] = {}
        self.answers: dict[str, dict[Kind, bool]] = {}
        self.iris: dict[str, str | None] = {}
        self.learn(new)

    def learn(self, entities: Iterable[EntityCandidate]) -> None:
        """New candidates' classes (a rule proposed them): from now on of their kinds."""
        for e in entities:
            self.new[e.id] = {iri for iri in map(self._iri, e.types) if iri is not None}
            self.answers.pop(e.id, None)

    def _iri(self, curie: str) -> str | None:
        if curie not in self.iris:
            prefix = curie.partition(":")[0]
            self.iris[curie] = self.ontology.expand(curie) if prefix in self.ontology.prefixes else None
        return self.iris[curie]

    def __getitem__(self, entity: str) -> set[str]:
        if entity in self.new:
            return self.new[entity]
        return set(self.known[entity].types)

    def __iter__(self) -> Iterator[str]:
        return iter([*self.new, *(k for k in self.known if k not in self.new)])

    def __len__(self) -> int:
        return len(self.new) + sum(k not in self.new for k in self.known)

    def has_class(self, entity: str, iri: str) -> bool:
        return has_class(self, self.ontology, entity, iri)

    def is_a(self, entity: str, kind: Kind) -> bool:
        answers = self.answers.setdefault(entity, {})
        if kind not in answers:
            def any_of(curies: tuple[str, ...]) -> bool:
                return any(iri is not None and self.has_class(entity, iri) for iri in map(self._iri, curies))
            answers[kind] = any_of(kind.classes) and not any_of(kind.excluding)
        return answers[kind]

    def of(self, mentions: Iterable[Mention], kind: Kind) -> list[Mention]:
        """The mentions of entities of this kind, in the order given."""
        return [m for m in mentions if self.is_a(m.entity, kind)]
