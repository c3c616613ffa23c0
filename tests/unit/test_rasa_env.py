"""What makes the Rasa model stale, and the environment Rasa runs in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot import rasa_env
from bot.settings import Settings


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "rasa_project"
    for name in rasa_env.TRAINING_INPUTS:
        source = rasa_env.RASA_PROJECT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            project.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, project / name)
    return project


def test_the_nlu_components_code_is_part_of_the_training_fingerprint(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    before = rasa_env.training_fingerprint(project)
    component = project / "minajliki_nlu" / "text_forms.py"
    component.write_text(component.read_text() + "\n# changed\n")
    assert rasa_env.training_fingerprint(project) != before


def test_compiled_files_do_not_make_the_model_stale(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    before = rasa_env.training_fingerprint(project)
    cache = project / "minajliki_nlu" / "__pycache__"
    cache.mkdir()
    (cache / "text_forms.cpython-310.pyc").write_bytes(b"\x00")
    assert rasa_env.training_fingerprint(project) == before


def test_rasa_finds_the_projects_components_from_any_folder() -> None:
    env = rasa_env.rasa_environment(Settings.from_env({}), base={"PYTHONPATH": "/elsewhere"})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(rasa_env.RASA_PROJECT), "/elsewhere"]
    env = rasa_env.rasa_environment(Settings.from_env({}), base={})
    assert env["PYTHONPATH"] == str(rasa_env.RASA_PROJECT)
