"""Claims from patterns over the mentions: ages ("Peresild, 37", "the 38-year-old Shipenko"),
occupations (a role word before a person), dates resolved against the article's date ("this
morning at 4.36 am Greenwich", "Tuesday, October 5") and durations ("12 days")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from kg.draft.candidates import ClaimCandidate, Mention
from kg.draft.gazetteer import AGENT
from kg.draft.kinds import COUNTRY, FILM, MISSION, OCCUPATION, ONE_WORK, PERSON, Kind, Kinds
from kg.draft.quoting import quote_at, widen
from kg.draft.sentences import sentence_around
from kg.model import Claim
from kg.namespaces import SCHEMA

NUMBER_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                           "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
                                           .split())}
DURATION = re.compile(r"(?<!\w)([0-9]{1,3}|" + "|".join(NUMBER_WORDS) + r")[ -](day|hour|week|month)s?(?!\w)",
                      re.IGNORECASE)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
CALENDAR_DATE = re.compile(rf"(?:(?:{WEEKDAYS}),? )?(?:(?:{MONTHS}) [0-9]{{1,2}}(?:st|nd|rd|th)?|"
                           rf"[0-9]{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS}))(?:,? [0-9]{{4}})?(?!\w)")
RELATIVE_DAY = re.compile(r"(?<!\w)(?:(this|yesterday|tomorrow) (?:morning|afternoon|evening)|today|yesterday|"
                          r"tomorrow|tonight)(?!\w)", re.IGNORECASE)
TIME = re.compile(r"(?:at )?([0-9]{1,2})[.:]([0-9]{2}) ?(am|pm|a\.m\.|p\.m\.)?(?: (Greenwich|GMT|UTC|Moscow time))?")
ZONES = {"Greenwich": "Z", "GMT": "Z", "UTC": "Z", "Moscow time": "+03:00"}
# a time with its zone and no day before it: "arrived at 9:22 am GMT"
TIME_ALONE = re.compile(r"(?<![\w.,])(?:at )?([0-9]{1,2})[.:]([0-9]{2}) ?(am|pm|a\.m\.|p\.m\.)? (Greenwich|GMT|UTC|Moscow time)")
ON_DAY = re.compile(rf" on ({CALENDAR_DATE.pattern})")
# what the sentence says happened on the date -> the label of the class of the mission's event,
# and the mission's own property for it (when the graph knows no such event)
DATE_EVENTS = ((re.compile(r"launch|lift|t(?:ake|ook|aking) off|blast(?:ed)? off", re.IGNORECASE), "launch", "kg:launchDate"),
               (re.compile(r"dock|arriv", re.IGNORECASE), "docking", "kg:dockingTime"),
               (re.compile(r"(?<!\w)land|returned", re.IGNORECASE), "landing", "schema:endDate"))
DAY_OFFSETS = {"yesterday": -1, "tomorrow": 1}


def mentions_within(mentions: list[Mention], start: int, end: int, kinds: Kinds, kind: Kind) -> list[Mention]:
    """The mentions of entities of this kind inside text[start:end]."""
    return kinds.of((m for m in mentions if start <= m.start and m.end <= end), kind)


def ages(text: str, mentions: list[Mention], on: str | None, kinds: Kinds) -> list[ClaimCandidate]:
    found = []
    for m in kinds.of(mentions, PERSON):
        after = re.compile(r", ([0-9]{1,3})(?![0-9]|,[0-9])").match(text, m.end)
        before = re.compile(r"([0-9]{1,3})-year-old (?:[a-z]+ ){0,2}\Z").search(text, max(0, m.start - 40), m.start)
        if after:
            start, end, age, rule = m.start, after.end(), int(after.group(1)), "age-comma"
        elif before:
            start, end, age, rule = before.start(), m.end, int(before.group(1)), "age-year-old"
        else:
            continue
        found.append(ClaimCandidate(m.entity, "kg:age", age, quote_at(text, *widen(text, start, end, 1)), rule, 0.9,
                                    point_in_time=on))
    return found


def occupations(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """An occupation's name form right before a person ("actress Yulia Peresild")."""
    found = []
    for job, person in zip(mentions, mentions[1:]):
        if kinds.is_a(job.entity, OCCUPATION) and kinds.is_a(person.entity, PERSON) \
                and text[job.end:person.start] == " ":
            found.append(ClaimCandidate(person.entity, "schema:hasOccupation", job.entity,
                                        quote_at(text, job.start, person.end), "occupation-before-name", 0.8))
    return found


