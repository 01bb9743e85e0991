"""The SPARQL text the compiler writes: datatype tests, rdflib's ordering of values, regular expressions.

pyshacl checks values with rdflib: Literal.eq, Literal.__gt__ and, for sh:minInclusive & co,
pyshacl.rdfutil.compare_literal. These build SPARQL expressions, over a value variable `v`, that decide
exactly as they do (including rdflib's TypeErrors, which pyshacl turns into violations), on the store's
literals."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import InputError
from kg.namespaces import RDF, RDFS, XSD
from kg.shacl.compiled.render import XSD_STRING, rdflib_lexical
from kg.shacl.compiled.shapes_graph import Term

LANG_STRING = ox.NamedNode(RDF + "langString")
NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}
# Datatypes whose lexical form oxigraph can check with a cast (rdflib flags the same ones ill-typed).
CASTABLE = {
    XSD + t
    for t in (
        "integer decimal float double boolean date dateTime time duration dayTimeDuration yearMonthDuration"
    ).split()
}
NUMERIC = (  # rdflib's numeric datatypes: compared by value, never by datatype IRI
    "integer decimal double float byte int long short negativeInteger nonNegativeInteger nonPositiveInteger "
    "positiveInteger unsignedByte unsignedInt unsignedLong unsignedShort"
).split()
STRINGISH = [XSD_STRING, LANG_STRING, *(ox.NamedNode(XSD + t) for t in ("normalizedString", "token", "language"))]
HEX = '"^([0-9A-Fa-f]{2})*$"'


def datatype_condition(v: str, datatype: Term) -> str:
    """v has the datatype, and a lexical form valid for it where rdflib would flag it ill-typed."""
    if not isinstance(datatype, ox.NamedNode):
        raise InputError(f"sh:datatype must be an IRI, got {datatype}")
    if datatype.value == RDFS + "Literal":
        return f"isLiteral({v})"
    if datatype.value == RDFS + "Datatype":
        return f"(isLiteral({v}) && LANG({v}) = \"\" && !sameTerm(DATATYPE({v}), {XSD_STRING}))"
    if datatype == LANG_STRING:
        return f"(isLiteral({v}) && LANG({v}) != \"\")"
    same = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {datatype})"
    if datatype.value in CASTABLE:
        return same + f" && COALESCE(sameTerm(DATATYPE({datatype}(STR({v}))), {datatype}), false))"
    if datatype.value == XSD + "hexBinary":
        return same + f" && REGEX(STR({v}), {HEX}))"
    return same + ")"


def is_member(v: str, member: Term) -> str:
    """v is the sh:in member for pyshacl: the same rdflib term. Typed literals are equal when rdflib
    prints them alike ("2021-10-05Z" and "2021-10-05" as xsd:date). (pyshacl on its oxrdflib
    graph also fails plain string members, which come back typed xsd:string there; not copied.)"""
    if isinstance(member, ox.Literal) and not member.language and member.datatype != XSD_STRING:
        printed = ox.Literal(rdflib_lexical(member.value, member.datatype.value))
        return f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {member.datatype}) && {pyshacl_string(v)} = {printed})"
    return f"sameTerm({v}, {member})"


def pyshacl_string(v: str) -> str:
    """The string pyshacl matches sh:pattern / sh:minLength / sh:maxLength against: how rdflib prints the
    store's literal. It differs from STR() for valid hexBinary (lower case), dates (no time zone), and
    dateTimes and times (Z as +00:00, fractions of a second to six digits)."""
    zone = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    timed = f'REPLACE(STR({v}), "Z$", "+00:00")'
    fraction = (f'IF(CONTAINS({timed}, "."), CONCAT(STRBEFORE({timed}, "."), ".", '
                f'SUBSTR(CONCAT(REPLACE(STRAFTER({timed}, "."), "[^0-9].*$", ""), "000000"), 1, 6), '
                f'REPLACE(STRAFTER({timed}, "."), "^[0-9]*", "")), {timed})')
    valid = {
        t: f"COALESCE(sameTerm(DATATYPE({_x(t)}(STR({v}))), {_x(t)}), false)" for t in ("date", "dateTime", "time")
    }
    return (
        f"IF(!isLiteral({v}), STR({v}), "
        f"IF(sameTerm(DATATYPE({v}), {_x('hexBinary')}) && REGEX(STR({v}), {HEX}), LCASE(STR({v})), "
        f"IF(sameTerm(DATATYPE({v}), {_x('date')}) && {valid['date']}, REPLACE(STR({v}), {zone}, \"\"), "
        f"IF((sameTerm(DATATYPE({v}), {_x('dateTime')}) && {valid['dateTime']}) "
        f"|| (sameTerm(DATATYPE({v}), {_x('time')}) && {valid['time']}), {fraction}, STR({v})))))"
    )



def _x(local: str) -> str:
    return f"<{XSD}{local}>"


def _dt(a: str) -> str:
    """rdflib's datatype, with plain and language-tagged literals as xsd:string."""
    return f'IF(LANG({a}) != "", {_x("string")}, DATATYPE({a}))'


