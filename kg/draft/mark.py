"""The `draft:` mark of a candidate in a facts file: read it, and say what an unreviewed one needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kg.model import DraftMark

STATUSES = ("unreviewed", "accepted", "rejected")
MARK_KEYS = frozenset({"rule", "confidence", "status", "duplicates", "contradicts"})


def read_mark(raw: Any) -> DraftMark | str:
    """The mark, or why it is not one (a message for a KG011/KG013 problem)."""
    if not isinstance(raw, dict):
        return "'draft' must be a mapping {rule, confidence, status}"
    unknown = set(raw) - MARK_KEYS
    if unknown:
        return f"unknown draft key(s): {', '.join(sorted(map(str, unknown)))} (a draft mark has {', '.join(sorted(MARK_KEYS))})"
    rule, confidence, status = raw.get("rule"), raw.get("confidence"), raw.get("status")
    if status not in STATUSES:
        return f"draft status {status!r} must be one of {', '.join(STATUSES)}"
    if not isinstance(rule, str) or not rule:
        return "a draft mark needs the 'rule' that proposed the candidate"
    if isinstance(confidence, bool) or not isinstance(confidence, (int, Decimal)) or not 0 <= confidence <= 1:
        return f"draft confidence {confidence!r} must be a number from 0 to 1"
    where = {key: raw.get(key) for key in ("duplicates", "contradicts")}
    if any(v is not None and not isinstance(v, str) for v in where.values()):
        return "draft 'duplicates' and 'contradicts' are text (where the known claim is)"
    return DraftMark(rule, float(confidence), status, where["duplicates"], where["contradicts"])


def unreviewed_message(what: str, mark: DraftMark) -> str:
    """The KG033 message: what the candidate is, and the two ways out."""
    return (f"{what} is an unreviewed draft candidate (rule {mark.rule}, confidence {mark.confidence:g}): "
            "set `status: accepted` to add it or `status: rejected` to leave it out, or delete it")
