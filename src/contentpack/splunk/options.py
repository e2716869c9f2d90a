"""The defaults and bounds of the commands' Splunk options (``--timeout``, ``--retries``, ``--wait``, ``--index``,
``--concurrency``...), kept apart from the modules that use them: those import ``splunklib`` or the SPL engine,
and ``--help`` or a command's argument parsing, or a run that never talks to Splunk, should not pay for that."""

from __future__ import annotations

# The client's (``client.ConnectionOptions``). Bounds: an hour per request is longer than any search job this
# runs; ten retries already wait 1+2+...+512 s (17 minutes) with the default back-off -- more never ends in
# practice (the back-off doubles each time).
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
MIN_TIMEOUT, MAX_TIMEOUT = 0.1, 3600.0
MAX_RETRIES = 10
# How much of one search job's answer is read: ``client.py`` says why 256 MB.
DEFAULT_MAX_SEARCH_ANSWER_MB = 256
MAX_SEARCH_ANSWER_MB = 16384

# The longest wait for sent events to become searchable (``ingest``, ``--wait``): an index that has not caught up
# within an hour is broken, not slow.
MAX_WAIT = 3600.0

# ``replay --splunk``'s index for the test events (``remote_replay``).
DEFAULT_INDEX = "contentpack_replay"

# ``backtest --splunk`` (``remote_backtest``): the finished runs' file in --out, and search jobs at once: past
# Splunk's own per-role quotas (srchJobsQuota: 3 for user, 50 for admin, in authorize.conf's defaults) more only
# queue on the server, each holding a thread and a connection here.
CHECKPOINT = "splunk_runs.jsonl"
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 50
