"""A CPU group of low weight for the bot's processes, as docker-compose's `cpu_shares` sets.

The kernel shares the cores between groups by weight before it shares a group's part
among its processes. Niceness alone could not keep the webhook ahead: a dozen niced bot
processes weigh, together, as much as one web thread, and a saturated bot still delayed
Twilio's answer (README, Benchmarks). In a group of weight 64 the whole bot counts as
1/16 of one process at nice 0 whenever the web wants a core; when it does not, the bot
has them all.

cgroup v1 (`cpu.shares`, 2–262144, default 1024) and v2 (`cpu.weight`, 1–10000, default
100) are both handled; where neither can be written (no root, no delegation), `create`
returns None and the bench falls back to niceness alone, saying so.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
DEFAULT_SHARES = 1024  # what every process outside the group weighs (cgroup v1)


class CpuGroup:
    def __init__(self, path: Path, weight_file: str, weight: int) -> None:
        self.path = path
        self.weight_file = weight_file
        self.weight = weight

    @classmethod
    def create(cls, name: str, shares: int, root: Path = CGROUP_ROOT) -> CpuGroup | None:
        """A new group weighing `shares` (in cgroup v1's units), or None where the
        machine does not let us make one."""
        v1 = root / "cpu"
        if (v1 / "cpu.shares").exists():
            return cls._make(v1 / name, "cpu.shares", shares)
        if "cpu" in _read(root / "cgroup.controllers").split():
            with contextlib.suppress(OSError):  # already on, or not ours to turn on
                (root / "cgroup.subtree_control").write_text("+cpu")
            # v2's default weight is 100 where v1's is 1024; the same ratio, at least 1.
            return cls._make(root / name, "cpu.weight", max(1, shares * 100 // DEFAULT_SHARES))
        return None

    @classmethod
    def _make(cls, path: Path, weight_file: str, weight: int) -> CpuGroup | None:
        try:
            path.mkdir(exist_ok=True)
            (path / weight_file).write_text(str(weight))
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            return None
        return cls(path, weight_file, weight)

    @property
    def procs_file(self) -> Path:
        return self.path / "cgroup.procs"

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, entering the group before it starts: whatever it forks later (Rasa's
        Sanic workers, Celery's pool) is born inside."""
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.procs_file), *command]

    def add(self, pid: int) -> None:
        """Move a running process (all its threads) into the group."""
        self.procs_file.write_text(str(pid))

    def pids(self) -> list[int]:
        return [int(line) for line in _read(self.procs_file).split()]

    def remove(self) -> None:
        """Give any process left back to the parent group, then delete the group."""
        parent = self.path.parent / "cgroup.procs"
        for pid in self.pids():
            with contextlib.suppress(OSError):
                parent.write_text(str(pid))
        with contextlib.suppress(OSError):
            self.path.rmdir()

    def describe(self) -> str:
        return f"{self.weight_file} {self.weight}"


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def group_name() -> str:
    """One group per bench run, so two runs never share or delete each other's."""
    return f"minajliki-bench-{os.getpid()}"
