"""Text from the logs and the pack in the commands' tables (issue 11, deliver 7): escaped, and never read as
rich markup. Before, a log value ``[/oops]`` ended ``search`` in "internal error: MarkupError" (so would a
risk object in ``backtest``'s table or a test name in ``replay``'s), and an escape sequence in a user name
from the logs reached the terminal as is.
"""

from __future__ import annotations

import json
from pathlib import Path

from .support import HUNTING, ROOT, copy_pack, edit, run_cli

HOSTILE = "[/oops]\x1b]0;pwned\x07\x1b[31m[bold]x"
SHOWN = "[/oops]\\x1b]0;pwned\\x07\\x1b[31m[bold]x"


def _clean(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text


def test_search_shows_log_values_as_written_escaped(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps({"a": HOSTILE, HOSTILE: "field named so"}) + "\n", encoding="utf-8")
    outcome = run_cli("search", f"search * | table a \"{HOSTILE}\"", "--events", str(events), timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 0 and outcome.stdout.count(SHOWN) == 2, outcome.stdout
    _clean(outcome.stdout)


def test_backtest_shows_risk_objects_from_the_logs_escaped(tmp_path: Path) -> None:
    source = ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log"
    user = json.dumps(HOSTILE)[1:-1]  # as the JSON text of the log writes it
    events = tmp_path / "e.log"
    events.write_text(source.read_text(encoding="utf-8").replace("joni.natarajan@contoso.example", user),
                      encoding="utf-8")
    outcome = run_cli("backtest", "--root", str(ROOT), "--events", str(events), timeout=60)
    outcome.assert_handled()
    assert outcome.returncode == 0 and SHOWN.lower() in outcome.stdout, outcome.stdout
    _clean(outcome.stdout)


def test_replay_shows_test_names_escaped(tmp_path: Path) -> None:
    root = copy_pack(tmp_path)
    edit(root, HUNTING, "- name: Prompts for an unvetted application", f"- name: {json.dumps(HOSTILE)}")
    outcome = run_cli("replay", "--root", str(root), "--detection", "Entra ID Consent Prompts For Unknown Apps",
                      timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 1 and f"Entra ID Consent Prompts For Unknown Apps / {SHOWN}: " in outcome.stdout
    _clean(outcome.stdout)
