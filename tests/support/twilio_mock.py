"""Prism serving Twilio's own OpenAPI spec, behind a proxy that records each request
(bench/twilio_mock.py, shared with the benchmarks), and the skip when either is absent."""

from __future__ import annotations

import os

import pytest

from bench.twilio_mock import (
    SHARED,
    TWILIO_SPEC,
    RecordedCall,
    RecordingProxy,
    prism_command,
    prism_executable,
)

__all__ = [
    "SHARED",
    "TWILIO_SPEC",
    "RecordedCall",
    "RecordingProxy",
    "prism_command",
    "prism_executable",
    "require_prism",
]


def require_prism() -> str:
    """Prism and Twilio's spec, or a skip with the reason (CI installs both)."""
    if not TWILIO_SPEC.exists():
        pytest.skip(f"Twilio's OpenAPI spec is absent ({TWILIO_SPEC}); ../shared is needed")
    prism = prism_executable()
    if prism is None:
        if os.environ.get("CI"):
            pytest.fail("Prism is not installed: .ci/run installs it into .tools/prism")
        pytest.skip(
            "Prism is not installed (npm install --prefix .tools/prism @stoplight/prism-cli)"
        )
    return prism
