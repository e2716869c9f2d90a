"""Which regex engine keeps the SPL engine fast while bounding backtracking: ``re``, ``regex`` (with and without
its per-call ``timeout``) and RE2 (``google-re2``, only when installed: it is not a dependency), side by side
in one run on the same texts.

    python benchmarks/bench_regex.py [--events FILE] [--repeat N]

The patterns are the shapes the engine runs per event: a search term with token boundaries (lookarounds,
which RE2 refuses), a ``rex`` extraction, and a ``*`` wildcard value. Prints microseconds per search and
what one catastrophic pattern does under each engine's bound.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import regex

try:  # optional: measured when present
    import re2  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the machine
    re2 = None

DEFAULT_EVENTS = Path(__file__).resolve().parents[1] / "tests" / "spl" / "data" / "azure_monitor_aad_example_logs.jsonl"
PATTERNS = {
    "term (lookarounds)": r"(?<![A-Za-z0-9])Consent(?![A-Za-z0-9])",
    "rex extraction": r"Scope: (?P<Scope>[^,]+)",
    "wildcard value": r".*Consent.*application.*$",
}


def _per_search(search: Any, texts: list[str], repeat: int, **kwargs: Any) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            search(text, **kwargs)
    return (time.perf_counter() - start) / (repeat * len(texts)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=Path, default=DEFAULT_EVENTS)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    texts = args.events.read_text(encoding="utf-8").splitlines() * 10
    print(f"{len(texts)} texts of {sum(map(len, texts)) // len(texts)} characters on average; µs per search")
    print(f"{'pattern':22} {'re':>9} {'regex':>9} {'regex+timeout':>14} {'re2':>9}")
    flags = re.IGNORECASE | re.DOTALL
    for name, pattern in PATTERNS.items():
        cells = [
            _per_search(re.compile(pattern, flags).search, texts, args.repeat),
            _per_search(regex.compile(pattern, flags).search, texts, args.repeat),
            _per_search(regex.compile(pattern, flags).search, texts, args.repeat, timeout=1.0),
        ]
        shown = [f"{c:9.2f}" for c in cells]
        if re2 is None:
            shown.append(f"{'absent':>9}")
        else:
            try:
                options = re2.Options()
                options.case_sensitive = False
                options.dot_nl = True
                shown.append(f"{_per_search(re2.compile(pattern, options).search, texts, args.repeat):9.2f}")
            except re2.error:
                shown.append(f"{'refused':>9}")
        print(f"{name:22} {shown[0]} {shown[1]} {shown[2]:>14} {shown[3]}")
    bad, victim = r"^(e|ee)+$zzz", "e" * 5000
    start = time.perf_counter()
    try:
        regex.search(bad, victim, timeout=0.5)
        outcome = "finished"
    except TimeoutError:
        outcome = "stopped by timeout=0.5"
    print(f"catastrophic {bad!r} on {len(victim)} chars: regex {outcome} after {time.perf_counter() - start:.2f} s"
          " (re has no bound: not run)")


if __name__ == "__main__":
    main()
