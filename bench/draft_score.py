"""Part H's comparison: a draft of one article against the curated claims and entities citing it.

A claim matches when subject, property and value agree after normalising the value: an entity id
as itself, a dateTime in UTC, a number by its value (1.70 = 1.7), any other literal by its lexical
form whatever its language. A new entity the draft proposes matches when its slug is the curated
id; a new candidate that names a curated entity under another id is a slug mismatch (listed apart).

The *aligned* score (beside the strict one, which it leaves as it is) forgives what a curator
words freely. A new entity candidate stands for the curated entity (citing the article, not
mentioned by the draft under its own id) whose quoted spans (its names' and its claims' quotes in
this article) overlap the candidate's (its quote and its mentions) the most; its claims are
compared under that id, and its name counts as a name form of that entity (for recall: it is no
claim of the draft's). A claim of a free-text property (FREE_TEXT) matches a curated one of the
same subject and property when their values share words (token Jaccard >= 0.5) or their quotes
overlap by half the shorter one at least; any other claim as the strict score matches it.
Imported by bench/workers.py only (it imports kg, from the run's snapshot).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from kg.check.facts import value_text
from kg.draft.candidates import ClaimCandidate
from kg.draft.run import Draft
from kg.inputs.ontology import Ontology
from kg.model import Claim, Facts

DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:[0-9]{2})")
NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
Key = tuple[str, str, str]
FREE_TEXT = frozenset(("schema:description", "schema:text", "schema:alternateName", "schema:abstract"))
JACCARD = 0.5
OVERLAP = 0.5
Spans = list[tuple[int, int]]


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


def jaccard(a: str, b: str) -> float:
    """Shared words over all words (case-folded)."""
    wa, wb = set(re.findall(r"\w+", a.casefold())), set(re.findall(r"\w+", b.casefold()))
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """The characters two spans share over the shorter one's length."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0) / max(min(a[1] - a[0], b[1] - b[0]), 1)


def _curated_spans(truth: Facts, key: str) -> dict[str, Spans]:
    """Each entity's quoted spans in article `key`: its names' references and its claims'."""
    spans: dict[str, Spans] = {}
    for entity in truth.entities.values():
        spans[entity.id] = [(r.span.start, r.span.end) for n in entity.names for r in n.refs if r.source == key]
    for claim in truth.claims:
        spans.setdefault(claim.subject, []).extend((r.span.start, r.span.end) for r in claim.refs if r.source == key)
    return {e: s for e, s in spans.items() if s}


def alignment(truth: Facts, draft: Draft, key: str) -> dict[str, str]:
    """New candidate id -> the curated entity it stands for (module docstring); a candidate whose
    id is a curated one's stands for itself."""
    curated = _curated_spans(truth, key)
    mentioned = {m.entity for m in draft.mentions} - {e.id for e in draft.entities}
    aligned: dict[str, str] = {}
    for candidate in draft.entities:
        if candidate.id in truth.entities:
            aligned[candidate.id] = candidate.id
            continue
        own = [(candidate.quote.start, candidate.quote.end),
               *((m.start, m.end) for m in draft.mentions if m.entity == candidate.id)]
        best = max(((max(overlap(a, b) for a in own for b in spans), entity_id)
                    for entity_id, spans in sorted(curated.items()) if entity_id not in mentioned
                    and entity_id not in aligned.values()), default=(0.0, ""))
        if best[0] > 0:
            aligned[candidate.id] = best[1]
    return aligned


def _aligned(truth: Facts, draft: Draft, ontology: Ontology, curated: dict[Key, Claim | None],
             proposed: list[ClaimCandidate], key: str) -> tuple[set[Key], int]:
    """The curated claims an aligned proposal matches, and how many proposals match one."""
    ids = alignment(truth, draft, key)
    by_subject: dict[tuple[str, str], list[tuple[Key, Claim | None]]] = {}
    for k, claim in curated.items():
        by_subject.setdefault((k[0], k[1]), []).append((k, claim))
    matched: set[Key] = set()
    proposals = 0
    # a candidate standing for a curated entity proposes its name as that entity's name form (recall only)
    names = [ClaimCandidate(e.id, "schema:alternateName", {"text": e.name, "lang": ""}, e.quote, e.rule, e.confidence)
             for e in draft.entities if e.id in ids]
    for c, counted in [*((c, True) for c in proposed), *((c, False) for c in names)]:
        subject = ids.get(c.subject, c.subject)
        value = normalised(ids.get(c.value, c.value) if isinstance(c.value, str) else c.value_text())
        prop = ontology.expand(c.property)
        found = set()
        for k, claim in by_subject.get((subject, prop), []):
            if k[2] == value:
                found.add(k)
            elif c.property in FREE_TEXT and (jaccard(k[2], c.value_text()) >= JACCARD or claim is not None and any(
                    overlap((r.span.start, r.span.end), (c.quote.start, c.quote.end)) >= OVERLAP
                    for r in claim.refs if r.source == key)):
                found.add(k)
        matched |= found
        proposals += bool(found) and counted
    return matched, proposals


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
    aligned, aligned_proposals = _aligned(truth, draft, ontology, {**curated_names, **curated},
                                         list(proposed.values()), key)
    total = len(curated) + len(curated_names)
    return {
        "source": key, "curated": len(curated) + len(curated_names), "proposed": len(proposed),
        "matched": len(matched), "curated_name_forms": len(curated_names),
        "name_forms_matched": len(set(curated_names) & matched),
        "recall": len(matched) / (len(curated) + len(curated_names)) if curated or curated_names else None,
        "precision": len(matched) / len(proposed) if proposed else None,
        "aligned_matched": len(aligned), "aligned_proposed_matched": aligned_proposals,
        "aligned_recall": len(aligned) / total if total else None,
        "aligned_precision": aligned_proposals / len(proposed) if proposed else None,
        "aligned_missed_by_property": dict(Counter(ontology.compact(k[1]) for k in sorted(
            set(curated) | set(curated_names)) if k not in aligned).most_common()),
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
