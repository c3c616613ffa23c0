"""Starting the servers a benchmark measures: a free port, and waiting until one answers."""

from __future__ import annotations

import socket
import time

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ok(url: str, timeout: float) -> bool:
    """Poll `url` until it answers 2xx; False when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.25)
    return False
