"""Accept header parsing and negotiation, independent of the server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.serve.conneg import BadAccept, negotiate, parse_accept
from kg.serve.server import RESOURCE_TYPES

OFFERED = list(RESOURCE_TYPES)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/html"),
        ("", "text/html"),
        ("*/*", "text/html"),
        ("text/turtle", "text/turtle"),
        ("TEXT/Turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/n-quads", "application/n-quads"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/turtle;q=0.9, application/ld+json;q=0.9", "text/turtle"),
        ("text/*;q=0.5, application/n-triples", "application/n-triples"),
        ("text/*", "text/html"),
        ("text/*, text/html;q=0", "text/turtle"),
        ("*/*;q=0.1, application/n-quads;q=0.2", "application/n-quads"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", "text/html"),
        ("application/json", "application/json"),
        ("text/turtle; charset=utf-8; q=0.7, */*;q=0.1", "text/turtle"),
        ("image/png", None),
        ("*/*;q=0", None),
        ("text/turtle;q=2, application/n-triples", "application/n-triples"),
        ("garbage, text/turtle", "text/turtle"),
    ],
)
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, OFFERED) == chosen


@pytest.mark.parametrize("accept", [";;;", "nonsense", "text/turtle;q=abc", "*/html", ",,, ;q=1"])
def test_an_accept_header_without_any_media_range_is_bad(accept: str) -> None:
    with pytest.raises(BadAccept):
        negotiate(accept, OFFERED)


def test_q_values_are_parsed() -> None:
    ranges = parse_accept("text/turtle;q=0.25, */*;q=0")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "turtle", 0.25), ("*", "*", 0.0)]


@given(st.text(max_size=300))
def test_any_header_gives_an_offered_type_none_or_bad_accept(header: str) -> None:
    try:
        assert negotiate(header, OFFERED) in [*OFFERED, None]
    except BadAccept:
        pass
