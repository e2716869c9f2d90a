"""``replay --sweep``'s attack moved across the edges a search cuts itself (``search_cuts``): a detection that
reports only a slice of its window, ``relative_time(now(), "-41m@m")`` .. ``"-31m@m"`` as the pack's per-user
grant detection does, has edges the window's own do not show. The pack: one refusal (2026-10-13 09:20:30) under two
detections every ten minutes over ``-45m@m`` .. ``-10m@m``, each slicing through a macro (so the cut is found after
macro expansion): one whose slices meet (``>=`` .. ``<``), one that drops a record exactly on an edge (``>`` ..
``<``, each run's slice open at both ends). On the old grid (every 50 seconds, the window's edges, the runs) no
move put the record on a slice edge (nor did a skew, a whole number of minutes, as the record is not on a
minute), so the split bug passed: 37 variants, none differing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.sweep import Raised, Variant, edge_offsets, search_cuts, sweep_pack
from contentpack.spl.engine import Engine

from . import factory as f
from .simfactory import decline
from .sweep_fixture import SEARCH, USER, detection_yaml, write_pack
from .test_sweep_variants import _timeline

MEETING = "Entra ID Refusal In Slices That Meet"
OPEN = "Entra ID Refusal In Slices Open At Both Ends"
EVERY_TEN = ("*/10 * * * *", "-45m@m", "-10m@m")
SLICES = {"refusal_slice": ">=", "refusal_slice_open": ">"}


def _macro(name: str, operator: str) -> str:
    return (f"name: {name}\ndescription: The slice of the window a run reports.\n"
            f"definition: 'where _time {operator} relative_time(now(), \"-41m@m\") "
            f"AND _time < relative_time(now(), \"-31m@m\")'\n")


def _sliced(macro: str) -> str:
    return SEARCH.replace(" | rename", f" | `{macro}` | rename", 1)


def _slice_yaml(name: str, number: int, macro: str) -> str:
    """The detection over ``macro``'s slice, its test expecting no all-time result: the replay runs the all-time
    search a second after the refusal, whose slice (31 to 41 minutes before) holds no record, and the sweep holds
    the unmoved timeline to the replay's checks (a test expecting one result failed the replay, and until
    2026-12-07 passed the sweep); the scheduled runs raise one notable."""
    detection = json.loads(detection_yaml(name, number, False, EVERY_TEN, search=_sliced(macro)))
    detection["tests"][0]["expected_results"] = 0
    return json.dumps(detection, indent=1) + "\n"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = write_pack(tmp_path_factory.mktemp("cuts") / "pack", [
        (MEETING, _slice_yaml(MEETING, 0, "refusal_slice")), (OPEN, _slice_yaml(OPEN, 1, "refusal_slice_open"))])
    for name, operator in SLICES.items():
        Path(root, "macros", f"{name}.yml").write_text(_macro(name, operator), encoding="utf-8")
    f.write_events(root, "refusals/refusals", [decline(USER, "2026-10-13 09:20:30")])
    result = validate_pack(root)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


def test_the_cuts_are_the_literal_modifiers_of_relative_time_of_the_run_time() -> None:
    engine = Engine({})
    pipeline = engine.parse('search a | where _time < relative_time(now(), "-31m@m") '
                            '| eval b=relative_time(time(), "@d"), c=relative_time(_time, "-1h"), '
                            'd=relative_time(now(), modifier), e=relative_time(now(), "-31m@m")')
    assert search_cuts(pipeline) == ("-31m@m", "@d")


def test_the_attack_is_moved_a_second_before_on_and_a_second_after_each_slice_edge(pack: Pack) -> None:
    timeline = _timeline(pack, MEETING)
    assert timeline.cuts == ("-41m@m", "-31m@m")  # through the macro
    offsets = {variant.offset for variant in edge_offsets(timeline)}
    assert {509.0, 510.0, 511.0} <= offsets  # the refusal at 09:29:00 -/+ 1 s: 10:00's slice ends, 10:10's begins
    assert {variant.offset for variant in edge_offsets(_timeline(pack, OPEN))} == offsets


def test_a_record_on_a_slice_edge_that_no_run_reports_fails_the_sweep(pack: Pack) -> None:
    swept = {test.detection: test for test in sweep_pack(pack).tests}
    meeting, open_ = swept[MEETING], swept[OPEN]
    assert meeting.unmoved == open_.unmoved == Raised(1, ((USER, 30),))
    assert meeting.ok
    assert [variant for variant, _ in open_.differences] == [Variant(510.0)]
    assert open_.failures == ["attack moved 8m30s later: 0 notables instead of 1; risk of alice@contoso.example 0 "
                              "instead of 30"]
