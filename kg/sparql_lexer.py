"""SPARQL 1.1 query text as tokens, following the grammar's terminals (SPARQL 1.1 Query, section 19.8).

One lexer for kg: the compiled SHACL engine rewrites `sh:select` queries on its tokens, and the query
service looks for SERVICE on them. Each token is the longest match at its position, tried in this
order, so that what is inside a string, an IRI or a comment never reads as a keyword:

========  ==================================================================================
kind      text
========  ==================================================================================
comment   `#` to the end of the line
space     WS: spaces, tabs, line breaks
string    STRING_LITERAL_LONG1/2, STRING_LITERAL1/2 (escapes: ECHAR, and \\u / \\U as Oxigraph reads them)
iri       IRIREF `<...>`
pname     PNAME_NS / PNAME_LN, e.g. `ex:`, `ex:a`, `ex:a\\#b` (PN_LOCAL_ESC), `ex:%41` (PERCENT)
bnode     BLANK_NODE_LABEL `_:b0`
var       VAR1 / VAR2 `?x`, `$this`
langtag   LANGTAG `@en-GB`
number    INTEGER, DECIMAL, DOUBLE (unsigned: a sign is a separate punct token)
keyword   a bare name: keywords, built-in function names, `a`, `true`, `false`
punct     `^^ || && != <= >=` and one of `{ } ( ) [ ] . , ; * = < > ! + - / ^ | ?`
other     any other single character (text that is no SPARQL token)
========  ==================================================================================

>>> [(t.kind, t.text) for t in tokenize("SELECT ?s { ?s ex:p\\\\# 'x#' } # end") if t.kind != "space"]
[('keyword', 'SELECT'), ('var', '?s'), ('punct', '{'), ('var', '?s'), ('pname', 'ex:p\\\\#'), ('string', "'x#'"), \
('punct', '}'), ('comment', '# end')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple, cast

Kind = Literal[
    "comment", "space", "string", "iri", "pname", "bnode", "var", "langtag", "number", "keyword", "punct", "other"
]

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ESCAPE = rf"\\[tbnrf\\\"']|{_UCHAR}"
_EXPONENT = r"[eE][+-]?[0-9]+"

_TOKEN = re.compile(
    rf"""(?P<comment>\#[^\n\r]*)
      |(?P<space>[\x20\t\r\n]+)
      |(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ESCAPE}))*'''
                  |\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ESCAPE}))*\"\"\"
                  |'(?:[^'\\\n\r]|{_ESCAPE})*'
                  |"(?:[^"\\\n\r]|{_ESCAPE})*")
      |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
      |(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
      |(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
      |(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
      |(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
      |(?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)
      |(?P<keyword>[A-Za-z][A-Za-z0-9_]*)
      |(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{{}}()\[\].,;*=<>!+\-/^|?])
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    kind: Kind
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(text: str, start: int = 0) -> Iterator[Token]:
    """The tokens of `text` from offset `start` on, every character in exactly one token."""
    for match in _TOKEN.finditer(text, start):
        kind = match.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        yield Token(cast(Kind, kind), match.group(), match.start())
