"""`make bench-broadcast`: a broadcast to 10,000 women, sent by real Celery workers.

Against Prism on Twilio's spec (../shared/twilio-oai) behind the recording proxy, on
PostgreSQL and the Redis broker, with a Celery beat ticking the broadcast every second.
Three runs, each on a fresh database and a flushed broker: 1 worker process, 4 worker
processes, and 4 where one is killed (SIGKILL) a third of the way and restarted at once.
Each worker runs `--concurrency 1`. Printed per run: messages per second (first to last
create at the proxy, the 5-95 % middle, and from the database's sent_at), latency from a
message's release by the tick to its create call (split into the wait in the queue and
the send itself), the duplicate and lost counts at the proxy (both must be 0), and the
CPU each part used, which shows what limits the rate.

The release and the start of each send are timed by a trigger on `messages` in the
benchmark's own database (the app's tables are not changed). Prism answers with the
spec's examples (`--dynamic` for random answers, as the tests use): they cost Prism a
fraction of the CPU, which is the machine's, not Twilio's.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, case, func, insert, literal, select, text
from sqlalchemy.orm import Session

from bench import servers
from bench.metrics import percentile
from bench.processes import ManagedProcess
from bench.twilio_mock import TWILIO_SPEC, RecordedCall, RecordingProxy, prism_executable
from bench.twilio_mock import prism_server as start_prism
from bot.beneficiaries.models import Beneficiary
from bot.broadcasts import audience, services
from bot.broadcasts.models import Broadcast
from bot.db import make_engine, utcnow
from bot.messaging.leases import LEASE_SECONDS
from bot.messaging.models import SMS, WHATSAPP, Conversation, Message
from bot.migrate import upgrade
from bot.phones import to_address
from bot.staff.models import STAFF, StaffUser

LANGUAGES = ("fr", "ar", "ary", "ary_Latn")
TEXTS = {
    "fr": "Nouvelle formation à Fès samedi. Écrivez « formations » pour vous inscrire.",
    "ar": "تكوين جديد في فاس يوم السبت. اكتبي «تكوينات» للتسجيل.",
    "ary": "كاين تكوين جديد ف فاس نهار السبت. كتبي «تكوينات» باش تسجلي.",
    "ary_Latn": "Kayn takwin jdid f Fes nhar sebt. Ktbi « formations » bach tsajli.",
}
ACCOUNT_SID = "AC" + "be9c" * 8
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "whatsapp:+14155238886"
POLL_SECONDS = 0.5
PROGRESS_SECONDS = 30.0

# When each message was released (waiting -> pending, the tick's time) and when a worker
# began sending it (-> submitting): filled by a trigger, read after the run.
PROBE = """
CREATE TABLE bench_timings (
    message_id integer PRIMARY KEY, released_at timestamptz, submitting_at timestamptz);
CREATE FUNCTION bench_note_timing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'waiting' AND NEW.status = 'pending' THEN
        INSERT INTO bench_timings (message_id, released_at) VALUES (NEW.id, NEW.updated_at)
        ON CONFLICT (message_id) DO NOTHING;
    ELSIF NEW.status = 'submitting' THEN
        UPDATE bench_timings SET submitting_at = coalesce(submitting_at, NEW.updated_at)
        WHERE message_id = NEW.id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER bench_timing AFTER UPDATE OF status ON messages FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION bench_note_timing();
