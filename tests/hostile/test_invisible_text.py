"""Invisible and terminal-driving characters from the logs in every format the commands print (and the backtest's
files). Before: the table printed zero-width characters, bidirectional marks and the byte order mark as they are
(``admin\\u200b@contoso.example`` looked like ``admin@contoso.example``, another account), and ``--format json``
wrote C1 controls (``\\u009b`` is CSI on terminals that take 8-bit controls) and bidirectional overrides raw, as did
``--format csv`` every control character, on the terminal of the analyst reading it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from terminal_output import stdout_in_a_pipe, stdout_on_terminal

from contentpack.printable import json_text, printable

from .support import ROOT, run_cli

# A look-alike of an account (a zero-width space before the @), a right-to-left mark, a soft hyphen, a byte order
# mark, a word joiner, an invisible tag character (beyond U+FFFF), a C1 CSI and a right-to-left override.
LOOKALIKE = "admin\u200b@contoso.example"
HIDDEN = "x\u200fy\u00adz\ufeff\u2060\U000e0041\u009b31m\u202eevil"


def _events(tmp_path: Path) -> Path:
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps({"user": user, "app": HIDDEN}) + "\n"
                            for user in ("admin@contoso.example", LOOKALIKE)), encoding="utf-8")
    return path


def _visible(text: str) -> None:
    """Nothing in ``text`` a terminal would not show as itself (a line break aside)."""
    assert printable(text.replace("\n", "")) == text.replace("\n", ""), ascii(text)


def test_the_table_shows_invisible_characters_as_escapes(tmp_path: Path) -> None:
    outcome = run_cli("search", "search * | table user app", "--no-pack", "--events", str(_events(tmp_path)),
                      timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 0
    assert "admin\\u200b@contoso.example" in outcome.stdout  # the look-alike reads as another account
    assert "x\\u200fy\\xadz\\ufeff\\u2060\\U000e0041\\x9b31m\\u202eevil" in outcome.stdout
    _visible(outcome.stdout)


def test_json_writes_them_as_json_escapes_of_the_same_data(tmp_path: Path) -> None:
    outcome = run_cli("search", "search * | table user app", "--no-pack", "--events", str(_events(tmp_path)),
                      "--format", "json", timeout=30)
    outcome.assert_handled()
    _visible(outcome.stdout)
    assert {(row["user"], row["app"]) for row in json.loads(outcome.stdout)} == \
        {("admin@contoso.example", HIDDEN), (LOOKALIKE, HIDDEN)}


def test_csv_is_escaped_on_a_terminal_and_the_data_as_is_in_a_pipe(tmp_path: Path) -> None:
    args = ["search", "search * | table user app", "--no-pack", "--events", str(_events(tmp_path)), "--format", "csv"]
    status, lines = stdout_on_terminal(args, 120, ROOT, 60)
    assert status == 0 and "admin\\u200b@contoso.example,x\\u200fy\\xadz\\ufeff\\u2060\\U000e0041\\x9b31m\\u202eevil" \
        in lines, lines
    _visible("\n".join(lines))
    status, lines = stdout_in_a_pipe(args, ROOT, 60)
    assert status == 0 and f"{LOOKALIKE},{HIDDEN}" in lines, lines


def test_backtest_json_and_files_hold_them_as_json_escapes(tmp_path: Path) -> None:
    source = ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log"
    events = tmp_path / "e.log"
    user = "joni\u202e.natarajan\u009b@contoso.example"
    events.write_text(source.read_text(encoding="utf-8").replace("joni.natarajan@contoso.example",
                                                                 json.dumps(user)[1:-1]), encoding="utf-8")
    out = tmp_path / "out"
    outcome = run_cli("backtest", "--root", str(ROOT), "--events", str(events), "--format", "json",
                      "--out", str(out), timeout=60)
    outcome.assert_handled()
    assert outcome.returncode == 0, outcome.stderr
    assert user in {entity["value"] for entity in json.loads(outcome.stdout)["top_risk_objects"]}
    for name in ("risk.jsonl", "summary.json", "notables.jsonl"):
        text = (out / name).read_text(encoding="utf-8")
        _visible(text)
    assert any(json.loads(line)["risk_object"] == user for line in (out / "risk.jsonl").read_text().splitlines())
    _visible(outcome.stdout)


@pytest.mark.parametrize("text", [
    "\u200b", "\u200c\u200d", "\u200e\u200f\u061c", "\ufeff", "\u00ad", "\U000e0001\U000e007f", "\u009b",
    "\u202e\u2066", "\ud800", "\x1b\x00\x7f", "\u2028",
])
def test_json_text_escapes_what_printable_escapes_and_decodes_to_the_same(text: str) -> None:
    written = json_text({"k": text})
    assert written.isascii() and json.loads(written) == {"k": text}
    assert printable(text).isascii() and printable(text) != text


@pytest.mark.parametrize("text", ["山田\u3000太郎", "Zoë Ångström", "テスト", "a\u00a0b", "😀", "x" * 1000])
def test_letters_and_spaces_of_any_script_stay_as_they_are(text: str) -> None:
    assert printable(text) == text and json.loads(json_text(text)) == text and text in json_text(text)
