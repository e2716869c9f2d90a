"""Timing variants of the generator's scenarios (``datagen.timing``): shift, sign-in record lag, ingestion
delay stamped as ``_indextime``, the manifest's ``timing`` block, and a variant through the scheduled replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from contentpack.cli import main
from contentpack.content.model import IngestionDelay
from contentpack.datagen.scenarios import generate
from contentpack.datagen.timing import Timing, apply_timing, parse_delay_spec
from contentpack.spl.events import parse_timestamp

TIME_KEYS = ("time", "createdDateTime", "activityDateTime", "authenticationStepDateTime")


def _times(value: Any, out: list[float]) -> list[float]:
    """Every timestamp of a record, in document order."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TIME_KEYS and isinstance(item, str):
                parsed = parse_timestamp(item)
                assert parsed is not None
                out.append(parsed)
            else:
                _times(item, out)
    elif isinstance(value, list):
        for item in value:
            _times(item, out)
    return out


def test_shift_moves_every_timestamp_by_the_same_amount() -> None:
    records = generate("declined_then_granted").records
    moved = apply_timing(records, Timing(shift=2 * 86400 + 35 * 60))
    assert len(moved) == len(records)
    for before, after in zip(records, moved):
        old, new = _times(before, []), _times(after, [])
        assert old and len(old) == len(new)
        assert all(abs(b - a - (2 * 86400 + 35 * 60)) < 1e-6 for a, b in zip(old, new))
    assert records[0] is not moved[0] and "_indextime" not in moved[0]  # input untouched, nothing stamped


def test_record_lag_sets_sign_in_time_after_the_sign_in_and_leaves_audit_records() -> None:
    records = generate("declined_then_granted").records
    lagged = apply_timing(records, Timing(record_lag=12 * 60))
    for before, after in zip(records, lagged):
        if after["operationName"] == "Sign-in activity":
            created = parse_timestamp(after["properties"]["createdDateTime"])
            assert created is not None and parse_timestamp(after["time"]) == pytest.approx(created + 720, abs=1e-6)
        else:
            assert after["time"] == before["time"]


def test_ingestion_delay_is_stamped_as_indextime_and_reproducible() -> None:
    records = generate("single_user_declines").records
    fixed = apply_timing(records, Timing(ingestion_delay=IngestionDelay(fixed="20m")))
    for record in fixed:
        when = parse_timestamp(record["time"])
        assert when is not None and record["_indextime"] == int(when + 1200)
    spec = parse_delay_spec("uniform=1m,5m", seed=3)
    first = apply_timing(records, Timing(ingestion_delay=spec))
    again = apply_timing(records, Timing(ingestion_delay=spec))
    assert [r["_indextime"] for r in first] == [r["_indextime"] for r in again]
    lags = [r["_indextime"] - (parse_timestamp(r["time"]) or 0) for r in first]
    assert all(59 <= lag <= 300 for lag in lags) and len({int(lag) for lag in lags}) > 5


@pytest.mark.parametrize("spec", ["fixed=soon", "uniform=5m,1m", "percentiles=p0:1m,p50:2m",
                                  "percentiles=p0:5m,p100:1m", "lognormal=2m"])
def test_bad_delay_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_delay_spec(spec)


def test_cli_writes_a_variant_with_its_timing_in_the_manifest(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The variant and its manifest; on stderr, what to do with it (a new variant was written and nothing said a
    test must name it to replay it), stdout keeping the file written alone."""
    assert main(["generate-data", "--scenario", "single_user_declines", "--variant", "late_declines",
                 "--shift", "1d", "--record-lag", "12m", "--ingestion-delay", "fixed=20m", "--out",
                 str(tmp_path)]) == 0
    log = (tmp_path / "late_declines" / "late_declines.log").as_posix()
    out, err = capsys.readouterr()
    assert out.startswith(f"{log}: 39 events, ") and out.count("\n") == 1
    assert err == (f"contentpack generate-data: note: a detection's test replays it once its attack_data names it "
                   f"(- data: {log}, with the source and sourcetype its dataset.yml's replay gives; "
                   "docs/new_detection.md): then run contentpack replay --detection NAME\n")
    manifest = yaml.safe_load((tmp_path / "late_declines" / "dataset.yml").read_text(encoding="utf-8"))
    assert manifest["timing"] == {"variant_of": "single_user_declines", "shift": "1d", "sign_in_record_lag": "12m",
                                  "ingestion_delay": {"fixed": "20m", "seed": 1013}}
    assert manifest["replay"]["file"] == "late_declines.log"
    assert (tmp_path / "late_declines" / "late_declines.log").is_file()
    assert manifest["name"] == "late_declines"  # was the scenario's, with the scenario's own command
    assert manifest["generator"]["command"] == (
        "contentpack generate-data --scenario single_user_declines --seed 1013 --variant late_declines "
        "--shift 1d --record-lag 12m --ingestion-delay fixed=20m")


@pytest.mark.parametrize(("timing", "options"), [  # the delays seeded as the command's --seed 1013 seeds them
    (Timing(), ["--shift", "0s"]),  # a --variant needs one option
    (Timing(shift=-2100.0, record_lag=1769.0), ["--shift=-35m", "--record-lag", "1769s"]),  # not -35m, 29m29s
    (Timing(ingestion_delay=IngestionDelay(uniform=("1m", "5m"), seed=1013)), ["--ingestion-delay", "uniform=1m,5m"]),
    (Timing(ingestion_delay=parse_delay_spec("percentiles=p0:30s,p95:2m,p100:15m", 1013)),
     ["--ingestion-delay", "percentiles=p0:30s,p95:2m,p100:15m"]),
])
def test_a_timing_gives_the_options_that_make_it_again(timing: Timing, options: list[str], tmp_path: Path) -> None:
    assert timing.options() == options
    assert main(["generate-data", "--scenario", "single_user_declines", "--variant", "v", *options, "--out",
                 str(tmp_path)]) == 0
    manifest = yaml.safe_load((tmp_path / "v" / "dataset.yml").read_text(encoding="utf-8"))
    assert manifest.get("timing") == (None if timing.is_identity else
                                      {"variant_of": "single_user_declines", **timing.manifest()})


@pytest.mark.parametrize("args", [["--shift", "35m"], ["--variant", "x"],
                                  ["--variant", "x", "--ingestion-delay", "fixed=abc"]])
def test_cli_variant_usage_errors_exit_2(tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-data", "--scenario", "single_user_declines", "--out", str(tmp_path), *args]) == 2
    assert "contentpack generate-data: " in capsys.readouterr().err
