"""CP072: a throttled detection's run may not search a window longer than its throttle period.

Splunk facts pinned here: the Alerting Manual, "Throttle alerts" (https://help.splunk.com/splunk-enterprise/
alert-and-respond/alerting-manual/9.4/manage-alert-trigger-conditions-and-throttling/throttle-alerts): after an
alert on a result, results with the same field values "are suppressed during the throttling time period", so
once it is over a result still inside a run's window fires again (``simulate/throttle.py``). A run's window is
judged on time and under every skew ``allow_skew`` allows (savedsearches.conf.spec, 10.0; 100% for an hourly
``0 * * * *`` is up to the hour), resolved at the skewed start (assumed, ``content/schedule.py``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .helpers import HUNTING, Validate, locate, only, only_warning, validate_cli
from .test_schedule_windows import _schedule

REPO = Path(__file__).resolve().parents[2]
DECLINED = "detections/cloud/entra_id_oauth_consent_granted_after_user_declined.yml"
SUPPRESSED = ('results with the same field values "are suppressed during the throttling time period" (Splunk '
              'Alerting Manual, "Throttle alerts"), not after it')


def _throttle(pack: Path, period: str) -> None:
    text = (pack / HUNTING).read_text(encoding="utf-8")
    assert "throttling:" not in text and "\ntests:\n" in text
    block = f"  throttling:\n    fields:\n    - user\n    period: {period}\ntests:\n"
    (pack / HUNTING).write_text(text.replace("tests:\n", block, 1), encoding="utf-8")


def test_a_window_a_skew_stretches_past_the_throttle_is_a_warning_at_period(pack: Path, validate: Validate) -> None:
    """``-7d@h`` to ``-10m@m`` hourly: 6d23h50m on time, 7d49m started 59 minutes late (``-7d@h`` stays on the
    tick's hour while ``-10m@m`` follows the run), longer than 168h."""
    _schedule(pack, "0 * * * *", "-7d@h", "-10m@m")
    _throttle(pack, "168h")
    diagnostic = only_warning(validate(pack), "CP072", pack, HUNTING, "168h")
    assert diagnostic.message == (
        "a run's window can be 7d49m long, longer than the throttle period '168h' when the scheduler's allow_skew "
        "starts the runs 59m after their ticks: at the run on Thursday 01:59 UTC (its tick Thursday 01:00), "
        "earliest_time '-7d@h' resolves to Thursday 01:00 UTC (7d59m before the run) and latest_time '-10m@m' "
        "resolves to Thursday 01:49 UTC (10m before the run), so a result can stay in the window after its "
        f"throttle expires and be raised again (notable and risk): {SUPPRESSED}. Snap both edges to the same unit, "
        "shorten earliest_time, or throttle for at least 7d1h49m (1h more across the night the clocks go back, "
        "as Splunk Enterprise runs the scheduler in the search head's time zone (\"In Splunk Enterprise, the cron "
        "analyzer defaults to the timezone where the search head is configured\": Splunk Alerting Manual, \"Use cron "
        "expressions for alert scheduling\") and a day there lasts 25 hours (assumed: day offsets and snaps are read "
        "in the zone's calendar, as the engine reads them))")


def test_a_window_longer_on_time_names_no_skew(pack: Path, validate: Validate) -> None:
    _schedule(pack, "*/10 * * * *", "-80m@m", "-10m@m")
    _throttle(pack, "1h")
    diagnostic = only(validate(pack), "CP072")
    assert diagnostic.message.startswith("a run's window can be 1h10m long, longer than the throttle period '1h': "
                                         "at the run on Thursday 00:10 UTC, earliest_time '-80m@m'")
    assert "allow_skew" not in diagnostic.message and diagnostic.message.endswith("throttle for at least 1h10m")


def _set_throttle(pack: Path, period: str) -> None:
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(re.sub(r"    period: \S+\n", f"    period: {period}\n", text, count=1), encoding="utf-8")


@pytest.mark.parametrize(("cron", "earliest", "latest", "longest", "needed", "advice"), [
    # both edges snap to the minute: whatever the skew; runs 167h apart see one record, 167h59m with auto's hold
    ("0 * * * *", "-168h@m", "-10m@m", "6d23h50m", "6d23h50m",
     "throttle for longer than 6d23h59m (schedule_window 'auto' can hold a later run back 59m: CP077)"),
    ("0 * * * *", "-7d@m", "-10m@m", "6d23h50m", "7d50m", ""),  # days: an hour longer where clocks go back
    ("0 * * * *", "-7d@h", "-10m@m", "7d49m", "7d1h49m", ""),   # 59 minutes late
    ("0 0 * * *", "-1d@d", "@d", "1d", "1d1h", ""),             # daily over yesterday: a day whatever the skew
    ("10 * * * *", "-7d@h", "now", "7d10m59s", "7d1h10m59s", ""),  # the pack's correlation search: only its second
    ("*/10 * * * *", "-80m@m", "-10m@m", "1h10m", "1h10m", ""),  # minutes: the same length in every zone
])
def test_a_throttle_as_long_as_the_longest_window_is_fine_a_second_less_is_not(
        pack: Path, validate: Validate, cron: str, earliest: str, latest: str, longest: str, needed: str,
        advice: str) -> None:
    """``needed`` is ``longest`` in UTC, plus an hour when a modifier counts days or longer (see below); the
    advice is to throttle for at least that, or for longer than CP077's runs held back when they reach further."""
    from contentpack.durations import duration_seconds

    seconds = sum(duration_seconds(part) for part in re.findall(r"\d+[dhms]", needed))
    _schedule(pack, cron, earliest, latest)
    _throttle(pack, f"{int(seconds)}s")
    # CP077 judges the runs held back (-168h@m: runs 167h apart see one record, 167h59m with auto's 59 minutes)
    assert [d.render() for d in validate(pack).diagnostics if d.rule != "CP077"] == []
    _set_throttle(pack, f"{int(seconds) - 1}s")
    diagnostic = only(validate(pack), "CP072")
    assert diagnostic.message.startswith(f"a run's window can be {needed} long")
    assert (advice or f"throttle for at least {needed}").lower() in diagnostic.message.lower()  # or "Throttle"


def test_a_week_counted_in_days_outlasts_a_week_s_throttle_where_clocks_go_back(pack: Path, validate: Validate,
                                                                                 ) -> None:
    """Alerting Manual, *Use cron expressions for alert scheduling* (10.0): "In Splunk Enterprise, the cron
    analyzer defaults to the timezone where the search head is configured". In a zone with daylight saving,
    ``-7d@m`` read at a run just after the clocks went back reaches 169 hours back (the engine reads day offsets
    in the zone's calendar: assumed for Splunk, no page says), so a 168h throttle ends while a result is still in
    the window. The replay runs in UTC, where the window is 167h50m: only validate can say so."""
    from contentpack.spl.timeutil import parse_time_modifier

    run = 1793707200.0  # 2026-11-03 12:00 UTC, two days after New York's clocks went back
    for tz, hours in (("UTC", 167 + 50 / 60), ("America/New_York", 168 + 50 / 60)):
        length = parse_time_modifier("-10m@m", run, tz) - parse_time_modifier("-7d@m", run, tz)
        assert length == hours * 3600
    _schedule(pack, "0 * * * *", "-7d@m", "-10m@m")
    _throttle(pack, "168h")
    diagnostic = only_warning(validate(pack), "CP072", pack, HUNTING, "168h")
    assert diagnostic.message.startswith(
        "a run's window can be 7d50m long on a search head whose time zone has daylight saving, longer than the "
        "throttle period '168h': 6d23h50m in UTC (at the run on Thursday 01:00 UTC, earliest_time '-7d@m' resolves")
    assert "\"In Splunk Enterprise, the cron analyzer defaults to the timezone where the search head is configured\"" \
        in diagnostic.message
    assert diagnostic.message.endswith("Throttle for at least 7d50m, or, for runs less than a day apart, count the "
                                       "window in hours rather than days (-168h for -7d)")
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("-7d@m", "-168h@m"), encoding="utf-8")
    assert [d.render() for d in validate(pack).diagnostics] == []


