"""Part H: `kg draft` measured by leave-one-out on the seed (each article drafted against the graph
built without its references, and scored against the curated claims and entities citing it), then
drafting each seed article's first copy against the 100x corpus (--quick: 10x), built and loaded
into its store first: from the store (what kg draft reads when the store is current), and from
facts/ (what it reads otherwise) beside it."""

from __future__ import annotations

from typing import Any

from config import Config
from formatting import fmt_s
from leave_one_out import leave_out, source_keys
from measure import command_env, kg_cli, log, run_proc, run_worker, tail
from synth import make_corpus, suffix

THROUGHPUT_FACTOR, QUICK_THROUGHPUT_FACTOR = 100, 10


def throughput_factor(cfg: Config) -> int:
    return QUICK_THROUGHPUT_FACTOR if cfg.quick else THROUGHPUT_FACTOR


def _articles(worker: Any) -> list[dict[str, Any]]:
    return worker.of("article")


def measure_draft(cfg: Config, scale_part: dict[str, Any] | None) -> dict[str, Any]:
    """`scale_part` is part B's result when it measured this run's snapshot: a corpus it generated
    is reused; any other is generated again from this run's seed."""
    seed = cfg.corpus(1)
    keys = source_keys(seed)
    runs = cfg.runs_for(1)
    rows = []
    for key in keys:
        root = leave_out(seed, cfg.work / "loo" / key, key)
        worker = run_worker(cfg, "draft", root=root, key=key, src=seed, runs=runs, budget=cfg.budget)
        articles = _articles(worker)
        row: dict[str, Any] = {"key": key, "status": worker.status, "message": worker.message, "runs_wanted": runs,
                               "load": worker.first("load"), **(articles[0] if articles else {})}
        scores = row.get("scores") or {}
        log(f"draft: leave out {key}: {worker.status} {worker.message} recall {scores.get('recall')} "
            f"precision {scores.get('precision')} mentions {scores.get('mention_recall')} "
            f"cold {fmt_s(row.get('cold'))}")
        rows.append(row)

    factor = throughput_factor(cfg)
    generated = {r["factor"] for r in (scale_part or {}).get("rows", [])}
    corpus = cfg.corpus(factor)
    if factor not in generated:
        log(f"draft: generating the {factor}x corpus")
        make_corpus(seed, corpus, factor)
    copies = [key + suffix(0) for key in keys]
    store = _build_and_load(cfg, corpus)
    log(f"draft: {len(copies)} articles against the {factor}x graph ({cfg.runs_for(factor)} runs), from its store "
        f"({store or 'ready'}) and from facts/")
    options = {"root": corpus, "key": ",".join(copies), "runs": cfg.runs_for(factor), "budget": cfg.budget}
    worker = run_worker(cfg, "draft", **options)
    facts = run_worker(cfg, "draft", facts=True, **options)
    throughput = {"factor": factor, "status": worker.status, "message": worker.message,
                  "runs_wanted": cfg.runs_for(factor), "load": worker.first("load"), "articles": _articles(worker),
                  "graph": worker.first("graph"), "store": store,
                  "facts": {"status": facts.status, "message": facts.message, "graph": facts.first("graph"),
                            "articles": _articles(facts)}}
    return {"rows": rows, "throughput": throughput}


def _build_and_load(cfg: Config, corpus: Any) -> str | None:
    """Build the corpus (without SHACL) and load it into its store; None when both worked, else why not."""
    for step in (["build", "-q", "--no-shacl"], ["load", "-q"]):
        proc = run_proc(kg_cli(corpus) + step, cfg.work, env=command_env(), timeout=cfg.timeout)
        if proc.rc != 0:
            return f"kg {step[0]} failed: {'timed out' if proc.timed_out else tail(proc.stderr)}"
    return None
