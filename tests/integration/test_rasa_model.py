"""The Rasa project: `rasa data validate` is clean and the test stories pass on the model.

Test stories (rasa_project/tests/) are written in the four varieties, apart from the
training data, and check intents and the bot's actions together.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot import rasa_env
from bot.settings import Settings

pytestmark = pytest.mark.rasa
ACTIONS_DIR = rasa_env.RASA_PROJECT / "actions"


def run_rasa(*args: str) -> subprocess.CompletedProcess[str]:
    if not rasa_env.rasa_executable().exists():
        pytest.fail("the Rasa environment is missing: `make test` creates it")
    return subprocess.run(
        [str(rasa_env.rasa_executable()), *args],
        cwd=rasa_env.RASA_PROJECT,
        env=rasa_env.rasa_environment(Settings.from_env({})),
        capture_output=True,
        text=True,
        timeout=600,
    )


def responses_uttered_by_custom_actions() -> set[str]:
    """Responses the custom actions name, or that `bot` chooses for them or renders itself."""
    sources = [*ACTIONS_DIR.glob("*.py"), *(rasa_env.PROJECT_ROOT / "bot").rglob("*.py")]
    source = "\n".join(p.read_text() for p in sources if p.name != "responses.py")
    return set(re.findall(r"utter_\w+", source))


def test_rasa_data_validate_is_clean() -> None:
    result = run_rasa(
        "data", "validate", "--fail-on-warnings",
        "--domain", "domain", "--data", "data", "--config", "config.yml",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = re.findall(r"UserWarning: (.*)", output)
    # Rasa cannot see responses that custom actions utter; those are the only ones allowed.
    allowed = {
        f"The utterance '{name}' is not used in any story or rule."
        for name in responses_uttered_by_custom_actions()
    }
    # Sent by the worker in place of a message, never typed: "/first_contact" for her first
    # message, "/share_location" for a WhatsApp location.
    allowed |= {
        f"The intent '{intent}' is listed in the domain file, "
        "but is not found in the NLU training data."
        for intent in ("first_contact", "share_location")
    }
    assert [w for w in warnings if w.strip() not in allowed] == []


def test_rasa_test_stories_pass_in_the_four_varieties(tmp_path: Path) -> None:
    if not rasa_env.model_is_current():
        pytest.fail("the Rasa model is stale: `make train` (make test does it)")
    model = rasa_env.MODELS_DIR / f"{rasa_env.MODEL_NAME}.tar.gz"
    result = run_rasa(
        "test", "core", "--stories", "tests", "--model", str(model), "--out", str(tmp_path),
        "--no-plot",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text()
    assert "None of the test stories failed" in failed, failed
    stories = (rasa_env.RASA_PROJECT / "tests" / "test_stories.yml").read_text()
    for variety in ("fr", "ar", "ary", "ary_Latn"):
        assert f"story: {variety} " in stories