def test_without_throttling_or_an_inline_schedule_nothing_is_judged(pack: Path, validate: Validate) -> None:
    _throttle(pack, "1m")  # the type default's 60-minute windows are not judged
    assert [d.render() for d in validate(pack).diagnostics] == []
    _schedule(pack, "0 * * * *", "-60m", "@h")
    assert only(validate(pack), "CP072").message.startswith("a run's window can be 1h long")
    text = (pack / HUNTING).read_text(encoding="utf-8")
    (pack / HUNTING).write_text(text.replace("  throttling:\n    fields:\n    - user\n    period: 1m\n", ""),
                                encoding="utf-8")
    assert [d.rule for d in validate(pack).diagnostics] == ["CP066"]  # its skewed gap; no throttle to outlast


def test_the_pack_s_content_before_fd339cc_is_caught(tmp_path: Path) -> None:
    """Granted After User Declined searched ``-7d@h`` to ``-10m@m`` hourly with a 168h throttle until fd339cc;
    tests/pack/test_pack_skew.py found the second risk a replay raised. validate now says so first."""
    root = tmp_path / "pack"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv*", "src", "tests", "docs", "benchmarks",
                                                                "dist"))  # the validator refuses symlinked content
    text = (root / DECLINED).read_text(encoding="utf-8")
    assert "    earliest_time: -168h@m\n" in text
    (root / DECLINED).write_text(text.replace("    earliest_time: -168h@m\n", "    earliest_time: -7d@h\n"),
                                 encoding="utf-8")
    out = validate_cli(root)
    line, col = locate(root, DECLINED, "period: 168h")
    col += len("period: ")
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert (f"{DECLINED}:{line}:{col}: warning[CP072]: a run's window can be 7d49m long, longer than the throttle "
            "period '168h' when the scheduler's allow_skew starts the runs 59m after their ticks") in out.stdout
    assert "valid: 0 errors, 1 warning" in out.stdout
