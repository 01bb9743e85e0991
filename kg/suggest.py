"""Did-you-mean: the known names closest to an unknown one (an entity, a property, a class, a
rule). One implementation for every message that suggests."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

CUTOFF = 0.6  # difflib's ratio; an entity's slug or name forms give it several chances
TERM_CUTOFF = 0.7  # a property or class is compared by one short local name
CONTAINED = 0.8  # the score of a key that contains the wanted text, or is contained in it ...
MIN_CONTAINED = 4  # ... if that text is this long and more than half the other: "Smithson" in
# "Jane Smithson" counts, "name" in "nickname" or "iss" in "mission" does not


def _normalise(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def closest(wanted: str, candidates: Iterable[tuple[str, str]], limit: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """The answers whose keys are most like `wanted`, best first; [] when nothing is close.
    `candidates` are (key, answer) pairs, so that several keys (an entity's slug and each of its
    name forms) can lead to one answer. Case and punctuation do not count."""
    target = _normalise(wanted)
    if not target:
        return []
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    scores: dict[str, float] = {}
    for key, answer in candidates:
        normal = _normalise(key)
        if not normal:
            continue
        shorter, longer = sorted((len(normal), len(target)))
        contained = shorter >= MIN_CONTAINED and 2 * shorter > longer and (target in normal or normal in target)
        score = CONTAINED if contained else 0.0
        matcher.set_seq1(normal)
        floor = max(score, cutoff)
        if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
            score = max(score, matcher.ratio())
        if score >= cutoff and score > scores.get(answer, 0.0):
            scores[answer] = score
    return sorted(scores, key=lambda answer: (-scores[answer], answer))[:limit]


def did_you_mean(suggestions: Sequence[str]) -> str:
    """' — did you mean a, b?' to end a message with, or '' when there is nothing to suggest."""
    return f" — did you mean {', '.join(suggestions)}?" if suggestions else ""


def suggest_entities(wanted: str, name_forms: Mapping[str, Iterable[str]], limit: int = 3) -> list[str]:
    """Entity ids (the keys of `name_forms`) whose slug or a name form is most like `wanted`.

    >>> forms = {"person/jane-smithson": ["Jane Smithson"], "org/acme": ["Acme Corporation"]}
    >>> suggest_entities("person/jane-smithsen", forms), suggest_entities("Smithson", forms)
    (['person/jane-smithson'], ['person/jane-smithson'])
    """
    slug = wanted.rstrip("/").rsplit("/", 1)[-1]
    pairs = [(entity_id.rsplit("/", 1)[-1], entity_id) for entity_id in name_forms]
    pairs += [(name, entity_id) for entity_id, names in name_forms.items() for name in names]
    return closest(slug, pairs, limit)


def suggest_terms(wanted: str, declared: Iterable[str], labels: Mapping[str, Iterable[str]] | None = None,
                  limit: int = 3) -> list[str]:
    """The declared CURIEs (properties or classes) most like `wanted`: by local name whatever the
    prefix, by the whole CURIE, and by each term's rdfs:label (`labels`, by CURIE).

    >>> declared = ["kg:plannedReturnDate", "schema:director", "schema:name", "kg:launchDate"]
    >>> suggest_terms("kg:plannedReturn", declared), suggest_terms("kg:directer", declared)
    (['kg:plannedReturnDate'], ['schema:director'])
    >>> suggest_terms("kg:lauchDate", declared), suggest_terms("kg:liftoff", declared, {"kg:launchDate": ["lift-off"]})
    (['kg:launchDate'], ['kg:launchDate'])
    """
    def local(curie: str) -> str:
        return curie.rsplit(":", 1)[-1]

    terms = list(declared)
    pairs = [(local(term), term) for term in terms] + [(term, term) for term in terms]
    pairs += [(label, term) for term, texts in (labels or {}).items() for label in texts]
    return closest(local(wanted), pairs, limit, TERM_CUTOFF)
