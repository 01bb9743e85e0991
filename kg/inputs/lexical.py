"""The written forms kg accepts for numbers, dates, language tags and one-line text, in facts/,
sources/sources.yaml and the options of `kg source add`: one strict reading of each, so that what
is published is what a reviewer reads in the file.

Numbers are plain decimals: `38`, `-2`, `1.9`, `0.5`. Everything else a YAML reader might take
for a number is refused with the reason, because its value depends on who reads it: `046` (YAML
1.1 reads the octal 38, YAML 1.2 reads 46), `0x1F`, `0o17`, `0b101`, `1_000`, `1e3`, `.inf`,
`.nan`, and numbers of more than MAX_DIGITS digits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

# XML Schema 1.0 (part 2, 3.2.3) requires every processor to support xsd:decimal (and so
# xsd:integer) values of at least 18 digits: a number of that size is read exactly everywhere.
MAX_DIGITS = 18

INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
DECIMAL = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)")
# What YAML 1.1 or 1.2 (or a person) could read as a number: the strict reader sends every plain
# scalar of this form through `number`, so none of them is silently a string or a float.
NUMBER_LIKE = re.compile(
    r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9_]+)?"
    r"|[-+]?0[xXoObB][0-9A-Za-z_]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
NUMBER_FIRST_CHARACTERS = "0123456789+-."
_NON_FINITE = re.compile(r"[-+]?\.?(?:inf|infinity|nan)", re.IGNORECASE)
_BASES = {"x": "a hexadecimal", "o": "an octal", "b": "a binary"}

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                       r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?")
LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

# A registry field is one line of printable text: no C0 or C1 control character, DEL, line or
# paragraph separator, lone surrogate (an argument that was not UTF-8) or non-character U+FFFE/F.
_NOT_ONE_LINE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\x00": "NUL", "\x07": "BEL", "\x1b": "ESC",
          "\x7f": "DEL", "\x85": "NEL", "\u2028": "line separator", "\u2029": "paragraph separator"}


class NotAccepted(ValueError):
    """A written value kg does not accept; the message says why and what to write instead."""


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:20]}…{text[-8:]} ({len(text):,} characters)"


def number(text: str) -> int | Decimal:
    """The value of a number written as a plain decimal, or NotAccepted saying why not and what
    to write instead.

    >>> number("38"), number("-1.90")
    (38, Decimal('-1.90'))
    >>> number("046")
    Traceback (most recent call last):
    ...
    kg.inputs.lexical.NotAccepted: 046 has a leading zero, which YAML 1.1 reads as the octal number 38 and \
