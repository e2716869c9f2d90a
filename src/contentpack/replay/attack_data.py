"""A test's attack data, registered on an engine the way contentctl replays it.

contentctl replays each ``attack_data`` entry through HEC with the entry's ``source`` and ``sourcetype``
(escu_format.md §4); here the same metadata is stamped on the events. ``host`` is the entry's ``host`` (or
empty) and ``index`` its ``custom_index`` (or ``main``). The pack's own macros decide whether a search sees
them — exactly as on a test instance.

Files are registered lazily (the engine scans them at each search, decoding only the fields a search needs),
which costs less than loading a multi-megabyte baseline into memory for every test; a JSON-array file is
loaded instead, since the scanner reads JSON lines. Each file is checked once per replay (it must parse) and
its newest event time is kept, which is what the runner's "now" derives from.

Only files inside the pack root are replayed: a URL would need the network, and a path that leaves the root
(``../``, an absolute path, a link out) would read files the pack does not ship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contentpack.content.attack_data_paths import is_remote, local_attack_data
from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.model import AttackData, Detection
from contentpack.cut_lists import count_text
from contentpack.spl import Engine, SplError
from contentpack.spl.events import CUT_FIX, ReadTally, cut_note, read_events, starts_json_array
from contentpack.spl.values import Event

RULE_ATTACK_DATA = "RP002"
TIME_FIELD = "time"  # where each event's time is: the field Azure Monitor writes it in (the engine's default)
_NEWEST = "search * | stats max(_time) as newest"


def _untimed_problem(tally: ReadTally) -> str:
    """Why a file with events the engine could read no time of is not replayed: each would get the file's
    modification time, which a checkout or a copy sets, so the test's outcome would depend on when the file was
    written rather than on its events (and the all-time check could pass while the schedule is a guess)."""
    return (f"{count_text(tally.count)} event(s) had no {tally.which_time(TIME_FIELD)}: the replay would give "
            "them the file's modification time, which every checkout changes; "
            f"{tally.time_fix(f'give each event a {TIME_FIELD!r} field')}")


@dataclass(frozen=True)
class DataFile:
    """One attack-data file with the metadata its events get."""

    path: Path
    sourcetype: str
    source: str
    host: str
    index: str

    @property
    def is_json_array(self) -> bool:
        return starts_json_array(self.path)

    def register(self, engine: Engine) -> None:
        engine.register_events(self.path, sourcetype=self.sourcetype, source=self.source, host=self.host,
                               index=self.index, time_field=TIME_FIELD, lazy=not self.is_json_array)


@dataclass
class AttackDataStore:
    """Resolves and checks attack-data files, once per file per replay."""

    root: Path
    _newest: dict[DataFile, float | None] = field(default_factory=dict)
    _events: dict[DataFile, list[Event]] = field(default_factory=dict)
    _cut: dict[DataFile, int] = field(default_factory=dict)  # events over the extraction cutoff, per file read

    def resolve(self, data: str) -> Path | str:
        """The file for an ``attack_data.data`` value, or why it cannot be replayed."""
        if is_remote(data):
            return "remote attack data cannot be replayed offline; commit the file under attack_data/"
        return local_attack_data(self.root.resolve(), data)

    def _check(self, item: DataFile) -> str | None:
        """Read the file once: None when it parses (its newest time is kept), else the problem."""
        if item in self._newest:
            return None
        engine = Engine()
        try:
            item.register(engine)
            results = engine.search(_NEWEST, now=0.0)
        except (SplError, OSError) as exc:
            return exc.message if isinstance(exc, SplError) else f"cannot read attack data: {exc}"
        untimed = [tally for tally in results.tallies if tally.count]
        if untimed:
            return _untimed_problem(untimed[0])
        self._cut[item] = sum(tally.cut for tally in results.tallies)
        rows = results.rows
        value = rows[0].get("newest") if rows else None
        self._newest[item] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        return None

    def files_for(self, detection: Detection, test_index: int,
                  entries: Sequence[AttackData]) -> tuple[list[DataFile], list[Diagnostic]]:
        """A test's files, plus a diagnostic for each entry that cannot be replayed."""
        files: list[DataFile] = []
        problems: list[Diagnostic] = []
        for number, entry in enumerate(entries):
            where = detection.source.at("tests", test_index, "attack_data", number, "data")
            resolved = self.resolve(entry.data)
            if isinstance(resolved, str):
                problems.append(error(where, RULE_ATTACK_DATA, resolved))
                continue
            item = DataFile(resolved, entry.sourcetype, entry.source, entry.host or "", entry.custom_index or "main")
            problem = self._check(item)
            if problem is not None:
                problems.append(error(where, RULE_ATTACK_DATA, problem))
                continue
            files.append(item)
        return files, problems

    def cut_warnings(self, files: Sequence[DataFile]) -> list[str]:
        """A warning per checked file with events over the extraction cutoff (``events.cut_fields``): the test's
        search does not see their fields past it, nor would Splunk's, and its author should know that a record
        of theirs lost fields (a long consent record's AppId) rather than find out from a test that fails, or
        one that passes on the fields left."""
        root = self.root.resolve()
        return [f"attack data {item.path.relative_to(root) if item.path.is_relative_to(root) else item.path}: "
                f"{cut_note(self._cut[item])}; {CUT_FIX}" for item in files if self._cut.get(item)]

    def newest_time(self, files: Sequence[DataFile]) -> float | None:
        """The newest event time across checked files (None when none has a time)."""
        times = [t for t in (self._newest.get(item) for item in files) if t is not None]
        return max(times) if times else None

    def events(self, item: DataFile) -> list[Event]:
        """The file's events with their metadata, read once per replay (the scheduled replay indexes them by
        time per test; the file was already checked by ``files_for``). Callers must not change them."""
        if item not in self._events:
            self._events[item] = list(read_events(item.path, sourcetype=item.sourcetype, source=item.source,
                                                  host=item.host, index=item.index, time_field=TIME_FIELD))
        return self._events[item]
