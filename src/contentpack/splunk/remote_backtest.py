"""``contentpack backtest --splunk``: the backtest's scheduled simulation, its searches answered by a real Splunk.

The schedule, throttling, notables, risk events and the report are the local backtest's (``simulate`` with
``answer=``, ``backtest.report``); only the runs of searches over events go to Splunk:

1. ``simulate.scheduled_runs`` lists every run of every search over events between ``--from`` and ``--to``;
2. one search (``index_probe``) over the span those runs search (the earliest dispatch window's start to the
   last one's end) says whether the index holds any event there. When it holds none, the backtest says so
   (``RemoteRuns.empty_span``), not only "0 notables", and dispatches no run: each would find nothing, so each
   is the embedded engine's run over no event (no row for most searches, as Splunk's; one for ``| stats
   count``), and 3. and 4. are skipped;
3. each run not yet in the checkpoint is dispatched as a search job (``SplunkConnection.search``: a oneshot
   job, with the client's retries and backoff) over that run's dispatch window, ``now`` = the run time, on
   ``index=<--index>``, at most ``concurrency`` at a time;
4. every finished run is appended to the checkpoint (``splunk_runs.jsonl`` in ``--out``) at once, so an
   interrupted backtest, run again with the same arguments, dispatches only the runs it did not finish;
5. the timeline is simulated with those rows and the job messages Splunk gave beside them (counted per
   detection as the engine's are); the searches that read the risk index (correlation searches,
   ``| from datamodel Risk.All_Risk``) run locally, with the embedded engine, over the risk events the
   simulation wrote from Splunk's rows -- nothing is written to the server's risk index;
6. each detection dispatched whose runs all returned nothing, and whose filter macro the pack tunes
   (``macros/<stem>_filter.yml``), is searched once more, over the span the runs searched with the macro's call as
   ``search *``, bounded on ``_indextime`` as a run at the period's end (below): rows there are what the tuning
   dropped, named as the local backtest names them (``field_hints.silenced_by_tuning``,
   ``RemoteBacktest.silenced``). That search's answer is kept in the checkpoint beside the runs'
   (``RunKey.unfiltered``), so a resumed backtest does not send it again.

Index-time visibility: a scheduled search sees only what was indexed when it ran. Each job gets
``index_latest`` = run time + 1 s (the REST API's ``search/jobs`` parameter bounds ``_indextime``, its latest
bound exclusive like every latest time; ``_indextime`` is whole seconds, so this keeps exactly the events
indexed by the run time -- the local simulation's ``_indextime <= run time``). How close that is to ES: on
a Splunk that indexed the logs as they arrived, ``_indextime`` is the real ingestion time, so late events
are missed by the runs ES ran before they arrived, as they were; data loaded in bulk afterwards (a
re-import, a backfill) carries the import time and is invisible to every earlier run -- backtest such data
with the local ``backtest --events`` and a delay model instead. ``index_earliest`` is not set: ES's
scheduled searches do not bound it either. Not modelled, as locally: skipped or delayed searches under load.

Values: Splunk's JSON results hold every value as text; a text that is a number's own spelling (``3``,
``0.5``) is read as that number, as the engine holds it (Splunk types values by their text), so notables
and risk events are the same objects the local backtest writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from contentpack.backtest.field_hints import FilterHint, silenced_by_tuning
from contentpack.content.model import Detection, Pack
from contentpack.cut_lists import count_text
from contentpack.simulate import EventIndex, ScheduledRun, SimulationResult, build_engine, scheduled_runs, simulate
from contentpack.spl import Results, SplError
from contentpack.spl.files import FileRefused, open_regular
from contentpack.spl.messages import LEVELS, JobMessage
from contentpack.spl.timeutil import iso_utc
from contentpack.spl.values import Value, as_number, make_mv, mv_values, to_str
from contentpack.splunk.client import SearchAnswer, SearchFailed, SplunkConnection
from contentpack.splunk.ingest import check_index_name, index_holds_events, spl_quote
from contentpack.splunk.options import CHECKPOINT, DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from contentpack.splunk.remote_replay import splunk_results

BACKTEST_INDEX_HINT = "give --index the index that holds the tenant's Entra ID logs"


def typed(value: Value) -> Value:
    """A value from Splunk's JSON with numbers' own spellings read as numbers (per value of a multivalue)."""
    if isinstance(value, tuple):
        return make_mv(typed(v) for v in mv_values(value))  # type: ignore[misc]
    number = as_number(value) if isinstance(value, str) else None
    return number if number is not None and to_str(number) == value else value


def on_index(search: str, index: str) -> str:
    """The text dispatched for a detection's ``search`` (or that search without its filter macro): it on ``index``
    (``index=`` ANDed with the first search: Splunk evaluates OR before the implicit AND, so it bounds every
    alternative of that search)."""
    text = search.strip()
    if text.lower().startswith("search "):
        text = text[len("search "):]
    return f"search index={spl_quote(index)} {text}"


@dataclass(frozen=True)
class RunKey:
    """A checkpoint line's key: a scheduled run of ``detection`` at ``run_time``; ``unfiltered``: instead, the one
    search of that detection with its filter macro as ``search *`` (``RemoteBacktest.silenced``, at the period's
    end), kept apart from a run that may fall at the same time."""

    detection: str
    run_time: float
    unfiltered: bool = False


def fingerprint(url: str, index: str, search: str, run: ScheduledRun) -> str:
    """What a finished run's answer depends on: a checkpoint line is reused only when all of it is unchanged."""
    text = json.dumps([url, index, search, run.earliest, run.latest, run.run_time])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Finished:
    """A finished run: Splunk's rows and job messages, or the error of a search it rejected."""

    rows: list[dict[str, Any]] | None
    error: str | None
    messages: tuple[JobMessage, ...] = ()


