"""What a command writes to a terminal: the tests that run one under a pseudo-terminal read it all here."""

from __future__ import annotations

import os


def read_until_closed(leader: int) -> bytes:
    """Everything written to the pseudo-terminal whose leader side is ``leader`` until the child closes it (the
    follower side must already be closed in this process), then the leader is closed."""
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return seen
