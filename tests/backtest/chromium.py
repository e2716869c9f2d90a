"""Headless Chromium (Debian's ``chromium`` package, installed by ``make test``) driven over the DevTools
protocol on a pipe: load a page, record every network request it makes, evaluate an expression in it.

``--remote-debugging-pipe``: Chromium reads protocol messages from file descriptor 3 and writes to 4, each a
JSON object ended by a NUL byte (Chrome DevTools Protocol, "Target"/"Page"/"Network"/"Runtime" domains).
No WebSocket client is needed. The flags are the ones that keep a sandboxed, offline Chromium quiet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

CHROMIUM = shutil.which("chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe")
TIMEOUT = 60.0


class ChromiumError(Exception):
    pass


@dataclass
class PageLoad:
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the page itself first
    value: Any = None  # the evaluated expression's value; with views, a list of them, one per view


@dataclass(frozen=True)
class View:
    """A window ``width`` CSS pixels wide (``Emulation.setDeviceMetricsOverride``), its media ``screen`` or
    ``print`` (``Emulation.setEmulatedMedia``: the print style sheet, laid out at the width given)."""

    width: int
    media: str = "screen"
    height: int = 900


class _Pipe:
    def __init__(self, process: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.process, self.write_fd, self.read_fd = process, write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise ChromiumError("no answer from chromium")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise ChromiumError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def wait_for(self, method: str, session: str) -> None:
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return
        while True:
            event = self.receive()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return


def load(url: str, expression: str, views: Sequence[View] = ()) -> PageLoad:
    """Open ``url`` in a fresh headless Chromium, wait for its load event, evaluate ``expression``; with
    ``views``, once in each (one browser for all: a start costs far more than a relayout)."""
    if CHROMIUM is None:
        raise ChromiumError("chromium is not installed (make test installs Debian's chromium package)")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def wire() -> None:  # runs in the child before exec: the protocol's fixed descriptors
        os.dup2(to_child_r, 3)
        os.dup2(from_child_w, 4)

    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=wire, pass_fds=(3, 4))  # kept open after wire()
    os.close(to_child_r)
    os.close(from_child_w)
    pipe = _Pipe(process, to_child_w, from_child_r)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        pipe.send("Network.enable", session=session)
        pipe.send("Page.enable", session=session)
        pipe.send("Page.navigate", {"url": url}, session=session)
        pipe.wait_for("Page.loadEventFired", session)
        values = []
        for view in views:
            pipe.send("Emulation.setDeviceMetricsOverride", {"width": view.width, "height": view.height,
                                                             "deviceScaleFactor": 1, "mobile": False}, session=session)
            pipe.send("Emulation.setEmulatedMedia", {"media": view.media}, session=session)
            values.append(_evaluate(pipe, session, expression))
        requests = [e["params"]["request"]["url"] for e in pipe.events
                    if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]
        return PageLoad(requests, values if views else _evaluate(pipe, session, expression))
    finally:
        try:
            pipe.send("Browser.close")
        except (ChromiumError, OSError):
            pass
        os.close(to_child_w)
        os.close(from_child_r)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _evaluate(pipe: _Pipe, session: str, expression: str) -> Any:
    result = pipe.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        raise ChromiumError(f"the expression failed: {result['exceptionDetails']}")
    return result.get("result", {}).get("value")
