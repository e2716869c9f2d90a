"""A backtest's outcome as the summary document, the terminal text and the files in ``--out``."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from contentpack.backtest import html
from contentpack.backtest.html import SHOWN_NOTABLES, DetectionNotables
from contentpack.backtest.foreign import not_entra
from contentpack.backtest.inputs import ReadReport, same_content_note, same_records_note
from contentpack.backtest.output import notable_drilldowns, notable_json, risk_json, write_json, write_jsonl, write_text
from contentpack.backtest.run import Backtest
from contentpack.backtest.summary import (
    TOP,
    DayCounts,
    Entity,
    NotableView,
    RunView,
    iso,
    per_day,
    ranked_entities,
    actions_note,
    totals,
)
from contentpack.content.model import Pack
from contentpack.cut_lists import count_text, more_text
from contentpack.durations import format_duration
from contentpack.esapp.savedsearches import stanza_name
from contentpack.layout import VALUE_INDENT, Column, fit_columns, fold, hanging_lines, table_width, text_width
from contentpack.printable import TABLE_WIDTH, cell, lines_cell, printable
from contentpack.replay.runner import placed_simulation_error
from contentpack.simulate import Notable
from contentpack.spl.events import CUT_FIX, cut_note

TITLE = "Backtest"
# The files ``--out DIR`` gets, in the order they are written (``cli.backtest`` checks none is a folder first).
REPORT_FILES = ("notables.jsonl", "risk.jsonl", "summary.json", "report.html")
SHOWN_MESSAGES = 5  # distinct job messages per detection the terminal shows (summary.json keeps every one)
SHOWN_RISK_OBJECTS = 10  # risk objects the terminal shows; report.html and summary.json the first ``TOP``
RISK_OBJECTS_ELSEWHERE = (f"risk object(s): report.html and summary.json list the top {TOP}, risk.jsonl every risk "
                          "event")
# The per-detection table's counts (``summary.totals``' keys) and their headers.
COUNTED = ("runs", "results", "notables", "risk_events")
COUNT_HEADERS = ("runs", "results", "notables", "risk events")
# The most lines a detection's name folds over beside a column of types before the type moves into its cell.
NAME_LINES = 2
# The files named as sharing records with an earlier one (``same_records_note``) the terminal and report.html show; a
# folder of scenarios that share records on purpose (attack_data/) had dozens of three-line notes bury the read line.
SHOWN_SHARED = 3
# The next step after "no event was kept" when the events a detection could match lie outside --from/--to.
PERIOD_FIX = ": give --from/--to around them, or leave both out (the period then covers every event read)"


def unread_stop(reading: ReadReport) -> str | None:
    """What to say instead of a report when what was read leaves nothing to judge whatever the period (``cli.backtest``
    exits 1 on it, no report written, as on a period that keeps nothing: ``Summary.missed``): well-formed records of
    which none is an Entra ID sign-in or audit record (``ReadReport.entra``), or no timed event at all. Until
    2026-12-08 another product's logs stopped as "no timed events" (CloudTrail's ``eventTime``, Okta's ``published``)
    or, timed (an Azure Activity log's ``time``), gave a report of zeros and exit 0, exactly a quiet tenant's, neither
    saying they were not Entra ID records. None when there is something to simulate."""
    said = f"read {len(reading.files)} file(s), {reading.amount_read()}: {reading.outcome()}"
    if not (reading.entra or reading.events or reading.outside) and reading.unread + reading.events_decoded:
        return f"{not_entra(reading.other_values)}; {said}"
    if reading.first_time is None and reading.outside_span is None:
        # what became of everything read, as the report's read line says it (``ReadReport.outcome``): "16 CSV
        # row(s) read, 3 bad" left the other 13 to guess
        return f"no timed events in the input ({reading.amount_read()} read: {reading.outcome()}): nothing to simulate"
    return None


class Summary:
    """The numbers of one backtest, computed once for every output. ``found_notes``: what the command said of its
    inputs before the run (``Found.notes``: files not read, empty files), which report.html's Input section
    repeats in the same words."""

    def __init__(self, pack: Pack, backtest: Backtest, found_notes: Sequence[str] = ()) -> None:
        self.backtest = backtest
        self.found_notes = tuple(found_notes)
        self.root = Path(pack.root)
        self.by_name = {d.name: d for d in pack.detections}
        self.detection_of = {stanza_name(pack.app, d): d.name for d in pack.detections}
        self.names = [d.name for d in backtest.detections]
        self.types = {d.name: d.type for d in backtest.detections}  # a Hunting row's 0 notables is no fault
        self.actions_note = actions_note([(d.type, d.raises_notables, d.writes_risk) for d in backtest.detections])
        result = backtest.result
        self.cells: list[DayCounts] = per_day(
            self.names, (RunView(*counts) for counts in result.row_counts()),
            (NotableView(n.detection, n.run_time) for n in result.notables), result.risk, self.detection_of)
        self.totals = totals(self.cells)
        risk_objects, threat_objects = ranked_entities(result.risk, self.detection_of)
        self.risk_object_count = len(risk_objects)
        self.risk_objects, self.threat_objects = risk_objects[:TOP], threat_objects[:TOP]
        self.messages = {name: result.messages_of(name) for name in self.names}
        self.title = f"{TITLE}: {pack.app.title}"

    @property
    def errors(self) -> list[str]:
        """Each detection that could not run, ``path:line:col: DETECTION: error[RPnnn]: ...`` at the cause in its
        YAML, as the replay says it of a test (``placed_simulation_error``, the one place a ``SimulationError`` is
        worded): the figures lack that detection. Every error is of a detection the simulation ran, one of the
        pack's (as every notable's)."""
        return [placed_simulation_error(self.root, self.by_name[e.detection], e).render(f"{e.detection}: ")
                for e in self.backtest.result.errors]

    def runs_of(self, name: str) -> int:
        return self.totals.get(name, {}).get("runs", 0)

    def messages_json(self) -> dict[str, list[dict[str, object]]]:
        """Per detection (every one, ``[]`` when its runs said nothing): each distinct job message of its
        scheduled runs with how many runs said it and the first."""
        return {name: [{"level": m.message.level, "text": m.message.text, "runs": m.runs, "first_run": iso(m.first_run)}
                       for m in messages] for name, messages in self.messages.items()}

    @property
    def notes(self) -> list[str]:
        """The runs' job messages as the terminal says them, a few per detection: Splunk shows them beside
        the results of each run that said them (a subsearch cut at its maxout: those runs' rows are not all)."""
        lines = []
        for name, messages in self.messages.items():
            lines += [f"{name}: {m.said_by('scheduled runs', self.runs_of(name))}" for m in messages[:SHOWN_MESSAGES]]
            if len(messages) > SHOWN_MESSAGES:
                lines.append(f"{name}: " + more_text(len(messages), SHOWN_MESSAGES, "distinct message(s) of its "
                                                     "scheduled runs; --format json and summary.json list them all"))
        return lines

    @property
    def bad_lines(self) -> list[str]:
        return [bad.render() for bad in self.backtest.reading.bad_lines]

    def reading(self) -> dict[str, object]:
        if self.backtest.searched_on is not None:  # Splunk read the events: no local counts to report
            empty = self.backtest.empty_span
            return {"searched_on_splunk": self.backtest.searched_on,
                    **({} if empty is None else {"no_events_between": [iso(empty[0]), iso(empty[1])]})}
        return {**self.backtest.reading.counts()}  # report.html lists the keys, flat

    def document(self) -> dict[str, object]:
        result = self.backtest.result
        return {
            "period": {"start": iso(result.start), "end": iso(result.end)},
            "detections": self.names,
            "input": {**self.reading(), **({} if self.backtest.searched_on is not None
                                           else {"first_bad_lines": self.bad_lines}),
                      "notes": self.input_notes(every=True)},
            "totals": {name: self.totals.get(name, {}) for name in self.names},
            "messages": self.messages_json(),
            "per_day": [c.as_json() for c in self.cells],
            "top_risk_objects": [e.as_json() for e in self.risk_objects],
            "top_threat_objects": [e.as_json() for e in self.threat_objects],
            "errors": self.errors,
            "hints": [hint.as_json() for hint in self.backtest.hints],
            "filter_macro_hints": [hint.as_json() for hint in self.backtest.filtered],
        }

    def html(self) -> str:
        result = self.backtest.result
        return html.render(title=self.title, period=(result.start, result.end), cells=self.cells,
                           detections=self.names, types=self.types, actions_note=self.actions_note,
                           totals=self.totals,
                           risk_objects=self.risk_objects,
                           threat_objects=self.threat_objects, reading=self.reading(),
                           bad_lines=[*self.bad_lines, *filter(None, [self.backtest.reading.more_bad()])],
                           errors=self.errors, messages=[
                               (name, m.message.level, m.message.text,
                                f"{count_text(m.runs)} of {count_text(self.runs_of(name))}",
                                iso(m.first_run)) for name, messages in self.messages.items() for m in messages],
                           period_reason=self.period_reason(),
                           input_notes=self.input_notes(),
                           hints=[(hint.detection, str(hint.at), hint.said()) for hint in self.backtest.hints],
                           filtered=[(hint.detection, str(hint.at), hint.said()) for hint in self.backtest.filtered],
                           notables=self.listed_notables(), risk_object_count=self.risk_object_count)

    def input_notes(self, every: bool = False) -> list[str]:
        """What was said of the inputs besides the read line, in its words: the notes before the run
        (``found_notes``), then those under the read line (a file read twice, events past the extraction cutoff, why
        none was kept). report.html's Input section and summary.json's ``input.notes`` both take them from here: a
        script reading summary.json had the counts without the notes a person reading the page got. ``every``:
        summary.json's, each file sharing records named (``reading_lines``); the page's are the terminal's."""
        return [*self.found_notes, *self.reading_lines(every)[1:]]

    def listed_notables(self) -> list[DetectionNotables]:
        """Per detection that raised any, in the order run: its first ``SHOWN_NOTABLES`` notables with their
        drilldowns, and its count."""
        raised: dict[str, list[Notable]] = {}
        for notable in self.backtest.result.notables:
            raised.setdefault(notable.detection, []).append(notable)
        return [DetectionNotables(name, len(raised[name]), tuple(
            (n, tuple(notable_drilldowns(self.by_name[name], n))) for n in raised[name][:SHOWN_NOTABLES]))
            for name in self.names if name in raised]

    def write(self, folder: Path) -> list[Path]:
        """notables.jsonl, risk.jsonl, summary.json and report.html in ``folder``."""
        result = self.backtest.result
        notables, risk, summary, report = REPORT_FILES
        return [
            write_jsonl(folder, notables, ({**notable_json(n), "drilldowns": [d.as_json() for d in notable_drilldowns(
                self.by_name[n.detection], n)]} for n in result.notables)),
            write_jsonl(folder, risk, (risk_json(e, self.detection_of) for e in result.risk)),
            write_json(folder, summary, self.document()),
            write_text(folder, report, [self.html()]),
        ]

    def text(self, width: int = TABLE_WIDTH) -> str:
        """The terminal report: per-detection totals, the top risk objects, what was read; ``width`` columns
        wide (the terminal's, ``output_width``): names and lists fold inside their cells, counts never do."""
        console = Console(file=io.StringIO(), width=width, color_system=None)
        console.print(self._detections_table(width))
        if self.actions_note:
            console.print("\n".join(hanging_lines(self.actions_note, width)), markup=False, highlight=False,
                          soft_wrap=True)
        if self.risk_objects:
            console.print(_entity_table("Top risk objects", self.risk_objects[:SHOWN_RISK_OBJECTS], width))
            # how many the table left out, and where they are: it showed ten with no word of the others, and a
            # person read ten as every object the pack scored (newuser25)
            more = more_text(self.risk_object_count, SHOWN_RISK_OBJECTS, RISK_OBJECTS_ELSEWHERE)
            if more:
                console.print("\n".join(hanging_lines(more, width)), markup=False, highlight=False, soft_wrap=True)
        else:  # not a table of headers alone
            console.print("Top risk objects: none", markup=False)
        result = self.backtest.result
        summary = [f"period {iso(result.start)} .. {iso(result.end)}{self.period_reason()}", *self.reading_lines(),
                   f"{count_text(len(result.notables))} notable(s), {count_text(len(result.risk))} risk event(s)"]
        text: str = console.file.getvalue()  # type: ignore[attr-defined]
        tables = [line.rstrip() for line in text.rstrip("\n").splitlines()]  # rich pads titles with spaces
        # the summary is text, never rich markup, and wraps between words with a hanging indent as every note
        # below a table does (layout.hanging_lines)
        return "\n".join([*tables, *(part for line in summary for part in hanging_lines(printable(line), width))])

    def _detections_table(self, width: int) -> Table:
        """The totals per detection, its type in a column of its own while every name beside it keeps to
        ``NAME_LINES`` lines; on a narrower terminal (80 columns) the type follows the name in its cell, ``Entra ID
        ... Users (TTP)``, under ``detection (type)``: beside a type column ("Correlation") the names had 20
        columns at 80 and folded over up to four lines each. The counts are never folded."""
        types: list[str] = [self.types[name] for name in self.names]
        counts = [[count_text(self.totals.get(name, {}).get(key, 0)) for key in COUNTED] for name in self.names]
        columns: list[list[str]] = [types, *([row[at] for row in counts] for at in range(len(COUNTED)))]
        beside = [max([text_width(header), *map(text_width, column)])
                  for header, column in zip(("type", *COUNT_HEADERS), columns)]
        room = width - table_width([0, *beside])
        apart = all(len(fold(printable(name), room)) <= NAME_LINES for name in self.names)
        table = Table(title="Per detection", title_justify="left")
        table.add_column("detection" if apart else "detection (type)", overflow="fold")
        if apart:
            table.add_column("type", no_wrap=True)
        for column in COUNT_HEADERS:  # narrow: a header of two words on two lines, its column as wide as its counts
            table.add_column(column if apart else column.replace(" ", "\n"), justify="right", no_wrap=True)
        for name, kind, row in zip(self.names, types, counts):
            table.add_row(*((cell(name), kind) if apart else (cell(f"{name} ({kind})"),)), *row)
        return table

    def period_reason(self) -> str:
        """Why the period starts and ends where it does, for the ends ``--from``/``--to`` did not set (the
        simulation's clock, ``simulate.clock``); "" when both were given."""
        result, default = self.backtest.result, self.backtest.result.clock
        if default is None:
            return " (--from/--to)" if self.backtest.searched_on is None else ""
        ends = []
        if result.start == default.start:
            ends.append(f"from the first event, {iso(default.first)}, less the longest lookback of the detections "
                        f"run, {format_duration(default.lookback)}, to the minute")
        if result.end == default.end:
            why = ("twice the longest lookback plus gap between two runs of a detection, once for a run to see that "
                   "event and once more for the risk event it writes to reach a search reading risk"
                   if default.reads_risk else "the longest lookback plus gap between two runs of a detection, for a "
                   "run to see that event (no search run reads risk)")
            last = "when the last event is searchable" if default.indexed else "the last event"
            ends.append(f"to {last}, {iso(default.last_visible)}, plus {format_duration(default.tail)}: {why}")
        return f" ({'; '.join(ends)})" if ends else ""

    def reading_lines(self, every: bool = False) -> list[str]:
        """What was read, in words (``ReadReport.outcome``): the lines set aside unread, what was bad, the events
        kept for the detections, those outside --from/--to, those no detection can match (and, when none was kept,
        when those outside were, or else when the events read were, and what the period could see). Of the files
        sharing records with an earlier one, the first ``SHOWN_SHARED`` and how many more (``more_text``, as the
        Problems' bad lines and the job messages are cut), unless ``every`` (summary.json, for scripts)."""
        if self.backtest.searched_on is not None:
            empty = self.backtest.empty_span
            return [f"events searched on Splunk ({self.backtest.searched_on})", *(() if empty is None else (
                f"the index holds no event from {iso(empty[0])} to {iso(empty[1])}, the span the runs searched: "
                "they found nothing because there was nothing to find (a wrong --index or period, logs not "
                "ingested yet, or a role that may not search the index: srchIndexesAllowed)",))]
        read, result = self.backtest.reading, self.backtest.result
        lines = [self._read_line()]
        lines.extend(same_content_note(later, earlier) for later, earlier in read.same_content)
        shared = read.same_records if every else read.same_records[:SHOWN_SHARED]
        lines.extend(same_records_note(later, earlier, count) for later, earlier, count in shared)
        lines.extend(filter(None, [more_text(len(read.same_records), len(shared), "file(s) share records with an "
                                             "earlier one; --format json and summary.json list them all")]))
        lines.extend(self.backtest.index_notes)
        if read.cut:  # a detection may miss on such an event, in Splunk too, and nothing there says so
            lines.append(f"{cut_note(read.cut)}; {CUT_FIX}")
        # when no event was kept, when the events were, so that --from/--to can be chosen: those a detection could
        # match, or else every event's span (the lines set aside unread outside the period said nothing of it)
        span = read.outside_span or read.span
        if not read.events and span is not None:
            reach = result.start - self.backtest.lookback
            first, last = span
            if read.outside_span is None and reach <= first and last < result.end:
                # inside the period, so the period is not why: an export of another sourcetype's logs was told the
                # span the period's runs see as if that had left its events out (newuser21)
                lines.append(f"no event was kept: the events read, from {iso(first)} to {iso(last)}, are inside what "
                             "the period's runs see, but none is one a detection can match (no line holds what the "
                             "detections' searches look for): no --from/--to would keep one")
            else:
                lines.append(f"no event was kept: {self._outside(span, read.outside_span is not None)}")
        return lines

    def _outside(self, span: tuple[float, float], matchable: bool) -> str:
        """Where the events are (``span``: those a detection could match when ``matchable``, else every event's)
        and what a run in the period sees, with what to do when a period would keep them."""
        which = (f"the {count_text(self.backtest.reading.outside)} event(s) a detection could match are" if matchable
                 else "the events read (none a detection can match) are")
        # what to do, when a period would keep them: the README's example dates, copied over logs of another week,
        # ended at "its end" with every count 0 and exit 0 (newuser25)
        fix = PERIOD_FIX if matchable else ""
        return (f"{which} from {iso(span[0])} to {iso(span[1])}, and a run in the period sees only those from "
                f"{iso(self.backtest.result.start - self.backtest.lookback)} (the period's start less the longest "
                f"lookback of the detections run, {format_duration(self.backtest.lookback)}) to before "
                f"{iso(self.backtest.result.end)}, its end{fix}")

    def missed(self) -> str | None:
        """What to say instead of a report when the period is why no event was kept: every event a detection could
        match lies outside what its runs see, so its zeros would say nothing of the tenant (``cli.backtest`` exits 1
        on it, as on an input without a timed event; until 2026-12-07 it printed a report of zeros and exited 0,
        read as "no detection fired"). None when an event was kept, or none a detection could match was read:
        the zeros then are the answer, whatever the period."""
        read, result = self.backtest.reading, self.backtest.result
        if result.end <= result.start:  # before "an event was kept": a period with no run has nothing to report
            return self._no_period()
        if read.events or read.outside_span is None:
            return None
        return (f"no event a detection could match is in the period {iso(result.start)} .. {iso(result.end)}"
                f"{self.period_reason()}, so there is nothing to report: {self._outside(read.outside_span, True)}; "
                f"{self._read_line()}")

    def _no_period(self) -> str:
        """Why the period is empty, never printed backwards: ``--from`` alone at or after the end its default gives
        (the last run that could see an event), or ``--to`` alone at or before the default start. Until 2026-12-08
        the message printed the period as ``2026-11-01 .. 2026-10-26`` and left the reader to find which end was
        wrong and why; both ends given so are a usage error before reading (``cli.backtest``)."""
        result, default, span = self.backtest.result, self.backtest.result.clock, self.backtest.reading.span
        events = "the input's events" + ("" if span is None else f" (from {iso(span[0])} to {iso(span[1])})")
        empty = "would end before it starts" if result.end < result.start else "would be empty"
        if default is not None and result.end == default.end and result.start != default.start:
            given = f"--from {iso(result.start)} is after every run that could see {events}"
            fix, other = "an earlier --from", f"without --to it would end at {iso(result.end)}"
        elif default is not None and result.start == default.start and result.end != default.end:
            given = f"--to {iso(result.end)} is before every run that could see {events}"
            fix, other = "a later --to", f"without --from it would start at {iso(result.start)}"
        else:  # both given (a caller other than the command line), or neither: no end to blame
            given, fix = f"--from {iso(result.start)} is not before --to {iso(result.end)}", "--from before --to"
            other = ""
        said = f": {other}{self.period_reason()}" if other else ""
        return (f"{given}, so the period {empty}{said}; give {fix}, or leave it out (the period then covers every "
                f"event read); {self._read_line()}")

    def _read_line(self) -> str:
        read = self.backtest.reading
        return f"read {len(read.files)} file(s), {read.amount_read()}: {read.outcome()}"


# What the detections column keeps before the objects are split: a few words of a detection's name a line.
_DETECTIONS_ROOM = 20


def _entity_table(title: str, entities: list[Entity], width: int) -> Table:
    """The objects whole when the table holds them beside a few words of detections a line; else split where
    they read well (an email before its ``@``, a GUID after a ``-``), never mid-word as rich folds them
    (``debra.tanaka@contoso.e`` / ``xample``): the columns are planned by ``layout.fit_columns``, as search's."""
    table = Table(title=title, title_justify="left")
    shown = [printable(e.value) for e in entities]  # as the table prints them: control characters escaped
    columns = [Column(("object", *shown)), Column(("type", *(printable(e.type) for e in entities))),
               Column(("score", *(count_text(e.score) for e in entities)), splits=False),
               Column(("risk events", *(count_text(e.risk_events) for e in entities)), splits=False),
               Column(("detections", *(printable(name) for e in entities for name in e.detections)),
                      least=_DETECTIONS_ROOM, indent=VALUE_INDENT)]
    widths = fit_columns(columns, width)
    # The detections column gets exactly what is left beside the others: rich, short of room, would narrow the
    # two widest columns alike, the objects' too, and fold an object where the plan did not split it.
    detections = max(len("detections"), width - table_width([*widths[:-1], 0]))
    for column, limit in zip(("object", "type", "score", "risk events", "detections"), [*widths[:-1], detections]):
        counted = column in ("score", "risk events")
        table.add_column(column, justify="right" if counted else "left", overflow="fold", no_wrap=counted,
                         max_width=limit if column in ("object", "detections") else None)
    for e, text in zip(entities, shown):
        # one detection a line, a folded name's next lines standing in (a list joined with ", " folded across
        # the names: "... Service" / "Principal, Entra ID" / "High-Risk ..." hid where one name ended)
        names = [line for name in sorted(e.detections) for line in fold(printable(name), detections, VALUE_INDENT)]
        table.add_row(lines_cell(fold(text, widths[0])), cell(e.type), count_text(e.score),
                      count_text(e.risk_events),
                      lines_cell(names))
    return table
