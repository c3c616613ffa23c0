"""Prism serving Twilio's own OpenAPI spec, behind a proxy that records each request.

Prism rejects (422) any call the spec does not allow; the proxy lets tests and benchmarks
see what reached "Twilio" and what Prism answered. The tests reach it through
tests/support/twilio_mock.py (which adds pytest's skip), the benchmarks directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from bot.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
TWILIO_SPEC = SHARED / "twilio-oai" / "twilio_api_v2010.json"


def prism_executable() -> str | None:
    candidates = [
        os.environ.get("PRISM_BIN", ""),
        str(PROJECT_ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"),
        shutil.which("prism") or "",
    ]
    return next((c for c in candidates if c and Path(c).exists()), None)


def prism_command(prism: str, port: int, dynamic: bool = True) -> list[str]:
    """Prism on the Messages spec: random valid answers (dynamic), or the spec's examples,
    which cost Prism far less CPU (a benchmark's choice)."""
    mode = ["--dynamic"] if dynamic else []
    return [prism, "mock", *mode, "-h", "127.0.0.1", "-p", str(port), str(TWILIO_SPEC)]


@contextlib.contextmanager
def prism_server(
    prism: str, port: int, log_path: Path, dynamic: bool = True, timeout: float = 120
) -> Iterator[subprocess.Popen[bytes]]:
    """Run Prism until the block ends; yields its process once it listens."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            prism_command(prism, port, dynamic), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while "Prism is listening" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prism did not start; see {log_path}")
            time.sleep(0.25)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)


@dataclass
class RecordedCall:
    method: str
    path: str
    form: dict[str, list[str]]
    status: int
    response: dict  # type: ignore[type-arg]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Hold:
    """A create whose answer the proxy keeps back: `arrived` is set once Prism has taken
    it, and the answer goes when `release` is set."""

    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class RecordingProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: list[RecordedCall] = []
        self.holds: dict[str, Hold] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go as two writes: with Nagle's algorithm the body waits
            # for the client's delayed ACK, 40 ms a call.
            disable_nagle_algorithm = True
            # Keep-alive, as Twilio's API: callers reuse their connection (every answer
            # has its Content-Length), not one new connection and thread per call.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self._forward("POST")

            def do_GET(self) -> None:
                self._forward("GET")

            def _forward(self, method: str) -> None:
                arrived = datetime.now(UTC)  # when Twilio would date the message
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                }
                upstream = proxy.http().request(
                    method, proxy.upstream + self.path, data=body, headers=headers, timeout=30
                )
                try:
                    parsed = upstream.json()
                except ValueError:
                    parsed = {}
                if method == "GET" and upstream.status_code == 200:
                    parsed = proxy.answer_list(self.path, parsed)
                if method == "POST" and upstream.status_code == 201 and "status" in parsed:
                    # Prism picks any status of the spec's enum ("canceled", "failed"…);
                    # Twilio answers a create with "queued", the rest comes by callback.
                    # And a SID of its own for each message: Prism's static answer (the
                    # spec's example) would repeat one.
                    parsed = {**parsed, "status": "queued", "error_code": None,
                              "sid": "SM" + uuid.uuid4().hex}  # fmt: skip
                form = parse_qs(body.decode())
                proxy.record(
                    RecordedCall(method, self.path, form, upstream.status_code, parsed, arrived)
                )
                hold = proxy.holds.pop(form.get("To", [""])[0], None) if method == "POST" else None
                if hold is not None:
                    hold.arrived.set()  # "Twilio" has it; its answer waits
                    hold.release.wait(60)
                payload = json.dumps(parsed).encode()
                # The caller may be gone meanwhile (a killed worker): its answer is lost.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(upstream.status_code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def http(self) -> requests.Session:
        """This thread's session to Prism: one connection kept, not one made per call (a
        thread serves one caller's keep-alive connection; its CPU is taken from the bot's
        cores in the benchmarks)."""
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        return self._local.http  # type: ignore[no-any-return]

    def record(self, call: RecordedCall) -> None:
        with self._lock:
            self.calls.append(call)

    def answer_list(self, path: str, answer: dict) -> dict:  # type: ignore[type-arg]
        """Twilio remembers what it was sent; Prism does not. A list of messages is
        answered from the creates recorded here, in the shape of Prism's own answer."""
        url = urlsplit(path)
        if not url.path.endswith("/Messages.json") or not isinstance(answer.get("messages"), list):
            return answer
        query = parse_qs(url.query)
        template = answer["messages"][0] if answer["messages"] else {}
        found = []
        for call in self.messages_to(query.get("To", [""])[0]):
            if call.method != "POST" or call.status >= 300:
                continue
            found.append(
                {
                    **template,
                    **call.response,
                    "to": call.form.get("To", [""])[0],
                    "from": call.form.get("From", [""])[0],
                    "body": call.form.get("Body", call.form.get("ContentVariables", [""]))[0],
                    "date_created": format_datetime(call.at, usegmt=True),
                }
            )
        # One page: what Twilio says when there is nothing more to fetch.
        return {**answer, "messages": found, "next_page_uri": None, "page": 0}

    def messages_to(self, address: str) -> list[RecordedCall]:
        with self._lock:
            return [c for c in self.calls if c.form.get("To") == [address]]

    def hold_answer(self, address: str) -> Hold:
        """Keep back the answer to the next create sent to `address` (a send that reached
        Twilio while its worker dies)."""
        hold = Hold()
        self.holds[address] = hold
        return hold

    def snapshot(self) -> list[RecordedCall]:
        """Every call so far (a copy: the proxy goes on recording)."""
        with self._lock:
            return list(self.calls)

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
