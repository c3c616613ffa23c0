"""CPU time used by each part of the stack (every process of its tree, from /proc)."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path


def _processes() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds used so far)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()  # after the command, which may hold spaces
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return found


def cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used by each named process and its descendants (a descendant that is
    itself named counts for its own name only)."""
    processes = _processes()
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _) in processes.items():
        children[parent].append(pid)
    named = set(roots.values())
    used = {}
    for name, root in roots.items():
        total, todo = 0.0, [root]
        while todo:
            pid = todo.pop()
            if pid in processes:
                total += processes[pid][1]
            todo.extend(c for c in children.get(pid, []) if c not in named)
        used[name] = total
    return used
