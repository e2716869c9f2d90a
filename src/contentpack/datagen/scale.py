"""Scale mode: millions of realistic sign-in records for benchmarks and large test tenants.

Events are produced in fixed-size chunks, each from its own random stream (seed, chunk index), so the
output for a seed is the same whether one process or several produce it. ``write_events`` renders
chunks in worker processes and writes them in order, holding at most a few chunks in memory.
Records come from the same factory and builder as the committed scenarios (``traffic``, ``records``),
serialised through ``template`` for speed.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from multiprocessing import get_context
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from contentpack.cut_lists import count_text
from contentpack.datagen import catalog
from contentpack.datagen.clock import TICKS_PER_SECOND, ticks_of
from contentpack.datagen.template import SignInRenderer
from contentpack.datagen.tenant import DEFAULT_TENANT_SEED, Tenant, ThirdPartyApp, build_tenant, third_party_app
from contentpack.datagen.traffic import AppRef, FixedParts, SignInFactory, first_party

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

CHUNK_EVENTS = 10_000
# Bounds of one run (the CLI's usage errors name them; docs/attack_data.md): 100 million records are ~340 GB
# and ~290 days of a tenant's sign-ins at four a second -- about the longest period a backtest simulates at
# once; more workers than that gain nothing on any machine this runs on and each is a process.
MAX_EVENTS = 100_000_000
MAX_WORKERS = 32
SCALE_START = "2026-10-05T00:00:00"
MEAN_STEP_TICKS = TICKS_PER_SECOND // 4  # four sign-ins per second across the tenant
INTERACTIVE_SHARE = 0.25
OTHER_ERROR_RATE = 0.03
OTHER_ERRORS = (50074, 50076, 50126, 700020, 90094)
SCALE_USERS_MAX = 5000

# Third-party apps of an ordinary tenant: the apps users are prompted for or that lose consent.
_THIRD_PARTY_NAMES = (
    "Fabrikam Survey", "Litware Calendar Sync", "Northwind Scheduler", "Tailspin Mail Merge",
    "Wingtip Docs Viewer", "Adatum Expense Scanner", "Proseware Notes", "Trey Research CRM",
    "Woodgrove Signature", "Lamna Travel", "Alpine Ski Planner", "Coho Vineyard Orders",
)
_THIRD_PARTY_SCOPES = (
    ("User.Read", "Calendars.ReadWrite"), ("User.Read", "Mail.Read"), ("User.Read", "Files.Read"),
    ("openid", "profile", "email", "offline_access"),
)


@dataclass(frozen=True)
class ScaleStats:
    """What ``write_events`` wrote and how fast."""

    path: str
    events: int
    bytes: int
    seconds: float
    cpu_seconds: float  # user+system CPU of this process and its workers: the figure to compare on a busy host
    by_category: dict[str, int] = field(default_factory=dict)
    by_error_code: dict[int, int] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float | None:
        """None when the run was shorter than the clock can measure (no rate to report, not an infinite one)."""
        return self.events / self.seconds if self.seconds > 0 else None

    @property
    def events_per_cpu_second(self) -> float | None:
        """None when the process clock counted no CPU time (its resolution is coarser than a tiny run)."""
        return self.events / self.cpu_seconds if self.cpu_seconds > 0 else None


def _cpu_seconds() -> float:
    """CPU time of this process plus its reaped children (pool workers are reaped when the pool closes; Windows
    does not report children's time, so there it is this process's alone)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def user_count(n_events: int) -> int:
    """A tenant size that fits the volume: ~200 sign-ins per user, between 60 and 5,000 users."""
    return max(60, min(SCALE_USERS_MAX, n_events // 200))


@lru_cache(maxsize=4)
def _tenant(members: int) -> Tenant:
    return build_tenant(DEFAULT_TENANT_SEED, members=members, guests=max(3, members // 50))


@lru_cache(maxsize=4)
def _fixed_parts(members: int) -> FixedParts:
    """Per-process memo of user/app field groups, kept across chunks (output does not depend on it)."""
    return FixedParts()


@lru_cache(maxsize=1)
def _renderer() -> SignInRenderer:
    """One renderer per process: its templates and string memo are pure caches, valid across chunks."""
    return SignInRenderer()


@lru_cache(maxsize=1)
def third_party_apps() -> tuple[ThirdPartyApp, ...]:
    return tuple(
        third_party_app(DEFAULT_TENANT_SEED, name, _THIRD_PARTY_SCOPES[i % len(_THIRD_PARTY_SCOPES)])
        for i, name in enumerate(_THIRD_PARTY_NAMES)
    )


def _third_party_ref(app: ThirdPartyApp) -> AppRef:
    return AppRef(app.app_id, app.display_name, app.sp_object_id, app.resource, "Browser")


_INTERACTIVE = tuple(first_party(a) for a in catalog.INTERACTIVE_APPS)
_NON_INTERACTIVE = tuple(first_party(a) for a in catalog.NON_INTERACTIVE_APPS)
_SILENT = tuple(first_party(a) for a in catalog.SILENT_65001_APPS)


def _chunk(
    seed: int, index: int, count: int, members: int, consent_error_rate: float,
    counts: Counter[tuple[str, int]] | None = None,
) -> list[str]:
    """Records ``index*CHUNK_EVENTS … +count`` of the stream, each one JSON line without newline.
    ``counts``, when given, is updated with (category, error code) per record."""
    rng = random.Random(f"{seed}/scale/{index}")
    tenant = _tenant(members)
    people = tenant.everyone
    factory = SignInFactory(tenant, rng, _fixed_parts(members))
    renderer = _renderer()
    apps = [_third_party_ref(a) for a in third_party_apps()]
    scopes = {a.app_id: a.scopes for a in third_party_apps()}
    ticks = ticks_of(SCALE_START) + index * CHUNK_EVENTS * MEAN_STEP_TICKS
    random_ = rng.random
    lines: list[str] = []
    for _ in range(count):
        ticks += int(random_() * 2 * MEAN_STEP_TICKS)
        user = people[int(random_() * len(people))]
        roll = random_()
        if roll < consent_error_rate:
            if random_() < 0.6:  # consent required: mostly first-party silent requests
                app = _SILENT[int(random_() * len(_SILENT))] if random_() < 0.7 else apps[int(random_() * len(apps))]
                spec = factory.make(user, app, ticks, 65001, False, scopes=scopes.get(app.app_id, ()))
            else:  # a user declined a third-party app's prompt
                app = apps[int(random_() * len(apps))]
                spec = factory.make(user, app, ticks, 65004, True, scopes=scopes[app.app_id])
        else:
            interactive = random_() < INTERACTIVE_SHARE
            pool = _INTERACTIVE if interactive else _NON_INTERACTIVE
            app = pool[int(random_() * len(pool))]
            code = 0
            if roll < consent_error_rate + OTHER_ERROR_RATE:
                code = OTHER_ERRORS[int(random_() * len(OTHER_ERRORS))]
                interactive = interactive or code != 700020
            spec = factory.make(user, app, ticks, code, interactive, at_home=random_() < 0.2)
        lines.append(renderer.render(spec))
        if counts is not None:
            counts[(spec.category, spec.error_code)] += 1
    return lines


def _chunks(n_events: int) -> Iterator[tuple[int, int]]:
    for index, start in enumerate(range(0, n_events, CHUNK_EVENTS)):
        yield index, min(CHUNK_EVENTS, n_events - start)


def generate_lines(n_events: int, seed: int, consent_error_rate: float = 0.01) -> Iterator[str]:
    """``n_events`` realistic sign-in records (``SignInLogs`` / ``NonInteractiveUserSignInLogs``) as JSON
    lines without newline, oldest first by sign-in time. About ``consent_error_rate`` of them are consent
    errors (65001 / 65004) and ~3% other failures (MFA interrupts, bad password, 700020, 90094)."""
    if n_events < 0:
        raise ValueError("n_events must be >= 0")
    members = user_count(n_events)
    for index, count in _chunks(n_events):
        yield from _chunk(seed, index, count, members, consent_error_rate)


def _chunk_text(
    seed: int, index: int, count: int, members: int, rate: float
) -> tuple[bytes, Counter[tuple[str, int]]]:
    counts: Counter[tuple[str, int]] = Counter()
    lines = _chunk(seed, index, count, members, rate, counts)
    lines.append("")  # so the join ends with a newline without copying the text again
    return "\n".join(lines).encode("ascii"), counts


def _chunk_file(
    seed: int, index: int, count: int, members: int, rate: float, folder: str
) -> tuple[str, Counter[tuple[str, int]]]:
    """Worker side: render one chunk into ``folder/chunk-<index>.part``."""
    data, counts = _chunk_text(seed, index, count, members, rate)
    part = os.path.join(folder, f"chunk-{index:08d}.part")
    with open(part, "wb") as handle:
        handle.write(data)
    return part, counts


def _append_file(out: BinaryIO, part: str) -> int:
    """Append ``part`` to ``out``; the kernel copies where it can, Python finishes otherwise."""
    out.flush()
    size = os.path.getsize(part)
    with open(part, "rb") as src:
        done = _kernel_copy(src.fileno(), out.fileno(), size)
        if done < size:
            src.seek(done)
            if out.seekable():
                out.seek(0, os.SEEK_END)
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
    if out.seekable():  # a pipe (``--out /dev/stdout | gzip``) has no position to catch up with
        out.seek(0, os.SEEK_END)
    return size


# copy_file_range refuses some pairs of files (other filesystems, old kernels): those fall back.
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}


def _kernel_copy(src: int, dst: int, size: int) -> int:
    """Bytes copied with ``os.copy_file_range`` (0 where it is unavailable or refused)."""
    copy = getattr(os, "copy_file_range", None)
    done = 0
    while copy is not None and done < size:
        try:
            step = copy(src, dst, size - done)
        except OSError as exc:
            if exc.errno in _NO_KERNEL_COPY:
                return done
            raise
        if step == 0:
            break
        done += step
    return done


def write_events(
    path: str | os.PathLike[str],
    n_events: int,
    seed: int,
    progress: bool = True,
    workers: int | None = None,
    consent_error_rate: float = 0.01,
    opener: Callable[[Path], AbstractContextManager[BinaryIO]] | None = None,
) -> ScaleStats:
    """Stream ``n_events`` records to ``path`` (the same bytes as ``generate_lines`` plus newlines).

    Chunks are rendered by ``workers`` processes (default: the CPU count, at most 4) and written in
    order; at most two chunks per worker are in flight, so memory and temporary disk stay flat whatever
    ``n_events`` is. ``opener`` opens ``path`` for writing (default ``open(path, "wb")``; the command's writes
    atomically, and into a FIFO or device); the workers' part files go beside a file, in the system's
    temporary folder for a stream (``/dev/stdout``).
    """
    if not 0 <= n_events <= MAX_EVENTS:
        raise ValueError(f"n_events must be 0 to {count_text(MAX_EVENTS)}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be 1 to {MAX_WORKERS}")
    workers = workers or min(4, os.cpu_count() or 1)
    if n_events <= CHUNK_EVENTS:  # one chunk: starting worker processes would cost more than it saves
        workers = 1
    members = user_count(n_events)
    by_key: Counter[tuple[str, int]] = Counter()
    written = 0
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    out_path = Path(path)
    with (opener or _open_file)(out_path) as out, _Progress(n_events, progress) as bar:
        if workers <= 1:
            for index, count in _chunks(n_events):
                data, counts = _chunk_text(seed, index, count, members, consent_error_rate)
                out.write(data)
                written += len(data)
                by_key.update(counts)
                bar.advance(count, written)
        else:
            # Workers write their chunks to part files beside the output and the parent appends them in
            # order with an in-kernel copy: no pickling of megabytes through pipes. spawn, not fork: the
            # progress bar's refresh thread may hold a lock a forked child would inherit.
            with tempfile.TemporaryDirectory(prefix=".contentpack-gen-", dir=out_path.parent if out.seekable() else None) as parts, \
                    ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                pending: list[tuple[Future[tuple[str, Counter[tuple[str, int]]]], int]] = []

                def consume() -> None:
                    nonlocal written
                    future, count = pending.pop(0)
                    part, counts = future.result()
                    written += _append_file(out, part)
                    os.remove(part)
                    by_key.update(counts)
                    bar.advance(count, written)

                for index, count in _chunks(n_events):
                    task = pool.submit(_chunk_file, seed, index, count, members, consent_error_rate, parts)
                    pending.append((task, count))
                    if len(pending) >= 2 * workers:
                        consume()
                while pending:
                    consume()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    by_category: Counter[str] = Counter()
    by_code: Counter[int] = Counter()
    for (category, code), n in by_key.items():
        by_category[category] += n
        by_code[code] += n
    return ScaleStats(
        str(out_path), n_events, written, seconds, cpu,
        dict(sorted(by_category.items())), dict(sorted(by_code.items())),
    )


def _open_file(path: Path) -> BinaryIO:
    return open(path, "wb")


class _Progress:
    """A rich progress bar on stderr (events, rate, bytes), or nothing when disabled."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._total = total
        self._enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _Progress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("generating"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} ev/s"), TextColumn("{task.fields[size]}"),
                TimeElapsedColumn(), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("events", total=self._total, rate="-", size="0 MB")
            self._started = time.perf_counter()
        return self

    def advance(self, count: int, written: int) -> None:
        if self._progress is not None and self._task is not None:
            task = self._progress.tasks[0]
            elapsed = max(time.perf_counter() - self._started, 1e-9)
            rate = f"{(task.completed + count) / elapsed:,.0f}"
            self._progress.update(self._task, advance=count, rate=rate, size=f"{written / 1e6:,.0f} MB")

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
