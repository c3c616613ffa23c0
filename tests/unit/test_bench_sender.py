"""The load benchmarks' Twilio stand-in (bench/sender.py): when it posts, how it retries,
and what it reports back. Its figures are only as good as these."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bench.sender import Answer, Job, SenderProcess, TwilioRetry

Received = list[tuple[float, dict[str, list[str]], str]]  # when, form, signature


class Webhook(BaseHTTPRequestHandler):
    """Answers 500 to the first `failures` attempts of a body saying "fail", else 200."""

    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn
    failures = 2
    received: Received

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.received.append((time.time(), form, self.headers["X-Twilio-Signature"]))
        failed = [f for _, f, _ in self.received if f["Body"] == ["fail"]]
        status = 500 if form["Body"] == ["fail"] and len(failed) <= self.failures else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, Received]]:
    received: Received = []
    handler = type("Handler", (Webhook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks/twilio/messages", received
    server.shutdown()
    server.server_close()


def send(url: str, jobs: list[Job], retry: TwilioRetry) -> dict[str, Answer]:
    answers: list[Answer] = []
    sender = SenderProcess(url, retry, answers.append, threads=4)
    for job in jobs:
        sender.submit(job)
    sender.close()  # waits for every job and its retries
    return {a.sid: a for a in answers}


def test_each_post_leaves_when_due_signed_with_its_form(webhook: tuple[str, Received]) -> None:
    url, received = webhook
    start = time.time() + 1.5  # the child process starts meanwhile
    jobs = [Job(f"SM{i}", start + i * 0.1, {"Body": f"salam {i}"}, f"sig{i}") for i in range(5)]
    answers = send(url, jobs, TwilioRetry())
    assert sorted(answers) == [f"SM{i}" for i in range(5)]
    assert all(a.status == 200 and a.attempts == 1 for a in answers.values())
    by_body = {form["Body"][0]: (at, signature) for at, form, signature in received}
    for i, job in enumerate(jobs):
        at, signature = by_body[f"salam {i}"]
        assert signature == f"sig{i}"
        assert at >= job.due  # never before it is due (the open-loop schedule)
        # Counted from when it was due, so a late post counts against the webhook.
        assert answers[job.sid].answer_ms is not None
        assert answers[job.sid].answer_ms >= (at - job.due) * 1000


def test_a_failed_post_is_retried_as_twilio_does_until_accepted(
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    job = Job("SMfail", time.time() + 1.0, {"Body": "fail"}, "sig")
    answer = send(url, [job], TwilioRetry(pause=0.1))["SMfail"]
    assert (answer.status, answer.attempts) == (200, 3)  # two 500s, then accepted
    times = [at for at, form, _ in received if form["Body"] == ["fail"]]
    assert times[1] - times[0] >= 0.1 and times[2] - times[1] >= 0.2  # growing pauses


def test_retries_stop_at_twilio_s_count_and_report_the_last_status(
    webhook: tuple[str, Received],
) -> None:
    url, _ = webhook
    job = Job("SMfail", time.time() + 1.0, {"Body": "fail"}, "sig")
    answer = send(url, [job], TwilioRetry(rc=1, pause=0.05))["SMfail"]
    assert (answer.status, answer.attempts) == (500, 2)


def test_an_unreachable_webhook_is_reported_unanswered() -> None:
    job = Job("SMgone", time.time() + 1.0, {"Body": "salam"}, "sig")
    answer = send("http://127.0.0.1:9/webhooks/twilio/messages", [job],
                  TwilioRetry(rc=1, pause=0.05))["SMgone"]  # fmt: skip
    assert (answer.status, answer.answer_ms, answer.attempts) == (None, None, 2)
