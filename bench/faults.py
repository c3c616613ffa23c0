"""`make bench-faults`: kill each part in turn under a steady load; nothing may be lost.

The stack of bench/stack.py (two Celery workers, so one can die), with women writing at
`--rate` messages/s (bench/traffic.py, playing Twilio with the `#rc=5&rp=all` retries).
For each fault: `--before` s of load, the part killed for `--outage` s (SIGKILL; for
PostgreSQL `pg_ctl stop -m immediate`, a crash), restarted, `--after` s more load, then
no new messages until every one sent in the window is answered (at most `--settle` s).

Per fault it prints, for the messages sent in that window: inbound messages lost (not in
the database at the end), replies lost (stored but no bot reply reached Twilio), duplicates
(creates at Twilio beyond the replies stored as sent, per woman and text), the holding
notices she got ("we will answer soon": how many are in the language of her replies, and
in the variety she writes), and how long after the restart the last answer went out.

Private Redis runs without persistence (`--appendonly no`) unless `--redis-aof`: killed,
it comes back empty, the harshest case — the database, not the broker, must hold all
that counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bench.metrics import percentile
from bench.sender import TwilioRetry
from bench.stack import AUTH_TOKEN, Stack, Tuning
from bench.traffic import Outcome, Sent, Traffic, outcome
from bot.db import make_engine

FAULTS = ("rasa", "actions", "worker", "redis", "postgres")
HEADER = (
    "| fault | sent | refused (after retries) | inbound lost | replies lost | duplicates "
    "| holding notices (as her replies / her variety) | recovered after restart "
    "| reply p95 |\n|---|---|---|---|---|---|---|---|---|"
)


@dataclass
class Window:
    fault: str
    sent: list[Sent]
    result: Outcome
    recovered_s: float  # from the restart to the last answer going out

    @property
    def ok(self) -> bool:
        r = self.result
        return r.lost_inbound == 0 and r.unanswered == 0 and r.duplicates == 0


def kill_and_restore(stack: Stack, fault: str) -> tuple[Callable[[], None], Callable[[], None]]:
    assert stack.redis is not None and stack.postgres is not None
    redis, postgres = stack.redis, stack.postgres
    if fault == "redis":
        return redis.kill, redis.start
    if fault == "postgres":
        return (lambda: postgres.stop("immediate")), postgres.start
    name = "worker-1" if fault == "worker" else fault
    return (lambda: stack.kill(name)), (lambda: stack.restart(name))


def run_fault(
    stack: Stack, traffic: Traffic, engine_url: str, fault: str, args: argparse.Namespace
) -> Window:
    kill, restore = kill_and_restore(stack, fault)
    sent: list[Sent] = []
    duration = args.before + args.outage + args.after
    sender = threading.Thread(target=lambda: sent.extend(traffic.run(args.rate, duration)))
    sender.start()
    time.sleep(args.before)
    kill()
    time.sleep(args.outage)
    restore()
    restored = time.time()
    sender.join()
    traffic.wait_for_webhooks()
    engine = make_engine(engine_url)
    deadline = time.time() + args.settle
    try:
        while True:
            result = measure(engine, stack, sent)
            if (not result.unanswered and not result.lost_inbound) or time.time() > deadline:
                break
            traffic.idle(2.0)
    finally:
        engine.dispose()
    answered = [s.scheduled + result.answered[s.sid] / 1000 for s in sent
                if s.sid in result.answered]  # fmt: skip
    recovered = max(answered, default=restored) - restored
    return Window(fault, sent, result, max(recovered, 0.0))


def measure(engine: object, stack: Stack, sent: list[Sent]) -> Outcome:
    assert stack.proxy is not None
    for _ in range(30):  # PostgreSQL may still be recovering from its crash
        try:
            with Session(engine) as session:  # type: ignore[call-overload]
                return outcome(session, sent, stack.proxy.snapshot())
        except Exception:
            time.sleep(1)
    raise SystemExit("the database did not come back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=2.0, help="messages/s during the load")
    parser.add_argument("--outage", type=float, default=30.0, help="seconds each part is down")
    parser.add_argument("--before", type=float, default=3.0)
    parser.add_argument("--after", type=float, default=5.0)
    parser.add_argument("--settle", type=float, default=240.0, help="at most, seconds")
    parser.add_argument("--faults", nargs="*", default=list(FAULTS), choices=FAULTS)
    parser.add_argument("--redis-aof", action="store_true", help="Redis with appendonly yes")
    args = parser.parse_args()
    tuning = Tuning(workers=2, concurrency=2)
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        stack = Stack(Path(tmp), tuning, appendonly=args.redis_aof)
        with stack.running():
            assert stack.proxy is not None and stack.postgres is not None
            print(f"stack up ({stack.describe()}, Redis appendonly "
                  f"{'yes' if args.redis_aof else 'no'}, {os.cpu_count()} cores, "
                  f"load average {os.getloadavg()[0]:.2f}); {args.rate:g} messages/s, "
                  f"each part down {args.outage:g} s", flush=True)  # fmt: skip
            traffic = Traffic(stack.webhook_url, AUTH_TOKEN, stack.proxy, TwilioRetry())
            try:
                traffic.run(args.rate, 10)  # warm-up
                traffic.idle(10)
                print(HEADER)
                windows = []
                for fault in args.faults:
                    window = run_fault(stack, traffic, stack.postgres.url, fault, args)
                    windows.append(window)
                    print_window(window)
            finally:
                traffic.close()
            if not all(w.ok for w in windows):
                kept = keep_logs(Path(tmp))
                raise SystemExit(f"something was lost or duplicated; the logs are in {kept}")


def print_window(window: Window) -> None:
    r = window.result
    p95 = percentile(r.reply_ms, 95) / 1000 if r.reply_ms else float("nan")
    print(f"| {window.fault} | {r.sent} | {r.rejected} | {r.lost_inbound} | {r.unanswered} | "
          f"{r.duplicates} | {r.holding} ({r.holding_as_replies} / {r.holding_in_variety}) | "
          f"{window.recovered_s:.0f} s | {p95:.1f} s |", flush=True)  # fmt: skip


def keep_logs(workdir: Path) -> Path:
    kept = Path(tempfile.mkdtemp(prefix="bench-faults-logs-"))
    for log in workdir.glob("*.log"):
        shutil.copy(log, kept / log.name)
    return kept


if __name__ == "__main__":
    main()
