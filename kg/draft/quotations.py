"""Attributed quotations ("…," said X; X said: "…"; "…," X told reporters; "…" — X) as the
curated facts model them: a schema:Quotation entity (quotation/SPEAKER-WORDS, its label the quote's
first clause) with schema:text (the quoted words) and schema:creator (the speaker), each quoted by
the sentence(s) holding quote and attribution. A quotation the graph knows already (same speaker,
words alike) gets the claims, and the label as a new name form, instead of a new entity."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kg.draft.candidates import ClaimCandidate, EntityCandidate, Mention
from kg.draft.kinds import PERSON, QUOTATION, Kinds
from kg.draft.cues import slug
from kg.draft.quoting import quote_at
from kg.draft.sentences import sentence_around
from kg.model import Claim, Entity, EntityValue
from kg.namespaces import SCHEMA

# a quoted span: an opening mark, no other quotation mark inside, a closing one, on one line
# (or, as some machine translations write it, between a closing mark and an opening one)
QUOTED = re.compile(r"[“\"«]([^“”\"«»\n]{2,}?)[”\"»]|”([^“”\"«»\n]{2,}?)“")
SPEECH_VERBS = ("said|says|told|tells|noted|notes|added|adds|estimated|explained|explains|stated|wrote|writes|asked|"
                "declared|insisted|recalled|remarked|replied|commented|continued|stressed|warned|argued|admitted|"
                "announced|tweeted|confirmed|concluded|observed|joked|suggested")
VERB = rf"(?:{SPEECH_VERBS})(?!\w)"
TITLE_WORD = r"(?:[a-z]+|Mr\.|Mrs\.|Ms\.|Dr\.|Prof\.)"
# text between the closing mark and the speaker: ', said political analyst ' / ', ' (speaker first)
VERB_THEN_SPEAKER = re.compile(rf"[\s,]*{VERB}(?: {TITLE_WORD}){{0,4}} ")
BEFORE_SPEAKER = re.compile(rf"[\s,]*(?:{TITLE_WORD} ){{0,4}}")
AFTER_SPEAKER = re.compile(rf" {VERB}")
DASH = re.compile(r"\s*[—–] ?")
PRONOUN = re.compile(rf"[\s,]*(?:(?:he|she) {VERB}|{VERB} (?:he|she)(?!\w))")
# 'X said: "…' / 'X told reporters: "…': the speaker, then up to the opening mark
SPEAKER_BEFORE = re.compile(rf" {VERB}(?: [a-z]+){{0,3}}[:,] ?\Z")
# "For him it is an “experiment”", "according to her, …": the quote is the person named before's
FOR_PRONOUN = re.compile(r"(?<!\w)(?:[Ff]or|[Aa]ccording to) (?:him|her)(?!\w)")
# 'X told the agency that … “…”': the speaker, a speech verb, then the quoted words later in the sentence
REPORTED = re.compile(rf",? {VERB}")
JOINED = re.compile(r"\s*,?\s*(?:and|or)(?: of)? ?\Z")
STOP_WORDS = frozenset("a an the and or but of to in on at for with by from is are was were be been being have has had "
                       "it its this that these those we us our i my me you your he she his her they them their "
                       "there who which what will would can could not no so as do does did just all".split())
CLAUSE = re.compile(r"[,;:]| (?:and|but) ")
LABEL_WORDS = 10
ALIKE = 0.4  # a known quotation of the same speaker is this one when word overlap / the shorter's words >= this


@dataclass(frozen=True)
class _Attributed:
    start: int  # the quoted words (inside the marks), trimmed
    end: int
    speaker: Mention
    span: tuple[int, int]  # quote marks and attribution
    rule: str
    confidence: float


def _words(text: str) -> set[str]:
    """The content words (case-folded, stop words left out)."""
    return {w for w in re.findall(r"\w+", text.casefold()) if w not in STOP_WORDS}


def alike(a: str, b: str) -> float:
    """Shared content words over the shorter text's content words.

    >>> alike("an experiment", "experiment")
    1.0
    """
    return _alike(_words(a), _words(b))


def _alike(wa: set[str], wb: set[str]) -> float:
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def label(words: str) -> str:
    """The quotation's label: its first sentence's first clause (a clause of four words at least),
    at most ten words, without closing punctuation.

    >>> label("We have been pioneers in space and maintained a confident position")
    'We have been pioneers in space'
    >>> label("defeating NASA and Space X")
    'defeating NASA and Space X'
    """
    first = re.split(r"(?<=[.!?]) ", words, maxsplit=1)[0]
    for cut in CLAUSE.finditer(first):
        if len(first[:cut.start()].split()) >= 4:
            first = first[:cut.start()]
            break
    return " ".join(first.split()[:LABEL_WORDS]).rstrip(".!?,;: ")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """start, end without the spaces around and the punctuation closing a quoted clause."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end


def _words_span(quoted: re.Match[str]) -> tuple[int, int]:
    return quoted.span(1) if quoted.group(1) is not None else quoted.span(2)


