"""What `kg add` keeps of a reviewed draft: rejected candidates are cut out, accepted ones lose
their `draft:` mark; every other line (comments included) stays as the curator left it."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def _get(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _status(mark: Node) -> str | None:
    if isinstance(mark, MappingNode):
        found = _get(mark, "status")
        if found and isinstance(found[1], ScalarNode):
            return found[1].value
    return None


def _last_line(node: Node) -> int:
    """The 0-based last line of a node's own text: a block collection's end mark lies at the next
    token, past any blank and comment lines, so it ends where its last child does."""
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def reviewed_text(text: str) -> str | None:
    """The text `kg add` stores for a reviewed draft, or None when the file holds no draft mark.
    Call it once validation has passed (so no candidate is unreviewed and the YAML is sound)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        return None
    cut: set[int] = set()  # 0-based lines to drop
    for key in ("entities", "claims"):
        found = _get(root, key)
        if not found or not isinstance(found[1], SequenceNode):
            continue
        for item in found[1].value:
            mark = _get(item, "draft") if isinstance(item, MappingNode) else None
            if mark is None:
                continue
            if _status(mark[1]) == "rejected":
                cut |= set(range(item.start_mark.line, _last_line(item) + 1))
            else:
                cut |= set(range(mark[0].start_mark.line, _last_line(mark[1]) + 1))
    if not cut:
        return None
    lines = text.splitlines(keepends=True)
    return "".join(line for number, line in enumerate(lines) if number not in cut)
