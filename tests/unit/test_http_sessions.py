"""The worker's HTTP sessions read the environment's proxy settings once per host."""

from __future__ import annotations

import pytest
import requests

from bot.http_sessions import read_environment_once


def test_proxies_from_the_environment_are_honoured_per_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "rasa.internal")
    session = read_environment_once(requests.Session())
    plain = requests.Session()
    for url in ("https://api.twilio.com/2010-04-01/x", "https://rasa.internal/webhooks/rest"):
        ours = session.merge_environment_settings(url, {}, None, None, None)
        assert ours == plain.merge_environment_settings(url, {}, None, None, None)
    twilio = session.merge_environment_settings("https://api.twilio.com/y", {}, None, None, None)
    assert twilio["proxies"].get("https") == "http://proxy.example:3128"
    rasa = session.merge_environment_settings("https://rasa.internal/z", {}, None, None, None)
    assert "https" not in rasa["proxies"]


def test_the_environment_is_read_once_and_each_answer_is_a_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    session = read_environment_once(requests.Session())
    first = session.merge_environment_settings("http://rasa:5005/a", {}, None, None, None)
    first["proxies"]["http"] = "changed by a caller"
    monkeypatch.setenv("HTTP_PROXY", "http://other.example:8080")
    again = session.merge_environment_settings("http://rasa:5005/b", {}, None, None, None)
    assert again["proxies"]["http"] == "http://proxy.example:3128"