def _attributed(text: str, quoted: re.Match[str], people: list[Mention]) -> _Attributed | None:
    """The quoted span's speaker when the words right after or before it name one."""
    start, end = trimmed(text, *_words_span(quoted))
    close, open_ = quoted.end(), quoted.start()
    line_end = text.find("\n", close)
    line_end = len(text) if line_end < 0 else line_end
    line_start = text.rfind("\n", 0, open_) + 1
    for m in people:
        if close <= m.start <= min(close + 80, line_end):
            between = text[close:m.start]
            if VERB_THEN_SPEAKER.fullmatch(between):
                return _Attributed(start, end, m, (open_, m.end), "quotation-said-speaker", 0.8)
            if BEFORE_SPEAKER.fullmatch(between) and AFTER_SPEAKER.match(text, m.end):
                verb = AFTER_SPEAKER.match(text, m.end)
                return _Attributed(start, end, m, (open_, verb.end() if verb else m.end), "quotation-speaker-said",
                                   0.8)
            if DASH.fullmatch(between):
                return _Attributed(start, end, m, (open_, m.end), "quotation-dash-speaker", 0.7)
    for m in reversed(people):
        if line_start <= m.start and m.end <= open_ and SPEAKER_BEFORE.search(text[m.end:open_]):
            return _Attributed(start, end, m, (m.start, close), "quotation-speaker-said-colon", 0.7)
    pronoun = PRONOUN.match(text, close)
    earlier = [m for m in people if m.end <= open_]
    if pronoun and pronoun.end() <= line_end and earlier:
        return _Attributed(start, end, earlier[-1], (open_, pronoun.end()), "quotation-pronoun-said", 0.5)
    sentence_start, _ = sentence_around(text, open_, close)
    for m in reversed(earlier):
        if m.start >= sentence_start and REPORTED.match(text, m.end):
            return _Attributed(start, end, m, (m.start, close), "quotation-speaker-reported", 0.6)
    for_pronoun = FOR_PRONOUN.search(text, sentence_start, open_)
    if for_pronoun and earlier:
        return _Attributed(start, end, earlier[-1], (for_pronoun.start(), close), "quotation-for-pronoun", 0.4)
    return None


def _attributions(text: str, people: list[Mention]) -> list[_Attributed]:
    """Each attributed quoted span, in order; a span joined by "and" to the next one that is
    attributed ('"…" and "…," X said') is X's too, and a paragraph that is one quoted span alone,
    right after a paragraph ending in an attributed one, is that speaker's (a quote continued)."""
    spans = list(QUOTED.finditer(text))
    found: list[_Attributed | None] = [_attributed(text, q, people) for q in spans]
    for i in range(len(spans) - 2, -1, -1):
        following = found[i + 1]
        if found[i] is None and following is not None and JOINED.fullmatch(text, spans[i].end(), spans[i + 1].start()):
            start, end = trimmed(text, *_words_span(spans[i]))
            found[i] = _Attributed(start, end, following.speaker, (spans[i].start(), following.span[1]),
                                   "quotation-joined", following.confidence - 0.1)
    for i in range(1, len(spans)):
        previous = found[i - 1]
        q = spans[i]
        line_start = text.rfind("\n", 0, q.start()) + 1
        line_end = text.find("\n", q.end())
        whole_line = text[line_start:q.start()].strip() == "" and \
            text[q.end():len(text) if line_end < 0 else line_end].strip() in ("", ".")
        gap = text[previous.span[1]:line_start] if previous is not None else ""
        if found[i] is None and previous is not None and whole_line and re.fullmatch(r"[^\n]*\n\s*", gap):
            start, end = trimmed(text, *_words_span(q))
            found[i] = _Attributed(start, end, previous.speaker, q.span(), "quotation-continued", 0.4)
    return [a for a in found if a is not None]


def _known_quotation(words: str, speaker: str, known: list[tuple[str, list[set[str]]]],
                     claims_about: Callable[[str], list[Claim]]) -> str | None:
    """The known quotation by `speaker` whose name is most like `words` (ALIKE at least): the
    names first, in memory; the claims (its creator) only of those alike."""
    these = _words(words)
    alike_names = sorted(((max(_alike(these, n) for n in names), entity_id) for entity_id, names in known),
                         key=lambda p: (-p[0], p[1]))
    for score, entity_id in alike_names:
        if score < ALIKE:
            return None
        if any(c.property == SCHEMA + "creator" and isinstance(c.value, EntityValue) and c.value.id == speaker
               for c in claims_about(entity_id)):
            return entity_id
    return None


# 'Dmitry Peskov said': a name of two or three capitalised words right before a speech verb
NAMED_SPEAKER = re.compile(rf"(?<![\w.])((?:[A-Z][a-z]+ ){{1,2}}[A-Z][a-z]+) {VERB}")