def _day(text: str, start: int, end: int, on: dt.date) -> dt.date | None:
    import dateparser  # type: ignore[import-untyped]

    relative = RELATIVE_DAY.fullmatch(text, start, end)
    if relative:
        word = (relative.group(1) or relative.group()).lower()
        return on + dt.timedelta(days=DAY_OFFSETS.get(word, 0))
    parsed = dateparser.parse(text[start:end], languages=["en"],
                              settings={"RELATIVE_BASE": dt.datetime(on.year, on.month, on.day),
                                        "PREFER_DATES_FROM": "past", "STRICT_PARSING": False})
    return parsed.date() if parsed else None


def topic(mentions: list[Mention], claims_valued: Callable[[str], list[Claim]], kinds: Kinds) -> str | None:
    """The article's mission: the one it names most, else the known mission most of whose claims'
    values the article names (two at least)."""
    named = most_mentioned(mentions, kinds, MISSION)
    if named is not None:
        return named
    values: dict[str, set[str]] = {}
    for entity in sorted({m.entity for m in mentions}):
        for claim in claims_valued(entity):
            if kinds.is_a(claim.subject, MISSION) and claim.rank != "deprecated":
                values.setdefault(claim.subject, set()).add(entity)
    best = max(sorted(values), key=lambda s: len(values[s]), default=None)
    return best if best is not None and len(values[best]) >= 2 else None


def known_event(mission: str, label: str, kinds: Kinds, claims_valued: Callable[[str], list[Claim]]) -> str | None:
    """The known event of the mission (its schema:superEvent) whose class has this label in the
    ontology ("launch": a kg:Launch)."""
    labels = kinds.ontology.labels
    for claim in claims_valued(mission):
        if claim.property == SCHEMA + "superEvent" and claim.rank != "deprecated" and \
                any(label in labels.get(c, ()) for c in kinds.get(claim.subject, ())):
            return claim.subject
    return None


def _time(match: re.Match[str], day: dt.date) -> str:
    hour = int(match.group(1)) % 12 + (12 if (match.group(3) or "").startswith("p") else 0) \
        if match.group(3) else int(match.group(1))
    return f"{day.isoformat()}T{hour:02d}:{match.group(2)}:00{ZONES[match.group(4)]}"


def dates(text: str, mentions: list[Mention], on: str | None, ranges: Mapping[str, set[str]],
          kinds: Kinds, claims_valued: Callable[[str], list[Claim]]) -> list[ClaimCandidate]:
    """Dates (and a time with its zone, where given) of what a mission in the same sentence did:
    the schema:startDate of the mission's known event of that kind (its launch, its docking), else
    the mission's property for it (DATE_EVENTS). A time with its zone and no day ("arrived at 9:22
    am GMT") is on the article's date. Without the article's date nothing relative or without a
    year is resolved."""
    if on is None:
        return []
    base = dt.date.fromisoformat(on)
    found = []
    days = sorted([*CALENDAR_DATE.finditer(text), *RELATIVE_DAY.finditer(text)], key=lambda m: m.start())
    timed: list[tuple[int, int, str]] = []
    for match in days:
        day = _day(text, match.start(), match.end(), base)
        if day is None:
            continue
        start, end = match.span()
        time = TIME.match(text, end + 1) if text[end:end + 1] == " " else None
        value: str = day.isoformat()
        if time and time.group(4):
            value, end = _time(time, day), time.end()
        timed.append((start, end, value))
    for match in TIME_ALONE.finditer(text):
        if any(s <= match.start() < e for s, e, _ in timed):
            continue
        after = ON_DAY.match(text, match.end())  # "at 2.05 pm UTC on March 12": that day's time
        day = _day(text, after.start(1), after.end(1), base) if after else base
        if day is not None:
            timed = [t for t in timed if not (after and t[0] == after.start(1))]
            timed.append((match.start(), after.end() if after else match.end(), _time(match, day)))
    for start, end, value in sorted(timed):
        left, right = sentence_around(text, start, end)
        said = next(((label, prop) for words, label, prop in DATE_EVENTS if words.search(text, left, right)), None)
        subjects = [m.entity for m in mentions_within(mentions, left, right, kinds, MISSION)]
        confidence, rule = 0.6, "date"
        if not subjects:  # "The capsule … landed this morning at 4.36 am": the article's mission
            article_mission = topic(mentions, claims_valued, kinds)
            subjects, confidence, rule = ([article_mission] if article_mission else []), 0.4, "date-article-mission"
        if said is None or not subjects:
            continue
        subject, prop = subjects[0], said[1]
        event = known_event(subject, said[0], kinds, claims_valued)
        if event is not None:
            subject, prop, rule = event, "schema:startDate", f"{rule}-of-event"
        datatype = "dateTime" if "T" in value else "date"
        if datatype not in ranges.get(prop, set()):
            if datatype == "dateTime" and "date" in ranges.get(prop, set()):
                value = value[:10]
            else:
                continue
        quote = quote_at(text, *widen(text, start, end, 3))
        found.append(ClaimCandidate(subject, prop, value, quote, f"{rule}-{datatype.lower()}", confidence))
    return found


