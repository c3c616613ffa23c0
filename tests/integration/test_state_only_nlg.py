"""rasa_project/minajliki_core/nlg.py: Rasa asks the NLG endpoint with her tracker's state
(slots, latest message and its metadata) but not its events — loaded by Rasa's own loader
from endpoints.yml (run in the Rasa environment)."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot import rasa_env
from bot.settings import Settings

pytestmark = pytest.mark.rasa

CHECK = """
import asyncio, json, sys
from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

domain = Domain.load(sys.argv[1] + "/domain")
config = read_endpoint_config(sys.argv[1] + "/endpoints.yml", "nlg")
nlg = NaturalLanguageGenerator.create(config, domain)
sent = []

async def request(method="post", json=None, **kwargs):
    sent.append(json)
    return {"text": "Mrehba"}

nlg.nlg_endpoint.request = request
tracker = DialogueStateTracker.from_events("her-id", [
    ActionExecuted("action_listen"),
    UserUttered("salam", {"name": "greet"}, metadata={"language": "ary_Latn"}),
    SlotSet("menu", "language"),
], domain.slots)
answer = asyncio.run(nlg.generate("utter_welcome", tracker, "rest", language="ary_Latn"))
body = sent[0]
print(json.dumps({
    "class": type(nlg).__module__ + "." + type(nlg).__name__,
    "answer": answer,
    "response": body["response"],
    "arguments": body["arguments"],
    "events": body["tracker"]["events"],
    "menu": body["tracker"]["slots"]["menu"],
    "metadata": body["tracker"]["latest_message"]["metadata"],
    "url": config.url,
}))
"""


def test_rasa_asks_the_nlg_endpoint_with_her_state_without_the_events() -> None:
    python = rasa_env.RASA_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail("the Rasa environment is missing: `make test` creates it")
    settings = Settings.from_env({"MINAJLIKI_WEB_URL": "http://web.example:8000"})
    result = subprocess.run(
        [str(python), "-c", CHECK, str(rasa_env.RASA_PROJECT)],
        capture_output=True, text=True, timeout=300,
        env=rasa_env.rasa_environment(settings),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class"] == "minajliki_core.nlg.StateOnlyCallbackNLG"
    assert found["url"] == "http://web.example:8000/nlg"
    assert found["answer"] == {"text": "Mrehba"}
    assert (found["response"], found["arguments"]) == ("utter_welcome", {"language": "ary_Latn"})
    # What webhooks/nlg.py reads is there; the events are not.
    assert found["events"] is None
    assert found["menu"] == "language"
    assert found["metadata"] == {"language": "ary_Latn"}
