"""The project's own dialogue-side parts for Rasa (named by module path in `endpoints.yml`).

Like `minajliki_nlu`, imported with `rasa_project/` as Rasa's working folder or on
`PYTHONPATH`.
"""
