"""Positions kept in the loader's walk order (content/positions.py): every value and key resolves to where
PyYAML's node graph says it is written, aliases included, also after a trip through the parse cache; and
validating a pack without findings never resolves a detection's positions."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.content import positions
from contentpack.content.loader import parse_yaml
from contentpack.content.model import NodePath, SourceMap
from contentpack.content.parse_cache import decode_loaded, encode_loaded
from contentpack.content.validate import validate_pack

Table = dict[NodePath, tuple[int, int]]


def reference(text: str) -> tuple[Table, Table]:
    """Value and key positions read straight off the composed node graph, independently of the loader."""
    values: Table = {}
    keys: Table = {}

    def visit(node: yaml.Node, path: NodePath) -> None:
        values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                keys[(*path, key_node.value)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                visit(value_node, (*path, key_node.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                visit(item, (*path, index))

    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert root is not None
    visit(root, ())
    return values, keys


def tables(source: SourceMap) -> tuple[Table, Table]:
    return ({path: (p.line, p.col) for path, p in source.value_positions.items()},
            {path: (p.line, p.col) for path, p in source.key_positions.items()})


def assert_positions(text: str) -> None:
    document, problems = parse_yaml(text, "p.yml")
    assert problems == [] and document is not None
    expected = reference(text)
    assert tables(document.source) == expected
    assert [list(table) for table in tables(document.source)] == [list(table) for table in expected]  # file order
    cached, _ = decode_loaded(marshal.loads(marshal.dumps(encode_loaded((document, [])))))  # type: ignore[arg-type]
    assert cached is not None and tables(cached.source) == expected


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES, _VALUES, st.sampled_from([None, True, False]))
def test_every_value_and_key_resolves_to_where_it_is_written(tree: Any, shared: Any, flow: bool | None) -> None:
    # ``shared`` appears twice: safe_dump writes an anchor and an alias, so one node is walked at two paths
    text = yaml.safe_dump({"first": shared, "tree": tree, "again": [shared]}, default_flow_style=flow)
    assert_positions(text)


def test_alias_positions_point_at_the_anchor() -> None:
    text = "top: &t\n  x: 1\nother:\n  - *t\n  - [*t]\n"
    assert_positions(text)
    document, _ = parse_yaml(text, "p.yml")
    assert document is not None
    values, keys = tables(document.source)
    assert values[("other", 1, 0, "x")] == values[("top", "x")] == (2, 6)
    assert keys[("other", 0, "x")] == (2, 3) and values[("other", 1)] == (5, 5)


def test_empty_collections_and_typed_scalars() -> None:
    assert_positions("a: {}\nb: []\nc: [[], {}, [[1]]]\nd: 2025-05-02\ne: ~\nf:\n")


def test_a_record_that_does_not_match_its_data_is_refused() -> None:
    with pytest.raises(ValueError):
        positions.walk_order({"a": 1}, [0, 0, 0, 0])  # the key and its value are missing
    with pytest.raises(ValueError):
        positions.walk_order("x", [0, 0, 1, 1])  # one position too many


def test_validating_a_pack_without_findings_resolves_no_detection_positions(
        pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules look positions up when they report, so a clean pack's detections never need theirs (a lookup's
    file name position is taken when its CSV is read)."""
    resolved: list[str] = []
    real = positions.DocumentPositions.tables

    def recording(self: positions.DocumentPositions) -> tuple[Table, Table]:
        resolved.append(self.path)
        return real(self)

    monkeypatch.setattr(positions.DocumentPositions, "tables", recording)
    result = validate_pack(pack)
    assert result.diagnostics == []
    assert resolved and all(path.startswith("lookups/") for path in resolved)
