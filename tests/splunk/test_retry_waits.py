"""What ``retrying`` sends again and how long it waits first: a login after a time-out (it only hands out a session
key), and the wait a 429 or 503 answer asks for in ``Retry-After`` (RFC 9110, 10.2.3: delay-seconds or an
HTTP-date)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from contentpack.splunk.client import MAX_RETRY_AFTER, asked_wait, retrying

BASE = "https://splunk.example:8089"


def answering(*answers: int | tuple[int, str] | BaseException) -> tuple[Any, list[tuple[str, str]]]:
    """A handler giving ``answers`` in turn (a status, a status with its Retry-After, or an error to raise), and
    the (method, url) of each request it got."""
    seen: list[tuple[str, str]] = []
    queue = list(answers)

    def handler(url: str, message: dict[str, Any], **_: Any) -> dict[str, Any]:
        seen.append((message["method"], url))
        answer = queue.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, after = answer if isinstance(answer, tuple) else (answer, None)
        headers = [("Content-Type", "text/xml")] + ([("Retry-After", after)] if after is not None else [])
        return {"status": status, "reason": "", "headers": headers, "body": io.BytesIO(b"<response/>")}

    return handler, seen


def test_a_login_that_timed_out_is_sent_again() -> None:
    """A POST to auth/login is sent again after a read time-out, where a search job's POST is not
    (tests/splunk/test_keepalive.py): a second login only hands out a second session key."""
    handler, seen = answering(TimeoutError("timed out"), 200)
    slept: list[float] = []
    answer = retrying(handler, 3, 0.5, slept.append)(f"{BASE}/services/auth/login",
                                                      {"method": "POST", "headers": [], "body": "username=u"})
    assert answer["status"] == 200 and slept == [0.5]
    assert seen == [("POST", f"{BASE}/services/auth/login")] * 2


def test_a_login_answered_500_is_sent_again_but_a_search_job_is_not() -> None:
    for path, sent in (("/services/auth/login/", 2), ("/services/search/jobs", 1)):
        handler, seen = answering(500, 200)
        answer = retrying(handler, 3, 0.5, lambda _: None)(f"{BASE}{path}", {"method": "POST", "headers": []})
        assert len(seen) == sent and answer["status"] == (200 if sent == 2 else 500)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_waited_for_when_longer_than_the_backoff(status: int) -> None:
    handler, seen = answering((status, "7"), (status, "0"), 200)
    slept: list[float] = []
    answer = retrying(handler, 3, 0.5, slept.append)(f"{BASE}/services/search/jobs",
                                                      {"method": "POST", "headers": []})
    assert answer["status"] == 200 and len(seen) == 3
    assert slept == [7.0, 1.0]  # the asked 7 s, then the backoff where the answer asks for less


def test_retry_after_as_a_date_and_its_bounds() -> None:
    now = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    def headers(value: str) -> dict[str, Any]:
        return {"headers": [("retry-after", value)]}
    assert asked_wait(headers("Thu, 01 Jan 2026 00:00:20 GMT"), lambda: now) == 20.0
    assert asked_wait(headers("Wed, 31 Dec 2025 23:59:00 GMT"), lambda: now) == 0.0  # a date gone by: no wait
    assert asked_wait(headers("86400"), lambda: now) == MAX_RETRY_AFTER
    assert asked_wait(headers("soon"), lambda: now) is None
    assert asked_wait(headers("-5"), lambda: now) is None  # delay-seconds is 1*DIGIT
    assert asked_wait({"headers": [("Content-Type", "text/xml")]}) is None


def test_retry_after_on_a_500_is_not_a_reason_to_wait_longer() -> None:
    """Only 429 and 503 carry Retry-After as an ask to wait (RFC 9110, 10.2.3 names 503; RFC 6585, 4 names 429)."""
    handler, _ = answering((500, "30"), 200)
    slept: list[float] = []
    retrying(handler, 3, 0.5, slept.append)(f"{BASE}/services/server/info", {"method": "GET", "headers": []})
    assert slept == [0.5]