def _numeric(a: str) -> str:
    return f"(DATATYPE({a}) IN ({', '.join(_x(t) for t in NUMERIC)}))"


def _has_value(a: str) -> str:
    """rdflib could map the lexical form to a Python value (it is not ill-typed and not of an unknown type)."""
    casts = " || ".join(
        f"(sameTerm(DATATYPE({a}), {_x(t)}) && COALESCE(sameTerm(DATATYPE({_x(t)}(STR({a}))), {_x(t)}), false))"
        for t in sorted(c[len(XSD):] for c in CASTABLE)
    )
    other = ", ".join(_x(t) for t in ("gYear", "gYearMonth", "base64Binary", "anyURI"))
    return (f"({_stringish_literal(a)} || {casts} || DATATYPE({a}) IN ({other}) || "
            f"(sameTerm(DATATYPE({a}), {_x('hexBinary')}) && REGEX(STR({a}), {HEX})))")


def _aware(a: str) -> str:
    return f'REGEX(STR({a}), "(Z|[+-][0-9][0-9]:[0-9][0-9])$")'


def _timed(a: str) -> str:
    """A valid xsd:dateTime or xsd:time: a Python datetime / time in rdflib."""
    return " || ".join(
        f"(sameTerm(DATATYPE({a}), {_x(t)}) && COALESCE(sameTerm(DATATYPE({_x(t)}(STR({a}))), {_x(t)}), false))"
        for t in ("dateTime", "time")
    )


def _value_gt(a: str, b: str) -> str:
    """a > b by value, for two literals of the same (non-numeric) datatype that both have a value."""
    day = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    return (
        f"IF({_dt(a)} = {_x('string')}, STR({a}) > STR({b}), "
        f"IF({_timed(a)}, IF({_aware(a)} != {_aware(b)}, {_aware(a)}, COALESCE({a} > {b}, false)), "
        f"IF(sameTerm(DATATYPE({a}), {_x('date')}), REPLACE(STR({a}), {day}, \"\") > REPLACE(STR({b}), {day}, \"\"), "
        f"IF(sameTerm(DATATYPE({a}), {_x('hexBinary')}), LCASE(STR({a})) > LCASE(STR({b})), "
        f"COALESCE({a} > {b}, STR({a}) > STR({b}))))))"
    )


def _value_eq(a: str, b: str) -> str:
    day = '"(Z|[+-][0-9][0-9]:[0-9][0-9])$"'
    return (
        f"IF({_timed(a)}, {_aware(a)} = {_aware(b)} && COALESCE({a} = {b}, false), "
        f"IF(sameTerm(DATATYPE({a}), {_x('date')}), REPLACE(STR({a}), {day}, \"\") = REPLACE(STR({b}), {day}, \"\"), "
        f"IF(sameTerm(DATATYPE({a}), {_x('hexBinary')}), LCASE(STR({a})) = LCASE(STR({b})), "
        f"COALESCE({a} = {b}, STR({a}) = STR({b})))))"
    )


def _eq(a: str, b: str) -> str:
    """rdflib's Literal.eq as 0 (False), 1 (True) or 2 (TypeError)."""
    return (
        f"IF({_numeric(a)} && {_numeric(b)} && {_has_value(a)} && {_has_value(b)}, "
        f"IF(COALESCE({a} = {b}, false), 1, 0), "
        f"IF(LCASE(LANG({a})) != LCASE(LANG({b})), 0, "
        f"IF({_dt(a)} = {_x('string')} && {_dt(b)} = {_x('string')}, IF(STR({a}) = STR({b}), 1, 0), "
        f"IF({_dt(a)} != {_dt(b)}, 0, "
        f"IF({_has_value(a)} && {_has_value(b)}, IF({_value_eq(a, b)}, 1, 0), "
        f"IF(STR({a}) = STR({b}), 1, 2))))))"
    )