# a sentence that plans a stay ("will spend 12 days", "are set to return after 12 days", "have 12
# days to"), not one that tells a past one ("landed after 12 days on the ISS")
PLANNED = re.compile(r"(?<!\w)(?:will|shall|'ll|(?:is|are) (?:set|due|expected|scheduled|planned|to)|plans?|planned|"
                     r"scheduled|expected|(?:has|have) [a-z0-9 -]+ to)(?!\w)", re.IGNORECASE)


def durations(text: str, mentions: list[Mention], kinds: Kinds,
              claims_valued: Callable[[str], list[Claim]]) -> list[ClaimCandidate]:
    """"12 days" of filming -> kg:shootingDuration of the film the sentence names (else the one
    the article names most, in a sentence of filming: "a movie set for twelve days"); hours of
    travel ("a three-hour trip", "three hours after taking off") -> kg:transitDuration, and a stay
    the sentence plans (PLANNED) -> kg:plannedDuration, of the mission the sentence names, else of
    the article's (topic)."""
    found = []
    main, main_film = topic(mentions, claims_valued, kinds), most_mentioned(mentions, kinds, ONE_WORK)
    for match in DURATION.finditer(text):
        amount = match.group(1).lower()
        count = NUMBER_WORDS[amount] if amount in NUMBER_WORDS else int(amount)
        unit = match.group(2).lower()
        value = {"day": f"P{count}D", "week": f"P{count * 7}D", "month": f"P{count}M", "hour": f"PT{count}H"}[unit]
        left, right = sentence_around(text, *match.span())
        sentence = text[left:right].lower()
        films, missions = mentions_within(mentions, left, right, kinds, FILM), mentions_within(mentions, left, right, kinds, MISSION)
        mission, confidence = (missions[0].entity, 0.5) if missions else (main, 0.4)
        quote = quote_at(text, *widen(text, *match.span(), 3))
        travel = TRAVEL.match(text, match.end())
        if unit == "hour" and travel and mission is not None:
            found.append(ClaimCandidate(mission, "kg:transitDuration", value,
                                        quote_at(text, match.start(), travel.end()), "duration-transit", confidence))
        elif FILMING.search(sentence) and (films or main_film is not None):
            film, confidence = (films[0].entity, 0.6) if films else (main_film or "", 0.4)
            found.append(ClaimCandidate(film, "kg:shootingDuration", value, quote, "duration-filming", confidence))
        elif unit != "hour" and mission is not None and PLANNED.search(text, left, right):
            found.append(ClaimCandidate(mission, "kg:plannedDuration", value, quote, "duration-mission", confidence))
    return found


FILMING = re.compile(r"film|movie|shoot")
# after a duration of hours: the travel it measures ("a three-hour trip", "three hours after taking off")
TRAVEL = re.compile(r"(?: long)? (?:trip|journey|flight|voyage|ride|transit)(?!\w)|s? after (?:taking off|take-?off|lift-?off|"
                    r"launch(?:ing)?|blast-?off|leaving (?:the )?(?:Earth|earth|[A-Z][a-z]+ Cosmodrome))(?!\w)")


# a demonym -> the country's name form in the graph (the gazetteer does not take Russian for Russia)
DEMONYMS = {"American": "United States", "British": "United Kingdom", "Chinese": "China", "French": "France",
            "German": "Germany", "Italian": "Italy", "Japanese": "Japan", "Kazakh": "Kazakhstan",
            "Russian": "Russia", "Soviet": "Soviet Union", "Ukrainian": "Ukraine"}
DEMONYM = re.compile(r"(?<!\w)(" + "|".join(DEMONYMS) + r")(?: and (" + "|".join(DEMONYMS) + r"))?"
                     r"((?: [a-z]+){0,3}) (?=[A-Z])")


