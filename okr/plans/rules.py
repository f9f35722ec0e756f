"""Tree rules for the team tree and for goals aligned to other goals: ancestors, depth, no cycles.
Pure values in, values out (no Flask, no database); every walk ends, even on data with a cycle.
"""

# A tree is given as parent_of: {id: parent_id or None}. An id missing from the mapping is a root.
# Walks keep a set of the ids they have seen and stop at the first repeat, so a cycle already in
# the data (from an old import, say) shows up as a short list, never as a hang.

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

Node = Hashable

OWN_PARENT = "own_parent"
CYCLE = "cycle"


def ancestors(parent_of: Mapping[Node, Node | None], node: Node) -> list:
    """The node's parent, grandparent, … up to the root, nearest first; the node itself is not
    included. Rule: the walk stops at a root (parent None or unknown) or at the first id seen
    before, so a cycle in the data gives each of its members once.
    """
    result: list = []
    seen = {node}
    current = parent_of.get(node)
    while current is not None and current not in seen:
        result.append(current)
        seen.add(current)
        current = parent_of.get(current)
    return result


def depth(parent_of: Mapping[Node, Node | None], node: Node) -> int:
    """How far below its root a node sits: a root is 0, its children 1, and so on
    (the number of :func:`ancestors`)."""
    return len(ancestors(parent_of, node))


def children_of(parent_of: Mapping[Node, Node | None]) -> dict[Node, list]:
    """Invert ``{id: parent}`` into ``{parent: [ids…]}``, children in the mapping's order."""
    result: dict[Node, list] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            result.setdefault(parent, []).append(child)
    return result


_COLLECTIONS = (list, tuple, set, frozenset)


def _as_children(tree: Mapping[Node, Any]) -> Mapping[Node, Iterable[Node]]:
    kinds = {isinstance(v, _COLLECTIONS) for v in tree.values() if v is not None}
    if kinds == {True, False}:
        raise ValueError("give either {id: parent} or {id: [children]}, not a mix")
    return tree if kinds == {True} else children_of(tree)


def descendants(tree: Mapping[Node, Any], node: Node) -> set:
    """Every node below ``node``: its children, their children, and so on; not the node itself.

    ``tree`` is either ``{id: [child ids]}`` (values are lists, tuples or sets) or
    ``{id: parent id or None}``; ids must not themselves be lists, tuples or sets. Rule: each
    node is visited once, so a cycle in the data cannot make the walk loop.
    """
    children = _as_children(tree)
    found: set = set()
    stack = list(children.get(node) or ())
    while stack:
        current = stack.pop()
        if current == node or current in found:
            continue
        found.add(current)
        stack.extend(children.get(current) or ())
    return found


def would_cycle(parent_of: Mapping[Node, Node | None], node: Node, new_parent: Node | None) -> bool:
    """Whether making ``new_parent`` the parent of ``node`` closes a loop.

    Rule: true when ``new_parent`` is ``node`` itself or one of its descendants (that is, when
    ``node`` is ``new_parent`` or among its ancestors); false for None (becoming a root).
    Used for the team tree and for goals aligned to other goals.
    """
    if new_parent is None:
        return False
    if new_parent == node:
        return True
    return node in ancestors(parent_of, new_parent)


def check_parent(parent_of: Mapping[Node, Node | None], node: Node, new_parent: Node | None) -> str | None:
    """The code that refuses a new parent, or None when it is fine: ``own_parent`` when
    ``new_parent`` is ``node``, ``cycle`` when it lies below ``node``."""
    if new_parent is not None and new_parent == node:
        return OWN_PARENT
    if would_cycle(parent_of, node, new_parent):
        return CYCLE
    return None
