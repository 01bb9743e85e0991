"""kg draft's free-text rules on texts written for these tests: attributed quotations
(kg.draft.quotations), descriptions (kg.draft.descriptions), heights (kg.draft.quantities), the
mission duration rule (kg.draft.patterns.durations); and part H's aligned score (bench/draft_score.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.draft.candidates import ClaimCandidate, EntityCandidate, Mention, Quote
from kg.draft.descriptions import descriptions
from kg.draft.patterns import durations
from kg.draft.quantities import heights
from kg.draft.quotations import quotations
from kg.draft.run import Draft
from kg.model import Claim, Entity, EntityValue, Name
from kg.namespaces import SCHEMA
from tests.helpers import draft_kinds, kinds_of

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seed"


def mention(text: str, form: str, entity: str, nth: int = 1) -> Mention:
    start = -1
    for _ in range(nth):
        start = text.index(form, start + 1)
    return Mention(entity, form, start, start + len(form), form, "test", 1.0)


def claims_of(found: list[ClaimCandidate]) -> list[tuple[str, str, str, str, int, int, str]]:
    return [(c.subject, c.property, c.value_text(), c.quote.text, c.quote.start, c.quote.end, c.rule) for c in found]


def quoted(text: str, people: dict[str, str], known: dict[str, Entity] | None = None,
           claims: dict[str, list[Claim]] | None = None) -> tuple[list[EntityCandidate], list[Mention],
                                                                   list[ClaimCandidate]]:
    """quotations() of `text` with a mention of each person at each occurrence of their name form."""
    mentions = sorted((mention(text, form, entity, n + 1) for form, entity in people.items()
                       for n in range(text.count(form))), key=lambda m: m.start)
    kinds = draft_kinds({**{e: Entity(e, (SCHEMA + "Person",), None, (), "f", 1) for e in people.values()},
                         **(known or {})})
    return quotations(text, mentions, known or {}, lambda s: (claims or {}).get(s, []), "en", kinds)


def test_said_after_the_quote_makes_a_quotation_with_its_text_and_speaker() -> None:
    text = 'The launch slipped again.\n"We will be ready by spring," said Anna Varga, the mission chief.\n'
    entities, mentions, claims = quoted(text, {"Anna Varga": "person/anna-varga"})
    sentence = '"We will be ready by spring," said Anna Varga, the mission chief.'
    start = text.index(sentence)
    assert [(e.id, e.types, e.name, e.quote.text, e.rule) for e in entities] == [
        ("quotation/varga-ready-spring", ("schema:Quotation",), "We will be ready by spring", sentence,
         "quotation-said-speaker")]
    assert claims_of(claims) == [
        ("quotation/varga-ready-spring", "schema:text", "We will be ready by spring", sentence, start,
         start + len(sentence), "quotation-said-speaker"),
        ("quotation/varga-ready-spring", "schema:creator", "person/anna-varga", sentence, start,
         start + len(sentence), "quotation-said-speaker")]
    assert [(m.entity, m.form) for m in mentions] == [("quotation/varga-ready-spring", "We will be ready by spring")]
    assert text[mentions[0].start:mentions[0].end] == "We will be ready by spring"


@pytest.mark.parametrize(("text", "rule"), [
    ("Anna Varga said: “The engines passed every test.”", "quotation-speaker-said-colon"),
    ("“The engines passed every test,” Anna Varga told reporters.", "quotation-speaker-said"),
    ("“The engines passed every test” — Anna Varga", "quotation-dash-speaker"),
    ("Anna Varga met the press. “The engines passed every test,” she said.", "quotation-pronoun-said"),
    ("Anna Varga told the agency that the engines were “the best we have built” so far.",
     "quotation-speaker-reported"),
    ("Anna Varga looked pleased. For her the engines are “the best we have built”.", "quotation-for-pronoun"),
])
def test_each_attribution_form_names_the_speaker(text: str, rule: str) -> None:
    _, _, claims = quoted(text, {"Anna Varga": "person/anna-varga"})
    creators = [(c.value, c.rule) for c in claims if c.property == "schema:creator"]
    assert creators == [("person/anna-varga", rule)]
    words = next(c.value_text() for c in claims if c.property == "schema:text")
    assert words in ("The engines passed every test.", "The engines passed every test", "the best we have built")
    quote = claims[0].quote
    assert text[quote.start:quote.end] == quote.text and quote.text.startswith(("Anna", "“", "For her"))


def test_quotes_joined_by_and_and_a_paragraph_continuing_a_quote_have_the_same_speaker() -> None:
    text = ("It is about “beating the rivals” and “keeping the budget,” analyst Ivan Petrov told AFP.\n\n"
            "“Nobody else can do it this year.”\n")
    _, _, claims = quoted(text, {"Ivan Petrov": "person/ivan-petrov"})
    assert [(c.value_text(), c.rule) for c in claims if c.property == "schema:creator"] == [
        ("person/ivan-petrov", "quotation-joined"), ("person/ivan-petrov", "quotation-speaker-said"),
        ("person/ivan-petrov", "quotation-continued")]
    assert [c.value_text() for c in claims if c.property == "schema:text"] == [
        "beating the rivals", "keeping the budget", "Nobody else can do it this year."]


def test_a_new_speaker_named_before_said_is_proposed_and_found_again_by_surname() -> None:
    text = "Spokesman Dmitri Orlov said the crew was well.\n“They are in good spirits,” Orlov said.\n"
    entities, _, claims = quoted(text, {})
    assert [(e.id, e.name, e.rule) for e in entities] == [
        ("person/dmitri-orlov", "Dmitri Orlov", "speaker-named"),
        ("quotation/orlov-good-spirits", "They are in good spirits", "quotation-speaker-said")]
    assert ("quotation/orlov-good-spirits", "schema:creator", "person/dmitri-orlov") in \
        [(c.subject, c.property, c.value_text()) for c in claims]


@pytest.mark.parametrize("text", [
    "The crew will film “The Challenge” next week.",  # a title, no speaker
    "“We are ready,” said the manager.",  # a speaker the draft does not know by name
    "Anna Varga came in.\n\n“We are ready.”",  # a paragraph of a quote alone, after none attributed
])
def test_a_quoted_span_without_a_named_speaker_is_no_quotation(text: str) -> None:
    assert quoted(text, {"Anna Varga": "person/anna-varga"} if "Anna Varga" in text else {}) == ([], [], [])


def test_a_known_quotation_of_the_same_speaker_gets_the_claims_and_its_new_label() -> None:
    known = {"person/anna-varga": Entity("person/anna-varga", (SCHEMA + "Person",), None,
                                         (Name("Anna Varga", "en", True, ()),), "facts/p.yaml", 1),
             "quotation/varga-ready": Entity("quotation/varga-ready", (SCHEMA + "Quotation",), None,
                                             (Name("We will be ready by spring", "en", True, ()),), "facts/p.yaml", 9)}
    by = {"quotation/varga-ready": [Claim("quotation/varga-ready", SCHEMA + "creator",
                                          EntityValue("person/anna-varga"), (), "facts/p.yaml", 20)]}
    text = "“We shall be ready for the spring launch,” Anna Varga said."
    entities, mentions, claims = quoted(text, {"Anna Varga": "person/anna-varga"}, known, by)
    assert entities == []
    assert [(c.subject, c.property, c.value_text(), c.rule) for c in claims] == [
        ("quotation/varga-ready", "schema:alternateName", "We shall be ready for the spring launch",
         "quotation-known-label"),
        ("quotation/varga-ready", "schema:text", "We shall be ready for the spring launch", "quotation-speaker-said"),
        ("quotation/varga-ready", "schema:creator", "person/anna-varga", "quotation-speaker-said")]
    assert mentions[0].known_form == "We will be ready by spring"
    # another speaker's words alike are not that quotation
    entities, _, _ = quoted(text.replace("Anna Varga", "Ivan Petrov"), {"Ivan Petrov": "person/ivan-petrov"}, known, by)
    assert [e.id for e in entities] == ["quotation/petrov-shall-ready"]


def test_descriptions_from_a_predicate_and_a_relative_clause() -> None:
    text = ("Anna Varga is a veteran pilot of the agency and she has flown twice.\n"
            "The firm Orbita Labs, which builds small rockets, said it would help.\n"
            "Anna Varga said the flight went well.\n"
            "A project with Anna Varga, whose schedule is unknown, is planned.\n"
            "Orbita Labs wins new contract\n"
            "After a long and costly delay, Orbita Labs declared that its rocket was safe.\n")
    mentions = [mention(text, "Anna Varga", "person/anna-varga", n) for n in (1, 2, 3)] + \
        [mention(text, "Orbita Labs", "org/orbita-labs", n) for n in (1, 2, 3)]
    first = "Anna Varga is a veteran pilot of the agency and she has flown twice."
    second = "Orbita Labs, which builds small rockets, said it would help."
    third = "After a long and costly delay, Orbita Labs declared that its rocket was safe."
    kinds = kinds_of({"person/anna-varga": "schema:Person", "org/orbita-labs": "schema:Organization"})
    assert claims_of(descriptions(text, sorted(mentions, key=lambda m: m.start), "en", kinds)) == [
        ("person/anna-varga", "schema:description", "A veteran pilot of the agency.", first, 0, len(first),
         "description-predicate"),
        ("org/orbita-labs", "schema:description", "Builds small rockets.", second, text.index(second),
         text.index(second) + len(second), "description-relative-clause"),
        ("org/orbita-labs", "schema:description", "Declared that its rocket was safe.", third, text.index(third),
         text.index(third) + len(third), "description-predicate")]


def test_height_with_a_unit_of_the_facts_format() -> None:
    text = "Ivan Petrov had a cramped flight due to his height of 1.90 metres. The 400 m tower stood."
    found = heights(text, [mention(text, "Ivan Petrov", "person/ivan-petrov")],
                    kinds_of({"person/ivan-petrov": "schema:Person"}))
    quote = "Ivan Petrov had a cramped flight due to his height of 1.90 metres"
    assert claims_of(found) == [("person/ivan-petrov", "schema:height", "1.90 m", quote, 0, len(quote), "height")]
    assert found[0].value == {"amount": "1.90", "unit": "m"}


def test_a_past_stay_is_no_planned_duration() -> None:
    """The old rule proposed kg:plannedDuration P12D of any mission in a sentence with "12 days"."""
    past = "Soyuz MS-18 landed in Kazakhstan after 12 days on the ISS."
    kinds = kinds_of({"mission/soyuz-ms-18": "kg:SpaceMission"})
    assert durations(past, [mention(past, "Soyuz MS-18", "mission/soyuz-ms-18")], kinds, lambda v: []) == []
    planned = "The crew of Soyuz MS-18 will spend 12 days on the ISS."
    found = durations(planned, [mention(planned, "Soyuz MS-18", "mission/soyuz-ms-18")], kinds, lambda v: [])
    assert [(c.subject, c.property, c.value_text(), c.quote.text, c.rule) for c in found] == [
        ("mission/soyuz-ms-18", "kg:plannedDuration", "P12D", "MS-18 will spend 12 days on the ISS", "duration-mission")]


def test_hours_of_travel_are_the_transit_of_the_mission_the_sentence_or_the_article_names() -> None:
    text = ("Heron 2 reached the station after a four-hour trip. Heron 2 is new. The capsule docked two hours after "
            "taking off. The crew held a three-hour press conference and spent six hours on a spacewalk.")
    kinds = kinds_of({"mission/heron-2": "kg:SpaceMission"})
    mentions = [mention(text, "Heron 2", "mission/heron-2", n) for n in (1, 2)]
    assert [(c.subject, c.property, c.value_text(), c.quote.text, c.confidence) for c in durations(text, mentions, kinds, lambda v: [])] == [
        ("mission/heron-2", "kg:transitDuration", "PT4H", "four-hour trip", 0.5),
        ("mission/heron-2", "kg:transitDuration", "PT2H", "two hours after taking off", 0.4)]


def test_a_planned_stay_or_a_shoot_the_sentence_leaves_unnamed_is_the_articles() -> None:
    text = ("Heron 2 carries the cast of Deep Orbit. Heron 2 flies today. After 9 days in orbit, they are set to "
            "return. They will turn the station into a movie set for the next nine days. They rested for 3 days.")
    kinds = kinds_of({"mission/heron-2": "kg:SpaceMission", "film/deep-orbit": "schema:Movie"})
    mentions = sorted([mention(text, "Heron 2", "mission/heron-2", n) for n in (1, 2)] +
                      [mention(text, "Deep Orbit", "film/deep-orbit")], key=lambda m: m.start)
    assert [(c.subject, c.property, c.value_text(), c.rule, c.confidence) for c in durations(text, mentions, kinds, lambda v: [])] == [
        ("mission/heron-2", "kg:plannedDuration", "P9D", "duration-mission", 0.4),
        ("film/deep-orbit", "kg:shootingDuration", "P9D", "duration-filming", 0.4)]


# ------------------------------------------------------------------ the aligned score


@pytest.fixture()
def draft_score(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    monkeypatch.delitem(sys.modules, "draft_score", raising=False)
    import draft_score

    return draft_score


def _draft(entities: list[EntityCandidate], claims: list[ClaimCandidate], mentions: list[Mention]) -> Draft:
    return Draft("001_b25d8b9e867eeac6", mentions, entities, claims, "")


def _at(text: str, words: str) -> Quote:
    start = text.index(words)
    return Quote(words, start, start + len(words), None)


def test_aligned_score_matches_a_new_quotation_by_its_span_and_free_text_by_words(draft_score: ModuleType) -> None:
    from kg.pipeline import load_inputs
    from kg.project import open_project

    inputs = load_inputs(open_project(SEED))
    key = "001_b25d8b9e867eeac6"
    text = inputs.sources[key].text
    said = "“We have been pioneers in space and maintained a confident position,” Peskov said."
    quote = _at(text, said)
    entity = EntityCandidate("quotation/peskov-pioneers-space", ("schema:Quotation",), "We have been pioneers",
                             quote, "quotation-speaker-said", 0.8)
    claims = [ClaimCandidate(entity.id, "schema:creator", "person/dmitry-peskov", quote, "q", 0.8),
              ClaimCandidate(entity.id, "schema:text",
                             {"text": "We have been pioneers in space and kept a confident position", "lang": "en"},
                             quote, "q", 0.8),
              # a description far from the curated one's quote, but in its words (Jaccard >= 0.5)
              ClaimCandidate("person/yulia-peresild", "schema:description",
                             {"text": "Attended the closing red carpet of the Moscow film festival.", "lang": "en"},
                             _at(text, "Peskov said."), "d", 0.4)]
    words = "We have been pioneers in space and maintained a confident position"
    mentions = [Mention(entity.id, words, text.index(words), text.index(words) + len(words), None, "q", 0.8)]
    scores = draft_score.score(inputs.facts, inputs.facts, _draft([entity], claims, mentions),
                               inputs.ontology, text)
    assert (scores["matched"], scores["proposed"]) == (0, 3)  # strict: no curated claim has this subject
    assert draft_score.alignment(inputs.facts, _draft([entity], claims, mentions), key) == {
        entity.id: "quotation/peskov-pioneers"}
    assert (scores["aligned_matched"], scores["aligned_proposed_matched"]) == (2, 2)
    # as the name form of a kept curated quotation (recall only, no claim of the draft's)
    kept_name = EntityCandidate("quotation/peskov-pioneers-space", ("schema:Quotation",),
                                "We have been pioneers in space", quote, "q", 0.8)
    names = {(entity.id.replace("-space", ""), SCHEMA + "alternateName", "We have been pioneers in space"): None}
    matched, proposals = draft_score._aligned(inputs.facts, _draft([kept_name], [], mentions), inputs.ontology,
                                              names, [], key)
    assert (matched, proposals) == (set(names), 0)
    assert scores["aligned_precision"] == pytest.approx(2 / 3)  # no curated description of hers cites 001


def test_aligned_free_text_rules(draft_score: ModuleType) -> None:
    assert draft_score.jaccard("Its schedule is not known.", "Whose schedule is not known") == pytest.approx(4 / 6)
    assert draft_score.overlap((0, 10), (5, 30)) == 0.5
    assert draft_score.overlap((0, 10), (10, 30)) == 0.0


def test_quotations_after_for_x_it_is_about_are_about_x() -> None:
    from kg.draft.candidates import Mention
    from kg.draft.quotations import about

    text = "For Orbis, it is simply about “winning the bid” and “growing fast”, he said. For him it is about “luck”."
    first, second, third = (text.index(w) for w in ("winning", "growing", "luck"))
    mentions = [Mention("org/orbis", "Orbis", 4, 9, "Orbis", "name-exact", 1.0),
                Mention("quotation/x-winning", "winning the bid", first, first + 15, None, "q", 0.7),
                Mention("quotation/x-growing", "growing fast", second, second + 12, None, "q", 0.7),
                Mention("quotation/x-luck", "luck", third, third + 4, None, "q", 0.7)]
    found = about(text, mentions, kinds_of({"org/orbis": "schema:Organization",
                                            **dict.fromkeys((m.entity for m in mentions[1:]), "schema:Quotation")}))
    assert [(c.subject, c.property, c.value, c.quote.text, c.quote.start, c.rule) for c in found] == [
        ("quotation/x-winning", "schema:about", "org/orbis", "For Orbis, it is simply about “winning the bid”", 0,
         "quotation-about-for"),
        ("quotation/x-growing", "schema:about", "org/orbis",
         "For Orbis, it is simply about “winning the bid” and “growing fast”", 0, "quotation-about-for")]


def test_no_about_without_the_opening_frame() -> None:
    from kg.draft.candidates import Mention
    from kg.draft.quotations import about

    text = "Orbis said it is about “winning”. Then for Orbis, “growing” mattered."
    start, later = text.index("winning"), text.index("growing")
    mentions = [Mention("org/orbis", "Orbis", 0, 5, "Orbis", "name-exact", 1.0),
                Mention("quotation/x-winning", "winning", start, start + 7, None, "q", 0.7),
                Mention("org/orbis", "Orbis", text.index("Orbis,"), text.index("Orbis,") + 5, "Orbis", "name-exact", 1.0),
                Mention("quotation/x-growing", "growing", later, later + 7, None, "q", 0.7)]
    assert about(text, mentions, kinds_of({"org/orbis": "schema:Organization",
                                           "quotation/x-winning": "schema:Quotation",
                                           "quotation/x-growing": "schema:Quotation"})) == []
