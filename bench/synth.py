"""Synthetic corpora for the benchmark: the seed project repeated `factor` times.

    make_corpus(seed_root, out_root, factor) -> out_root

For each copy i in range(factor):

- every seed source (sources/sources.yaml) becomes a new source, key and file suffixed `-c<i>`,
  its text prefixed with one line "copy <i>\\n" (so every quote still occurs exactly as often as
  in the seed; checked, with a fallback prefix), its sha256 recomputed;
- every facts file (facts/**/*.yaml, whatever is there at run time) is written again as
  facts/c<i>/<same relative path> with every entity id suffixed (person/klim-shipenko ->
  person/klim-shipenko-c17: entity ids, claim subjects, entity-valued claim values, role
  qualifiers), every reference pointing at the copy's source, and `wikidata:` dropped for
  copies > 0 (only copy 0 keeps the verified IDs, so no Wikidata item is linked twice);
- kg.toml, ontology/, shapes/, reference/ (and queries/ when present) are copied as they are.

The output is deterministic: the same seed and factor give the same bytes. Each facts file is
parsed and dumped once (PyYAML, libyaml's C loader/dumper when available) into a template with a
placeholder suffix; every copy is then one string replacement, so 1000x costs little more than
writing the bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

TOKEN = "QQKGBENCHCOPYQQ"  # placeholder for the copy number in the templates
COPIED_DIRS = ("ontology", "shapes", "reference", "queries")
COPIED_FILES = ("kg.toml",)  # the project file: base IRI and output stem as the seed's


def suffix(copy: int | str) -> str:
    return f"-c{copy}"


# ---------------------------------------------------------------------------------------------
# YAML that keeps floats and timestamps exactly as written (1.70 stays 1.70, not 1.7)


class _Raw(str):
    """A scalar kept as its source text, re-emitted plain with its original tag."""

    tag = ""


class _RawFloat(_Raw):
    tag = "tag:yaml.org,2002:float"


class _RawTimestamp(_Raw):
    tag = "tag:yaml.org,2002:timestamp"


class _KeepLoader(_Loader):  # type: ignore[misc, valid-type]
    pass


_KeepLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: _RawFloat(node.value))
_KeepLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    # a date or time written without quotes: keep the text (and the type it had)
    lambda loader, node: _RawTimestamp(node.value),
)


class _KeepDumper(_Dumper):  # type: ignore[misc, valid-type]
    pass


def _represent_raw(dumper: Any, data: _Raw) -> Any:
    return dumper.represent_scalar(data.tag, str(data), style="")


NUMBER_FIRST = frozenset("0123456789+-.")  # where a YAML number can start (kg.inputs.lexical)


def _represent_text(dumper: Any, data: str) -> Any:
    """A string that starts as a number does is quoted: kg's strict reader takes a plain
    "0123e4567…" (a checksum, which PyYAML writes plain: YAML 1.1 floats need a dot) for a number.
    (synth.py does not import kg: the orchestrator must not, before its snapshot.)"""
    style = '"' if data[:1] in NUMBER_FIRST else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_KeepDumper.add_representer(_RawFloat, _represent_raw)
_KeepDumper.add_representer(_RawTimestamp, _represent_raw)
_KeepDumper.add_representer(str, _represent_text)


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_KeepLoader)  # noqa: S506 - safe loader


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_KeepDumper,
        allow_unicode=True,
        sort_keys=False,
        width=1 << 30,  # never fold: a folded line could differ between copies
        default_flow_style=False,
    )


# ---------------------------------------------------------------------------------------------
# facts


def _entity_ids(documents: list[Any]) -> set[str]:
    ids: set[str] = set()
    for doc in documents:
        if isinstance(doc, dict):
            for entity in doc.get("entities") or []:
                if isinstance(entity, dict) and isinstance(entity.get("id"), str):
                    ids.add(entity["id"])
    return ids


def _refs(raw: Any, sfx: str) -> Any:
    if not isinstance(raw, list):
        return raw
    out = []
    for ref in raw:
        if isinstance(ref, dict) and isinstance(ref.get("source"), str):
            ref = {**ref, "source": ref["source"] + sfx}
        out.append(ref)
    return out


def _entity(raw: Any, sfx: str, keep_wikidata: bool) -> Any:
    if not isinstance(raw, dict):
        return raw
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "id" and isinstance(value, str):
            value = value + sfx
        elif key == "wikidata" and not keep_wikidata:
            continue
        elif key == "names" and isinstance(value, list):
            value = [
                {**n, "refs": _refs(n.get("refs"), sfx)} if isinstance(n, dict) and "refs" in n else n
                for n in value
            ]
        out[key] = value
    return out


def _claim(raw: Any, sfx: str, ids: set[str]) -> Any:
    if not isinstance(raw, dict):
        return raw
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "subject" and isinstance(value, str):
            value = value + sfx
        elif key == "value" and isinstance(value, str) and not isinstance(value, _Raw) and value in ids:
            value = value + sfx  # an entity-valued claim; literal strings stay as they are
        elif key == "qualifiers" and isinstance(value, dict) and isinstance(value.get("role"), str):
            value = {**value, "role": value["role"] + sfx}
        elif key == "refs":
            value = _refs(value, sfx)
        out[key] = value
    return out


def rewrite_facts(document: Any, sfx: str, ids: set[str], keep_wikidata: bool) -> Any:
    """One facts document for one copy (pure: the input is not changed)."""
    if not isinstance(document, dict):
        return document
    out = dict(document)
    if isinstance(out.get("entities"), list):
        out["entities"] = [_entity(e, sfx, keep_wikidata) for e in out["entities"]]
    if isinstance(out.get("claims"), list):
        out["claims"] = [_claim(c, sfx, ids) for c in out["claims"]]
    return out


def _quotes(documents: list[Any]) -> dict[str, set[str]]:
    """Every quoted string, by source key, anywhere in the facts."""
    found: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("source"), str) and isinstance(node.get("quote"), str):
                found.setdefault(node["source"], set()).add(node["quote"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for doc in documents:
        walk(doc)
    return found


# ---------------------------------------------------------------------------------------------
# sources


def _adds_occurrence(prefix: str, text: str, quotes: set[str]) -> bool:
    """Would `prefix + text` hold a quote at a new place (one starting inside the prefix)?"""
    for quote in quotes:
        head = prefix + text[: len(quote)]
        start = head.find(quote)
        if start != -1 and start < len(prefix):
            return True
    return False


def _prefix(copy: int, text: str, quotes: set[str]) -> str:
    for candidate in (f"copy {copy}\n", f"[kg bench copy {copy}]\n", f"\u2063{copy}\u2063\n"):
        if not _adds_occurrence(candidate, text, quotes):
            return candidate
    raise ValueError(f"no prefix for copy {copy} keeps the quote counts")  # pragma: no cover


def fresh_copy(source: Path, dest: Path, folders: tuple[str, ...], files: tuple[str, ...]) -> None:
    """Empty `dest`, then copy into it the named folders of `source` that exist and the named files."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in folders:
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in files:
        shutil.copy2(source / name, dest / name)


