"""The SPL parser's answers kept between runs (``rules.spl_answers``): a warm run reports exactly what a cold
run reports, parses nothing it parsed before, and never believes an answer made for other text or other
parser code; a bad cache counts as empty and ``CONTENTPACK_CACHE=off`` writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contentpack.content.cache_files import cache_file, read_entries, write_entries
from contentpack.content.rules import spl_answers
from contentpack.content.validate import validate_pack
from contentpack.spl import parser
from contentpack.spl.errors import SplError, SplMacroError, SplRuntimeError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.lexer import Segment

from .helpers import HUNTING, TTP, edit

MACRO = "macros/security_content_ctime.yml"
Row = tuple[object, ...]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the SPL parser really checks (``check_expanded`` calls)."""
    calls: list[str] = []
    real = parser.check_expanded

    def counting(text: str, segments: list[Segment] | None = None) -> tuple[list[SplError], bool]:
        calls.append(text)
        return real(text, segments)

    monkeypatch.setattr(parser, "check_expanded", counting)
    return calls


def _broken(pack: Path) -> None:
    """SPL errors in a search (a syntax error and a misspelt command), a drilldown and a macro."""
    edit(pack, TTP, "| rename properties.* as * ", '| rename properties.* as "props ')
    edit(pack, HUNTING, "| where isnull(known)", "| eval n=mni(count) | where isnull(known)")
    edit(pack, TTP, '| search  user = "$user$"', '| serach  user = "$user$"')
    edit(pack, MACRO, "convert", "convret")


def _rows(pack: Path) -> list[Row]:
    return [d.as_tuple() for d in validate_pack(pack).diagnostics]


def _cold(pack: Path, monkeypatch: pytest.MonkeyPatch) -> list[Row]:
    with monkeypatch.context() as patch:
        patch.setenv("CONTENTPACK_CACHE", "off")
        return _rows(pack)


