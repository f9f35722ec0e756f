"""Tables and properties for okr.plans.rules: ancestors, descendants, depth and cycle checks.
Each case's id says the rule it checks; the properties compare would_cycle with descendants."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.plans import rules as al

# company → product → (content, growth); content → editors; ops is a separate root
TREE = {
    "company": None,
    "product": "company",
    "content": "product",
    "growth": "product",
    "editors": "content",
    "ops": None,
}
# a cycle left in the data: a → b → c → a, with d hanging below c
LOOP = {"a": "c", "b": "a", "c": "b", "d": "c"}


@pytest.mark.parametrize(
    "tree, node, expected",
    [
        pytest.param(TREE, "editors", ["content", "product", "company"], id="editors: 3 up"),
        pytest.param(TREE, "company", [], id="root: none"),
        pytest.param(TREE, "unknown", [], id="unknown id: a root"),
        pytest.param({"x": "y"}, "x", ["y"], id="parent missing from keys: still listed"),
        pytest.param(LOOP, "a", ["c", "b"], id="cycle a→c→b→a: each once, stops"),
        pytest.param(LOOP, "d", ["c", "b", "a"], id="below a cycle: stops at the repeat"),
        pytest.param({"s": "s"}, "s", [], id="own parent in data: stops"),
    ],
)
def test_ancestors(tree, node, expected):
    assert al.ancestors(tree, node) == expected


@pytest.mark.parametrize(
    "tree, node, expected",
    [
        pytest.param(TREE, "company", 0, id="root: 0"),
        pytest.param(TREE, "product", 1, id="child: 1"),
        pytest.param(TREE, "editors", 3, id="great-grandchild: 3"),
        pytest.param(LOOP, "d", 3, id="below a cycle: finite"),
    ],
)
def test_depth(tree, node, expected):
    assert al.depth(tree, node) == expected


@pytest.mark.parametrize(
    "tree, node, expected",
    [
        pytest.param(
            TREE, "company", {"product", "content", "growth", "editors"}, id="parent_of: company has all but ops"
        ),
        pytest.param(TREE, "content", {"editors"}, id="parent_of: content → editors"),
        pytest.param(TREE, "editors", set(), id="leaf: none"),
        pytest.param(
            {"company": ["product"], "product": ("content", "growth")},
            "company",
            {"product", "content", "growth"},
            id="children_of with lists and tuples",
        ),
        pytest.param(
            {"company": {"product"}, "product": None}, "company", {"product"}, id="children_of with a set and None"
        ),
        pytest.param(LOOP, "a", {"b", "c", "d"}, id="cycle: the others once, not a itself"),
        pytest.param({"a": ["a", "b"], "b": ["a"]}, "a", {"b"}, id="children_of loop: stops"),
        pytest.param({}, "a", set(), id="empty tree: none"),
    ],
)
def test_descendants(tree, node, expected):
    assert al.descendants(tree, node) == expected


def test_descendants_refuses_a_mixed_mapping():
    with pytest.raises(ValueError):
        al.descendants({"a": ["b"], "b": "a"}, "a")


def test_children_of_inverts_parent_of():
    assert al.children_of(TREE) == {
        "company": ["product"],
        "product": ["content", "growth"],
        "content": ["editors"],
    }


@pytest.mark.parametrize(
    "tree, node, new_parent, expected",
    [
        pytest.param(TREE, "content", "content", True, id="own parent: cycle"),
        pytest.param(TREE, "product", "editors", True, id="under own grandchild: cycle"),
        pytest.param(TREE, "product", "content", True, id="under own child: cycle"),
        pytest.param(TREE, "content", "growth", False, id="under a sibling: fine"),
        pytest.param(TREE, "editors", "company", False, id="under an ancestor: fine"),
        pytest.param(TREE, "ops", "editors", False, id="another root under a leaf: fine"),
        pytest.param(TREE, "content", None, False, id="become a root: fine"),
        pytest.param(TREE, "new", "company", False, id="a new node: fine"),
        pytest.param(LOOP, "a", "d", True, id="existing loop, d below a: cycle"),
        pytest.param({**LOOP, "e": None}, "e", "d", False, id="existing loop not through e: no new cycle, terminates"),
        pytest.param({1: None, 2: 1, 3: 2}, 1, 3, True, id="integer ids: 1 under 3 → cycle"),
    ],
)
def test_would_cycle(tree, node, new_parent, expected):
    assert al.would_cycle(tree, node, new_parent) is expected


@pytest.mark.parametrize(
    "node, new_parent, expected",
    [
        pytest.param("content", "content", "own_parent", id="self: own_parent"),
        pytest.param("product", "editors", "cycle", id="below itself: cycle"),
        pytest.param("content", "growth", None, id="sibling: None"),
        pytest.param("content", None, None, id="root: None"),
    ],
)
def test_check_parent(node, new_parent, expected):
    assert al.check_parent(TREE, node, new_parent) == expected


# --- properties -----------------------------------------------------------------------------

ids = st.integers(0, 12)
# any parent_of, cycles and self-loops included
parent_maps = st.dictionaries(ids, st.one_of(st.none(), ids), max_size=13)


@settings(deadline=None)
@given(parent_maps, ids, st.one_of(st.none(), ids))
def test_would_cycle_iff_new_parent_is_node_or_below_it(tree, node, new_parent):
    below = new_parent is not None and (new_parent == node or new_parent in al.descendants(tree, node))
    assert al.would_cycle(tree, node, new_parent) is below


@settings(deadline=None)
@given(parent_maps, ids)
def test_walks_end_and_agree(tree, node):
    up = al.ancestors(tree, node)
    assert len(up) == len(set(up)) and node not in up
    assert al.depth(tree, node) == len(up)
    down = al.descendants(tree, node)
    assert node not in down
    for other in down:
        assert node in al.ancestors(tree, other)
    assert al.descendants(al.children_of(tree), node) == down


@settings(deadline=None)
@given(parent_maps, ids, ids)
def test_refusing_cycles_keeps_an_acyclic_tree_acyclic(tree, node, new_parent):
    # build an acyclic tree first by keeping only parents that would not close a loop
    acyclic: dict = {}
    for child, parent in tree.items():
        acyclic[child] = None if al.would_cycle(acyclic, child, parent) else parent
    if not al.would_cycle(acyclic, node, new_parent):
        acyclic[node] = new_parent
    for n in acyclic:
        up = al.ancestors(acyclic, n)
        root = up[-1] if up else n
        assert acyclic.get(root) is None  # every walk ends at a true root
