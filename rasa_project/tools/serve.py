"""`rasa` with jsonschema's validators cached (runs in .venv-rasa; `rasa_env.run_command`).

Rasa 3.6 checks every custom action's answer and every NLG answer with
`jsonschema.validate`, which checks the schema itself against its meta-schema each time
(draft 2020-12: slow). That was about 40 % of the Rasa server's time per message under
load (bench/load.py, py-spy). The schemas never change while it runs, so each is checked
once and its validator kept; what is validated, and every error, stay the same.

Usage: python serve.py run --enable-api … (the arguments of `rasa`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

_validators: dict[tuple[str, Any], Any] = {}


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """jsonschema.validate, with the checked schema's validator kept for the next call."""
    key = (json.dumps(schema, sort_keys=True, default=repr), cls)
    validator = _validators.get(key)
    if validator is None:
        validator_class = cls or validator_for(schema)
        validator_class.check_schema(schema)
        validator = _validators[key] = validator_class(schema, *args, **kwargs)
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    # Rasa imports it at each call (`from jsonschema import validate`): the module's
    # attribute is what it gets.
    jsonschema.validate = validate


if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