def test_a_warm_run_reports_exactly_what_a_cold_run_reports(pack: Path, cache_dir: Path, parses: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(pack)
    expected = _cold(pack, monkeypatch)
    rules = sorted({str(row[4]) for row in expected if str(row[4]).startswith("CP06")})
    assert rules == ["CP060", "CP061"] and len(expected) >= 4
    assert any("drilldown 1" in str(row) for row in expected)
    assert any("inside the expansion of macro `security_content_ctime`" in str(row) for row in expected)
    parses.clear()
    assert _rows(pack) == expected  # first run: parses and saves
    assert parses
    parses.clear()
    assert _rows(pack) == expected  # warm run: the same diagnostics, positions and messages
    assert parses == []  # ... without parsing anything
    assert not list(pack.rglob("*.marshal")) and list(cache_dir.glob("spl-*.marshal"))


def test_a_changed_macro_is_parsed_again(pack: Path, cache_dir: Path, parses: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(pack)
    _rows(pack)
    edit(pack, MACRO, "convret", "convrt")  # another misspelling: another expanded text
    parses.clear()
    warm = _rows(pack)
    assert parses  # the searches calling the macro are parsed again
    assert warm == _cold(pack, monkeypatch)
    assert any("unknown search command 'convrt'" in str(row) for row in warm)
    assert not any("convret" in str(row) for row in warm)


def test_a_changed_parser_is_asked_again(pack: Path, cache_dir: Path, parses: list[str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sources = tmp_path / "spl"
    shutil.copytree(spl_answers.SPL_SOURCES, sources, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(spl_answers, "SPL_SOURCES", sources)
    _broken(pack)
    expected = _rows(pack)
    parses.clear()
    _rows(pack)
    assert parses == []
    with (sources / "commands" / "stats.py").open("a", encoding="utf-8") as out:
        out.write("\n# a change to the parser's code\n")
    assert _rows(pack) == expected
    assert parses  # every answer was made by other code: all parsed again


def _stored(pack: Path) -> Path:
    target = cache_file(pack, "spl")
    assert target is not None and target.is_file()
    return target


@pytest.mark.parametrize("damage", ["empty", "garbage", "foreign", "bad entries"])
def test_a_corrupt_or_foreign_cache_counts_as_empty(pack: Path, cache_dir: Path, parses: list[str], damage: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(pack)
    expected = _rows(pack)
    target = _stored(pack)
    salt = spl_answers.salt()
    entries = read_entries(target, salt)
    assert entries
    lie = ((("syntax", "a lie", 0, None, None),), False)  # well formed, but not what the parser says
    if damage == "empty":
        target.write_bytes(b"")
    elif damage == "garbage":
        target.write_bytes(b"not marshal at all")
    elif damage == "foreign":  # another parser's (or Python's) file: believed, it would report lies
        write_entries(target, "another parser", {key: lie for key in entries})
    else:
        write_entries(target, salt, {key: ("bogus",) for key in entries})
    parses.clear()
    assert _rows(pack) == expected
    assert len(parses) >= len(entries)
    parses.clear()
    assert _rows(pack) == expected and parses == []  # and the file is right again


def test_cache_off_writes_nothing(pack: Path, cache_dir: Path, parses: list[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")
    _broken(pack)
    _rows(pack)
    parses.clear()
    _rows(pack)
    assert parses  # parsed every time
    assert not cache_dir.exists()


def test_only_the_answers_a_run_asked_for_are_kept(pack: Path, cache_dir: Path) -> None:
    _broken(pack)
    _rows(pack)
    before = read_entries(_stored(pack), spl_answers.salt())
    edit(pack, HUNTING, "| eval n=mni(count) | where isnull(known)", "| where isnull(known)")
    _rows(pack)
    after = read_entries(_stored(pack), spl_answers.salt())
    assert len(after) == len(before) and after.keys() != before.keys()  # one text replaced, none piled up


# ------------------------------------------------------------------------------------ encoding the answers


def _shape(problems: list[SplError]) -> list[tuple[object, ...]]:
    return [(type(p), p.args, vars(p)) for p in problems]


def test_every_error_class_round_trips_exactly() -> None:
    problems: list[SplError] = [
        SplSyntaxError("unterminated string", offset=12, command="rename"),
        SplUnsupportedError("unknown command 'filnull'", offset=3, command="filnull", feature=("command", "filnull")),
        SplUnsupportedError("option", offset=None, command=None),
        SplMacroError("macro 'x' is not defined", offset=0),
        SplRuntimeError("bad regex", command="rex"),
        SplError("plain"),
        SplSyntaxError("moved", offset=1).moved(40, "eval"),
    ]
    for too_deep in (False, True):
        encoded = spl_answers.encode((problems, too_deep))
        assert encoded is not None
        decoded, deep = spl_answers.decode(encoded)
        assert deep is too_deep
        assert _shape(decoded) == _shape(problems)
        assert [str(p) for p in decoded] == [str(p) for p in problems]


def test_an_error_that_would_not_round_trip_is_not_stored() -> None:
    class Special(SplSyntaxError):
        pass

    extra = SplSyntaxError("x", offset=1)
    extra.hint = "more"  # type: ignore[attr-defined]
    for odd in (Special("x"), extra, SplUnsupportedError("x", feature=["command", "x"])):  # type: ignore[arg-type]
        assert spl_answers.encode(([odd], False)) is None
    # search terms after a '|' (``| NOT user IN (...)``): parsed again, so CP061 says to write ``search`` every run
    terms = SplUnsupportedError("command 'NOT' is not supported", offset=2, command="NOT", feature=("command", "NOT"),
                                terms='NOT user IN ("a")')
    assert spl_answers.encode(([terms], False)) is None


@pytest.mark.parametrize("bad", [None, ("bogus",), ((("nosuchkind", "m", 0, None, None),), False),
                                 ((("syntax", "m", "0", None, None),), False),
                                 ((("syntax", "m", 0, None, ("command", "x")),), False), ((), 1)])
def test_a_malformed_entry_is_refused(bad: object) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal is a miss for the caller
        spl_answers.decode(bad)
