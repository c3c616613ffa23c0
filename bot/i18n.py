"""Rendering the bot's responses from the Babel catalogs in locales/."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from string import Formatter
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.support import NullTranslations, Translations

from bot.responses import LABELS, NOT_GIVEN, parts
from bot.settings import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
LANGUAGES = ("fr", "ar", "ary", "ary_Latn")
MOROCCO_TZ = ZoneInfo("Africa/Casablanca")
DEFAULT_LANGUAGE = "fr"


class MissingCatalog(RuntimeError):
    """A compiled catalog is missing: run `make locales`."""


@lru_cache(maxsize=8)
def translations(language: str) -> NullTranslations:
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    mo = LOCALES_DIR / language / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        raise MissingCatalog(f"{mo} is missing: run `make locales`")
    return Translations.load(str(LOCALES_DIR), [language], domain="messages")


def gettext(text: str, language: str) -> str:
    return translations(language).ugettext(text)


class _Lenient(Formatter):
    """Leave unknown {placeholders} as they are rather than failing on a reply."""

    def get_value(self, key: int | str, args: Any, kwargs: dict[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


_formatter = _Lenient()


# Profile fields shown in a summary; a missing one reads "not given yet".
PROFILE_FIELDS = ("first_name", "age", "province", "education_level", "situation", "goal")


def localise_values(values: dict[str, Any], language: str) -> dict[str, Any]:
    """Stored codes (education "primary", province "fes") as she reads them."""
    from bot.registration.questions import place_name  # the gazetteer loads on first use

    shown = dict(values)
    for name in PROFILE_FIELDS:
        value = shown.get(name)
        if value is None or value == "":
            shown[name] = gettext(NOT_GIVEN, language)
        elif name in LABELS and value in LABELS[name]:
            shown[name] = gettext(LABELS[name][value], language)
        elif name == "province":
            shown[name] = place_name(str(value), language)
    when = values.get("when")
    if isinstance(when, str) and when:
        shown["when"] = format_when(when, language)
    choices = values.get("choices")
    if isinstance(choices, list | tuple):
        shown["choices"] = "\n".join(
            f"{number}. {place_name(str(code), language)}"
            for number, code in enumerate(choices, start=1)
        )
    return shown


def format_when(iso: str, language: str) -> str:
    """'lundi 09:00' / 'الاثنين 09:00' in Morocco's time; Babel knows ar_MA and fr_MA."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    locale = "ar_MA" if language in ("ar", "ary") else "fr_MA"
    return format_datetime(moment, "EEEE d MMMM HH:mm", tzinfo=MOROCCO_TZ, locale=locale)


def render(response: str, language: str, /, **values: Any) -> str | None:
    """The text of `response` in `language`, or None for an unknown response."""
    texts = parts(response)
    if texts is None:
        return None
    rendered = [gettext(text, language) for text in texts]
    return _formatter.format("\n".join(rendered), **localise_values(values, language))