def make_corpus(seed_root: Path, out_root: Path, factor: int) -> Path:
    """Write a project root `factor` times the seed into out_root (emptied first); return it."""
    seed_root, out_root = Path(seed_root), Path(out_root)
    if factor < 1:
        raise ValueError("factor must be at least 1")
    fresh_copy(seed_root, out_root, COPIED_DIRS, COPIED_FILES)

    # facts: parse every file once
    facts_dir = seed_root / "facts"
    paths = sorted(p for p in facts_dir.rglob("*.yaml") if p.is_file()) if facts_dir.is_dir() else []
    documents = [_load(p) for p in paths]
    ids = _entity_ids(documents)
    quotes = _quotes(documents)

    # sources
    registry = yaml.load((seed_root / "sources" / "sources.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    entries = registry.get("sources") or []
    texts = {e["key"]: (seed_root / "sources" / e["file"]).read_bytes().decode("utf-8") for e in entries}
    (out_root / "sources").mkdir()
    new_entries: list[dict[str, Any]] = []
    for i in range(factor):
        sfx = suffix(i)
        for entry in entries:
            key, file_name = entry["key"], entry["file"]
            stem, dot, ext = file_name.rpartition(".")
            new_file = f"{stem}{sfx}.{ext}" if dot else f"{file_name}{sfx}"
            text = texts[key]
            data = (_prefix(i, text, quotes.get(key, set())) + text).encode("utf-8")
            (out_root / "sources" / new_file).write_bytes(data)
            new_entries.append(
                {**entry, "key": key + sfx, "file": new_file, "sha256": hashlib.sha256(data).hexdigest()}
            )
    header = f"# Synthetic corpus: {factor} copies of {len(entries)} seed sources (bench/synth.py).\n"
    (out_root / "sources" / "sources.yaml").write_text(
        header + _dump({"sources": new_entries}), encoding="utf-8"
    )

    # facts: one template per file (with and without wikidata), one str.replace per copy
    (out_root / "facts").mkdir()
    for path, document in zip(paths, documents):
        relative = path.relative_to(facts_dir)
        if document is None:
            continue
        with_wd = _dump(rewrite_facts(document, suffix(TOKEN), ids, keep_wikidata=True))
        without_wd = _dump(rewrite_facts(document, suffix(TOKEN), ids, keep_wikidata=False)) if factor > 1 else ""
        for i in range(factor):
            target = out_root / "facts" / f"c{i:04d}" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            template = with_wd if i == 0 else without_wd
            target.write_text(template.replace(TOKEN, str(i)), encoding="utf-8")
    return out_root


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python bench/synth.py SEED_ROOT OUT_ROOT FACTOR", file=sys.stderr)
        return 2
    start = dt.datetime.now()
    make_corpus(Path(argv[0]), Path(argv[1]), int(argv[2]))
    print(f"wrote {argv[1]} ({argv[2]}x) in {(dt.datetime.now() - start).total_seconds():.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
