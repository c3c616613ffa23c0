"""The project's own NLU components (loaded by Rasa from `config.yml` by module path).

Rasa runs with `rasa_project/` as its working folder (or on `PYTHONPATH`), so this package
is imported as `minajliki_nlu`.
"""
