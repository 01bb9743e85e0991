"""A draft under review: its candidates with the spans of the article their quotes cite, and one
candidate's status set in the file itself (the text edited at the status node, comments kept)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kg.draft.mark import STATUSES, read_mark
from kg.draft.writer import text as quoted
from kg.errors import InputError
from kg.files import display_path
from kg.inputs.lexical import looks_like_date_time, one_line_problem
from kg.inputs.quotes import QuoteAmbiguous, QuoteNotFound, locate
from kg.inputs.sources import KEY_PATTERN, load_sources
from kg.inputs.yamlio import Located, parse_yaml
from kg.model import DraftMark, sha256_hex
from kg.project import Project

DRAFTS_DIR = "drafts"
SECTIONS = ("entities", "claims")


class StaleDraft(InputError):
    """The draft file changed since the curator's page read it."""


class NoDraft(InputError):
    """No drafts/KEY.yaml for the key (or the key is not a source key)."""


class NoCandidate(InputError):
    """A candidate id the draft does not have."""


@dataclass(frozen=True)
class Candidate:
    """One candidate of a draft as a curator reviews it. `id` is its place in the file (c1, c2, …
    in file order); `spans` are the article's (start, end) offsets its quotes of the draft's source cite."""

    id: str
    line: int
    subject: str
    property: str
    value: str
    mark: DraftMark
    spans: tuple[tuple[int, int], ...]
    editable: str | None = None  # the value as the review page edits it (a {text, lang}'s text, an entity's name)
    quote: str | None = None  # its first quote of the draft's source, as the file writes it


@dataclass(frozen=True)
class DraftReview:
    key: str
    path: Path
    article: str
    candidates: list[Candidate]
    version: str  # the SHA-256 of the draft file, which a status change must name

    @property
    def unreviewed(self) -> list[Candidate]:
        return [c for c in self.candidates if c.mark.status == "unreviewed"]


def draft_path(project: Project, key: str) -> Path:
    """drafts/KEY.yaml; a key that is not a source key is refused (it could name another file)."""
    if not KEY_PATTERN.fullmatch(key) or key.endswith(".yaml"):
        raise NoDraft(f"{key!r} is not a source key")
    return project.root / DRAFTS_DIR / f"{key}.yaml"


def draft_keys(project: Project) -> list[str]:
    """The keys of the drafts in drafts/, sorted."""
    folder = project.root / DRAFTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file() and KEY_PATTERN.fullmatch(p.stem))


def _shown(value: Any) -> str:
    """A claim's value as the page shows it: "text"@lang, an entity id, a number or a date."""
    if isinstance(value, dict):
        if "text" in value:
            return f'"{value["text"]}"' + (f'@{value["lang"]}' if value.get("lang") else "")
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _spans(raws: Any, key: str, article: str) -> list[tuple[int, int]]:
    spans = []
    for ref in raws if isinstance(raws, list) else []:
        if not isinstance(ref, dict) or ref.get("source") != key or not isinstance(ref.get("quote"), str):
            continue
        occurrence = ref.get("occurrence")
        try:
            span = locate(article, ref["quote"], occurrence if isinstance(occurrence, int) else None)
        except (QuoteNotFound, QuoteAmbiguous):
            continue  # kg add reports it (KG004/KG005); the page shows the candidate without a span
        spans.append((span.start, span.end))
    return spans


def _first_quote(raws: Any, key: str) -> str | None:
    return next((ref["quote"] for ref in raws if isinstance(ref, dict) and ref.get("source") == key
                 and isinstance(ref.get("quote"), str)), None) if isinstance(raws, list) else None


def _editable(value: Any) -> str | None:
    if isinstance(value, dict):
        return value["text"] if isinstance(value.get("text"), str) else None
    return None if value is None or isinstance(value, (list, bool)) else str(value)


def _candidate(number: int, section: str, raw: Located, key: str, article: str) -> Candidate | None:
    mark = read_mark(raw.get("draft")) if "draft" in raw else None
    if not isinstance(mark, DraftMark):
        return None
    if section == "entities":
        names: list[Any] = raw["names"] if isinstance(raw.get("names"), list) else []
        texts = [n.get("text") for n in names if isinstance(n, dict)]
        types = raw.get("type")
        refs = [ref for n in names if isinstance(n, dict) for ref in (n.get("refs") or [])]
        return Candidate(f"c{number}", raw.line, str(raw.get("id")), "new entity",
                         f"{', '.join(map(str, texts))} ({', '.join(map(str, types)) if isinstance(types, list) else types})",
                         mark, tuple(_spans(refs, key, article)), _editable(texts[0] if texts else None),
                         _first_quote((names[0] or {}).get("refs") if names and isinstance(names[0], dict) else None,
                                      key))
    return Candidate(f"c{number}", raw.line, str(raw.get("subject")), str(raw.get("property")),
                     _shown(raw.get("value")), mark, tuple(_spans(raw.get("refs"), key, article)),
                     _editable(raw.get("value")), _first_quote(raw.get("refs"), key))