"""


@dataclass(frozen=True)
class Plan:
    label: str
    workers: int
    kill: bool = False


PLANS = (Plan("1 worker", 1), Plan("4 workers", 4), Plan("4, one killed", 4, kill=True))


@dataclass
class RunResult:
    plan: Plan
    recipients: int
    seconds: float  # the whole run, from the broadcast's start until it is done
    creates: int = 0  # creates Prism accepted (201)
    refused: int = 0  # creates Prism refused: a malformed request
    duplicates: int = 0  # creates beyond the first for one woman
    lost: int = 0  # women no create reached
    unsent: int = 0  # her message has no Twilio SID in the database
    lookups: int = 0  # Twilio's log searched for a send a dead worker left
    first_to_last: float = 0.0
    middle_rate: float = 0.0  # 5 % to 95 % of the creates
    db_rate: float = 0.0  # from the first to the last sent_at
    release_to_create: list[float] = field(default_factory=list)
    queue_wait: list[float] = field(default_factory=list)  # release -> a worker starts
    send: list[float] = field(default_factory=list)  # worker starts -> create at the proxy
    cpu: dict[str, float] = field(default_factory=dict)  # cores used, by part
    killed_after: int | None = None  # creates before the kill
    recovered_after: float | None = None  # kill -> last create, seconds

    @property
    def rate(self) -> float:
        return self.creates / self.first_to_last if self.first_to_last else 0.0


# -- the database -------------------------------------------------------------------------


def phone(index: int) -> str:
    return f"+2126{index:08d}"


def seed(engine: Engine, recipients: int, now: datetime) -> None:
    """Registered women in one statement, then one conversation each (a third on SMS,
    the rest on WhatsApp inside the 24-hour window), four languages."""
    earlier = now - timedelta(days=10)
    rows = [
        {
            "public_id": uuid.uuid4().hex, "phone": phone(i), "language": LANGUAGES[i % 4],
            "first_name": f"Amina{i}", "age": 30, "province": "fes",
            "education_level": "secondary", "situation": "job_seeker", "goal": "start_business",
            "consent": Beneficiary.CONSENT_GIVEN, "consent_at": earlier, "registered_at": earlier,
            "welcomed_at": earlier, "created_at": earlier, "updated_at": earlier,
            "consecutive_failures": 0,
        }
        for i in range(recipients)
    ]  # fmt: skip
    wrote = literal(now - timedelta(hours=1), Conversation.last_inbound_at.type)
    with engine.begin() as conn:
        conn.execute(insert(Beneficiary), rows)
        conn.execute(
            insert(Conversation).from_select(
                ["beneficiary_id", "channel", "status", "last_inbound_at", "created_at"],
                select(
                    Beneficiary.id,
                    case((Beneficiary.id % 3 == 0, SMS), else_=WHATSAPP),
                    literal(Conversation.STATUS_BOT),
                    wrote,
                    literal(earlier, Conversation.created_at.type),
                ),
            )
        )
        conn.exec_driver_sql(PROBE)


def start_broadcast(engine: Engine, tag: str) -> int:
    with Session(engine) as session:
        staff = StaffUser(email="bench@minajliki.ma", name="Bench", password_hash="x", role=STAFF)
        session.add(staff)
        session.flush()
        draft = services.Draft(
            name=f"Bench {tag}",
            texts={lang: f"{body} {tag}" for lang, body in TEXTS.items()},
            segment=audience.Segment(),
        )
        made = services.save(session, draft, staff)
        session.flush()
        services.submit(session, made, staff, utcnow(), approval=False)
        session.commit()
        return made.id


def broadcast_status(engine: Engine, broadcast_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id)) or "")


# -- the processes ------------------------------------------------------------------------


@dataclass
class Fleet:
    env: dict[str, str]
    logs: Path
    workers: list[ManagedProcess] = field(default_factory=list)
    beat: ManagedProcess | None = None
    started: int = 0

    def start_worker(self) -> ManagedProcess:
        self.started += 1
        name = f"worker-{self.started}"
        worker = ManagedProcess(
            name,
            ["celery", "-A", "bot.worker", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "--hostname", f"{name}@%h"],
            self.logs, env=self.env,
        ).start()  # fmt: skip
        worker.wait_until(worker.log_contains("ready."), 120)
        self.workers.append(worker)
        return worker

    def start_beat(self) -> None:
        self.beat = ManagedProcess(
            "beat",
            ["celery", "-A", "bot.worker", "beat", "--loglevel", "INFO",
             "--schedule", str(self.logs / "beat-schedule")],
            self.logs, env=self.env,
        ).start()  # fmt: skip

    def kill_one(self) -> None:
        self.workers.pop(0).stop(signal.SIGKILL)

    def groups(self) -> dict[int, str]:
        """Process-group ids (each child leads its own) and their part."""
        found = {pid(p): "workers" for p in self.workers}
        if self.beat is not None:
            found[pid(self.beat)] = "beat"
        return found

    def stop(self) -> None:
        for process in [*self.workers, *([self.beat] if self.beat else [])]:
            process.stop(timeout=30)


def pid(process: ManagedProcess) -> int:
    assert process.process is not None
    return process.process.pid


# -- CPU per part, from /proc --------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server the run uses (its postmaster's pid) and the run's database."""

    postmaster: int
    database: str


