"""Hostile tests for ``contentpack replay --sweep``: whatever a test's YAML and attack data hold -- times huge,
negative, NaN or years apart, an absurd cron, a window of years, no data, a test expecting zero results, names
no terminal should print -- the sweep ends in a result or a clear error (exit 0, 1 or 2), never an internal
error, in the table and in ``--format json``; ``--junit`` to a path it cannot write is refused before the
sweep runs, so no partial report is ever left.

Reproducer found here: a detection on a cron rarer than weekly (``0 0 29 2 *``) ended the sweep in "internal
error: StopIteration" (``sweep._record_skews`` looked for a run only within ``longest_gap``, which stops at a
week).
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentpack.cli import main

from .support import TTP, VALID

USER = "alice@contoso.example"
SEARCH_FILL = ("| fillnull value=unknown dest src vendor_account vendor_product appDisplayName status.failureReason "
               "signature ")


def _refusal(at: object, user: str = USER) -> str:
    """One 65004 sign-in record, its ``time`` as given (any JSON value, or raw text such as ``NaN``)."""
    raw = at if isinstance(at, str) and at.startswith("RAW:") else None
    time = raw[4:] if raw else json.dumps(at)
    return ('{"time": ' + time + ', "operationName": "Sign-in activity", "category": "SignInLogs", '
            '"properties": {"userPrincipalName": ' + json.dumps(user) + ', "appId": "a", "appDisplayName": "App", '
            '"status": {"errorCode": 65004}}}')


def _pack(where: Path, test: dict[str, Any], records: list[str], scheduling: dict[str, str] | None = None) -> Path:
    """The fixture pack with its TTP's one test replaced by ``test`` over ``records``; the TTP's search fills the
    fields the records lack, so a refusal raises a notable and risk (on its default hourly schedule, or
    ``scheduling``)."""
    root = where / "pack"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(VALID, root)
    document = yaml.safe_load((root / TTP).read_text(encoding="utf-8"))
    document["search"] = document["search"].replace("| fillnull ", SEARCH_FILL)
    document["tests"] = [test]
    if scheduling is not None:
        document["deployment"] = {"scheduling": scheduling}
    (root / TTP).write_text(yaml.safe_dump(document, allow_unicode=True, width=10**9), encoding="utf-8")
    (root / "attack_data").mkdir(exist_ok=True)
    (root / "attack_data" / "refusals.log").write_text("".join(line + "\n" for line in records), encoding="utf-8")
    return root


def _test(name: str = "Two Refusals", **expected: Any) -> dict[str, Any]:
    return {"name": name, **(expected or {"expected_results": 1}),
            "attack_data": [{"data": "attack_data/refusals.log", "source": "Azure AD",
                             "sourcetype": "azure:monitor:aad"}]}


def _sweep(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["replay", "--root", str(root), "--sweep", *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (code, err)
    assert "internal error" not in err and "Traceback" not in err, err
    return code, out, err


TWO = [_refusal("2026-10-13T09:20:00Z"), _refusal("2026-10-13T09:21:00Z")]


def test_a_cron_rarer_than_weekly_is_swept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``0 0 29 2 *`` runs once in four years: no run beside the records, so no record skew; the sweep still runs
    the grid of edge offsets and skews (it was "internal error: StopIteration")."""
    root = _pack(tmp_path, _test(), TWO, {"cron_schedule": "0 0 29 2 *", "earliest_time": "-70m@m",
                                          "latest_time": "-10m@m"})
    code, out, _ = _sweep(capsys, root, "--format", "json")
    [swept] = json.loads(out)["tests"]
    assert code == 0 and swept["ok"] is True and swept["variants"] > 0


