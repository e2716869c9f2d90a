"""The engine remembers the answers of its regular-expression matches (``spl.regex``): a replay matches the
same few patterns against the same values at every scheduled run, and an answer is a function of the pattern,
the text and the regex budget it was found under. Each test here can fail only if remembering changed what
a search answers or how it stops."""

from __future__ import annotations

import pytest

from contentpack.spl import Limits, SplRuntimeError, limits
from contentpack.spl import regex as regex_module
from contentpack.spl.answers import Answers
from contentpack.spl.regex import compile_pcre, substitute

from .spl_support import NOW, event, make_engine, rows

BACKTRACKING = "(e|ee)+$zzz"  # about 2^n paths on n e's: 22 take tens of milliseconds, never a microsecond


class _Counting:
    """A compiled pattern that counts the matches it is asked for."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.calls = 0

    def search(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.real.search(*args, **kwargs)  # type: ignore[attr-defined]

    def sub(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.real.sub(*args, **kwargs)  # type: ignore[attr-defined]

    def finditer(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        return self.real.finditer(*args, **kwargs)  # type: ignore[attr-defined]


def test_the_same_pattern_on_the_same_text_is_matched_once_and_answers_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting(regex_module._compile("^([^@]+)_([^_@#]+)#ext#@.*$"))
    monkeypatch.setattr(regex_module, "_compile", lambda pattern: counting)
    pattern = compile_pcre("^([^@]+)_([^_@#]+)#ext#@.*$")
    text = "alice_fabrikam.com#ext#@contoso.onmicrosoft.com"
    first, second = pattern.search(text), pattern.search(text)
    assert first is not None and second is not None and second.group(1, 2) == ("alice", "fabrikam.com")
    assert substitute(pattern, r"\1@\2", text) == substitute(pattern, r"\1@\2", text) == "alice@fabrikam.com"
    assert substitute(pattern, r"\2", text) == "fabrikam.com"  # another template is another answer
    assert pattern.search("bob@contoso.com") is None
    found = pattern.finditer(text)
    found.clear()  # a caller's list is its own: the remembered matches stay whole
    assert [m.group(1) for m in pattern.finditer(text)] == ["alice"]
    assert counting.calls == 5  # two searches, two substitutions and one finditer made; repeats from memory


def test_a_match_that_stopped_at_the_budget_stops_again() -> None:
    pattern = compile_pcre(BACKTRACKING)
    for _ in range(2):
        with limits.running(Limits(regex_seconds=1e-6)), pytest.raises(SplRuntimeError, match="regex budget"):
            pattern.search("e" * 22)


def test_an_answer_found_under_a_generous_budget_never_stands_in_for_a_smaller_budgets_error() -> None:
    pattern = compile_pcre(BACKTRACKING)
    with limits.running(Limits(regex_seconds=30)):
        assert pattern.search("e" * 22) is None
    with limits.running(Limits(regex_seconds=1e-6)), pytest.raises(SplRuntimeError, match="regex budget"):
        pattern.search("e" * 22)


def test_searches_answer_the_same_from_memory() -> None:
    """A search run twice on one engine (the second from remembered matches) gives the same rows, and a
    change of the event's value is matched afresh."""
    engine = make_engine([event(NOW - 1, user="alice_fabrikam.com#ext#@contoso.onmicrosoft.com"),
                          event(NOW - 2, user="bob@contoso.com")])
    search = ('* | eval person=replace(user, "^([^@]+)_([^_@#]+)#ext#@.*$", "\\1@\\2"), '
              'guest=if(match(user, "#ext#@"), "yes", "no") | table person guest')
    expected = [{"person": "alice@fabrikam.com", "guest": "yes"}, {"person": "bob@contoso.com", "guest": "no"}]
    assert rows(engine, search) == expected
    assert rows(engine, search) == expected


def test_the_memory_is_bounded_by_the_text_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Answers, "LIMIT", 100)
    memo = Answers()
    for number in range(10):
        memo.put(("pattern", str(number)), 30, number)
        assert memo._held <= 100
    assert memo.get(("pattern", "9"), None) == 9
    assert memo.get(("pattern", "0"), None) is None  # forgotten when the memo started afresh