Snapshot = dict[tuple[int, int], tuple[str, float]]  # (pid, start time) -> (part, CPU s)


def cpu_snapshot(groups: dict[int, str], server: Server) -> Snapshot:
    """CPU seconds so far of every process that is part of the run, by part. `groups`
    maps process-group ids (the children started here) to their part; PostgreSQL counts
    the server's own processes and its connections to the run's database, not the other
    clients or servers of the machine."""
    seen: Snapshot = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        number, group = int(entry.name), int(fields[2])
        own = (int(fields[11]) + int(fields[12])) / TICKS
        reaped = (int(fields[13]) + int(fields[14])) / TICKS  # its children that ended
        if number == os.getpid():
            part, used = "proxy + bench", own  # the workers it reaped are theirs
        elif group in groups:
            part, used = groups[group], own + reaped
        elif int(fields[1]) == server.postmaster:
            connection = "127.0.0.1(" in command or "[local]" in command
            if connection and f" {server.database} " not in command:
                continue  # another database's client
            part, used = "PostgreSQL", own
        elif comm.startswith("redis-server"):
            part, used = "Redis", own
        else:
            continue
        seen[(number, int(fields[19]))] = (part, used)  # (pid, start time): pids are reused
    return seen


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / TICKS  # all but idle and iowait


def cores_used(before: Snapshot, after: Snapshot, seconds: float) -> dict[str, float]:
    used: Counter[str] = Counter()
    for key, (part, cpu) in after.items():
        used[part] += cpu - before.get(key, (part, 0.0))[1]
    return {part: cpu / seconds for part, cpu in used.items()}


# -- one run ------------------------------------------------------------------------------


def run(plan: Plan, args: argparse.Namespace, proxy: RecordingProxy, workdir: Path) -> RunResult:
    import redis

    redis.Redis.from_url(servers.REDIS_URL).flushdb()
    database_url, database = servers.make_database(False, workdir)
    engine = make_engine(database_url)
    logs = workdir / plan.label.replace(" ", "-").replace(",", "")
    logs.mkdir()
    fleet = Fleet(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": servers.REDIS_URL,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": "bench-auth-token",
            "TWILIO_SMS_FROM": SMS_FROM,
            "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
            "TWILIO_API_BASE_URL": proxy.url,
            "PUBLIC_URL": "http://127.0.0.1:9",  # status callbacks asked for, never sent
            "MINAJLIKI_QUIET_HOURS": "off",
            "MINAJLIKI_BROADCAST_RATE": str(args.rate),
            "PYTHONUNBUFFERED": "1",
        },
        logs,
    )
    try:
        upgrade(engine)
        seeding = time.perf_counter()
        seed(engine, args.recipients, utcnow())
        print(f"  {plan.label}: {args.recipients:,} women written in "
              f"{time.perf_counter() - seeding:.1f} s", file=sys.stderr)  # fmt: skip
        fleet.start_beat()
        for _ in range(plan.workers):
            fleet.start_worker()
        return send(plan, args, proxy, engine, fleet)
    finally:
        fleet.stop()
        engine.dispose()
        servers.drop_database(database)


