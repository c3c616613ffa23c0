"""HTTP sessions of the worker's clients (Rasa, Twilio): the environment read once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests


def read_environment_once(session: requests.Session) -> requests.Session:
    """Make `session` read the environment's proxy and certificate settings (HTTP(S)_PROXY,
    NO_PROXY, REQUESTS_CA_BUNDLE…) once per host, not again at every request.

    requests looks through the whole environment for each request it sends: a good part
    of the worker's own CPU per message (Rasa's turn, then one call to Twilio per reply),
    for settings that do not change while a process runs. The answer depends only on the
    URL's scheme and host and on the call's arguments, which are the cache's key.
    """
    merge = session.merge_environment_settings
    known: dict[tuple[Any, ...], dict[str, Any]] = {}

    def merge_once(url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, _frozen(proxies), stream, verify, _frozen(cert))
        settings = known.get(key)
        if settings is None:
            settings = known[key] = merge(url, proxies, stream, verify, cert)
        # A copy each time: requests may change the proxies it is given.
        return {**settings, "proxies": dict(settings.get("proxies") or {})}

    session.merge_environment_settings = merge_once  # type: ignore[method-assign]
    return session


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value