YAML 1.2 as 46: write 46, or quote it if it is text
    """
    shown = _shown(text)
    # the 0 of 0.5 is not counted: 0.000000000000000001 has 18 digits
    digits = sum(c.isdigit() for c in text) - text.lstrip("+-").startswith("0.")
    if digits > MAX_DIGITS:
        raise NotAccepted(f"{shown} has {digits:,} digits; kg reads numbers of at most {MAX_DIGITS} digits "
                          "(as every XML Schema processor must), so quote it if it is text")
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        return Decimal(text)
    sign, unsigned = ("-" if text.startswith("-") else ""), text.lstrip("+-")
    if _NON_FINITE.fullmatch(text):
        raise NotAccepted(f"{shown} is not a finite number: kg publishes only xsd:integer and xsd:decimal values, "
                          "which have no infinity or NaN")
    if unsigned[:2].lower() in ("0x", "0o", "0b"):
        base = {"x": 16, "o": 8, "b": 2}[unsigned[1].lower()]
        try:
            value = f" ({sign}{int(unsigned[2:].replace('_', ''), base)})"
        except ValueError:
            value = ""
        raise NotAccepted(f"{shown} is {_BASES[unsigned[1].lower()]} number: write it in decimal{value}, "
                          "or quote it if it is text")
    if "_" in text:
        plain = text.replace("_", "")
        hint = f"write {plain}" if INTEGER.fullmatch(plain) or DECIMAL.fullmatch(plain) else "write the digits alone"
        raise NotAccepted(f"{shown}: digit separators (_) are not read; {hint}, or quote it if it is text")
    mantissa, e, exponent = text.lower().partition("e")
    if e:
        full = ""
        if len(exponent.lstrip("+-")) <= 2 and (INTEGER.fullmatch(mantissa) or DECIMAL.fullmatch(mantissa)):
            full = f" ({format(Decimal(text), 'f')})"
        raise NotAccepted(f"{shown} has an exponent: write the number in full{full}, or quote it if it is text")
    if re.fullmatch(r"0[0-9]+(?:\.[0-9]*)?", unsigned):
        plain = sign + (unsigned.lstrip("0") or "0")
        plain = plain.replace(".", "0.", 1) if plain.lstrip("-").startswith(".") else plain
        if re.fullmatch(r"0[0-7]+", unsigned) and int(unsigned, 8) != int(unsigned):
            raise NotAccepted(f"{shown} has a leading zero, which YAML 1.1 reads as the octal number "
                              f"{sign}{int(unsigned, 8)} and YAML 1.2 as {plain}: write {plain}, "
                              "or quote it if it is text")
        raise NotAccepted(f"{shown} has a leading zero: write {plain}, or quote it if it is text")
    raise NotAccepted(f"{shown} is not a number kg reads (write plain decimals such as 38 or 1.9)")


def decimal_lexical(raw: object) -> str:
    """The xsd:decimal lexical form of a number read by `number` (or of text written as one),
    never with an exponent: 1.90 stays 1.90, .5 becomes 0.5."""
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        raise NotAccepted(f"{raw!r} is not a decimal number")
    value = raw if not isinstance(raw, str) else number(raw)
    return format(Decimal(value), "f")


def date(text: object) -> str:
    """A calendar date written YYYY-MM-DD (xsd:date without a time zone), else NotAccepted.
    Python's date.fromisoformat alone also takes 20211005 and 2021-W40-2, which are not xsd:dates."""
    if isinstance(text, str) and DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise NotAccepted(f"{text!r} is not a date (YYYY-MM-DD)")


def date_time(text: object) -> str:
    """An xsd:dateTime with a time zone (2021-10-05T09:22:00Z), else NotAccepted. Without a zone
    a time names no instant (09:22 in Moscow is not 09:22 GMT), so kg refuses to guess one.

    >>> date_time("2021-10-17T04:36:00Z")
    '2021-10-17T04:36:00Z'
    >>> date_time("2021-10-17T04:36:00")
    Traceback (most recent call last):
    ...
    kg.inputs.lexical.NotAccepted: '2021-10-17T04:36:00' has no time zone: write the one the source gives \
("2021-10-17T04:36:00Z" for GMT/UTC, or an offset such as +03:00), or only the date (2021-10-17)
    """
    matched = DATE_TIME.fullmatch(text) if isinstance(text, str) else None
    if matched is not None:
        try:
            dt.datetime.fromisoformat(matched.group().replace("Z", "+00:00"))
        except ValueError:
            matched = None
    if matched is None:
        raise NotAccepted(f"{text!r} is not an xsd:dateTime like \"2021-10-05T09:22:00Z\"")
    written = matched.group()
    if matched.group("zone") is None:
        raise NotAccepted(f"{written!r} has no time zone: write the one the source gives (\"{written}Z\" for "
                          f"GMT/UTC, or an offset such as +03:00), or only the date ({written[:10]})")
    return written


def looks_like_date_time(text: object) -> bool:
    """Whether a written date-or-dateTime value is meant as a dateTime: it gives a time (…T…)."""
    return isinstance(text, str) and "T" in text


def character_name(char: str) -> str:
    """U+0007 (BEL): how messages name a character that cannot be shown."""
    name = _NAMES.get(char)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def one_line_problem(text: str) -> str | None:
    """Why `text` cannot be a registry field (one line of printable text), or None."""
    found = _NOT_ONE_LINE.search(text)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        return "is not valid UTF-8"
    return f"holds the control character {character_name(found.group())}"
