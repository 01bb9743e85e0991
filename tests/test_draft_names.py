"""The draft's gazetteer: a longer misspelt form around a known one-word form, and a person's
surname alone (texts written for these tests, not the seed's articles)."""

from __future__ import annotations

from kg.draft.gazetteer import find_mentions
from kg.draft.run import _name_variants
from kg.model import Entity, Name
from kg.namespaces import SCHEMA
from tests.helpers import draft_kinds

PEOPLE = {
    "person/yulia-peresild": ("Yulia Peresild", "Peresild"),
    "person/konstantin-kalachev": ("Konstantin Kalachev",),
    "person/anna-ivanova": ("Anna Ivanova",),
    "person/oleg-ivanova": ("Oleg Ivanova",),
}


def entities() -> dict[str, Entity]:
    return {entity_id: Entity(entity_id, (SCHEMA + "Person",), None,
                              tuple(Name(form, "en", i == 0, ()) for i, form in enumerate(forms)), "people.yaml", 1)
            for entity_id, forms in PEOPLE.items()}


def found(text: str) -> list[tuple[str, str, str]]:
    return [(m.entity, text[m.start:m.end], m.rule) for m in find_mentions(text, entities(), draft_kinds(entities()))]


def variants(text: str) -> list[str]:
    known = {e.id: {n.text for n in e.names} for e in entities().values()}
    return [c.value["text"] for c in _name_variants(text, find_mentions(text, entities(), draft_kinds(entities())), known, "en")]  # type: ignore[index]


def test_a_misspelt_full_name_around_a_known_surname_form_is_one_mention_and_a_new_form() -> None:
    # "Peresild" alone is a known form: the exact pass found only it, and "Yuliya" was lost
    text = "The actress Yuliya Peresild, 37, flew."
    assert found(text) == [("person/yulia-peresild", "Yuliya Peresild", "name-fuzzy")]
    assert variants(text) == ["Yuliya Peresild"]


def test_a_first_name_that_is_not_alike_keeps_the_known_form_alone() -> None:
    text = "Ivan Peresild, her brother, stayed."
    assert found(text) == [("person/yulia-peresild", "Peresild", "name-exact")]
    assert variants(text) == []


def test_a_surname_alone_is_a_mention_and_a_new_name_form() -> None:
    text = "Kalachev told reporters."
    assert found(text) == [("person/konstantin-kalachev", "Kalachev", "name-surname")]
    assert variants(text) == ["Kalachev"]


def test_a_misspelt_surname_is_a_fuzzy_mention_and_a_new_form() -> None:
    text = "said the analyst Kalatchev on Monday."
    assert found(text) == [("person/konstantin-kalachev", "Kalatchev", "name-fuzzy")]
    assert variants(text) == ["Kalatchev"]


def test_a_surname_two_people_share_names_neither() -> None:
    assert found("Ivanova arrived.") == []


def test_an_honorific_and_a_class_label_lengthen_a_known_name_into_a_new_form() -> None:
    from kg.draft.gazetteer import longer_forms

    agency = "https://example.org/ontology#SpaceAgency"
    known = {**entities(), "org/orbis": Entity("org/orbis", (agency,), None, (Name("Orbis", "en", True, ()),),
                                               "organisations.yaml", 1)}
    text = "Dr. Kalachev joined the Orbis space agency; Orbis space agencyhood. Orbis agency staff and Dr. Orbis left."
    kinds = draft_kinds(known)
    found = longer_forms(text, find_mentions(text, known, kinds), known, {agency: ["space agency"]}, kinds)
    assert [(m.entity, m.form, m.start, m.known_form, m.rule) for m in found] == [
        ("person/konstantin-kalachev", "Dr. Kalachev", 0, "Kalachev", "name-after-honorific"),
        ("org/orbis", "Orbis space agency", text.index("Orbis"), "Orbis", "name-with-class-label")]
    known_forms = {e: {n.text for n in k.names} for e, k in known.items()}
    variants = _name_variants(text, found, known_forms, "en")
    assert [(c.subject, c.value, c.quote.text, c.rule) for c in variants] == [
        ("person/konstantin-kalachev", {"text": "Dr. Kalachev", "lang": "en"}, "Dr. Kalachev joined the", "name-variant"),
        ("org/orbis", {"text": "Orbis space agency", "lang": "en"}, "joined the Orbis space agency; Orbis", "name-variant")]


def test_a_known_name_with_its_words_reordered_is_a_mention_and_a_new_form() -> None:
    # a family name first, as some languages write it; not two words apart ("Anna and Ivanova"),
    # nor the words in lower case (prose, not a name)
    text = "Ivanova Anna met Konstantin Kalachev. Anna and Ivanova left; ivanova anna stayed."
    assert ("person/anna-ivanova", "Ivanova Anna", "name-reordered") in found(text)
    assert [m for m in found(text) if m[2] == "name-reordered"] == [("person/anna-ivanova", "Ivanova Anna",
                                                                     "name-reordered")]
    assert variants(text) == ["Ivanova Anna"]


def test_a_reordered_name_two_entities_could_have_is_neither() -> None:
    known = {e: Entity(e, (SCHEMA + "Person",), None, (Name(n, "en", True, ()),), "people.yaml", 1)
             for e, n in (("person/lee-park", "Lee Park"), ("person/park-lee", "Park Lee"))}
    text = "Lee Park and Park Lee met Park, Lee."
    assert [m.rule for m in find_mentions(text, known, draft_kinds(known))] == ["name-exact", "name-exact"]
