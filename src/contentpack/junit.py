"""JUnit XML for CI test reporters (``validate --junit FILE``, ``replay --junit FILE``): one renderer for both
(the file itself is written by ``cli.report_file``, which knows what may stand at the path).

The subset written is the one GitLab's unit test reports and the common GitHub Actions reporters read
(GitLab, "Unit test reports", https://docs.gitlab.com/ci/testing/unit_test_reports): ``<testsuites>`` holding
one ``<testsuite>`` (``name``, ``tests``, ``failures``, ``errors``, ``skipped``, ``time``), each test a
``<testcase>`` with ``classname`` (GitLab shows it as the suite), ``name``, ``file``, ``line`` and ``time`` in
seconds, and a failed test a ``<failure message=... type=...>`` whose text holds the details. What a test has to
say without failing (replay's warnings: a subsearch cut at its maxout, a drilldown's job messages) is the
``<system-out>`` of its ``<testcase>``: the one place for a case's own text that passes, which Jenkins shows as
the case's "Standard Output" (JUnit plugin, https://plugins.jenkins.io/junit: "Such output is always kept if
the test failed, but by default lengthy output from passing tests is truncated") and GitLab parses from
testcase elements only ("System output", shown for a failed test: gitlab-org/gitlab#370760 asks for passed
ones). A ``<properties>`` list belongs to ``<testsuite>`` in the format GitLab and Ant's report task read, not
to a case. No time stamp and no host name: the report depends only on the outcome (and stays free of machine
details).
tests/test_junit.py validates the output against tests/fixtures/junit/junit.xsd.

Text is written through ElementTree, so quotes, ``<`` and ``&`` in names or messages are escaped; characters
XML 1.0 cannot carry at all (most C0 controls) are replaced by ``\\xNN`` escapes rather than producing a file
a reporter would reject.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

# Characters XML 1.0 cannot hold, even as a character reference: C0 controls but TAB, LF and CR, lone
# surrogates (a JSON string in the logs may hold one, "\ud800"), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Case:
    """One test case. ``failure`` is the one-line message of a failed case (None: passed); ``output`` is what
    it says whether or not it failed (its ``<system-out>``; none when empty)."""

    classname: str
    name: str
    seconds: float = 0.0
    failure: str | None = None
    details: str = ""
    file: str | None = None
    line: int | None = None
    output: str = ""


def render(suite: str, cases: Sequence[Case], seconds: float = 0.0) -> bytes:
    failures = sum(1 for case in cases if case.failure is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": "0",
              "time": f"{seconds:.3f}"}
    root = ET.Element("testsuites", {"name": _xml_text(suite), **counts})
    element = ET.SubElement(root, "testsuite", {"name": _xml_text(suite), **counts})
    for case in cases:
        attributes = {"classname": _xml_text(case.classname), "name": _xml_text(case.name),
                      "time": f"{case.seconds:.3f}"}
        if case.file is not None:
            attributes["file"] = _xml_text(case.file)
        if case.line is not None:
            attributes["line"] = str(case.line)
        testcase = ET.SubElement(element, "testcase", attributes)
        if case.failure is not None:
            failure = ET.SubElement(testcase, "failure", {"message": _xml_text(case.failure), "type": "failure"})
            failure.text = _xml_text(case.details or case.failure)
        if case.output:
            ET.SubElement(testcase, "system-out").text = _xml_text(case.output)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