def _gt(a: str, b: str) -> str:
    """rdflib's Literal.__gt__."""
    return (
        f"IF({_numeric(a)} && {_numeric(b)} && {_has_value(a)} && {_has_value(b)}, COALESCE({a} > {b}, false), "
        f"IF({_dt(a)} != {_dt(b)}, STR({_dt(a)}) > STR({_dt(b)}), "
        f'IF(LANG({a}) != LANG({b}), IF(LANG({a}) = "", false, IF(LANG({b}) = "", true, LANG({a}) > LANG({b}))), '
        f"IF({_has_value(a)} && {_has_value(b)}, {_value_gt(a, b)}, STR({a}) > STR({b})))))"
    )


def range_test(v: str, op: str, bound: str) -> str:
    """pyshacl's sh:minInclusive / maxInclusive / minExclusive / maxExclusive: true when v conforms."""
    zero_ok = "true" if op in (">=", "<=") else "false"
    above_ok = "true" if op in (">=", ">") else "false"
    below_ok = "false" if op in (">=", ">") else "true"
    eq = _eq(v, bound)
    timed = (f"IF(sameTerm(DATATYPE({v}), DATATYPE({bound})) && {_aware(v)} = {_aware(bound)} && {_has_value(bound)}, "
             f"IF({_value_eq(v, bound)}, {zero_ok}, IF({_value_gt(v, bound)}, {above_ok}, {below_ok})), false)")
    literal = (f"IF({eq} = 2, false, IF({eq} = 1, {zero_ok}, IF({_timed(v)}, {timed}, "
               f"IF({_gt(v, bound)}, {above_ok}, {below_ok}))))")
    same = f"({_stringish_literal(v)} = {_stringish_literal(bound)})"
    gt, eq_ = f"COALESCE({v} > {bound}, false)", f"COALESCE({v} = {bound}, false)"
    numbers = {">=": f"({gt} || {eq_})", ">": gt, "<=": f"!{gt}", "<": f"(!{gt} && !{eq_})"}[op]
    # the common case first (two valid numbers: Python compares the values; NaN is neither > nor =)
    return (f"IF(isNumeric({v}) && isNumeric({bound}), {numbers}, "
            f"COALESCE(isLiteral({v}) && {same} && {literal}, false))")


def less_than(v: str, o: str) -> str:
    """pyshacl's sh:lessThan: IRIs and string values compare as Python strings (and with nothing else),
    other literals with rdflib's `<` (not __gt__ and not eq; where eq raises, the reflected __gt__)."""
    s_v, s_o = _stringish(v), _stringish(o)
    literal = f"IF({_gt(v, o)}, false, IF({_eq(v, o)} = 2, {_gt(o, v)}, {_eq(v, o)} = 0))"
    numbers = f"(!COALESCE({v} > {o}, false) && !COALESCE({v} = {o}, false))"
    return (f"IF(isNumeric({v}) && isNumeric({o}), {numbers}, "
            f"COALESCE(IF({s_v} != {s_o}, false, IF({s_v}, STR({v}) < STR({o}), "
            f"IF(isLiteral({v}) && isLiteral({o}), {literal}, false))), false))")


def _stringish_literal(v: str) -> str:
    return f"(isLiteral({v}) && ({' || '.join(f'sameTerm(DATATYPE({v}), {d})' for d in STRINGISH)}))"


def _stringish(v: str) -> str:
    """pyshacl's sh:lessThan compares IRIs and string literals as Python strings, the rest as values."""
    return f"(isIRI({v}) || {_stringish_literal(v)})"


def python_regex(pattern: str, multiline: bool) -> str:
    """Python `re` (what pyshacl uses) to oxigraph's regex: without re.M, Python's `$` also matches before a
    final newline; `\\Z` is `\\z`."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pair = pattern[i:i + 2]
            out.append("\\z" if pair == "\\Z" else pair)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            j = i + 1
            if pattern[j:j + 1] == "^":
                out.append("^")
                j += 1
            if pattern[j:j + 1] == "]":
                out.append("]")
                j += 1
            i = j
            continue
        elif c == "$" and not multiline:
            out.append("(?:\\n?$)")
        else:
            out.append(c)
        i += 1
    return "".join(out)

