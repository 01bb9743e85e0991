"""SHACL-SPARQL `sh:select` queries made into checks: the prologue split off, $this pre-bound for every
focus node by joining the focus pattern into the top-level group, $PATH substituted, and
`FILTER NOT EXISTS { triple patterns }` rewritten as MINUS where that means the same."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import InputError
from kg.sparql_lexer import tokenize


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each token (kg.sparql_lexer) but comments, which the rewritten query leaves out."""
    return [(t.kind, t.text) for t in tokenize(text) if t.kind != "comment"]


_NOT_BGP = {"FILTER", "OPTIONAL", "BIND", "VALUES", "MINUS", "UNION", "GRAPH", "SERVICE", "SELECT", "EXISTS", "NOT"}


def antijoins(toks: list[tuple[str, str]], seed: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Rewrite `FILTER NOT EXISTS { triple patterns }` as `MINUS { triple patterns }` at the end of its
    group wherever the two mean the same: when some variable of the patterns is bound in every solution
    of the group (it occurs in a triple pattern of the group itself, or is ?this, which the focus pattern
    binds). Oxigraph plans the inner patterns of NOT EXISTS without the outer bindings (the most constant
    pattern first: every reference, for every asserted triple), which is quadratic; MINUS is a hash
    anti-join. See perf-notes.md."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, (kind, tok) in enumerate(toks):
        if kind == "punct" and tok == "{":
            stack.append(i)
        elif kind == "punct" and tok == "}":
            if not stack:
                return toks
            match[stack.pop()] = i
    if stack:
        return toks

    def significant(i: int) -> int:
        while i < len(toks) and toks[i][0] == "space":
            i += 1
        return i

    def group(start: int, end: int, seed: frozenset[str], rewrite: bool) -> list[tuple[str, str]]:
        """A group graph pattern; `rewrite` only where the group is evaluated on its own (the WHERE
        group, UNION branches, plain nested groups), not in OPTIONAL / MINUS / EXISTS / GRAPH / subqueries,
        whose filters see other bindings."""
        out: list = [toks[start]]
        bound, candidates = set(seed), []
        depth, in_values, i = 0, False, start + 1
        previous = "{"
        while i < end:
            kind, tok = toks[i]
            if kind == "punct" and tok == "{":
                in_values = False
                independent = previous in ("{", "}", ".", "UNION") and toks[significant(i + 1)][1].upper() != "SELECT"
                out.extend(group(i, match[i], frozenset(), rewrite and independent))
                i = match[i] + 1
                previous = "}"
                continue
            if kind != "space":
                previous = tok.upper()
            if rewrite and kind == "keyword" and tok.upper() == "FILTER" and depth == 0:
                a = significant(i + 1)
                b = significant(a + 1)
                c = significant(b + 1)
                if (c < end and toks[a][1].upper() == "NOT" and toks[b][1].upper() == "EXISTS"
                        and toks[c] == ("punct", "{")):
                    inner = toks[c + 1:match[c]]
                    if not any(k == "punct" and t in "{}" or k == "keyword" and t.upper() in _NOT_BGP
                               for k, t in inner):
                        candidates.append((len(out), inner))
                        out.append(None)
                        i = match[c] + 1
                        continue
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif kind == "keyword" and tok.upper() == "VALUES":
                in_values = True
            elif kind == "var" and depth == 0 and not in_values:
                bound.add(tok[1:])
            out.append(toks[i])
            i += 1
        moved = []
        for position, inner in candidates:
            names = {t[1:] for k, t in inner if k == "var"}
            text = "{" + "".join(t for _, t in inner) + "}"
            if names & bound:
                moved.append(("other", f" MINUS {text}"))
                out[position] = ("space", " ")
            else:
                out[position] = ("other", f"FILTER NOT EXISTS {text}")
        return out + moved + [toks[end]]

    result: list = []
    i = 0
    while i < len(toks):
        if toks[i] == ("punct", "{"):
            result.extend(group(i, match[i], seed, True))
            i = match[i] + 1
        else:
            result.append(toks[i])
            i += 1
    return result


class Refused(InputError):
    """A SPARQL constraint SHACL forbids: pyshacl refuses it once it has a focus node, and so do we."""


def split_prologue(text: str, where: str) -> tuple[dict[str, str], str]:
    """PREFIX declarations at the start of a query, and the rest (so that it can become a subquery)."""
    prefixes: dict[str, str] = {}
    rest_start = 0
    significant = (t for t in tokenize(text) if t.kind not in ("space", "comment"))
    for token in significant:
        keyword = token.text.upper() if token.kind == "keyword" else ""
        if keyword == "BASE":
            raise InputError(f"{where}: BASE is not supported")
        if keyword != "PREFIX":
            break
        name, iri = next(significant, None), next(significant, None)
        if name is None or iri is None or name.kind != "pname" or not name.text.endswith(":") or iri.kind != "iri":
            break
        prefixes[name.text[:-1]] = iri.text[1:-1]
        rest_start = iri.end
    return prefixes, text[rest_start:]


def rewrite_select(
    text: str, focus: str, path: ox.NamedNode | None, where: str
) -> tuple[str, bool, list[str]]:
    """Join the focus pattern into the top-level group (pre-binding $this for all focus nodes at once),
    substitute $PATH (the shape's `path`), make sure ?this is projected.
    Returns (query, $this projected?, projected names)."""
    toks = tokens(text)
    words = [t.upper() for k, t in toks if k == "keyword"]
    for bad in ("MINUS", "VALUES", "SERVICE"):
        if bad in words:
            raise Refused(f"{where}: a SPARQL constraint must not use {bad} (SHACL 5.3.1; pyshacl refuses it too)")
    names = {t[1:] for k, t in toks if k == "var"}
    if "this" not in names:
        raise InputError(f"{where}: sh:select must use $this")
    for bad in ("currentShape", "shapesGraph", "failure"):
        if bad in names:
            raise InputError(f"{where}: ${bad} is not supported by the compiled engine")
    out = []
    for kind, tok in antijoins(toks, frozenset({"this"})):
        if kind == "var" and tok[1:] == "PATH":
            if path is None:
                raise InputError(f"{where}: $PATH used in a node shape")
            tok = str(path)
        out.append((kind, tok))
    selects = [i for i, (k, t) in enumerate(out) if k == "keyword" and t.upper() == "SELECT"]
    if not selects:
        raise InputError(f"{where}: sh:select is not a SELECT query")
    start = selects[0]
    depth, i, projected, star, previous = 0, start + 1, [], False, ""
    insert_proj = start + 1
    while i < len(out):
        kind, tok = out[i]
        if kind == "space":
            i += 1
            continue
        if kind == "keyword" and tok.upper() in ("DISTINCT", "REDUCED") and not previous:
            insert_proj = i + 1
        elif (kind == "keyword" and tok.upper() == "WHERE" and depth == 0) or tok == "{":
            break
        elif tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif tok == "*" and depth == 0:
            star = True
        elif kind == "var" and (depth == 0 or previous == "AS"):
            projected.append(tok[1:])
        previous = tok.upper()
        i += 1
    while i < len(out) and not (out[i][0] == "punct" and out[i][1] == "{"):
        i += 1
    if i == len(out):
        raise InputError(f"{where}: no WHERE group found")
    for j in selects[1:]:
        nested = []
        for kind, tok in out[j + 1:]:
            if kind == "punct" and tok == "{" or (kind == "keyword" and tok.upper() == "WHERE"):
                break
            nested.append((kind, tok))
        if ("punct", "*") in nested or not any(k == "var" and t[1:] == "this" for k, t in nested):
            raise Refused(f"{where}: a nested SELECT must project $this (pre-bound variables)")
    if star:
        projected = sorted(names - {"PATH"})
    this_projected = star or "this" in projected
    pieces = [t for _, t in out]
    pieces.insert(i + 1, f" {focus} ")
    if not this_projected:
        pieces.insert(insert_proj, " ?this ")
    return "".join(pieces), this_projected, projected

