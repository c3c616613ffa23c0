"""`make bench-webhook`: how fast the messaging webhook answers Twilio.

Starts gunicorn (2 workers × 4 threads) on PostgreSQL with the Redis broker (the
production parts; `--sqlite` and `--embedded` for the defaults), then sends signed
webhooks from several client threads and prints the answer latency p50/p95/p99 and the
rate. Nothing is processed inside the request (the worker is not started), which is
exactly what Twilio waits for.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.metrics import percentile
from bench.servers import REDIS_URL, drop_database, free_port, make_database, wait_until_ok
from bot.settings import PROJECT_ROOT
from bot.simulator import inbound_form, sign

AUTH_TOKEN = "bench-auth-token"


def start_web(env: dict[str, str], port: int, workdir: Path) -> subprocess.Popen[bytes]:
    bin_dir = PROJECT_ROOT / ".venv" / "bin"
    subprocess.run([str(bin_dir / "minajliki"), "migrate"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    log = (workdir / "web.log").open("wb")
    process = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "webhooks.wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    if wait_until_ok(f"http://127.0.0.1:{port}/healthz", timeout=30):
        return process
    raise SystemExit(f"web did not start; see {workdir / 'web.log'}")


def run_load(url: str, total: int, threads: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        nonlocal errors
        http = requests.Session()
        for index in counter:
            phone = f"+2126{index % 5000:08d}"
            form = inbound_form(phone, "whatsapp" if index % 2 else "sms", f"salam {index}")
            headers = {"X-Twilio-Signature": sign(AUTH_TOKEN, url, form)}
            started = time.perf_counter()
            response = http.post(url, data=form, headers=headers, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += response.status_code != 200

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, time.perf_counter() - started, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--embedded", action="store_true", help="embedded broker, not Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp:
        workdir = Path(tmp)
        database_url, database = make_database(args.sqlite, workdir)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MINAJLIKI_SIMULATOR_TOKEN": AUTH_TOKEN,
            "MINAJLIKI_EMBEDDED_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.sqlite'}",
        }
        env.pop("REDIS_URL", None)
        if not args.embedded:
            env["REDIS_URL"] = REDIS_URL
        web = start_web(env, port, workdir)
        try:
            url = f"http://127.0.0.1:{port}/webhooks/twilio/messages"
            run_load(url, 200, args.threads)  # warm-up
            latencies, seconds, errors = run_load(url, args.messages, args.threads)
        finally:
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(30)
            drop_database(database)
    database_name = "SQLite" if args.sqlite else "PostgreSQL"
    setup = f"{database_name}, {'embedded' if args.embedded else 'Redis'} broker"
    print(f"webhook answer latency ({setup}, gunicorn 2×4, {args.threads} client threads, "
          f"{args.messages} signed webhooks, {os.cpu_count()} cores)")  # fmt: skip
    print(
        f"  p50 {percentile(latencies, 50):.1f} ms   p95 {percentile(latencies, 95):.1f} ms   "
        f"p99 {percentile(latencies, 99):.1f} ms   rate {len(latencies) / seconds:.0f}/s   "
        f"non-200: {errors}"
    )


if __name__ == "__main__":
    main()
