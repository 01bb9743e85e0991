"""schema:description candidates from what a sentence says of an entity: the predicate after the
entity opening the sentence, or the relative clause right after its name; the value is that
clause as a curator writes a description (capitalised, a full stop, the copula left out)."""

from __future__ import annotations

import re

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.kinds import DESCRIBABLE, PERSON, Kinds
from kg.draft.quotations import SPEECH_VERBS, trimmed
from kg.draft.quoting import quote_at
from kg.draft.sentences import sentence_around


# a sentence's subject (a mention at its start, or after "The" and up to four words), then its predicate
SUBJECT_LEAD = re.compile(r"(?:(?:The|the) (?:[A-Za-z’'-]+ ){0,4}|[A-Z][a-z]+ )?\Z")
# or after an opening phrase and its comma: "At the height of the Cold War, Putin declared …"
AFTER_OPENING = re.compile(r"[^;:“”\"]{1,200}, \Z")
COPULA = re.compile(r"(?:is|was|are|were) (?=(?:a|an|the) |[a-z]+ing )")
ADVERBS = re.compile(r"(?:(?:therefore|thus|also|already|now|then|still|recently|reportedly) )+")
VERB_LIKE = re.compile(r"(?:[a-z]+(?:ed|es|s)|is|was|are|were|has|had|have|will|would|must|can|could|should|may|might|"
                       r"plans|intends|wants|hopes|became|began|took|made|won|led|went|got|gave|left|ran|spent|"
                       r"flew|grew|held|kept|lost|met|saw|sent|told|wrote|built|broke|brought|caught|chose|"
                       r"drove|fell|felt|found|knew|paid|rose|set|sold|stood|thought|understood)(?!\w)")
# speech is a quotation's, not a description ("X said …"), unless it reports a stance ("X declared that …")
NOT_PREDICATES = re.compile(rf"(?:{SPEECH_VERBS})(?!\w)(?! that )")
RELATIVE = re.compile(r", (which|who|whose) ")
# a relative clause ends at a comma before the main clause's verb ("X, who …, has a chance")
RELATIVE_END = re.compile(rf", (?={VERB_LIKE.pattern}|(?:{SPEECH_VERBS})(?!\w))")
# a name after a preposition modifies the noun before it: "the project with Tom Cruise, whose …"
AFTER_PREPOSITION = re.compile(r"(?:in|at|on|of|from|with|by|for|to|near),? \Z")
CLAUSE_END = re.compile(r", (?:which|who|whose|but|while|when|where) | (?:and|but) (?:he|she|it|they|we) |[;:(]|, ?[“\"«]")


def _sentence_value(words: str) -> str:
    """A predicate as a description: its first clause, capitalised, ending with a full stop."""
    cut = CLAUSE_END.search(words)
    words = words[:cut.start()] if cut else words
    words = COPULA.sub("", words, count=1) if COPULA.match(words) else words
    words = words.strip().rstrip(".,;: ")
    return words[:1].upper() + words[1:] + "." if words else ""


def descriptions(text: str, mentions: list[Mention], language: str, kinds: Kinds) -> list[ClaimCandidate]:
    """schema:description of an entity from what a sentence says of it: the predicate after the
    entity opening the sentence ("Putin declared that …" -> "Declared that …"; "X is a celebrity
    in Russia" -> "A celebrity in Russia."), not speech ("X said …", a quotation's); and the
    relative clause after it ("the project, whose schedule is not known" -> "Whose schedule is not
    known."; "Soyuz MS-19, which docked …" -> "Docked …")."""
    found = []
    for m in mentions:
        if not kinds.is_a(m.entity, DESCRIBABLE):
            continue
        left, right = sentence_around(text, m.start, m.end)
        sentence_start = left + len(text[left:right]) - len(text[left:right].lstrip())
        relative = RELATIVE.match(text, m.end)
        person = kinds.is_a(m.entity, PERSON)
        attached = relative is not None and relative.end() < right and (relative.group(1) == "who") == person \
            and not (person and relative.group(1) == "whose") \
            and not AFTER_PREPOSITION.search(text, max(left, m.start - 8), m.start)
        if not text[left:right].rstrip().endswith((".", "!", "?")):
            continue  # a headline or a caption's fragment, not a sentence
        if relative is not None and attached:
            rest = text[relative.end():right]
            ends = RELATIVE_END.search(rest)
            rest = rest[:ends.start()] if ends else rest
            value = _sentence_value(rest if relative.group(1) != "whose" else "whose " + rest)
            if relative.group(1) == "whose":
                value = "Its" + value[len("Whose"):]
            rule, start = "description-relative-clause", relative.start()
        elif (SUBJECT_LEAD.fullmatch(text, sentence_start, m.start) or AFTER_OPENING.fullmatch(text, sentence_start, m.start)) \
                and text[m.end:m.end + 1] == " ":
            rest = ADVERBS.sub("", text[m.end + 1:right], count=1) if ADVERBS.match(text[m.end + 1:right]) \
                else text[m.end + 1:right]
            if not VERB_LIKE.match(rest) or NOT_PREDICATES.match(rest):
                continue
            value = _sentence_value(rest)
            rule, start = "description-predicate", sentence_start
        else:
            continue
        if len(value.split()) < 3 or any(q in value for q in "“”\"«»"):
            continue
        found.append(ClaimCandidate(m.entity, "schema:description", {"text": value, "lang": language},
                                    quote_at(text, *trimmed(text, start if rule.endswith("predicate") else m.start,
                                                             right)),
                                    rule, 0.4))
    return found
