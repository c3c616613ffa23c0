"""The load benchmarks' CPU group for the bot (bench/cpu_group.py): which cgroup interface
it writes, with what weight, and that a wrapped command and what it forks land inside."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from bench.cpu_group import CGROUP_ROOT, CpuGroup, group_name


def test_on_cgroup_v1_it_writes_the_shares_asked(tmp_path: Path) -> None:
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.shares").write_text("1024\n")

    group = CpuGroup.create("bot", 64, root=tmp_path)

    assert group is not None
    assert (tmp_path / "cpu" / "bot" / "cpu.shares").read_text() == "64"
    assert group.describe() == "cpu.shares 64"


def test_on_cgroup_v2_it_turns_the_cpu_controller_on_and_writes_the_same_ratio(
    tmp_path: Path,
) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (tmp_path / "cgroup.subtree_control").write_text("")

    group = CpuGroup.create("bot", 64, root=tmp_path)

    assert group is not None
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+cpu"
    assert (tmp_path / "bot" / "cpu.weight").read_text() == "6"  # 64/1024 of v2's 100


def test_without_a_cpu_controller_there_is_no_group(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")

    assert CpuGroup.create("bot", 64, root=tmp_path) is None
    assert not (tmp_path / "bot").exists()


def test_where_the_weight_cannot_be_written_there_is_no_group_and_nothing_left(
    tmp_path: Path,
) -> None:
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.shares").write_text("1024\n")
    (tmp_path / "cpu" / "bot").mkdir()
    (tmp_path / "cpu" / "bot" / "cpu.shares").mkdir()  # a directory: writing it fails

    assert CpuGroup.create("bot", 64, root=tmp_path) is None


def test_a_wrapped_command_and_the_processes_it_forks_run_inside_the_group() -> None:
    group = CpuGroup.create(group_name(), 64)
    if group is None:
        pytest.skip(f"no writable cgroup CPU controller under {CGROUP_ROOT} on this machine")
    command = group.wrap(["sh", "-c", "sleep 30 & echo $!; wait"])
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as parent:
        try:
            assert parent.stdout is not None
            child = int(parent.stdout.readline())
            deadline = time.monotonic() + 5
            while {parent.pid, child} - set(group.pids()) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert {parent.pid, child} <= set(group.pids())
            own = (Path("/proc") / str(child) / "cgroup").read_text()
            assert group.path.name in own
        finally:
            subprocess.run(["pkill", "-P", str(parent.pid)], check=False)
            parent.kill()
            parent.wait()
            group.remove()
    assert not group.path.exists()