def speakers(text: str, mentions: list[Mention], kinds: Kinds) -> tuple[list[EntityCandidate], list[Mention]]:
    """New people named right before a speech verb ("Dmitry Peskov said"); then every new person
    (these and the cues') also mentioned by their last name alone ("Peskov said") where no other
    mention is."""
    found: dict[str, EntityCandidate] = {}
    new: list[Mention] = []

    def taken(start: int, end: int) -> bool:
        return any(m.start < end and start < m.end for m in [*mentions, *new])

    for match in NAMED_SPEAKER.finditer(text):
        start, end = match.span(1)
        before = text[:start].rstrip()
        if len(match.group(1).split()) == 3 and (not before or before.endswith((".", "!", "?", "”", "\""))):
            start = text.index(" ", start) + 1  # a sentence's first word may be a title: "Spokesman Ann Lee said"
        if taken(start, end):
            continue
        name = text[start:end]
        entity_id = f"person/{slug(name)}"
        new.append(Mention(entity_id, name, start, end, None, "speaker-named", 0.5))
        found.setdefault(entity_id, EntityCandidate(entity_id, ("schema:Person",), name,
                                                    quote_at(text, start, match.end()), "speaker-named", 0.5))
    kinds.learn(found.values())
    full_names = {m.entity: m.form for m in kinds.of([*mentions, *new], PERSON)
                  if m.known_form is None and " " in m.form}
    for entity_id, form in sorted(full_names.items()):
        surname = form.rsplit(" ", 1)[-1]
        for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if not taken(*match.span()):
                new.append(Mention(entity_id, surname, *match.span(), None, "new-person-surname", 0.4))
    return list(found.values()), sorted(new, key=lambda m: (m.start, m.end))


def quotations(text: str, mentions: list[Mention], known: Mapping[str, Entity],
               claims_about: Callable[[str], list[Claim]],
               language: str, kinds: Kinds) -> tuple[list[EntityCandidate], list[Mention], list[ClaimCandidate]]:
    """The attributed quotations of `text`: new quotation entities, their mentions (the quoted
    words), and their schema:text and schema:creator claims (an alternateName for a new label of a
    known quotation)."""
    named, new_mentions = speakers(text, mentions, kinds)
    people = sorted(kinds.of([*mentions, *new_mentions], PERSON),
                    key=lambda m: (m.start, m.end))
    entities: dict[str, EntityCandidate] = {e.id: e for e in named if e.id not in known}
    known_quotations = [(e.id, [_words(n.text) for n in e.names]) for e in known.values()
                        if SCHEMA + "Quotation" in e.types and e.names]
    claims: list[ClaimCandidate] = []
    for a in _attributions(text, people):
        words = text[a.start:a.end]
        if not _words(words):
            continue
        name = label(words)
        quote = quote_at(text, *trimmed(text, *sentence_around(text, min(a.span[0], a.start), max(a.span[1], a.end))))
        speaker = a.speaker.entity
        entity_id = _known_quotation(words, speaker, known_quotations, claims_about)
        if entity_id is None:
            content = [w for w in re.findall(r"\w+", name) if w.casefold() not in STOP_WORDS][:2] or name.split()[:2]
            entity_id = f"quotation/{speaker.rsplit('/', 1)[-1].rsplit('-', 1)[-1]}-{slug(' '.join(content))}"
            if entity_id in known or entity_id in entities:
                continue
            entities[entity_id] = EntityCandidate(entity_id, ("schema:Quotation",), name, quote, a.rule, a.confidence)
            kinds.learn([entities[entity_id]])
        elif name not in {n.text for n in known[entity_id].names}:
            claims.append(ClaimCandidate(entity_id, "schema:alternateName", {"text": name, "lang": language}, quote,
                                         "quotation-known-label", a.confidence - 0.1))
        known_form = known[entity_id].preferred_name.text if entity_id in known else None
        new_mentions.append(Mention(entity_id, words, a.start, a.end, known_form, a.rule, a.confidence))
        claims += [ClaimCandidate(entity_id, "schema:text", {"text": words, "lang": language}, quote, a.rule,
                                  a.confidence),
                   ClaimCandidate(entity_id, "schema:creator", speaker, quote, a.rule, a.confidence)]
    return list(entities.values()), new_mentions, claims



# "For Orbis, it is about “winning” and “growing”": the quotations that follow are about X
ABOUT_OPENER = re.compile(r"(?:For|To) \Z")
ABOUT_FRAME = re.compile(r",? it(?:’s|'s| is| was)(?: (?:therefore|thus|also|all|really|simply))? about ")


def about(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """schema:about of the quotations a sentence opening "For X, it is about …" quotes: X (a
    mention right after the opening "For"), each quoted from the sentence's start to the quote."""
    found = []
    for m in mentions:
        if kinds.is_a(m.entity, QUOTATION) or not ABOUT_OPENER.search(text, max(0, m.start - 4), m.start):
            continue
        left, right = sentence_around(text, m.start, m.end)
        frame = ABOUT_FRAME.match(text, m.end)
        if m.start - 4 < left - 1 or frame is None or text[left:m.start].strip() not in ("For", "To"):
            continue
        for q in mentions:
            if kinds.is_a(q.entity, QUOTATION) and frame.end() <= q.start and q.end <= right:
                end = q.end + 1 if text[q.end:q.end + 1] in "”\"»“" else q.end
                found.append(ClaimCandidate(q.entity, "schema:about", m.entity, quote_at(text, m.start - 4, end),
                                            "quotation-about-for", 0.6))
    return found
