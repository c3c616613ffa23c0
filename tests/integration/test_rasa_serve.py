"""rasa_project/tools/serve.py: Rasa's JSON-schema checks, cached, give the same verdicts
(run in the Rasa environment, where jsonschema and Rasa's own schemas live)."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot import rasa_env

pytestmark = pytest.mark.rasa

CHECK = """
import json, sys
import jsonschema
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg.callback import nlg_response_format_spec
sys.path.insert(0, sys.argv[1])
import serve

original = jsonschema.validate
serve.install()
checks = 0
def counting(schema):
    global checks
    checks += 1
    return real_check(schema)
cls = jsonschema.validators.validator_for({})
real_check = cls.check_schema
cls.check_schema = staticmethod(counting)

def verdict(validate, instance, schema):
    try:
        validate(instance, schema)
        return "valid"
    except ValidationError as error:
        return error.message

cases = [
    ({"events": [], "responses": [{"text": "Salam"}]}, RemoteAction.action_response_format_spec()),
    ({"events": "no"}, RemoteAction.action_response_format_spec()),
    ({"text": "Bonjour", "buttons": []}, nlg_response_format_spec()),
    ({"text": 3}, nlg_response_format_spec()),
]
out = []
for _ in range(3):
    for instance, schema in cases:
        cached = jsonschema.validate
        out.append([verdict(original, instance, schema), verdict(cached, instance, schema)])
cls.check_schema = real_check
print(json.dumps({"verdicts": out, "checks": checks}))
"""


def test_cached_validation_gives_jsonschemas_verdicts_and_checks_each_schema_once() -> None:
    python = rasa_env.RASA_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail("the Rasa environment is missing: `make test` creates it")
    result = subprocess.run(
        [str(python), "-c", CHECK, str(rasa_env.SERVE_SCRIPT.parent)],
        capture_output=True, text=True, timeout=300,
        env={"PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    verdicts = found["verdicts"]
    assert all(original == cached for original, cached in verdicts)
    assert [v[0] == "valid" for v in verdicts[:4]] == [True, False, True, False]
    # The original checks the schema at every call (12 here); the cached one once each
    # of the two schemas.
    assert found["checks"] == 12 + 2