_TIMES = st.one_of(
    st.sampled_from(["2026-10-13T09:20:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "RAW:NaN",
                     "RAW:Infinity", "RAW:-1e308", "RAW:1e308", "not a time", "", "2026-02-30T00:00:00Z"]),
    st.integers(min_value=-(2**63), max_value=2**63), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1_791_883_200, 1_791_883_260, 1_791_883_200 + 5 * 365 * 86400]),  # 2026-10-13 and years on
)
# Windows of years are swept only on rare crons here: each variant replays every run whose window holds a record,
# and an hourly or faster cron over years of window is minutes of sweeping (correct, but not a unit test's time).
_SCHEDULES = st.one_of(st.none(), st.fixed_dictionaries({
    "cron_schedule": st.sampled_from(["0 0 29 2 *", "*/7 * * * *", "59 23 31 12 *", "0 */5 * * *"]),
    "earliest_time": st.sampled_from(["-70m@m", "-1s", "@d", "-10m", "0", "-2d"]),
    "latest_time": st.sampled_from(["-10m@m", "now", "+1d", "@h", "-10m"]),
}), st.fixed_dictionaries({
    "cron_schedule": st.sampled_from(["0 0 29 2 *", "59 23 31 12 *"]),
    "earliest_time": st.sampled_from(["-5y@y", "-400d"]), "latest_time": st.sampled_from(["now", "+1y"]),
}))
_EXPECTED = st.one_of(
    st.fixed_dictionaries({"expected_results": st.integers(min_value=-5, max_value=2**40)}),
    st.fixed_dictionaries({"expected_notables": st.integers(min_value=0, max_value=3)}),
    st.fixed_dictionaries({"expected_results": st.just(0), "max_notables": st.just(0)}),
)
_NAMES = st.one_of(st.text(min_size=1, max_size=20),
                   st.sampled_from(["\x1b[2J", "a\nb", "\u202eevil", "名前", "x" * 300, "\ud800"]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(times=st.lists(_TIMES, max_size=4), scheduling=_SCHEDULES, expected=_EXPECTED, name=_NAMES,
       as_json=st.booleans())
def test_any_test_and_data_end_in_a_result_or_a_clear_error(
        tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], times: list[object],
        scheduling: dict[str, str] | None, expected: dict[str, Any], name: str, as_json: bool) -> None:
    where = tmp_path_factory.mktemp("sweep-fuzz")
    try:
        root = _pack(where, _test(name, **expected), [_refusal(t) for t in times], scheduling)
    except UnicodeEncodeError:  # a lone surrogate cannot be written as UTF-8 YAML: nothing to sweep
        return
    junit = where / "sweep.xml"
    code, out, err = _sweep(capsys, root, "--junit", str(junit), *(["--format", "json"] if as_json else []))
    if as_json and out:
        payload = json.loads(out)  # one whole document, whether the sweep ran or the pack was refused
        assert payload["ok"] is (code == 0), (code, err)
    elif out:
        assert out.splitlines()[-1].startswith(("PASS: ", "FAIL: ")), (out, err)
    else:  # refused before the sweep (an invalid pack): its findings, then why
        assert code in (1, 2) and err.splitlines()[-1].startswith("contentpack replay: "), err
    if junit.exists():  # written whole or not at all
        assert ET.parse(junit).getroot().get("name") == "contentpack replay --sweep"


@pytest.mark.parametrize("target", ["missing/sweep.xml", "folder", "file/sweep.xml"])
def test_a_junit_path_it_cannot_write_is_refused_before_the_sweep(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    """A missing folder, a folder, a path below a file: refused at once (exit 2), with nothing printed on stdout
    and nothing written -- not a table then an error after minutes of sweeping."""
    root = _pack(tmp_path, _test(), TWO)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("kept\n", encoding="utf-8")
    code, out, err = _sweep(capsys, root, "--junit", str(tmp_path / target), "--format", "json")
    assert (code, out) == (2, "") and err.startswith(f"contentpack replay: error: --junit {tmp_path / target}: ")
    assert (tmp_path / "file").read_text(encoding="utf-8") == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder", "pack"]
    assert list((tmp_path / "folder").iterdir()) == []
