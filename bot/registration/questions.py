"""The registration questions and how a free answer to each is read.

Every question can be answered with one digit; words in any of the four languages work too.
A reader returns an `Answer`: a value to store, or a `problem` naming the help to give.
Readers never guess: an unclear answer is asked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import gazetteer
from bot.parsing import EDUCATION_LEVELS, parse_age, parse_education, to_ascii_digits
from bot.parsing.text import fold

ADULT_AGE = 18
FIRST_NAME_MAX = 40

# Order of the questions; the Rasa form asks them in this order.
FIELDS = ("first_name", "age", "province", "education_level", "situation", "goal")

SITUATIONS = ("job_seeker", "business_idea", "runs_business", "other")
GOALS = ("find_job", "start_business", "grow_business", "training", "advice")
# The numbered answers of each closed question, in the order she reads them.
OPTIONS: dict[str, tuple[str, ...]] = {
    "education_level": EDUCATION_LEVELS,
    "situation": SITUATIONS,
    "goal": GOALS,
}

# Problems, each with its own help text (see bot/responses.py).
NOT_UNDERSTOOD = "not_understood"
TOO_YOUNG = "too_young"
AMBIGUOUS = "ambiguous"
UNKNOWN_PLACE = "unknown_place"
WRITE_NAME = "write_name"  # she declined the WhatsApp name: ask her to type hers


@dataclass(frozen=True)
class Answer:
    value: object = None
    problem: str | None = None
    # Numbered choices to show next (province codes or region codes).
    choices: tuple[str, ...] = field(default_factory=tuple)
    choices_kind: str | None = None  # "province" or "region"

    @property
    def ok(self) -> bool:
        return self.value is not None


def single_digit(text: str) -> int | None:
    """The number when the whole answer is a number ("2", "٢", " 3. "), else None."""
    cleaned = to_ascii_digits(text).strip().strip(".-)*#").strip()
    return int(cleaned) if cleaned.isdigit() and len(cleaned) <= 2 else None


def pick(options: tuple[str, ...], text: str) -> str | None:
    number = single_digit(text)
    if number is not None and 1 <= number <= len(options):
        return options[number - 1]
    return None


# ------------------------------------------------------------------------------- first name

# "my name is", said the ways she may say it, removed before the name itself.
_NAME_PREFIXES = re.compile(
    r"^(?:ana|ena|smiti|smyti|smitii|esmi|ismi|smya dyali|smia dyali|smiya dyali|"
    r"je m'?appelle|je m appelle|mon (?:pre|pré)?nom(?: est| c'?est)?|moi c'?est|c'?est|"
    r"je suis|اسمي|إسمي|سميتي|سميتي هي|انا|أنا|السمية ديالي)\s+",
    re.IGNORECASE,
)
_NAME_CHARS = re.compile(r"[^\w\s'\-]|[\d_]", re.UNICODE)


def read_first_name(text: str, offered: str | None = None) -> Answer:
    """Her first name; with `offered` (WhatsApp's name), "1" accepts it and "2" declines."""
    number = single_digit(text)
    if offered and number == 1:
        return read_first_name(offered)
    if number is not None:
        return Answer(problem=WRITE_NAME if offered and number == 2 else NOT_UNDERSTOOD)
    name = text.strip()
    for _ in range(2):  # "ana smiti Fatima"
        name = _NAME_PREFIXES.sub("", name).strip()
    name = " ".join(_NAME_CHARS.sub(" ", name).split())
    words = name.split()
    if not words or len(words) > 3 or len(name) > FIRST_NAME_MAX:
        return Answer(problem=NOT_UNDERSTOOD)
    if any(len(word) < 2 and not word.isalpha() for word in words):
        return Answer(problem=NOT_UNDERSTOOD)
    if name.isascii():
        name = " ".join(part[:1].upper() + part[1:].lower() for part in words)
    return Answer(value=name)


# ------------------------------------------------------------------------------------- age


def read_age(text: str) -> Answer:
    age = parse_age(text)
    if age is None:
        return Answer(problem=NOT_UNDERSTOOD)
    if age < ADULT_AGE:
        return Answer(problem=TOO_YOUNG)
    return Answer(value=age)


def age_band(age: int | None) -> str | None:
    """The band kept in anonymous statistics."""
    if age is None:
        return None
    for low, high in ((18, 24), (25, 34), (35, 44), (45, 54)):
        if age <= high:
            return f"{low}-{high}"
    return "55+"


# -------------------------------------------------------------------------------- province

MAX_LISTED = 5


def read_province(text: str, choices: tuple[str, ...] = (), kind: str | None = None) -> Answer:
    """A province code. A digit picks from the list she was shown; a region leads to its
    provinces; an unknown or ambiguous name leads to a short numbered list."""
    chosen = pick(choices, text) if choices else None
    if chosen and kind == "region":
        provinces = tuple(p.code for p in gazetteer.provinces() if p.region == chosen)
        return Answer(problem=AMBIGUOUS, choices=provinces, choices_kind="province")
    if chosen:
        return Answer(value=chosen)
    if single_digit(text) is not None and not choices:
        return Answer(problem=NOT_UNDERSTOOD)
    found = gazetteer.match(text, limit=MAX_LISTED)
    if len(found) == 1:
        return Answer(value=found[0].code)
    if found:
        return Answer(
            problem=AMBIGUOUS, choices=tuple(p.code for p in found), choices_kind="province"
        )
    regions = tuple(r.code for r in gazetteer.regions())
    return Answer(problem=UNKNOWN_PLACE, choices=regions, choices_kind="region")


def place_name(code: str, language: str) -> str:
    """A province or region's name as she reads it (Arabic script or Latin)."""
    place = gazetteer.get(code) or gazetteer.get_region(code)
    if place is None:
        return code
    return place.name_ar if language in ("ar", "ary") else place.name_fr


# ------------------------------------------------------------------- closed questions

# A few words per answer, folded (see bot.parsing.text.fold), for those who write instead.
_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "situation": {
        "job_seeker": (
            "khdma",
            "khedma",
            "5dma",
            "emploi",
            "travail",
            "boulot",
            "chomage",
            "chômage",
            "خدمة",
            "عمل",
            "شغل",
            "وظيفة",
            "بطالة",
        ),
        "business_idea": (
            "idee",
            "idée",
            "fikra",
            "projet",
            "machrou3",
            "mashrou3",
            "mochro3",
            "فكرة",
            "مشروع",
        ),
        "runs_business": (
            "deja",
            "déjà",
            "3andi",
            "3ndi",
            "activite",
            "activité",
            "commerce",
            "تجارة",
            "نشاط",
            "عندي",
        ),
    },
    "goal": {
        "find_job": (
            "khdma",
            "khedma",
            "5dma",
            "emploi",
            "travail",
            "boulot",
            "خدمة",
            "عمل",
            "شغل",
            "وظيفة",
        ),
        "start_business": (
            "projet",
            "machrou3",
            "mashrou3",
            "mochro3",
            "creer",
            "créer",
            "مشروع",
            "نفتح",
            "أنشئ",
            "انشاء",
        ),
        "grow_business": ("developper", "développer", "kber", "nkber", "نكبر", "تطوير", "طور"),
        "training": ("formation", "takwin", "tkwin", "تكوين", "تدريب"),
        "advice": ("conseil", "nasi7a", "نصيحة", "استشارة", "ma3rftch", "ماعرفتش", "sais pas"),
    },
}


def read_option(question: str, text: str) -> Answer:
    """The answer to a closed question: its digit, or words that name one answer only."""
    options = OPTIONS[question]
    chosen = pick(options, text)
    if chosen is not None:
        return Answer(value=chosen)
    if question == "education_level":
        level = parse_education(text)
        return Answer(value=level) if level else Answer(problem=NOT_UNDERSTOOD)
    folded = fold(text)
    named = [
        option
        for option, words in _KEYWORDS[question].items()
        if any(fold(word) in folded for word in words)
    ]
    return Answer(value=named[0]) if len(named) == 1 else Answer(problem=NOT_UNDERSTOOD)


def read(question: str, text: str, **context: object) -> Answer:
    """Read her answer to `question` (one of FIELDS)."""
    if question == "first_name":
        offered = context.get("offered")
        return read_first_name(text, offered if isinstance(offered, str) else None)
    if question == "age":
        return read_age(text)
    if question == "province":
        choices = context.get("choices") or ()
        kind = context.get("choices_kind")
        return read_province(
            text,
            tuple(choices),
            kind if isinstance(kind, str) else None,  # type: ignore[arg-type]
        )
    return read_option(question, text)
