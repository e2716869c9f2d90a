"""The parser takes a whole search's commands from those it parsed before when their text, place and origin in
the search as written are the same (``parser._CommandMemo``): a replay parses a drilldown per row, each the
detection's search with a filled tail. Each test here can fail only if that changed a command or an offset."""

from __future__ import annotations

import pytest

from contentpack.spl import SplError
from contentpack.spl import parser as parser_module
from contentpack.spl.macros import MacroDef
from contentpack.spl.parser import parse

MACROS = {"m": MacroDef("m", (), "eval y=2")}


def _offsets(text: str) -> list[tuple[str, int | None]]:
    return [(command.name, command.offset) for command in parse(text, MACROS).commands]


def test_a_search_with_a_filled_tail_parses_only_its_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    search = 'search operationName="Consent to application" | eval x=lower(user) | stats count by x'
    parse(search, MACROS)
    calls: list[str] = []
    real = parser_module._parse_command

    def counting(index, segment, *args, **kwargs):
        calls.append(segment.text.strip())
        return real(index, segment, *args, **kwargs)

    monkeypatch.setattr(parser_module, "_parse_command", counting)
    drilldown = parse(f'{search} | search x="alice"', MACROS)
    assert calls == ["stats count by x", 'search x="alice"']  # the search's last command, at its end before, too
    assert drilldown.commands[:3] == parse(search, MACROS).commands  # the same commands, offsets and all
    assert drilldown.commands[3].offset == len(search) + 3


def test_the_same_command_at_another_place_keeps_its_own_offset() -> None:
    assert _offsets("search a=1 | eval x=1") == [("search", 0), ("eval", 13)]
    assert _offsets("search ab=1 | eval x=1") == [("search", 0), ("eval", 14)]
    assert _offsets("search a=1 | eval x=1 | stats count") == [("search", 0), ("eval", 13), ("stats", 24)]


def test_a_command_after_a_macro_keeps_the_offset_of_the_text_as_written() -> None:
    """Both expand to the same text; only where each character came from differs."""
    assert _offsets("search a | `m` | stats count")[-1] == ("stats", 17)
    assert _offsets("search a | eval y=2 | stats count")[-1] == ("stats", 22)
    assert _offsets("search a | `m` | stats count")[-1] == ("stats", 17)


def test_an_error_after_commands_parsed_before_is_at_its_own_column() -> None:
    search = "search a=1 | eval x=1"
    parse(search, MACROS)
    with pytest.raises(SplError) as caught:
        parse(f"{search} | nosuchcommand", MACROS)
    assert caught.value.offset == len(search) + 3
