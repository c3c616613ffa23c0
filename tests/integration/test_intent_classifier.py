"""The project's intent classifier as Rasa runs it: trained, persisted, loaded, asked
(in the Rasa environment, where Rasa and scikit-learn live)."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot import rasa_env

pytestmark = pytest.mark.rasa

SCRIPT = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from minajliki_nlu.intent_classifier import LinearIntentClassifier as C

def data(pairs):
    return TrainingData([Message(data={"text": t, "intent": i}) for t, i in pairs])

# Latin-script Darija only: the Arabic-script questions below were never seen.
TRAIN = [
    ("bghit nsjl", "register"), ("bghit ntsajal f lbarnamaj", "register"),
    ("nsjl 3afak", "register"), ("kifach nsjl", "register"),
    ("bghit nkhdm", "orientation_job"), ("9lbt 3la khdma", "orientation_job"),
    ("khdma f charika", "orientation_job"), ("bghit khdma", "orientation_job"),
    ("chokran", "thank"), ("chokran bzaf", "thank"), ("merci", "thank"),
    ("baraka lah fik", "thank"),
]
ASK = ["bghite ntsjel", "بغيت نسجل", "بغيت نخدم", "شكرا بزاف", "", "!!!"]

def run(train_pairs, tmp):
    storage = LocalModelStorage(Path(tmp))
    resource = Resource("intents")
    context = ExecutionContext(GraphSchema({}), "test")
    config = C.get_default_config()
    C.create(config, storage, resource, context).train(data(train_pairs))
    loaded = C.load(config, storage, resource, context)
    messages = [Message(data={"text": t}) for t in ASK]
    loaded.process(messages)
    return [[m.get("intent"), m.get("intent_ranking")] for m in messages]

with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \\
        tempfile.TemporaryDirectory() as c:
    out = {
        "many": run(TRAIN, a),
        "two": run([p for p in TRAIN if p[1] != "thank"], b),
        "untrained": run(TRAIN[:4], c),
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def results() -> dict:  # type: ignore[type-arg]
    python = rasa_env.RASA_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail("the Rasa environment is missing: `make test` creates it")
    result = subprocess.run(
        [str(python), "-c", SCRIPT, str(rasa_env.RASA_PROJECT)],
        capture_output=True, text=True, timeout=300,
        env={"PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_spellings_and_the_other_script_are_understood(results: dict) -> None:  # type: ignore[type-arg]
    names = [intent["name"] if intent else None for intent, _ in results["many"]]
    assert names[:4] == ["register", "register", "orientation_job", "thank"]


def test_confidences_rank_every_intent_and_sum_to_one(results: dict) -> None:  # type: ignore[type-arg]
    for intent, ranking in results["many"][:4]:
        confidences = [r["confidence"] for r in ranking]
        assert len(ranking) == 3
        assert confidences == sorted(confidences, reverse=True)
        assert abs(sum(confidences) - 1) < 1e-6
        assert ranking[0] == intent
        assert intent["confidence"] > 0.5


def test_a_message_without_text_gets_no_intent(results: dict) -> None:  # type: ignore[type-arg]
    empty, punctuation = results["many"][4], results["many"][5]
    assert empty == [None, None]
    assert punctuation[0] is not None  # punctuation is text: the model still answers


def test_two_intents(results: dict) -> None:  # type: ignore[type-arg]
    names = [intent["name"] for intent, _ in results["two"][:3]]
    assert names == ["register", "register", "orientation_job"]
    assert all(len(ranking) == 2 for _, ranking in results["two"][:4])


def test_one_intent_leaves_the_classifier_untrained_without_failing(results: dict) -> None:  # type: ignore[type-arg]
    assert all(intent is None for intent, _ in results["untrained"])
