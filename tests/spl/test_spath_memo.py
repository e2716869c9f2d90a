"""``spath path=...`` remembers what each path reads from each text (``commands.spath``): a replay reads the same
paths of the same events at every search over them, and the value is a function of the path and the text alone.
Each test here can fail only if remembering changed what a search answers, or if the text were decoded again."""

from __future__ import annotations

import pytest

from contentpack.spl.commands import spath as spath_module

from .spl_support import NOW, make_engine, rows

SEARCH = ("* | spath path=a{}.b output=b | spath path=a{}.b output=again | spath path=c output=c "
          "| table n b again c")


def test_a_path_of_a_text_is_decoded_once_and_answers_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[str] = []
    real = spath_module.decode_json

    def counting(text: str | bytes) -> object:
        decoded.append(str(text))
        return real(text)

    monkeypatch.setattr(spath_module, "decode_json", counting)
    same = '{"a": [{"b": 1.50}, {"b": "x"}], "c": null, "d": "test_spath_memo"}'  # texts no other test reads
    engine = make_engine([{"_time": NOW - 1, "n": "1", "_raw": same}, {"_time": NOW - 2, "n": "2", "_raw": same},
                          {"_time": NOW - 3, "n": "3", "_raw": '{"a": [{"b": 2}], "d": "test_spath_memo"}'},
                          {"_time": NOW - 4, "n": "4", "_raw": "not json: test_spath_memo"}])
    expected = [{"n": "1", "b": ("1.50", "x"), "again": ("1.50", "x"), "c": "null"},
                {"n": "2", "b": ("1.50", "x"), "again": ("1.50", "x"), "c": "null"},
                {"n": "3", "b": "2", "again": "2"},
                {"n": "4"}]
    assert rows(engine, SEARCH) == expected
    assert rows(engine, SEARCH) == expected  # the second run from memory
    # each distinct (path, text) once: two paths of the JSON texts (c is not in the third), and the text that is
    # not JSON once for each
    assert len(decoded) == 6