def read_draft(project: Project, key: str) -> DraftReview:
    """The draft of source `key` (drafts/KEY.yaml) with the article it drafts."""
    path = draft_path(project, key)
    if not path.is_file():
        raise NoDraft(f"no draft {display_path(path, project.root)}: run kg draft {key}")
    raw = path.read_bytes()
    document = parse_yaml(raw.decode("utf-8"), display_path(path, project.root))
    source = load_sources(project.sources_dir).get(key)
    if source is None:
        raise InputError(f"{key!r} is not a registered source: the draft has no article")
    article = source.text
    candidates: list[Candidate] = []
    data = document.data if isinstance(document.data, dict) else {}
    number = 0  # counted as _status_nodes counts, so that an id names one status node
    for section in SECTIONS:
        for item in data.get(section) or []:
            mark = item.get("draft") if isinstance(item, Located) else None
            if not isinstance(mark, dict) or mark.get("status") not in STATUSES:
                continue
            number += 1
            found = _candidate(number, section, item, key, article)
            if found is not None:
                candidates.append(found)
    return DraftReview(key, path, article, candidates, sha256_hex(raw))


def _get(node: MappingNode, key: str) -> Node | None:
    return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)


def _candidate_nodes(text: str) -> list[tuple[str, MappingNode, ScalarNode]]:
    """Every candidate's section, node and the `status:` scalar of its draft mark, in file order
    (the order of the ids)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found: list[tuple[str, MappingNode, ScalarNode]] = []
    if not isinstance(root, MappingNode):
        return found
    for section in SECTIONS:
        items = _get(root, section)
        for item in items.value if isinstance(items, SequenceNode) else []:
            mark = _get(item, "draft") if isinstance(item, MappingNode) else None
            status = _get(mark, "status") if isinstance(mark, MappingNode) else None
            if isinstance(item, MappingNode) and isinstance(status, ScalarNode) and status.value in STATUSES:
                found.append((section, item, status))
    return found


def _status_nodes(text: str) -> list[ScalarNode]:
    return [status for _, _, status in _candidate_nodes(text)]


def _number(candidate: str, count: int) -> int:
    number = int(candidate[1:]) if candidate[:1] == "c" and candidate[1:].isdigit() else 0
    if not 1 <= number <= count:
        raise NoCandidate(f"the draft has no candidate {candidate!r}")
    return number


def with_statuses(text: str, changes: Mapping[str, str]) -> str:
    """`text` with each candidate id of `changes` given its status; nothing else changes.

    >>> with_statuses("claims:\\n  - subject: a  # why\\n    draft: {rule: r, confidence: 1, status: unreviewed}\\n",
    ...               {"c1": "accepted"})
    'claims:\\n  - subject: a  # why\\n    draft: {rule: r, confidence: 1, status: accepted}\\n'
    """
    nodes = _status_nodes(text)
    edits: list[tuple[ScalarNode, str]] = []
    for candidate, status in changes.items():
        if status not in STATUSES:
            raise InputError(f"status {status!r} must be one of {', '.join(STATUSES)}")
        edits.append((nodes[_number(candidate, len(nodes)) - 1], status))
    for node, status in sorted(edits, key=lambda edit: -edit[0].start_mark.index):  # from the end: offsets hold
        text = text[:node.start_mark.index] + status + text[node.end_mark.index:]
    return text


def set_statuses(project: Project, key: str, changes: Mapping[str, str], version: str | None = None,
                 wait: bool = True) -> DraftReview:
    """Set candidates' statuses in drafts/KEY.yaml ({"c3": "accepted"}), atomically and holding the
    project lock; with `version`, refuse (StaleDraft) when the file is no longer the one it names."""
    return _rewrite_draft(project, key, lambda text: with_statuses(text, changes), version, wait)


def _rewrite_draft(project: Project, key: str, change: Callable[[str], str], version: str | None,
                   wait: bool) -> DraftReview:
    """drafts/KEY.yaml replaced by change(its text), atomically and holding the project lock; with
    `version`, refuse (StaleDraft) when the file is no longer the one it names."""
    from kg.files import write_atomically
    from kg.lock import writing

    path = draft_path(project, key)
    with writing(project, "kg serve (review)", wait=wait):
        if not path.is_file():
            raise NoDraft(f"no draft {display_path(path, project.root)}: run kg draft {key}")
        raw = path.read_bytes()
        if version is not None and sha256_hex(raw) != version:
            raise StaleDraft(f"{display_path(path, project.root)} changed since the page was read: reload it")
        write_atomically({path: change(raw.decode("utf-8")).encode("utf-8")}, project.root)
    return read_draft(project, key)


PLAIN_VALUE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_/.:+-]*")


def _scalar(value: str, original: ScalarNode) -> str:
    """`value` written where `original` was: plain when the original was and the value is an id, a
    number or a lexical form that reads back as itself; else double-quoted."""
    if original.style is None and PLAIN_VALUE.fullmatch(value) and not looks_like_date_time(value) \
            and value.lower() not in ("true", "false", "yes", "no", "on", "off", "null", "y", "n"):
        return value
    return quoted(value)


def _value_node(section: str, item: MappingNode) -> tuple[ScalarNode | None, MappingNode | None]:
    """The scalar a candidate's value is written in (a claim's value, or the text of its {text,
    lang} value; an entity's first name), and the node whose refs hold its quotes."""
    holder: Node | None = item
    if section == "entities":
        names = _get(item, "names")
        holder = names.value[0] if isinstance(names, SequenceNode) and names.value else None
        value = _get(holder, "text") if isinstance(holder, MappingNode) else None
    else:
        value = _get(item, "value")
        if isinstance(value, MappingNode):
            value = _get(value, "text")
    return (value if isinstance(value, ScalarNode) else None,
            holder if isinstance(holder, MappingNode) else None)