def nationalities(text: str, mentions: list[Mention], forms: Mapping[str, str], kinds: Kinds) -> list[ClaimCandidate]:
    """A demonym before a person, across up to three lower-case words ("Russian actress Yulia
    Peresild", "a veteran Russian astronaut Anton Shkaplerov"); two joined by "and" go to two
    people joined by "and", in order ("American and British billionaires Jeff Bezos and Richard
    Branson"); a person before "and two other Russian cosmonauts" is Russian. Only to a country
    the graph names."""
    people = {m.start: m for m in kinds.of(mentions, PERSON)}
    found = []
    for match in DEMONYM.finditer(text):
        first = people.get(match.end())
        if first is None:
            continue
        pairs = [(match.group(1), first)]
        second = people.get(first.end + len(" and ")) if text[first.end:first.end + 5] == " and " else None
        if match.group(2) and second is not None:
            pairs.append((match.group(2), second))
        end = pairs[-1][1].end
        for demonym, person in pairs:
            country = forms.get(DEMONYMS[demonym])
            if country is not None:
                found.append(ClaimCandidate(person.entity, "schema:nationality", country,
                                            quote_at(text, match.start(), end), "demonym-before-person", 0.7))
    for person in people.values():  # "Ivan Petrov and two other Russian cosmonauts": Petrov is one too
        others = OTHERS_OF.match(text, person.end)
        country = forms.get(DEMONYMS[others.group(1)]) if others else None
        if others is not None and country is not None:
            found.append(ClaimCandidate(person.entity, "schema:nationality", country,
                                        quote_at(text, person.start, others.end()), "demonym-of-others", 0.6))
    return found


OTHERS_OF = re.compile(r" and (?:[a-z]+ )?other (" + "|".join(DEMONYMS) + r") [a-z]+s(?!\w)")


# "the Russian film team", "a French movie": a demonym right before a word for a film
# (not "Russian film director X": a person's, an agent noun after the word)
DEMONYM_FILM = re.compile(r"(?<!\w)(" + "|".join(DEMONYMS) + r") (?:film|movie|feature film)(?!\w)(?! " + AGENT + r"\b)")
# a sentence opening on its subject (a country, or "the Russian agency"), then its film ("its first movie")
ITS_FILM = re.compile(r"(?<!\w)its(?: [\w-]+){0,5}? (?:film|movie)(?!\w)")
DEMONYM_SUBJECT = re.compile(r"\s*(?:[A-Z][a-z]+ ){0,2}?(?:[Tt]he |[Aa]n? )?(" + "|".join(DEMONYMS) + r") [a-z]+")


def origins(text: str, mentions: list[Mention], forms: Mapping[str, str], kinds: Kinds,
            claims_valued: Callable[[str], list[Claim]]) -> list[ClaimCandidate]:
    """schema:countryOfOrigin of the film the sentence names (else the one the graph gives that
    origin, else the one work the article names most): the country of a demonym right before
    "film" or "movie" ("the Russian film team"), or the country a sentence's subject is or belongs
    to, when the sentence goes on to "its … film" ("Russia hopes … by filming its first movie",
    "The Russian agency revealed its film project")."""
    main = most_mentioned(mentions, kinds, ONE_WORK)
    found = []

    def propose(country: str | None, start: int, end: int, rule: str) -> None:
        left, right = sentence_around(text, start, end)
        if country is None:
            return
        films = mentions_within(mentions, left, right, kinds, ONE_WORK)
        known = sorted(c.subject for c in claims_valued(country) if c.property == SCHEMA + "countryOfOrigin"
                       and c.rank != "deprecated" and kinds.is_a(c.subject, ONE_WORK))
        film = films[0].entity if films else known[0] if known else main
        if film is not None:
            found.append(ClaimCandidate(film, "schema:countryOfOrigin", country, quote_at(text, start, end), rule, 0.5))

    for match in DEMONYM_FILM.finditer(text):
        propose(forms.get(DEMONYMS[match.group(1)]), *match.span(), "origin-demonym-film")
    for its in ITS_FILM.finditer(text):
        left, _ = sentence_around(text, its.start(), its.end())
        countries = kinds.of([m for m in mentions if left <= m.start and m.end <= its.start()], COUNTRY)
        subject = DEMONYM_SUBJECT.match(text, left)
        opening = text[left:countries[0].start].strip() if countries else ""
        if countries and (not opening or opening.endswith(",") and "," not in opening[:-1]):  # "Keeping it alive, Russia …"
            propose(countries[0].entity, countries[0].start, its.end(), "origin-its-film")
        elif subject is not None and subject.end() <= its.start():
            propose(forms.get(DEMONYMS[subject.group(1)]), subject.start(1), its.end(), "origin-its-film")
    return found


