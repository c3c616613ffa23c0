"""Prism serving Twilio's own OpenAPI spec, behind a proxy that records each request.

Prism rejects (422) any call the spec does not allow; the proxy lets tests see what
reached it and what Prism answered.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.processes import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
TWILIO_SPEC = SHARED / "twilio-oai" / "twilio_api_v2010.json"


def prism_executable() -> str | None:
    candidates = [
        os.environ.get("PRISM_BIN", ""),
        str(PROJECT_ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"),
        shutil.which("prism") or "",
    ]
    return next((c for c in candidates if c and Path(c).exists()), None)


def require_prism() -> str:
    """Prism and Twilio's spec, or a skip with the reason (CI installs both)."""
    if not TWILIO_SPEC.exists():
        pytest.skip(f"Twilio's OpenAPI spec is absent ({TWILIO_SPEC}); ../shared is needed")
    prism = prism_executable()
    if prism is None:
        if os.environ.get("CI"):
            pytest.fail("Prism is not installed: .ci/run installs it into .tools/prism")
        pytest.skip(
            "Prism is not installed (npm install --prefix .tools/prism @stoplight/prism-cli)"
        )
    return prism


@dataclass
class RecordedCall:
    method: str
    path: str
    form: dict[str, list[str]]
    status: int
    response: dict  # type: ignore[type-arg]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class RecordingProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: list[RecordedCall] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._forward("POST")

            def do_GET(self) -> None:
                self._forward("GET")

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                }
                upstream = requests.request(
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
                    parsed = {**parsed, "status": "queued", "error_code": None}
                proxy.record(
                    RecordedCall(
                        method, self.path, parse_qs(body.decode()), upstream.status_code, parsed
                    )
                )
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", "application/json")
                payload = json.dumps(parsed).encode()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
