"""Print how much of Splunk's ESCU the SPL engine parses: all 1,870 detections, and the part that searches raw
events (no tstats/mstats/data models), with the refused constructs by count.

    python scripts/escu_parse_rate.py

Reads the fixture scripts/escu_spl_fixture.py derives (tests/fixtures/splunk_security_content/); macros are expanded as ESCU ships
them, with CIM's drop_dm_object_name and contentctl's generated <detection>_filter macros.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from spl.escu_corpus import outcomes  # noqa: E402  (the test helper module, shared so the two cannot drift)


def main() -> int:
    results = list(outcomes())
    raw = [r for r in results if r.raw]
    parsed = sum(r.construct is None for r in results)
    raw_parsed = sum(r.construct is None for r in raw)
    print(f"all detections: {parsed}/{len(results)} parse ({parsed / len(results):.1%})")
    print(f"raw-event searches (no tstats/mstats/datamodel): {raw_parsed}/{len(raw)} parse "
          f"({raw_parsed / len(raw):.1%})")
    print("refused, by construct (all detections):")
    for key, count in Counter(r.construct for r in results if r.construct).most_common():
        print(f"  {count:5d}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
