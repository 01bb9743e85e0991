"""Part H's comparison: a draft of one article against the curated claims and entities citing it.

A claim matches when subject, property and value agree after normalising the value: an entity id
as itself, a dateTime in UTC, a number by its value (1.70 = 1.7), any other literal by its lexical
form whatever its language. A new entity the draft proposes matches when its slug is the curated
id; a new candidate that names a curated entity under another id is a slug mismatch (listed apart).
Imported by bench/workers.py only (it imports kg, from the run's snapshot).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from kg.check.facts import value_text
from kg.draft.run import Draft
from kg.inputs.ontology import Ontology
from kg.model import Claim, Facts

DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:[0-9]{2})")
NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
Key = tuple[str, str, str]


def normalised(value: str) -> str:
    """2021-10-05T12:55:18+03:00 -> 2021-10-05T09:55:18+00:00; 1.70 -> 1.7; text as it is."""
    if DATE_TIME.fullmatch(value):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc).isoformat()
    if NUMBER.fullmatch(value):
        try:
            return str(Decimal(value).normalize())
        except InvalidOperation:
            return value
    return value


def curated_key(claim: Claim) -> Key:
    return claim.subject, claim.property, normalised(value_text(claim))


def new_name_forms(truth: Facts, kept: Facts, key: str, ontology: Ontology) -> list[Key]:
    """The name forms the article gave an entity the leave-one-out graph kept without them: the
    curated facts hold them as names, the draft proposes them as schema:alternateName claims."""
    prop = ontology.expand("schema:alternateName")
    found = []
    for entity_id in sorted(set(truth.entities) & set(kept.entities)):
        known = {n.text for n in kept.entities[entity_id].names}
        found += [(entity_id, prop, n.text) for n in truth.entities[entity_id].names
                  if n.text not in known and any(r.source == key for r in n.refs)]
    return found


def score(truth: Facts, kept: Facts, draft: Draft, ontology: Ontology, article: str) -> dict[str, Any]:
    """`truth`: the full seed's facts; `kept`: the leave-one-out graph's (an entity it lost the
    draft can only know as a new candidate); `article`: the article's text. A name form the article
    gave a kept entity counts as a curated schema:alternateName claim. Mention
    recall counts the cited entities the article names (a name citing it occurs in its text); the
    others (quotations, events, roles: labels the curator wrote) are counted apart."""
    key = draft.source
    curated = {curated_key(c): c for c in truth.claims
               if c.rank != "deprecated" and any(r.source == key for r in c.refs)}
    names = new_name_forms(truth, kept, key, ontology)
    curated_names: dict[Key, Claim | None] = dict.fromkeys(names)
    proposed = {(c.subject, ontology.expand(c.property), normalised(c.value_text())): c for c in draft.claims}
    left_out = set(truth.entities) - set(kept.entities)
    matched = (set(curated) | set(curated_names)) & set(proposed)
    cited_all = [e for e in truth.entities.values() if any(r.source == key for n in e.names for r in n.refs)]
    cited = sorted(e.id for e in cited_all
                   if any(n.text in article for n in e.names if any(r.source == key for r in n.refs)))
    labelled = len(cited_all) - len(cited)
    mentioned = {m.entity for m in draft.mentions}
    found = [e for e in cited if e in mentioned]
    slug_mismatches = []
    for entity_id in sorted(set(cited) & left_out):
        if entity_id in mentioned:
            continue
        forms = {n.text.casefold() for n in truth.entities[entity_id].names}
        for candidate in draft.entities:
            if candidate.name.casefold() in forms and candidate.id != entity_id:
                slug_mismatches.append({"curated": entity_id, "draft": candidate.id})
    missed = [curated[k] for k in sorted(set(curated) - matched)]
    missed_names = [f"{k[0]} schema:alternateName {k[2]}" for k in sorted(set(curated_names) - matched)]
    wrong = [proposed[k] for k in sorted(set(proposed) - matched)]
    return {
        "source": key, "curated": len(curated) + len(curated_names), "proposed": len(proposed),
        "matched": len(matched), "curated_name_forms": len(curated_names),
        "name_forms_matched": len(set(curated_names) & matched),
        "recall": len(matched) / (len(curated) + len(curated_names)) if curated or curated_names else None,
        "precision": len(matched) / len(proposed) if proposed else None,
        "entities_cited": len(cited), "entities_found": len(found), "entities_labelled": labelled,
        "mention_recall": len(found) / len(cited) if cited else None,
        "entities_left_out": len(set(cited) & left_out),
        "new_candidates": len(draft.entities),
        "new_candidates_matching": sum(e.id in set(cited) & left_out for e in draft.entities),
        "slug_mismatches": slug_mismatches,
        "entities_missed": [e for e in cited if e not in mentioned],
        "missed_by_property": dict(Counter([*(ontology.compact(c.property) for c in missed),
                                            *["schema:alternateName"] * len(missed_names)]).most_common()),
        "missed_subject_not_mentioned": sum(c.subject not in mentioned for c in missed),
        "wrong_by_rule": dict(Counter(c.rule for c in wrong).most_common()),
        "missed_examples": [*(f"{c.subject} {ontology.compact(c.property)} {value_text(c)}" for c in missed),
                            *missed_names],
        "wrong_examples": [f"{c.subject} {c.property} {c.value_text()} ({c.rule})" for c in wrong],
    }
