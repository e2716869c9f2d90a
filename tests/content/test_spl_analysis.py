"""The run's shared SPL analysis (``RuleContext.spl``): one expansion per search text, one parse per distinct
expansion, and each search's problems at offsets in its own text, exactly as ``spl.parser.check`` gives them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from contentpack.content.model import Macro, Pack
from contentpack.content.rules import RuleContext
from contentpack.content.spl_macros import pack_macros
from contentpack.spl import SplError
from contentpack.spl import lexer, parser
from contentpack.spl.lexer import Segment
from contentpack.spl.parser import check

from esapp import factory  # tests/esapp: small model builders

# Two macros with one expansion: the two searches below share one parse, yet their errors sit at different
# offsets of their own texts.
MACROS = (Macro("m", "search a=1", ""), Macro("longer_name", "search a=1", ""),
          Macro("bad_body", "eval x=", ""), Macro("w", "wrap($x$)", "", ("x",)))
SEARCHES = (
    "`m` | filnull | eval y=(",
    "`longer_name` | filnull | eval y=(",
    "index=main | `bad_body` | stats count",
    "index=main | `longer_name` | `bad_body`",
    "| makeresults | eval z=`w(1)` | `unknown_macro`",
    "index=main ```comment `m` ``` | where",
)


def _context() -> RuleContext:
    detection = dataclasses.replace(factory.detection(), search=SEARCHES[0])
    pack = Pack("/nonexistent", factory.app(), detections=(detection,), macros=MACROS)
    return RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)


def _shape(problems: list[SplError]) -> list[tuple[str, str, int | None, str | None]]:
    return [(type(p).__name__, p.message, p.offset, p.command) for p in problems]


def test_shared_analysis_answers_what_check_answers_for_every_search() -> None:
    context = _context()
    macros = pack_macros(context.pack)
    for search in SEARCHES:
        expected = check(search, macros)
        assert expected, search  # every sample has a problem, so offsets are compared
        assert _shape(context.spl.problems(search)) == _shape(expected), search
        assert _shape(context.spl.problems(search)) == _shape(expected), search  # memoised answer: same again


def test_one_parse_serves_searches_with_the_same_expansion_at_their_own_offsets() -> None:
    context = _context()
    first, second = (context.spl.problems(s) for s in SEARCHES[:2])
    assert context.spl.expanded_text(SEARCHES[0]) == context.spl.expanded_text(SEARCHES[1])
    assert [p.message for p in first] == [p.message for p in second]
    offsets = [p.offset for p in first], [p.offset for p in second]
    assert offsets[0] == [SEARCHES[0].index("filnull"), SEARCHES[0].index("(") + 1]
    assert offsets[1] == [SEARCHES[1].index("filnull"), SEARCHES[1].index("(") + 1]


def test_the_analysis_is_built_once_per_context() -> None:
    context = _context()
    assert context.spl is context.spl
    assert context.spl.expanded_text("`unknown_macro`") is None


def test_reading_the_expanded_text_first_changes_no_answer() -> None:
    """CP045 reads every expansion before CP060 asks for problems; clean searches have none to locate."""
    for search in (*SEARCHES, "`m` | stats count", "`w(1)`"):
        context = _context()
        context.spl.expanded_text(search)
        assert _shape(context.spl.problems(search)) == _shape(check(search, pack_macros(context.pack))), search
    assert _context().spl.problems("`m` | stats count") == []


def test_the_check_reuses_the_split_cp045_read_and_answers_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP045 reads each search's segments (``segments``) before CP060 checks it: the check then parses those
    segments instead of splitting the text again, with the same answer; a text that cannot be split has none,
    and the check says why as before."""
    splits: list[str] = []
    real = lexer.split_pipeline

    def counting(text: str, base: int = 0) -> list[Segment]:
        splits.append(text)
        return real(text, base)

    monkeypatch.setattr(lexer, "split_pipeline", counting)
    monkeypatch.setattr(parser, "split_pipeline", counting)
    unsplittable = 'index=main | eval a="open | stats count'
    for search in (*SEARCHES, "`m` | stats count", "| makeresults | `m`", unsplittable):
        context = _context()
        expanded = context.spl.expanded_text(search)
        if expanded is None:
            continue
        segments = context.spl.segments(expanded)
        assert (segments is None) == (search == unsplittable)
        assert context.spl.segments(expanded) is segments  # split once
        splits.clear()
        assert _shape(context.spl.problems(search)) == _shape(check(search, pack_macros(context.pack))), search
        # the check's own split of the text, then check()'s reference split: none when the analysis had one
        assert splits.count(expanded) == (2 if segments is None else 1), search
