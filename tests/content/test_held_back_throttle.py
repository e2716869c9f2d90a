"""CP077: two runs that see one record, the earlier on time and the later held back as long as its
``schedule_window`` allows, may not start a throttle period or more apart.

Splunk facts pinned here: the scheduler holds a run back within ``schedule_window`` by its load (the Reporting
Manual, *Prioritize concurrently scheduled reports in Splunk Web*: such reports "will not run exactly at the time
that they are scheduled to run", but "still gather data for time range that they would have covered if they
started on time"), so one run can start on time and the next as late as the window allows; the window "must be
shorter than the period of the search" (savedsearches.conf.spec), and ``auto``, whose size no page gives, is read
as a minute under the period (assumed, as the sweep reads it). Throttling suppresses results with the same field
values "during the throttling time period" (Alerting Manual, *Throttle alerts*), from the run that raised the
first, and a run at exactly that run + the period raises again (``simulate/throttle.py``, assumed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contentpack.content.validate import validate_pack

from .helpers import HUNTING, Validate, locate, only, only_warning
from .test_schedule_windows import _schedule
from .test_throttle_window import SUPPRESSED, _throttle

REPO = Path(__file__).resolve().parents[2]


def _window(pack: Path, minutes: str) -> None:
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("schedule_window: auto\n", f"schedule_window: '{minutes}'\n", 1),
                                encoding="utf-8")


def _held_back(validate: Validate, pack: Path) -> list[str]:
    return [d.message for d in validate(pack).diagnostics if d.rule == "CP077"]


def test_two_hourly_runs_seeing_a_record_held_back_past_the_throttle_is_a_warning_at_schedule_window(
        pack: Path, validate: Validate) -> None:
    """The pack's hourly detections before 2026-12-05: ``-100m@m`` .. ``-10m@m``, so the runs of 01:00 and 02:00
    both see 00:20 .. 00:50, throttled 7100 s (118m20s); ``auto`` lets the 02:00 run start at 02:59."""
    _schedule(pack, "0 * * * *", "-100m@m", "-10m@m")
    _throttle(pack, "7100s")
    line, col = locate(pack, HUNTING, "schedule_window: auto")
    diagnostic = only(validate(pack), "CP077")
    assert (diagnostic.position.line, diagnostic.position.col) == (line, col + len("schedule_window: "))
    only_warning(validate(pack), "CP077", pack, HUNTING, "auto\n")
    assert diagnostic.message == (
        "two runs that see the same record can start 1h59m apart, past the throttle period '7100s': the windows of "
        "the run on Thursday 01:00 UTC and the run on Thursday 02:00 UTC, 1h apart, both hold Thursday 00:20 .. "
        "Thursday 00:50 UTC, and schedule_window 'auto' lets the scheduler hold a run back up to 59m (auto: a minute "
        "under the period, assumed, as no Splunk page gives its size and savedsearches.conf.spec says \"The "
        "'schedule_window' must be shorter than the period of the search\"), the later one as much while the "
        "earlier starts on time (it holds each run back by its load at that moment), so a result in both windows is "
        f"raised again (notable and risk): {SUPPRESSED}. Set schedule_window to at most 58 (minutes), or throttle "
        "for longer than 1h59m")


@pytest.mark.parametrize(("minutes", "throttle", "warned"), [
    ("30", "7100s", False),  # the pack's fix: 90 minutes apart at most
    ("58", "7100s", False),  # 1h58m, 20 s inside the throttle
    ("59", "7100s", True),
    ("58", "7080s", True),  # exactly the throttle period apart: that run raises again (assumed, simulate/throttle.py)
    ("0", "7100s", False),  # no window: the runs start on time
])
def test_a_window_of_minutes_is_held_to_the_throttle(pack: Path, validate: Validate, minutes: str, throttle: str,
                                                     warned: bool) -> None:
    _schedule(pack, "0 * * * *", "-100m@m", "-10m@m")
    _throttle(pack, throttle)
    _window(pack, minutes)
    messages = _held_back(validate, pack)
    assert [d.rule for d in validate(pack).diagnostics] == (["CP077"] if warned else [])
    if warned:
        assert f"schedule_window '{minutes}' lets the scheduler hold a run back up to {minutes}m, the later" \
            in messages[0] and "assumed" not in messages[0]


def test_cp072_s_throttle_outlasts_the_runs_held_back_too(pack: Path, validate: Validate) -> None:
    """The pack's hourly -100m@m .. -10m@m with schedule_window '30' and a one-hour throttle: CP072's advice, taken
    as written, must not lead to CP077. It said "throttle for at least 1h30m" (the window's length), and a
    newcomer's 5400s then met CP077's "throttle for longer than 1h30m" (newuser16)."""
    _schedule(pack, "0 * * * *", "-100m@m", "-10m@m")
    _window(pack, "30")
    _throttle(pack, "3600s")
    advice = only(validate(pack), "CP072").message
    assert advice.endswith("or throttle for longer than 1h30m (schedule_window '30' can hold a later run back 30m: "
                           "CP077)")
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("period: 3600s", "period: 5401s"), encoding="utf-8")
    assert [d.render() for d in validate(pack).diagnostics if d.rule in ("CP072", "CP077")] == []


def test_every_run_that_sees_a_record_counts_not_only_the_next(pack: Path, validate: Validate) -> None:
    """Every 10 minutes: seven runs 60 minutes apart see one record, 69 with ``auto``'s 9 minutes. ``-80m@m`` ..
    ``-10m@m`` throttled 4700 s (78m20s) holds for one record (the pack's wave detection throttles 9000 s, as its
    results are applications whose refusals span an hour); ``-75m@m`` throttled 4000 s (66m40s), longer than the
    65-minute window (no CP072), does not."""
    _schedule(pack, "*/10 * * * *", "-80m@m", "-10m@m")
    _throttle(pack, "4700s")
    assert [d.rule for d in validate(pack).diagnostics] == []
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("period: 4700s", "period: 4000s").replace("'-80m@m'", "'-75m@m'"),
                                encoding="utf-8")
    diagnostic = only(validate(pack), "CP077")
    assert diagnostic.message.startswith(
        "two runs that see the same record can start 1h9m apart, past the throttle period '4000s': the windows of "
        "the run on Thursday 00:10 UTC and the run on Thursday 01:10 UTC, 1h apart, both hold Wednesday 23:55 .. "
        "Thursday 00:00 UTC, and schedule_window 'auto' lets the scheduler hold a run back up to 9m")
    assert diagnostic.message.endswith("Set schedule_window to at most 6 (minutes), or throttle for longer than 1h9m")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP077"]


def test_no_record_seen_twice_or_one_raised_twice_on_time_is_not_this_rule_s(pack: Path, validate: Validate) -> None:
    """Windows that meet (each record in one run) have nothing to raise twice; a throttle shorter than the time
    between the runs on time is CP072's (the window outlasts it)."""
    _schedule(pack, "0 * * * *", "-70m@m", "-10m@m")
    _throttle(pack, "1h")
    assert [d.rule for d in validate(pack).diagnostics] == []
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("'-70m@m'", "'-100m@m'"), encoding="utf-8")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP072"]


def test_the_shipped_pack_is_clean_and_its_content_before_the_30_minute_windows_is_caught(tmp_path: Path) -> None:
    """The six hourly detections throttled 7100 s wrote ``schedule_window: auto`` until 2026-12-05; ``replay
    --sweep``'s uneven hold-back raised 18 of their tests twice."""
    assert [d.render() for d in validate_pack(REPO).diagnostics] == []
    root = tmp_path / "pack"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv*", "src", "tests", "docs", "benchmarks",
                                                                "dist"))
    changed = []
    for path in sorted((root / "detections" / "cloud").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if "    schedule_window: '30'\n" in text:
            path.write_text(text.replace("schedule_window: '30'\n", "schedule_window: auto\n"), encoding="utf-8")
            changed.append(path.name)
    assert len(changed) == 6
    found = [d for d in validate_pack(root).diagnostics]
    assert sorted((Path(d.position.path).name, d.rule) for d in found) == [(name, "CP077") for name in changed]
