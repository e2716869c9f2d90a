"""A sweep's outcome (``replay.sweep``) as the replay's table (people), JSON (CI, other tools) or JUnit cases.
Rendering only. One row per swept test: how many variants it replayed and whether each raised what the unmoved
timeline raised; below the table, for a failed test, the first variants that differ in words (what moved, by
how much, and what it changed), as the replay puts a failed check below its table."""

from __future__ import annotations

import math
from typing import Any

from contentpack.cut_lists import count_text
from contentpack.junit import Case
from contentpack.printable import TABLE_WIDTH
from contentpack.replay.report import (below, checks_json, junit_case, position_json, risk_cell, setup_case,
                                       tests_table)
from contentpack.replay.sweep import Raised, SweepReport, Variant


def summary(report: SweepReport) -> str:
    passed = sum(1 for test in report.tests if test.ok)
    verdict = "PASS" if report.ok else "FAIL"
    variants = sum(test.variants for test in report.tests)
    return (f"{verdict}: {len(report.tests)} test(s) swept, {passed} passed, {len(report.tests) - passed} failed "
            f"({count_text(variants)} variant(s), {report.seconds:.2f} s, sweep)")


def render_table(report: SweepReport, width: int = TABLE_WIDTH, terminal: bool = False, brief: bool = False) -> str:
    """The replay's table layout (``report.tests_table``; ``brief`` as there): per test the variants replayed, the
    notables the unmoved timeline raised, how many variants differ and the unmoved timeline's risk (as the
    replay's table says it, ``report.risk_cell``: a risk-only Anomaly's row read ``0`` notables alone, as if the
    sweep had held it to nothing); below it, a failed test's failed checks of the unmoved timeline
    (``SweptTest.failed_checks``, at their places, as the replay's), its differing variants and the likely fix
    (``SweptTest.hints``)."""
    headers = ["variants", "notables", "differ", "risk"]  # risk last: a narrow terminal leaves out the last first
    rows = [[count_text(t.variants), "-" if t.unmoved is None else count_text(t.unmoved.notables),
             "-" if t.unmoved is None else count_text(len(t.differences)),
             "-" if t.unmoved is None else risk_cell(dict(t.unmoved.risk))] for t in report.tests]
    statuses = ["pass" if t.ok else "FAIL" for t in report.tests]
    lines = [line for t in report.tests
             for line in [*below(t, t.errors, [*t.failed_checks, *((t.position, line) for line in t.differing)]),
                          *t.hints]]
    lines += [f"{name}: not swept: it expects silence on data its detection never reads (nothing to move)"
              for name in report.quiet_unread]
    if not report.tests and not report.setup_errors:
        lines.append("no test to sweep: only the tests of TTP, Anomaly and Correlation detections that expect "
                     "results or notables, or silence on data they read, are swept")
    return tests_table(report.setup_errors, report.tests, headers, rows, statuses, lines, summary(report), width,
                       terminal, brief)


def _raised_json(raised: Raised) -> dict[str, Any]:
    return {"notables": raised.notables, "risk_by_object": dict(raised.risk)}


def _variant_json(variant: Variant) -> dict[str, Any]:
    """``moved``: what moved (``attack``, ``runs``, ``delayed``, ``indexing``; several joined by ``+``, e.g.
    ``runs+indexing``), then each amount that moved: ``offset`` and ``late`` in seconds, ``skews`` and ``delays``
    in seconds per detection, ``held_back_from`` the first tick held back (epoch seconds) per detection whose
    earlier runs are on time, ``held_back_until`` the first tick on time again per detection whose later runs are
    on time (a detection in neither: every run held back)."""
    amounts = {"offset": variant.offset, "skews": dict(variant.skews), "delays": dict(variant.delays),
               "held_back_from": {name: first for name, (first, _) in variant.held_back if first != -math.inf},
               "held_back_until": {name: until for name, (_, until) in variant.held_back if until != math.inf},
               "late": variant.late}
    return {"moved": "+".join(variant.moved), **{key: amount for key, amount in amounts.items() if amount}}


def report_json(report: SweepReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "mode": "sweep",
        "summary": summary(report),
        "setup_errors": list(report.setup_errors),
        "quiet_unread": list(report.quiet_unread),
        "tests": [
            {
                "detection": t.detection,
                "test": t.test,
                "path": t.position.path,
                "position": position_json(t.position),
                "ok": t.ok,
                "variants": t.variants,
                "unmoved": None if t.unmoved is None else _raised_json(t.unmoved),
                "checks": checks_json(t.checks),
                "differences": [{**_variant_json(variant), "raised": _raised_json(raised),
                                 "detail": t.described(variant, raised)} for variant, raised in t.differences],
                "errors": [problem.render() for problem in t.errors],
                "hints": t.hints,
                "seconds": round(t.seconds, 4),
            }
            for t in report.tests
        ],
    }


def junit_cases(report: SweepReport) -> list[Case]:
    """One case per swept test (``report.junit_case``: its YAML file and the line of its ``tests[i]`` entry), plus
    a failed ``setup`` case when the engine could not be set up, as the replay's."""
    return [junit_case(t, t.failures) for t in report.tests] + setup_case(report.setup_errors)
