"""Start the real processes (Rasa, actions, web, worker, Prism) for end-to-end tests.

The helpers live in bench/processes.py, shared with the benchmarks that start the same
stack.
"""

from __future__ import annotations

from bench.processes import PROJECT_ROOT, VENV_BIN, ManagedProcess, free_port, http_ok

__all__ = ["PROJECT_ROOT", "VENV_BIN", "ManagedProcess", "free_port", "http_ok"]
