"""`make` stops with a clear message on a machine without Python 3.10."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "find-python310"


def test_without_python310_it_explains_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        ["/bin/sh", str(SCRIPT)],
        env={"PATH": str(tmp_path) + ":/bin"},  # no python3.10, no pyenv, no uv
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Rasa 3.6 needs Python 3.10" in result.stderr
    assert "PYTHON310" in result.stderr and "uv" in result.stderr


def test_an_explicit_interpreter_that_is_not_310_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "python3.10"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        ["/bin/sh", str(SCRIPT)],
        env={"PATH": str(tmp_path) + ":/bin", "PYTHON310": str(fake)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
