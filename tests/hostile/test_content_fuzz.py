"""Hostile stories and data sources (issue 11): any value at any key -- wrong types, nested structures,
control characters, reserved names, huge text, deep expressions -- ends in a positioned diagnostic, never an
exception; whatever ``validate`` accepts ``build`` builds; and the replay's engine set-up either takes the
data sources or lists their problems (``ReplaySetupError``, RP001).

Reproducer found here: a data source's calculated field nested 3,000 parentheses deep passed validate and
build, then made ``replay``, ``backtest`` and ``search --calc`` fail with "internal error: RecursionError".
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentpack.content.validate import validate_pack
from contentpack.esapp.builder import build
from contentpack.simulate import ReplaySetupError, build_engine
from document_paths import key_paths

from .support import DATA_SOURCE, VALID, copy_pack, run_cli

STORY = "stories/entra_id_consent_fixture_story.yml"
ENV = {"SOURCE_DATE_EPOCH": "1700000000"}
DEEP = "(" * 3000 + "1" + ")" * 3000

_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "default", "Default", "[default]", "\x00", "\x1b[31m", "a\nb", "\u2028", "\u202e", "é",
                     "x" * 5000, "$user$", "`m`", "_time", "_raw", "index", "*", "../x", "9999-99-99", DEEP,
                     "if(" * 300 + "1" + ",1,1)" * 300, "https://example.com/a b"]),
)
_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), _TEXT)
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(_TEXT, st.sampled_from(["field", "alias", "source_field", "expression", "name",
                                                      "url", "version"])), inner, max_size=3)), max_leaves=8)


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``document`` with ``value`` at ``path``; unchanged when an earlier edit of the same file took the path
    away (the paths are drawn from the original file)."""
    if not path:
        return value
    node = document
    for step in path:
        if not (isinstance(node, dict) and step in node
                or isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)):
            return document
        parent, node = node, node[step]
    parent[path[-1]] = value
    return document


@st.composite
def _edits(draw: st.DrawFn) -> list[tuple[str, tuple[Any, ...], Any]]:
    edits = []
    for relative in draw(st.lists(st.sampled_from([STORY, DATA_SOURCE]), min_size=1, max_size=3)):
        document = yaml.safe_load((VALID / relative).read_text(encoding="utf-8"))
        edits.append((relative, draw(st.sampled_from(key_paths(document))), draw(_VALUE)))
    return edits


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(edits=_edits())
def test_hostile_stories_and_data_sources_are_diagnostics(tmp_path_factory: pytest.TempPathFactory,
                                                          edits: list[tuple[str, tuple[Any, ...], Any]]) -> None:
    where = tmp_path_factory.mktemp("fuzz")
    root = where / "pack"
    shutil.copytree(VALID, root)
    for relative, path, value in edits:
        file = root / relative
        document = _replaced(yaml.safe_load(file.read_text(encoding="utf-8")), path, value)
        file.write_text(yaml.safe_dump(document, allow_unicode=False, width=10**9), encoding="utf-8")
    result = validate_pack(root)
    if not result.ok or result.pack is None:
        assert result.errors, edits
        return
    report = build(root, where / "dist", environ=ENV)
    assert report.ok, (edits, report.stopped_by)
    try:
        build_engine(result.pack)
    except ReplaySetupError as exc:
        assert exc.diagnostics and all(d.rule == "RP001" for d in exc.diagnostics)


@pytest.mark.parametrize("expression", [DEEP, "if(" * 3000 + "1" + ",1,1)" * 3000])
def test_a_calculated_field_nested_too_deeply_is_a_validation_error(tmp_path: Path, expression: str) -> None:
    """Reported by validate (CP060, at the expression), so replay stops before its engine set-up; an API caller
    that skips validation still gets the set-up's positioned RP001, never a RecursionError."""
    root = copy_pack(tmp_path)
    file = root / DATA_SOURCE
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    document["search_time"]["calculated_fields"][0]["expression"] = expression
    file.write_text(yaml.safe_dump(document, width=10**9), encoding="utf-8")
    expected = (f"{DATA_SOURCE}:26:17: error[CP060]: SPL syntax error in data source 'Azure Active Directory "
                "Sign-in activity': EVAL-vendor_product: the expression nests parentheses or calls too deeply")
    outcome = run_cli("replay", "--root", str(root), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 1
    assert expected in " ".join(outcome.stderr.split())  # the report wraps long lines
    result = validate_pack(root)
    assert [d.render() for d in result.diagnostics] == [expected]
    assert result.pack is not None
    with pytest.raises(ReplaySetupError) as caught:
        build_engine(result.pack)
    assert [d.render() for d in caught.value.diagnostics] == [
        f"{DATA_SOURCE}:26:17: error[RP001]: search_time of sourcetype 'azure:monitor:aad': EVAL-vendor_product: "
        "the expression nests parentheses or calls too deeply (command 'EVAL-vendor_product', column 1)"]


def test_search_calc_nested_too_deeply_is_a_usage_error(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text('{"a": "1"}\n', encoding="utf-8")
    outcome = run_cli("search", "search *", "--events", str(events), "--calc", f"x={DEEP}", timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2
    assert "EVAL-x: the expression nests parentheses or calls too deeply" in outcome.stderr
