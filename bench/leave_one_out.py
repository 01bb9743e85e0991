"""Leave-one-out projects for part H: the seed as it would be had one article never been curated.

    leave_out(seed_root, out_root, source_key) -> out_root

A copy of the project (the article stays registered in sources/, so `kg draft` can draft it) in
which every reference citing `source_key` is removed from names and claims; then, until nothing
changes: a name left with no reference goes (another takes over as preferred), an entity left with
no name goes, and a claim left with no reference, or whose subject, entity value or role is an
entity that went, goes. Deterministic: the same seed and key give the same bytes. Plain YAML like
bench/synth.py (the orchestrator must not import kg before its snapshot).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from synth import COPIED_DIRS, COPIED_FILES, _dump, _load, _Raw, fresh_copy

LOO_DIRS = (*COPIED_DIRS, "sources")


def _kept_refs(refs: Any, key: str) -> list[Any]:
    return [r for r in refs or [] if not (isinstance(r, dict) and r.get("source") == key)]


def _entity(raw: dict[str, Any], key: str) -> dict[str, Any] | None:
    names = [{**n, "refs": _kept_refs(n.get("refs"), key)} for n in raw.get("names") or []]
    names = [n for n in names if n["refs"]]
    if not names:
        return None
    if not any(n.get("preferred") is True for n in names):
        names[0] = {**names[0], "preferred": True}
    return {**raw, "names": names}


def _uses(claim: dict[str, Any], gone: set[str]) -> bool:
    value = claim.get("value")
    role = (claim.get("qualifiers") or {}).get("role")
    entity_value = isinstance(value, str) and not isinstance(value, _Raw) and value in gone
    return claim.get("subject") in gone or entity_value or role in gone


def without_source(documents: list[Any], key: str) -> list[Any]:
    """The facts documents without `key`'s references and what rested on them alone (pure)."""
    ids = {e["id"] for d in documents if isinstance(d, dict) for e in d.get("entities") or []}
    out = []
    for document in documents:
        if not isinstance(document, dict):
            out.append(document)
            continue
        doc = dict(document)
        if isinstance(doc.get("entities"), list):
            doc["entities"] = [e for e in (_entity(e, key) for e in doc["entities"]) if e is not None]
        if isinstance(doc.get("claims"), list):
            claims = [{**c, "refs": _kept_refs(c.get("refs"), key)} for c in doc["claims"]]
            doc["claims"] = [c for c in claims if c["refs"]]
        out.append(doc)
    while True:
        kept = {e["id"] for d in out if isinstance(d, dict) for e in d.get("entities") or []}
        gone = ids - kept
        changed = False
        for doc in out:
            if isinstance(doc, dict) and isinstance(doc.get("claims"), list):
                claims = [c for c in doc["claims"] if not _uses(c, gone)]
                changed |= len(claims) != len(doc["claims"])
                doc["claims"] = claims
        if not changed:
            return out


def leave_out(seed_root: Path, out_root: Path, source_key: str) -> Path:
    """Write the project without `source_key`'s references into out_root (emptied first)."""
    seed_root, out_root = Path(seed_root), Path(out_root)
    fresh_copy(seed_root, out_root, LOO_DIRS, COPIED_FILES)
    facts_dir = seed_root / "facts"
    paths = sorted(p for p in facts_dir.rglob("*.yaml") if p.is_file())
    documents = without_source([_load(p) for p in paths], source_key)
    for path, document in zip(paths, documents):
        target = out_root / "facts" / path.relative_to(facts_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("" if document is None else _dump(document), encoding="utf-8")
    return out_root


def source_keys(seed_root: Path) -> list[str]:
    """The registered sources' keys, in the registry's order."""
    registry = _load(Path(seed_root) / "sources" / "sources.yaml") or {}
    return [entry["key"] for entry in registry.get("sources") or []]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: python bench/leave_one_out.py SEED_ROOT OUT_ROOT SOURCE_KEY", file=sys.stderr)
        raise SystemExit(2)
    print(leave_out(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
