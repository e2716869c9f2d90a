"""Put a test's events into a Splunk index, wait until a search sees them, and delete them afterwards.

* Sending: HEC's ``services/collector/raw`` with the entry's source, sourcetype, host and the test index as
  query parameters (Splunk *Getting Data In*, "Format events for HTTP Event Collector" / the
  ``services/collector/raw`` endpoint in the REST API reference: raw data is line-broken and timestamped by
  the sourcetype's props, exactly as a file input would). Without a HEC token (``SPLUNK_HEC_TOKEN``), or when
  HEC refuses ("Token disabled", or nothing listening on its port), the events go through splunkd's
  ``receivers/simple`` instead, which the management port always has (REST API reference, *Input endpoint
  descriptions*, ``receivers/simple``).
* Waiting: indexing is asynchronous, so the events are counted with a search until all of them are there.
* Deleting: ``| delete`` over exactly the events sent (the test index, the run's host marker and the data's
  time range). It needs the ``can_delete`` role; without it Splunk refuses and the events stay (reported).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contentpack.splunk.client import HecSender, HecUnavailable, SearchFailed, SplunkConnection, SplunkError

# Splunk index names: lower-case letters, digits, "_" and "-", not starting with "_" or "-" (indexes.conf).
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")


def check_index_name(name: str) -> str:
    if not _INDEX_NAME.match(name):
        raise SplunkError(f"index name {name!r}: use lower-case letters, digits, '_' and '-' (indexes.conf rules)")
    return name


def check_index_exists(connection: SplunkConnection, index: str, hint: str, warn: Callable[[str], None],
                       searchable: Callable[[], bool] | None = None) -> None:
    """Raise :class:`SplunkError` when ``index`` is not one splunkd lists (``data/indexes/<name>`` answers 404):
    a set-up problem, which the commands tell as a usage error before anything runs. By default every user can
    list every index; where an administrator restricted that (the ``indexes_list_all`` capability in
    authorize.conf), a role without it lists only the indexes it may search (REST API reference, *Introspection
    endpoint descriptions*, ``data/indexes``, "Authorization and authentication"), so a 404 also means a search
    of the index would find nothing. A 403 (a role, or a proxy, refusing the look-up itself) is no proof either
    way: ``warn`` says so and the command goes on -- a capability problem does not stop a legitimate run.

    ``searchable`` (a command that only searches the index) is asked before a 404 is refused: a search head lists
    the indexes defined on it, and in a distributed deployment an index may be defined on its indexers only
    (**assumed**: no page read says what ``data/indexes`` lists there), so a search finding its events proves it
    exists wherever the search head's own list is silent."""
    try:
        with connection.errors(f"look up index {index!r}"):
            try:
                connection.service.indexes[index]
            except KeyError:
                if searchable is not None and searchable():
                    return
                raise SplunkError(f"index {index!r} does not exist on {connection.target.url}, or the user's role "
                                  f"may not search it: {hint}") from None
    except SplunkError as exc:
        if exc.status != 403:
            raise
        warn(f"cannot check that index {index!r} exists ({exc}); going on as if it does")


def spl_quote(value: str) -> str:
    """A double-quoted SPL string literal for ``value``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def index_probe(index: str, terms: Sequence[str] = ()) -> str:
    """A search that finds whether ``index`` holds any event (matching ``terms``) in a time range: one row,
    ``count`` 0 or 1 (``head`` ends the search at its first event, so it costs little on a busy index and nothing
    on an empty one)."""
    return f"search {' '.join([f'index={spl_quote(index)}', *terms])} | head 1 | stats count"


def index_holds_events(connection: SplunkConnection, index: str, earliest: float | None = None,
                       latest: float | None = None, terms: Sequence[str] = ()) -> bool | None:
    """Whether a search of ``index`` (between ``earliest`` and ``latest``; all time without them) finds an event
    (``index_probe``); None when Splunk refused the search or gave no row, which says nothing either way."""
    try:
        rows = connection.search(index_probe(index, terms), earliest=earliest, latest=latest,
                                 what=f"search index {index!r} for any event").rows
    except SearchFailed:
        return None
    return str(rows[0].get("count")) != "0" if rows else None


@dataclass(frozen=True)
class Batch:
    """Events sent with one set of metadata."""

    index: str
    host: str
    source: str
    sourcetype: str
    data: bytes
    count: int




class Ingestor:
    """Sends batches (HEC first, ``receivers/simple`` when HEC is not available) and counts/deletes them."""

    def __init__(self, connection: SplunkConnection, hec: HecSender | None, notice: Callable[[str], None],
                 wait_timeout: float = 120.0) -> None:
        self.connection = connection
        self.hec = hec
        self.notice = notice
        self.wait_timeout = wait_timeout
        self.method = "HEC" if hec is not None else "receivers/simple"

    def send(self, batch: Batch) -> None:
        metadata = {"index": batch.index, "host": batch.host, "source": batch.source, "sourcetype": batch.sourcetype}
        if self.hec is not None:
            try:
                self.hec.send_raw(batch.data, metadata)
                return
            except HecUnavailable as exc:
                self.notice(f"contentpack: HEC is not available ({exc}); sending through receivers/simple instead")
                self.hec = None
                self.method = "receivers/simple"
        with self.connection.errors(f"send events to index {batch.index!r} (receivers/simple)"):
            self.connection.service.post("/services/receivers/simple", body=batch.data, **metadata)

    def _selector(self, index: str, host: str) -> str:
        return f"search index={spl_quote(index)} host={spl_quote(host)}"

    def count(self, index: str, host: str, earliest: float, latest: float) -> int:
        rows = self.connection.search(f"{self._selector(index, host)} | stats count", earliest=earliest,
                                      latest=latest, what=f"count the test events in index {index!r}").rows
        value = rows[0].get("count") if rows else 0
        try:
            return int(str(value))
        except ValueError:
            return 0

    def wait_searchable(self, index: str, host: str, expected: int, earliest: float, latest: float) -> None:
        """Poll until ``expected`` events are searchable; more than that means a duplicate send."""
        deadline = time.monotonic() + self.wait_timeout
        while True:
            seen = self.count(index, host, earliest, latest)
            if seen == expected:
                return
            if seen > expected:
                raise SplunkError(f"index {index!r} holds {seen} events for this test, {expected} were sent "
                                  "(a retried send was indexed twice?)")
            if time.monotonic() >= deadline:
                raise SplunkError(f"only {seen} of {expected} events became searchable in index {index!r} within "
                                  f"{self.wait_timeout:g} s (check the sourcetype's timestamp extraction: the "
                                  "Splunk Add-on for Microsoft Cloud Services must be installed)")
            time.sleep(1.0)  # between two counts

    def delete(self, index: str, host: str, earliest: float, latest: float) -> None:
        self.connection.search(f"{self._selector(index, host)} | delete", earliest=earliest, latest=latest,
                               what=f"delete the test events from index {index!r} (needs the can_delete role)")