def _messages_of(item: Any) -> tuple[JobMessage, ...]:
    """A checkpoint line's ``messages``; KeyError (the line is not reused) when it has none -- a line written
    before the messages were kept would otherwise report a run that said nothing -- or one of an unknown level."""
    return tuple(JobMessage(LEVELS[str(m["level"])], str(m["text"])) for m in item["messages"])


class Checkpoint:
    """Finished runs, one JSON line each, appended (and flushed to disk) as each finishes. Opening raises
    ``FileRefused`` (an ``OSError``) when the path is there but not a regular file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[RunKey, tuple[str, Finished]] = {}
        self._lock = threading.Lock()
        try:  # a regular file only (a FIFO would wait for a writer for ever), read line by line
            handle = open_regular(path)
        except FileNotFoundError:
            return
        except FileRefused as exc:
            raise FileRefused(f"{path}: {exc}") from None
        with handle:
            for raw in handle:
                try:  # a line cut short by an interruption is not a finished run
                    item = json.loads(raw)
                    key = RunKey(str(item["detection"]), float(item["run_time"]), item.get("unfiltered") is True)
                    self.done[key] = (str(item["fingerprint"]),
                                      Finished(item.get("rows"), item.get("error"), _messages_of(item)))
                except (ValueError, KeyError, TypeError, RecursionError):
                    continue

    def get(self, key: RunKey, fingerprint: str) -> Finished | None:
        found = self.done.get(key)
        return None if found is None or found[0] != fingerprint else found[1]

    def add(self, key: RunKey, fingerprint: str, finished: Finished) -> None:
        line = json.dumps({"detection": key.detection, "run_time": key.run_time, "unfiltered": key.unfiltered,
                           "fingerprint": fingerprint,
                           "rows": finished.rows, "error": finished.error,
                           "messages": [{"level": m.level, "text": m.text} for m in finished.messages]},
                          ensure_ascii=False)
        with self._lock:
            self.done[key] = (fingerprint, finished)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())


@dataclass(frozen=True)
class RemoteRuns:
    """How the runs were answered: dispatched now, or reused from the checkpoint; ``empty_span``: the time range
    the runs search (the earliest dispatch window's start to the last one's end) when a search of the index
    found no event in it -- every run found nothing because there was nothing to find (None: it found some,
    there was no run, or Splunk refused the probe search, whose fault the runs' own searches then report)."""

    dispatched: int
    reused: int
    empty_span: tuple[float, float] | None = None
    skipped: int = 0  # not dispatched: their detection's search had failed (``Answered.skipped``)
    filtered: tuple[FilterHint, ...] = ()  # detections the pack's tuned filter macro silenced (``silenced``)


@dataclass(frozen=True)
class Answered:
    """How far the runs are answered, for the progress bar: ``done`` of ``total``, ``reused`` of them from the
    checkpoint (known before any job is sent); ``skipped``: runs of a detection whose search Splunk rejected, not
    sent, as the local backtest runs no more of a detection once its search fails (the report gives that error);
    ``nothing_to_find``: none is sent, the index holding no event in the span they search
    (``RemoteRuns.empty_span``). A backtest whose every run was reused drew "search jobs 0/?", as if it had stalled
    before its first job; skipped runs were counted among the jobs done, "search jobs 48/48" for 30 sent. Each text
    keeps within about 70 characters: on an 80-column terminal rich narrows the bar beside it first, and cuts a
    longer one."""

    done: int  # answered: reused, or sent and finished
    total: int
    reused: int = 0
    nothing_to_find: bool = False
    skipped: int = 0  # not sent: their detection's search failed before

    @property
    def settled(self) -> int:
        """The runs the bar has behind it: answered, or skipped (none of them is still to send)."""
        return self.done + self.skipped

    def said(self) -> str:
        if self.nothing_to_find:
            return "search jobs: none sent, the index has no event in the runs' span"
        if self.total == 0:
            return "search jobs: none, no scheduled run in the period"
        if self.reused == self.total:
            return f"search jobs: none to send, all {count_text(self.total)} runs reused from an earlier backtest"
        jobs = self.total - self.reused - self.skipped
        if jobs == 0 and self.skipped:  # a rerun: the failed run reused, the rest of its detection's skipped
            return (f"search jobs: none ({count_text(self.reused)} runs reused, {count_text(self.skipped)} skipped: "
                    "their search failed)")
        sent = f"search jobs {count_text(self.done - self.reused)}/{count_text(jobs)}"
        if self.reused and self.skipped:
            return sent + (f" ({count_text(self.reused)} more runs reused, {count_text(self.skipped)} skipped: their "
                           "search failed)")
        if self.skipped:
            return sent + f" ({count_text(self.skipped)} more runs skipped: their search failed)"
        return sent + (f" ({count_text(self.reused)} more runs reused from an earlier backtest)" if self.reused else "")


class RemoteBacktest:
    """One ``backtest --splunk`` run: dispatch the runs, then simulate with their rows."""

    def __init__(self, pack: Pack, connection: SplunkConnection, index: str, checkpoint: Path, *,
                 concurrency: int = DEFAULT_CONCURRENCY, progress: Callable[[Answered], None] | None = None) -> None:
        self.pack = pack
        self.connection = connection
        self.index = check_index_name(index)
        self.checkpoint = Checkpoint(checkpoint)
        self.concurrency = min(max(1, concurrency), MAX_CONCURRENCY)
        self.progress = progress
        self.engine = build_engine(pack)
        self._failed: set[str] = set()  # detections whose search Splunk rejected: their later runs are not needed

    def _fingerprint(self, run: ScheduledRun) -> str:
        return fingerprint(self.connection.target.url, self.index, on_index(run.detection.search, self.index), run)

    def _search(self, text: str, run: ScheduledRun, what: str, index_latest: float) -> Finished:
        """``text`` as a search job over ``run``'s window at its time: Splunk's rows and messages, or the error of
        a search it rejected (a connection failure is raised: nothing is known of the search)."""
        try:
            answer = self.connection.search(text, earliest=run.earliest, latest=run.latest, now=run.run_time,
                                            index_latest=index_latest, what=what)
        except SearchFailed as exc:
            return Finished(None, exc.message)
        return Finished(answer.rows, None, answer.messages)

    def _dispatch(self, run: ScheduledRun) -> None:
        """One search job; a failing search is recorded (the detection's later runs are then not needed)."""
        finished = self._search(on_index(run.detection.search, self.index), run,
                                f"run the search of {run.detection.name!r} at {iso_utc(run.run_time)}",
                                index_latest=run.run_time + 1)
        if finished.error is not None:
            self._failed.add(run.detection.name)
        self.checkpoint.add(RunKey(run.detection.name, run.run_time), self._fingerprint(run), finished)

    def fetch(self, runs: Sequence[ScheduledRun]) -> RemoteRuns:
        """Dispatch every run the checkpoint does not hold; raises the first connection failure (SplunkError)
        after the jobs in flight finish, keeping every run finished so far in the checkpoint."""
        pending = []
        for run in runs:
            found = self.checkpoint.get(RunKey(run.detection.name, run.run_time), self._fingerprint(run))
            if found is None:
                pending.append(run)
            elif found.error is not None:
                self._failed.add(run.detection.name)
        done = reused = len(runs) - len(pending)
        if self.progress is not None:
            self.progress(Answered(done, len(runs), reused))
        submitted = skipped = 0
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="backtest-splunk") as pool:
            futures: set[Future[None]] = set()
            queue = list(reversed(pending))
            while queue or futures:
                while queue and len(futures) < self.concurrency * 2:
                    run = queue.pop()
                    if run.detection.name in self._failed:
                        skipped += 1
                        continue
                    futures.add(pool.submit(self._dispatch, run))
                    submitted += 1
                finished, futures = wait(futures, return_when=FIRST_EXCEPTION)
                for future in finished:
                    problem = future.exception()
                    if problem is not None:
                        for other in futures:
                            other.cancel()
                        wait(futures)
                        raise problem
                    done += 1
                if self.progress is not None:
                    self.progress(Answered(done, len(runs), reused, skipped=skipped))
        return RemoteRuns(submitted, reused, skipped=skipped)

    def answer(self, run: ScheduledRun) -> Results:
        """The run's rows, typed as the engine types them, and the job messages Splunk gave beside them."""
        found = self.checkpoint.get(RunKey(run.detection.name, run.run_time), self._fingerprint(run))
        if found is None:
            raise SplError("this run was not dispatched (its detection's search had failed before)")
        if found.error is not None:
            raise SplError(found.error)
        results = splunk_results(SearchAnswer(found.rows or [], found.messages))
        return replace(results, rows=[{name: typed(value) for name, value in row.items()} for row in results.rows])

    def empty_span(self, runs: Sequence[ScheduledRun]) -> tuple[float, float] | None:
        """The span the runs search when the index holds no event in it (``RemoteRuns.empty_span``)."""
        if not runs:
            return None
        span = min(run.earliest for run in runs), max(run.latest for run in runs)
        return span if index_holds_events(self.connection, self.index, *span) is False else None

    def run(self, start: float, end: float, detections: Sequence[Detection]) -> tuple[SimulationResult, RemoteRuns]:
        """The runs answered by Splunk, after one search of the index over the span they search: when it finds no
        event there, no run is dispatched (each would find nothing), and each run is the engine's over no event,
        as Splunk's would be (none for most searches; one row for a ``| stats count``)."""
        runs = scheduled_runs(self.pack, start, end, detections=detections, engine=self.engine)
        empty = self.empty_span(runs)
        if empty is not None and self.progress is not None:
            self.progress(Answered(len(runs), len(runs), nothing_to_find=True))
        fetched = RemoteRuns(0, 0, empty) if empty is not None else self.fetch(runs)
        result = simulate(self.pack, EventIndex([]), start, end, detections=detections, engine=self.engine,
                          answer=self.answer if empty is None else None)
        if empty is None:
            fetched = replace(fetched, filtered=self.silenced(runs, result))
        return result, fetched

    def silenced(self, runs: Sequence[ScheduledRun], result: SimulationResult) -> tuple[FilterHint, ...]:
        """The detections dispatched whose runs all returned nothing (none failed) that return rows with their
        tuned filter macro as ``search *`` over the span the runs searched: one search job each, only for a
        detection whose filter macro the pack tunes (``spl_macros.dropped_by``), the local backtest's one search
        over the events kept (``field_hints.filter_hints``) asked of the index. Bounded as a run at the period's end
        would be (``index_latest`` = that time + 1 s): an event indexed after it was seen by no run, so the filter
        did not silence it, and the answer kept in the checkpoint (``RunKey.unfiltered``) is the one the same
        search gives again however much is indexed later -- a resumed backtest reads it back instead of asking
        again, unless the search, index, span or server changed."""
        if not runs:
            return ()
        returned = {name for name, _, rows in result.row_counts() if rows}
        failed = {error.detection for error in result.errors}
        sent = {run.detection.name: run.detection for run in runs}
        quiet = [detection for name, detection in sent.items() if name not in returned | failed]
        earliest, latest = min(run.earliest for run in runs), max(run.latest for run in runs)
        over = f" over index {self.index} from {iso_utc(earliest)} to {iso_utc(latest)}, the span the runs searched,"

        def rows_of(detection: Detection, search: str) -> int:
            return self._unfiltered_rows(ScheduledRun(detection, result.end, earliest, latest), search)

        return silenced_by_tuning(self.pack, quiet, rows_of, over)

    def _unfiltered_rows(self, span: ScheduledRun, search: str) -> int:
        """How many rows ``search`` (the detection's, its filter macro as ``search *``) returns over ``span``, saved
        under the detection's name: from the checkpoint when an earlier backtest asked it, else asked now and saved.
        A search Splunk rejects is a fault of the search, not of the tuning: ``SplError``, no hint (its rejection
        kept too)."""
        key, text = RunKey(span.detection.name, span.run_time, unfiltered=True), on_index(search, self.index)
        mark = fingerprint(self.connection.target.url, self.index, text, span)
        found = self.checkpoint.get(key, mark)
        if found is None:
            found = self._search(text, span, "run the search without its filter macro",
                                 index_latest=span.run_time + 1)
            self.checkpoint.add(key, mark, found)
        if found.error is not None:
            raise SplError(found.error)
        return len(found.rows or [])
