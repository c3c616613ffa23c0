"""The whole system for the load and fault benchmarks, on private data services.

PostgreSQL and Redis are the bench's own (a cluster initdb'd into a temporary folder, a
redis-server on a free port), never the machine's shared instances: the fault bench
kills them. Prism serves Twilio's spec behind the recording proxy (bench/twilio_mock.py);
Rasa, the actions server, gunicorn, Celery workers and beat run as `make run` and the
end-to-end tests run them, each in its own process group so it can be killed alone.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.cpu_group import CpuGroup, group_name
from bench.processes import ManagedProcess, free_port, http_ok
from bench.twilio_mock import RecordingProxy, prism_executable, prism_server
from bot import rasa_env
from bot.settings import Settings

ACCOUNT_SID = "AC" + "be0c" * 8
AUTH_TOKEN = "bench-auth-token"
SMS_FROM = "+15005550006"
WHATSAPP_FROM = "whatsapp:+14155238886"
POSTGRES_USER = "postgres"  # initdb refuses root; the cluster is owned by this user


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit("PostgreSQL's binaries are not under /usr/lib/postgresql/*/bin")
    return found[-1]


class PrivatePostgres:
    """A PostgreSQL cluster of the bench's own, on a free port (trust auth, loopback)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/minajliki"

    def _as_owner(self, *command: str) -> None:
        as_root = os.geteuid() == 0
        prefix = ["runuser", "-u", POSTGRES_USER, "--"] if as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True)

    def create(self) -> PrivatePostgres:
        self.data.mkdir()
        for path in (self.data, self.data.parent):
            if os.geteuid() == 0:
                shutil.chown(path, POSTGRES_USER)
        self._as_owner(postgres_bin("initdb"), "-D", str(self.data), "-A", "trust",
                       "-U", "postgres", "--no-sync")  # fmt: skip
        self.start()
        admin_url = self.url.rsplit("/", 1)[0] + "/postgres"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE minajliki"))
        admin.dispose()
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
            f"{self.data.parent} -c max_connections=300"
        )
        self._as_owner(postgres_bin("pg_ctl"), "start", "-w", "-D", str(self.data),
                       "-l", str(self.log), "-o", options)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash: no checkpoint, the next start recovers from the WAL."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_owner(postgres_bin("pg_ctl"), "stop", "-D", str(self.data), "-m", mode)


class PrivateRedis:
    """redis-server on a free port. Without persistence the queue is gone after a kill,
    the harshest case: the database, not the broker, must hold everything that counts."""

    def __init__(self, workdir: Path, appendonly: bool) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "yes" if appendonly else "no",
                   "--dir", str(workdir)]  # fmt: skip
        self.process = ManagedProcess("redis", command, workdir)

    def start(self) -> None:
        self.process.start()
        self.process.wait_until(self.process.log_contains("Ready to accept connections"), 30)

    def kill(self) -> None:
        self.process.stop(signal.SIGKILL)


@dataclass(frozen=True)
class Tuning:
    """How many of each process: the knobs the load bench turns."""

    web_workers: int = 2
    web_threads: int = 4
    workers: int = 1  # Celery worker processes (each its own pool)
    concurrency: int = 4  # prefork children per worker
    rasa_workers: int = 1  # Sanic workers in the Rasa server (SANIC_WORKERS)
    # Niceness of the bot's processes (Rasa, actions, workers, beat) and of Prism (the
    # outside world): on a saturated box the webhook still answers Twilio at once, the
    # replies wait their turn. 0: all equal.
    nice: int = 10
    # The same processes in a CPU group of this weight (cgroup v1 units; every process
    # outside weighs 1024), as docker-compose.yml's cpu_shares: bench/cpu_group.py says
    # why niceness alone is not enough. 0: no group.
    bot_shares: int = 64
    # Rasa's /nlg calls served by web processes of their own (the bot's work, niced with
    # it), so the webhook never queues behind the rendering of replies: 0 = the same web.
    nlg_web_workers: int = 1

    def describe(self) -> str:
        return (
            f"gunicorn {self.web_workers}×{self.web_threads}, Celery {self.workers}×"
            f"{self.concurrency}, Rasa {self.rasa_workers} worker(s), "
            + (
                f"/nlg on its own gunicorn {self.nlg_web_workers}×4, "
                if self.nlg_web_workers
                else ""
            )
            + f"bot niced {self.nice}"
        )