def send(
    plan: Plan, args: argparse.Namespace, proxy: RecordingProxy, engine: Engine, fleet: Fleet
) -> RunResult:
    tag = f"[{uuid.uuid4().hex[:6]}]"  # this run's creates, told apart at the proxy
    offset = len(proxy.snapshot())
    groups = {**fleet.groups(), args.prism_pid: "Prism"}
    with engine.connect() as conn:
        backend = conn.scalar(text("SELECT pg_backend_pid()"))
    postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    server = Server(postmaster, engine.url.database or "")
    cpu_before, busy_before = cpu_snapshot(groups, server), machine_busy()
    started = time.monotonic()
    broadcast_id = start_broadcast(engine, tag)
    killed: tuple[datetime, int] | None = None
    last_progress = started
    while broadcast_status(engine, broadcast_id) != Broadcast.DONE:
        time.sleep(POLL_SECONDS)
        now = time.monotonic()
        if now - started > args.timeout:
            raise SystemExit(f"bench.broadcast: {plan.label} not done after {args.timeout} s")
        creates = len(proxy.snapshot()) - offset
        if plan.kill and killed is None and creates >= args.recipients // 3:
            fleet.kill_one()
            killed = (datetime.now(UTC), creates)
            groups[pid(fleet.start_worker())] = "workers"
        if now - last_progress >= PROGRESS_SECONDS:
            last_progress = now
            print(f"  {plan.label}: {creates:,} creates after {now - started:.0f} s",
                  file=sys.stderr)  # fmt: skip
    seconds = time.monotonic() - started
    cpu = cores_used(cpu_before, cpu_snapshot(groups, server), seconds)
    machine = (machine_busy() - busy_before) / seconds
    # Whatever else ran meanwhile: on a shared machine it takes cores from the run.
    cpu["other processes"] = max(0.0, machine - sum(cpu.values()))
    cpu["machine (all)"] = machine
    result = RunResult(plan, args.recipients, seconds, cpu=cpu)
    calls = [c for c in proxy.snapshot()[offset:] if tag in c.form.get("Body", [""])[0]]
    lookups = [c for c in proxy.snapshot()[offset:] if c.method == "GET"]
    measure(result, engine, broadcast_id, calls, len(lookups))
    if killed is not None:
        result.killed_after = killed[1]
        last = max(c.at for c in calls if c.method == "POST")
        result.recovered_after = (last - killed[0]).total_seconds()
    return result


def measure(
    result: RunResult,
    engine: Engine,
    broadcast_id: int,
    calls: list[RecordedCall],
    lookups: int,
) -> None:
    creates = [c for c in calls if c.method == "POST" and c.status == 201]
    result.refused = sum(1 for c in calls if c.method == "POST" and c.status != 201)
    result.creates = len(creates)
    result.lookups = lookups
    per_woman = Counter(c.form["To"][0] for c in creates)
    result.duplicates = sum(n - 1 for n in per_woman.values())
    first_create: dict[str, datetime] = {}
    for call in sorted(creates, key=lambda c: c.at):
        first_create.setdefault(call.form["To"][0], call.at)
    times = sorted(first_create.values())
    if len(times) > 1:
        result.first_to_last = (times[-1] - times[0]).total_seconds()
        low, high = int(len(times) * 0.05), int(len(times) * 0.95) - 1
        result.middle_rate = (high - low) / (times[high] - times[low]).total_seconds()
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT b.phone, m.channel, m.twilio_sid, m.sent_at, t.released_at,"
                " t.submitting_at FROM messages m JOIN beneficiaries b ON b.id = m.beneficiary_id"
                " LEFT JOIN bench_timings t ON t.message_id = m.id WHERE m.broadcast_id = :id"
            ),
            {"id": broadcast_id},
        ).all()
        sent = conn.execute(
            select(func.min(Message.sent_at), func.max(Message.sent_at)).where(
                Message.broadcast_id == broadcast_id
            )
        ).one()
    result.lost = result.recipients - len(per_woman)
    result.unsent = sum(1 for row in rows if row.twilio_sid is None) + result.recipients - len(rows)
    if sent[0] is not None and sent[1] > sent[0]:
        result.db_rate = len(rows) / (sent[1] - sent[0]).total_seconds()
    for row in rows:
        created = first_create.get(to_address(row.channel, row.phone))
        if created is None or row.released_at is None:
            continue
        result.release_to_create.append((created - row.released_at).total_seconds())
        if row.submitting_at is not None:
            result.queue_wait.append((row.submitting_at - row.released_at).total_seconds())
            result.send.append((created - row.submitting_at).total_seconds())


# -- the report ---------------------------------------------------------------------------


def seconds(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.2f} s"


def millis(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f} ms"


