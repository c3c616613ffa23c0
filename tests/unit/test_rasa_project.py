"""The Rasa project and the app agree: intents, responses, actions, menus."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.responses import RESPONSES
from rasa_project.actions.menus import MAIN, MENUS, resolve

RASA = Path(__file__).resolve().parents[2] / "rasa_project"
CONTRACT_INTENTS = {
    "greet", "goodbye", "thank", "register", "ask_program_info", "ask_trainings",
    "confirm_attendance", "cancel_attendance", "orientation_job", "orientation_business",
    "request_human", "opt_out", "opt_in", "change_language", "delete_my_data", "help",
    "affirm", "deny", "inform", "out_of_scope",
}  # fmt: skip
CONTRACT_ENTITIES = {"city", "person_name", "age", "education_level"}


def domain() -> dict:  # type: ignore[type-arg]
    merged: dict = {"intents": [], "entities": [], "responses": {}, "actions": [], "forms": {}}  # type: ignore[type-arg]
    for path in sorted((RASA / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text()) or {}
        for key in ("intents", "entities", "actions"):
            merged[key] += part.get(key, [])
        merged["responses"].update(part.get("responses", {}))
        merged["forms"].update(part.get("forms", {}))
    return merged


def test_domain_has_every_contract_intent_and_entity() -> None:
    assert set(domain()["intents"]) >= CONTRACT_INTENTS
    assert set(domain()["entities"]) >= CONTRACT_ENTITIES


def test_domain_responses_are_exactly_the_ones_the_nlg_renders() -> None:
    assert set(domain()["responses"]) == set(RESPONSES)


def test_every_variety_has_training_data_for_every_contract_intent() -> None:
    for variety in ("fr", "ar", "ary", "ary_Latn"):
        data = yaml.safe_load((RASA / "data" / "nlu" / f"{variety}.yml").read_text())
        intents = {item["intent"] for item in data["nlu"] if "intent" in item}
        assert intents >= CONTRACT_INTENTS, f"{variety} lacks {CONTRACT_INTENTS - intents}"


def test_rules_use_only_declared_actions() -> None:
    d = domain()
    rasa_defaults = {"action_listen", "action_restart", "action_default_fallback"}
    declared = set(d["responses"]) | set(d["actions"]) | set(d.get("forms") or {}) | rasa_defaults
    for path in (RASA / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text())["rules"]:
            for step in rule["steps"]:
                if "action" in step:
                    assert step["action"] in declared, (path.name, step["action"])


def test_sessions_end_and_carry_her_slots_over() -> None:
    """With no expiry Rasa replays every event she ever produced on every turn."""
    config = yaml.safe_load((RASA / "domain" / "core.yml").read_text())["session_config"]
    assert config["session_expiration_time"] > 0
    assert config["carry_over_slots_to_new_session"] is True
    assert "action_session_start" in domain()["actions"]  # the form goes on too


def test_main_menu_digits() -> None:
    assert resolve(MAIN, "3") == "utter_program_info"
    assert resolve(MAIN, "1") == "action_start_registration"
    assert resolve(MAIN, "9") is None
    assert resolve(None, "1") == MENUS[MAIN][1]
    assert resolve(MAIN, "x") is None