# a budget kept secret: "an undisclosed-budget film", "whose budget is kept secret", "keeping the
# film's production costs secret"
BUDGET_SECRET = re.compile(r"(?<!\w)(?:undisclosed[- ](?:budget|cost)|(?:budget|costs?)(?: (?:is|are|was|were|has been|have been|"
                           r"remains?|stays?))?(?: (?:kept|being kept))? (?:secret|undisclosed|not disclosed|confidential)|"
                           r"keep(?:s|ing)?(?: [\w’'-]+){0,4} (?:budget|costs?) (?:secret|confidential|under wraps))(?!\w)",
                           re.IGNORECASE)


def budgets(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """kg:budgetDisclosed false of the film the sentence names (else the one work the article
    names most) when the sentence says its budget or costs are kept secret."""
    main = most_mentioned(mentions, kinds, ONE_WORK)
    found = []
    for match in BUDGET_SECRET.finditer(text):
        left, right = sentence_around(text, *match.span())
        films = mentions_within(mentions, left, right, kinds, ONE_WORK)
        film, confidence = (films[0].entity, 0.6) if films else (main, 0.4)
        if film is not None:
            found.append(ClaimCandidate(film, "kg:budgetDisclosed", "false", quote_at(text, *match.span()),
                                        "budget-secret", confidence))
    return found


CREW_CUES = ("accompanied", "aboard", "blast off", "boards", "crew member", "flew to", "flies to", "fly to",
             "take off", "took off", "those sent")
DIRECTOR_CUE = re.compile(r"(?<!\w)(?:(?:film )?director|filmmaker|directed by)(?: [a-z]+ [a-z]+)? \Z", re.IGNORECASE)


def most_mentioned(mentions: list[Mention], kinds: Kinds, kind: Kind) -> str | None:
    """The entity of this kind the article mentions most (the first mentioned on a tie)."""
    counts: dict[str, int] = {}
    for m in kinds.of(mentions, kind):
        counts[m.entity] = counts.get(m.entity, 0) + 1
    return max(counts, key=lambda e: counts[e]) if counts else None


def crew(text: str, mentions: list[Mention], kinds: Kinds) -> list[ClaimCandidate]:
    """People in a sentence that says they fly ("flew to", "aboard", "accompanied by", "take off")
    are crew of the mission the sentence names, else of the mission the article names most."""
    main = most_mentioned(mentions, kinds, MISSION)
    found = []
    for m in kinds.of(mentions, PERSON):
        left, right = sentence_around(text, m.start, m.end)
        sentence = text[left:right].lower()
        cue = next((c for c in CREW_CUES if c in sentence), None)
        missions = mentions_within(mentions, left, right, kinds, MISSION)
        mission = missions[0].entity if missions else main
        if cue is None or mission is None:
            continue
        at = left + sentence.index(cue)
        start, end = min(at, m.start), max(at + len(cue), m.end)
        found.append(ClaimCandidate(mission, "kg:crewMember", m.entity, quote_at(text, start, end), "crew-cue", 0.5))
    return found


def directors(text: str, mentions: list[Mention], kinds: Kinds,
              claims_valued: Callable[[str], list[Claim]]) -> list[ClaimCandidate]:
    """"director Klim Shipenko", "directed by Russian filmmaker Klim Shipenko": the film the
    sentence names directs, else the film the graph knows the person worked on (directed first),
    else the film the article names most."""
    main = most_mentioned(mentions, kinds, FILM)
    found = []
    for m in kinds.of(mentions, PERSON):
        cue = DIRECTOR_CUE.search(text, max(0, m.start - 40), m.start)
        if cue is None:
            continue
        left, right = sentence_around(text, m.start, m.end)
        films = mentions_within(mentions, left, right, kinds, FILM)
        worked_on = sorted((c.property != SCHEMA + "director", c.subject) for c in claims_valued(m.entity)
                           if c.rank != "deprecated" and kinds.is_a(c.subject, FILM))
        film = films[0].entity if films else worked_on[0][1] if worked_on else main
        if film is not None:
            found.append(ClaimCandidate(film, "schema:director", m.entity, quote_at(text, cue.start(), m.end),
                                        "director-cue", 0.6))
    return found