@dataclass
class Stack:
    """Everything running; `processes` by name (rasa, actions, web, worker-N, beat)."""

    workdir: Path
    tuning: Tuning
    appendonly: bool = False
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ManagedProcess] = field(default_factory=dict)
    postgres: PrivatePostgres | None = None
    redis: PrivateRedis | None = None
    proxy: RecordingProxy | None = None
    ports: dict[str, int] = field(default_factory=dict)
    prism_pid: int = 0
    cpu_group: CpuGroup | None = None

    def describe(self) -> str:
        if self.cpu_group is not None:
            where = f"in a CPU group of {self.cpu_group.describe()}"
        elif self.tuning.bot_shares:
            where = "in no CPU group (cgroups cannot be written here: niceness alone)"
        else:
            where = "in no CPU group"
        return f"{self.tuning.describe()}, {where}"

    def cpu_roots(self) -> dict[str, int]:
        """The root process of each part, for bench/cpu.py (its tree is the part)."""
        assert self.postgres is not None and self.redis is not None
        roots = {name: p.process.pid for name, p in self.processes.items() if p.process}
        postmaster = self.postgres.data / "postmaster.pid"
        roots["postgres"] = int(postmaster.read_text().split()[0])
        if self.redis.process.process is not None:
            roots["redis"] = self.redis.process.process.pid
        roots["prism (Twilio)"] = self.prism_pid
        roots["bench client + proxy"] = os.getpid()
        return roots

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    @property
    def webhook_url(self) -> str:
        return self.web_url + "/webhooks/twilio/messages"

    @contextlib.contextmanager
    def running(self) -> Iterator[Stack]:
        prism = prism_executable()
        if prism is None:
            raise SystemExit("Prism is not installed (.ci/run installs it into .tools/prism)")
        if not rasa_env.model_is_current():
            raise SystemExit("the Rasa model is missing or stale: `make train` first")
        self.postgres = PrivatePostgres(self.workdir).create()
        self.redis = PrivateRedis(self.workdir, self.appendonly)
        if self.tuning.bot_shares:
            self.cpu_group = CpuGroup.create(group_name(), self.tuning.bot_shares)
        try:
            self.redis.start()
            port = free_port()
            # The spec's example answers: the proxy gives each create a SID of its own (which
            # ties a reply to its call), and random answers cost Prism about twice the CPU,
            # taken from the bot's cores. Every request is still checked against the spec.
            with prism_server(prism, port, self.workdir / "prism.log", dynamic=False) as mock:
                os.setpriority(os.PRIO_PGRP, mock.pid, self.tuning.nice)
                if self.cpu_group is not None:
                    self.cpu_group.add(mock.pid)  # Twilio is not on our cores either
                self.prism_pid = mock.pid
                self.proxy = RecordingProxy(f"http://127.0.0.1:{port}").start()
                try:
                    self._start_app()
                    yield self
                finally:
                    for process in reversed(list(self.processes.values())):
                        process.stop()
                    self.proxy.stop()
        finally:
            self.redis.kill()
            self.postgres.stop("immediate")
            if self.cpu_group is not None:
                self.cpu_group.remove()

    def _start_app(self) -> None:
        assert self.postgres and self.redis and self.proxy
        self.ports = {"web": free_port(), "actions": free_port(), "rasa": free_port(),
                      "nlg": free_port()}  # fmt: skip
        self.env = {
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "RASA_URL": f"http://127.0.0.1:{self.ports['rasa']}",
            "ACTIONS_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "MINAJLIKI_WEB_URL": self.web_url,
            "PUBLIC_URL": self.web_url,
            "SECRET_KEY": "bench-secret",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SMS_FROM": SMS_FROM,
            "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
            "TWILIO_API_BASE_URL": self.proxy.url,
            "PYTHONUNBUFFERED": "1",
            # What she is told must not depend on the hour the bench runs.
            "MINAJLIKI_OFFICE_HOURS": "mon-sun 00:00-23:59",
            "MINAJLIKI_QUIET_HOURS": "off",
        }
        migrate = ManagedProcess("migrate", ["minajliki", "migrate"], self.workdir, self.env)
        migrate.start()
        assert migrate.process is not None
        if migrate.process.wait(120) != 0:
            raise SystemExit(f"migrate failed:\n{migrate.tail()}")
        t = self.tuning
        nlg_url = f"http://127.0.0.1:{self.ports['nlg']}" if t.nlg_web_workers else self.web_url
        settings = Settings.from_env({**self.env, "MINAJLIKI_WEB_URL": nlg_url})
        rasa_env_vars = rasa_env.rasa_environment(settings, base={**os.environ, **self.env})
        rasa_env_vars["SANIC_WORKERS"] = str(t.rasa_workers)
        self._add("rasa", rasa_env.run_command(settings), rasa_env_vars, rasa_env.RASA_PROJECT)
        self._add("actions", ["python", "-m", "rasa_sdk", "--actions", "rasa_project.actions",
                              "--port", str(self.ports["actions"])])  # fmt: skip
        self._add("web", ["gunicorn", "--bind", f"127.0.0.1:{self.ports['web']}",
                          "--workers", str(t.web_workers), "--threads", str(t.web_threads),
                          "webhooks.wsgi:app"])  # fmt: skip
        if t.nlg_web_workers:
            self._add("nlg", ["gunicorn", "--bind", f"127.0.0.1:{self.ports['nlg']}",
                              "--workers", str(t.nlg_web_workers), "--threads", "4",
                              "webhooks.wsgi:app"])  # fmt: skip
        for n in range(1, t.workers + 1):
            self._add(f"worker-{n}", self.worker_command(n))
        self._add("beat", ["celery", "-A", "bot.worker", "beat", "--loglevel", "INFO",
                           "--schedule", str(self.workdir / "beat-schedule")])  # fmt: skip
        for name in self.processes:
            self.wait_ready(name)

    def worker_command(self, n: int) -> list[str]:
        return ["celery", "-A", "bot.worker", "worker", "--loglevel", "INFO",
                "--concurrency", str(self.tuning.concurrency),
                "--hostname", f"worker-{n}@bench"]  # fmt: skip

    def _add(
        self, name: str, command: list[str], env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:  # fmt: skip
        if name != "web" and self.tuning.nice:
            command = ["nice", "-n", str(self.tuning.nice), *command]
        if name != "web" and self.cpu_group is not None:
            command = self.cpu_group.wrap(command)
        process = ManagedProcess(name, command, self.workdir, env or self.env)
        if cwd is not None:
            process.cwd = cwd
        self.processes[name] = process.start()

    def wait_ready(self, name: str, timeout: float = 300) -> None:
        process = self.processes[name]
        if name == "rasa":
            process.wait_until(http_ok(f"http://127.0.0.1:{self.ports['rasa']}/status"), timeout)
        elif name == "actions":
            process.wait_until(http_ok(f"http://127.0.0.1:{self.ports['actions']}/health"), 60)
        elif name in ("web", "nlg"):
            process.wait_until(http_ok(f"http://127.0.0.1:{self.ports[name]}/healthz"), 60)
        elif name.startswith("worker"):
            process.wait_until(process.log_contains("ready."), 60)

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash or an OOM kill would: no clean shutdown."""
        self.processes[name].stop(signal.SIGKILL)

    def restart(self, name: str) -> None:
        self.processes[name].start()
