"""The whole-message STOP / START keywords, read before the model."""

from __future__ import annotations

import pytest

from bot.beneficiaries.reachability import OPT_IN, OPT_OUT, keyword


@pytest.mark.parametrize(
    "text", ["STOP", "stop", " Stop! ", "ARRET", "Arrêt", "arrêter", "وقف", "توقف", "stop."]
)
def test_stop_keywords_opt_her_out(text: str) -> None:
    assert keyword(text) == OPT_OUT


@pytest.mark.parametrize("text", ["START", "start", "Démarrer", "ابدأ", "reprendre !"])
def test_start_keywords_opt_her_back_in(text: str) -> None:
    assert keyword(text) == OPT_IN


@pytest.mark.parametrize(
    "text", ["stop les messages svp", "ma bghitch stop", "salam", "", "Fatima", "stopper"]
)
def test_only_the_whole_message_counts_as_a_keyword(text: str) -> None:
    assert keyword(text) is None
