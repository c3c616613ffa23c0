"""Twilio's side of the webhook: signed POSTs sent at their due time, from a process of
their own.

Twilio sits on other machines; a load generator sharing a Python process (and its GIL)
with the recording proxy that stands in for Twilio's REST API would add its own waits to
every answer it times, and those grow with the bot's replies going through the proxy.
Here the POSTs leave from a child process: the parent hands each one over a moment
before it is due (`LEAD`); a thread of the child sleeps until it is due, sends it on a
connection it keeps alive, retries as Twilio does, and reports back. The child is
spawned, not forked: the parent runs threads, which a fork would copy mid-step.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import urllib3

LEAD = 0.1  # seconds: how long before it is due a POST is handed to the child


@dataclass(frozen=True)
class TwilioRetry:
    """Twilio's webhook connection overrides: rc retries on failure, all within tt."""

    rc: int = 5  # retry count (Twilio: 0-5, default 1)
    tt: float = 15.0  # total time for the request and its retries (Twilio: at most 15 s)
    connect_timeout: float = 5.0  # ct, Twilio's default
    read_timeout: float = 15.0  # rt, Twilio's default
    pause: float = 1.0  # between attempts, growing by this much each time

    @property
    def fragment(self) -> str:
        return f"#rc={self.rc}&rp=all"


@dataclass(frozen=True)
class Job:
    sid: str
    due: float  # wall-clock time it is due: its answer time counts from here
    form: dict[str, str]
    signature: str


@dataclass(frozen=True)
class Answer:
    sid: str
    status: int | None  # the last HTTP status; None when no attempt was answered
    answer_ms: float | None  # the first answered attempt, from when it was due
    attempts: int

    @property
    def accepted(self) -> bool:
        return accepted(self.status)


def accepted(status: int | None) -> bool:
    """What Twilio takes for a delivered webhook (anything else, it retries)."""
    return status is not None and 200 <= status < 300


class SenderProcess:
    """The child process and the parent's side of it: `submit` jobs, answers come back
    to `on_answer` (called from a thread of the parent)."""

    def __init__(
        self,
        url: str,
        retry: TwilioRetry,
        on_answer: Callable[[Answer], None],
        threads: int = 64,
        niceness: int = -5,
    ) -> None:
        context = multiprocessing.get_context("spawn")  # the parent runs threads
        self._jobs: multiprocessing.Queue[Job | None] = context.Queue()
        self._answers: multiprocessing.Queue[Answer | None] = context.Queue()
        self._process = context.Process(
            target=serve, args=(url, retry, threads, niceness, self._jobs, self._answers),
            name="twilio-sender", daemon=True,
        )  # fmt: skip
        self._process.start()
        self._on_answer = on_answer
        self._collector = threading.Thread(target=self._collect, name="sender-answers",
                                           daemon=True)  # fmt: skip
        self._collector.start()

    def submit(self, job: Job) -> None:
        self._jobs.put(job)

    def close(self) -> None:
        """Let the child finish what it was given, then stop it."""
        self._jobs.put(None)
        self._process.join(60)
        if self._process.is_alive():
            self._process.kill()
        self._answers.put(None)
        self._collector.join(10)

    def _collect(self) -> None:
        while (answer := self._answers.get()) is not None:
            self._on_answer(answer)


# -- the child ---------------------------------------------------------------------------


def serve(
    url: str,
    retry: TwilioRetry,
    threads: int,
    niceness: int,
    jobs: multiprocessing.Queue[Job | None],
    answers: multiprocessing.Queue[Answer | None],
) -> None:
    # Above the system under test, as a client on another machine would be: its waits
    # for a core must not be counted as the webhook's (only root may raise a priority).
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    poster = Poster(url, retry, threads)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="twilio") as pool:
        while (job := jobs.get()) is not None:
            pool.submit(answer, poster, job, answers)


def answer(poster: Poster, job: Job, answers: multiprocessing.Queue[Answer | None]) -> None:
    try:
        answers.put(poster.deliver(job))
    except Exception:  # a bug of the bench's own: the parent must not wait for it forever
        answers.put(Answer(job.sid, None, None, 1))
        raise


class Poster:
    """Sends one job with Twilio's retries, on kept-alive connections (urllib3's pool
    opens a new one when the server has closed an idle one, as gunicorn does after its
    keep-alive timeout: no failed attempt for that)."""

    def __init__(self, url: str, retry: TwilioRetry, connections: int) -> None:
        parts = urlsplit(url)
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.retry = retry
        self.pool = urllib3.HTTPConnectionPool(
            parts.hostname or "127.0.0.1", parts.port or 80, maxsize=connections,
            retries=False, timeout=urllib3.Timeout(retry.connect_timeout, retry.read_timeout),
        )  # fmt: skip

    def deliver(self, job: Job) -> Answer:
        delay = job.due - time.time()
        if delay > 0:
            time.sleep(delay)
        body = urlencode(job.form).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": job.signature,
        }
        retry, pause = self.retry, self.retry.pause
        deadline = job.due + retry.tt
        answer_ms: float | None = None
        attempts = 0
        while True:
            attempts += 1
            status = self._post(body, headers)
            if answer_ms is None and status is not None:
                # Open-loop: from when it was due, so a late send counts against us.
                answer_ms = (time.time() - job.due) * 1000
            if accepted(status) or attempts > retry.rc or time.time() + pause > deadline:
                return Answer(job.sid, status, answer_ms, attempts)
            time.sleep(pause)
            pause += retry.pause

    def _post(self, body: bytes, headers: dict[str, str]) -> int | None:
        try:
            return self.pool.urlopen("POST", self.path, body=body, headers=headers).status
        except urllib3.exceptions.HTTPError:
            return None