def _ref_node(holder: MappingNode | None, key: str) -> MappingNode | None:
    refs = _get(holder, "refs") if holder is not None else None
    for ref in refs.value if isinstance(refs, SequenceNode) else []:
        source = _get(ref, "source") if isinstance(ref, MappingNode) else None
        if isinstance(ref, MappingNode) and isinstance(source, ScalarNode) and source.value == key:
            return ref
    return None


def with_edit(text: str, key: str, article: str, candidate: str, value: str | None = None,
              quote: str | None = None) -> str:
    """`text` with candidate `candidate`'s value and/or its quote of source `key` replaced; a new
    quote is located in `article` (kg.draft.quoting.relocate: the occurrence nearest the old one)
    and refused when the article does not hold it. Nothing else changes."""
    from kg.draft.quoting import relocate
    from kg.draft.writer import reference

    nodes = _candidate_nodes(text)
    section, item, _ = nodes[_number(candidate, len(nodes)) - 1]
    value_node, holder = _value_node(section, item)
    edits: list[tuple[Node, str]] = []
    if value is not None:
        value = value.strip()
        if not value or one_line_problem(value):
            raise InputError(f"the value {value!r} must be one line of text, not empty")
        if value_node is None:
            raise InputError(f"candidate {candidate}'s value is not one the page can edit: edit the file")
        edits.append((value_node, _scalar(value, value_node)))
    if quote is not None:
        ref = _ref_node(holder, key)
        if ref is None:
            raise InputError(f"candidate {candidate} has no quote of source {key} to edit: edit the file")
        quoted_node = _get(ref, "quote")
        occurrence = _get(ref, "occurrence")
        old = quoted_node.value if isinstance(quoted_node, ScalarNode) else ""
        try:
            near = locate(article, old, int(occurrence.value) if isinstance(occurrence, ScalarNode)
                          and occurrence.value.isdigit() else None).start
        except (QuoteNotFound, QuoteAmbiguous, ValueError):
            near = 0
        edits.append((ref, reference(key, relocate(article, quote.strip(), near))))
    for node, replacement in sorted(edits, key=lambda edit: -edit[0].start_mark.index):
        text = text[:node.start_mark.index] + replacement + text[node.end_mark.index:]
    return text


def edit_candidate(project: Project, key: str, candidate: str, *, value: str | None = None,
                   quote: str | None = None, version: str | None = None, wait: bool = True) -> DraftReview:
    """Edit candidate `candidate` of drafts/KEY.yaml (with_edit), atomically and holding the
    project lock; with `version`, refuse (StaleDraft) when the file is no longer the one it names.
    Its status is left as it is: the curator accepts the edited candidate as any other."""
    def edit(text: str) -> str:
        source = load_sources(project.sources_dir).get(key)
        if source is None:
            raise InputError(f"{key!r} is not a registered source: the draft has no article")
        return with_edit(text, key, source.text, candidate, value, quote)

    return _rewrite_draft(project, key, edit, version, wait)