def report(results: list[RunResult], args: argparse.Namespace) -> None:
    prism = "random answers (--dynamic)" if args.dynamic else "the spec's example answers"
    print(
        f"\nbroadcast to {args.recipients:,} women: PostgreSQL, Redis broker, Celery beat, "
        f"Prism on Twilio's spec ({prism}) behind the recording proxy, {os.cpu_count()} cores"
    )
    print(
        f"rate setting: {args.rate:g}/s per sender ({2 * args.rate:g}/s for the SMS and "
        f"WhatsApp numbers together), above every rate measured: not the bottleneck"
    )
    print(
        "\n| run | workers | sent | time | msgs/s first→last | msgs/s 5–95 % | msgs/s sent_at "
        "| release→create p50 / p95 / p99 | queue wait p50 | send p50 / p95 / p99 "
        "| duplicates | lost |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.plan.label} | {r.plan.workers} | {r.creates:,} | {r.seconds:.0f} s "
            f"| {r.rate:.1f} | {r.middle_rate:.1f} | {r.db_rate:.1f} "
            f"| {seconds(r.release_to_create, 50)} / {seconds(r.release_to_create, 95)} / "
            f"{seconds(r.release_to_create, 99)} | {seconds(r.queue_wait, 50)} "
            f"| {millis(r.send, 50)} / {millis(r.send, 95)} / {millis(r.send, 99)} "
            f"| {r.duplicates} | {r.lost} |"
        )
    parts = ["workers", "Prism", "proxy + bench", "PostgreSQL", "Redis", "beat", "other processes",
             "machine (all)"]  # fmt: skip
    print(f"\nCPU while sending, in cores (of {os.cpu_count()}):\n")
    print("| run | " + " | ".join(parts) + " | worker CPU per message |")
    print("|---|" + "---|" * (len(parts) + 1))
    for r in results:
        cells = " | ".join(f"{r.cpu.get(part, 0.0):.2f}" for part in parts)
        per_message = r.cpu.get("workers", 0.0) * r.seconds / max(r.creates, 1) * 1000
        print(f"| {r.plan.label} | {cells} | {per_message:.0f} ms |")
    print()
    for r in results:
        if r.killed_after is not None:
            print(
                f"{r.plan.label}: SIGKILL after {r.killed_after:,} creates, restarted at once; "
                f"the last create {r.recovered_after:.0f} s after the kill; the slowest "
                f"release→create {max(r.release_to_create, default=0):.0f} s (what the dead "
                f"worker held waits for its {LEASE_SECONDS} s lease and the sweep); Twilio's "
                f"log searched {r.lookups} times for a send it left unanswered"
            )
        if r.refused or r.unsent:
            print(f"{r.plan.label}: {r.refused} creates refused by Prism, {r.unsent} unsent")
        if r.seconds > 600:
            print(f"{r.plan.label}: longer than 10 minutes ({r.seconds / 60:.1f} min)")
    print(f"duplicates: {sum(r.duplicates for r in results)} (must be 0), "
          f"lost: {sum(r.lost for r in results)} (must be 0)")  # fmt: skip


# -- main ---------------------------------------------------------------------------------


def prerequisites() -> str | None:
    """Why the benchmark cannot run here, if it cannot."""
    if not TWILIO_SPEC.exists():
        return f"Twilio's OpenAPI spec is absent ({TWILIO_SPEC}); ../shared is needed"
    if prism_executable() is None:
        return "Prism is not installed (npm install --prefix .tools/prism @stoplight/prism-cli)"
    try:
        import redis

        redis.Redis.from_url(servers.REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:
        return f"Redis is not reachable at {servers.REDIS_URL}: {exc}"
    try:
        engine = make_engine(servers.POSTGRES_ADMIN)
        engine.connect().close()
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL is not reachable at {servers.POSTGRES_ADMIN}: {exc}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0, help="per sender, messages/s")
    parser.add_argument("--runs", default="1,4,kill", help="which of 1, 4 and kill to run")
    parser.add_argument("--dynamic", action="store_true", help="Prism's random answers")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run at most")
    args = parser.parse_args()
    why = prerequisites()
    if why is not None:
        print(f"bench.broadcast skipped: {why}")
        return
    wanted = {name.strip() for name in args.runs.split(",")}
    plans = [p for p, name in zip(PLANS, ("1", "4", "kill"), strict=True) if name in wanted]
    prism = prism_executable()
    assert prism is not None
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as tmp:
        workdir = Path(tmp)
        port = servers.free_port()
        with start_prism(prism, port, workdir / "prism.log", dynamic=args.dynamic) as process:
            args.prism_pid = process.pid
            proxy = RecordingProxy(f"http://127.0.0.1:{port}").start()
            try:
                for plan in plans:
                    results.append(run(plan, args, proxy, workdir))
            finally:
                proxy.stop()
    report(results, args)
    if any(r.duplicates or r.lost for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
