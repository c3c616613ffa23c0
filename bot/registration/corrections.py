"""Spotting "that is not right" in the middle of registration, and which answer she means."""

from __future__ import annotations

import re

from bot.parsing.text import fold

LAST = "last"  # she did not say which answer: the one she just gave
_GLUED = "فبلو"  # prepositions and "and", written as one word with the next

_MARKERS = re.compile(
    "|".join(
        (
            r"\bmachi\b", r"\bmashi\b", r"\bmachy\b", r"\bghalat\b", r"\bghlat\b", r"\bghlet\b",
            r"\btghlet\b", r"\bghlt\b", r"\bt9le9t\b", r"\btrompee?\b", r"\berreur\b",
            r"\bcorrig", r"\bpas (?:ca|ça|juste|correct)", r"\bce n.?est pas\b", r"\bfaux\b",
            r"\bbeddel", r"\bbdel\b", r"\bmodifi", r"\bchanger\b",
            "ماشي", "غلطت", "غلط", "خطأ", "خطا", "ليس", "بدل", "تصحيح", "صحح", "عدل",
        )
    ),
    re.IGNORECASE,
)  # fmt: skip

# Words naming each answer, folded; checked in this order.
_FIELD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("first_name", ("smiti", "smya", "smia", "smiya", "esmi", "ismi", "nom", "prenom",
                    "اسم", "اسمي", "سمية", "سميتي", "الاسم")),
    ("age", ("3mri", "3omri", "omri", "age", "sen", "سن", "عمر", "عمري")),
    ("province", ("mdina", "lmdina", "ville", "bled", "province", "ville", "مدينة", "المدينة",
                  "بلاد", "إقليم", "اقليم")),
    ("education_level", ("qraya", "9raya", "etudes", "niveau", "diplome", "قراية", "دراسة",
                         "مستوى", "شهادة")),
    ("situation", ("situation", "wade3", "wad3", "وضعية", "حالة")),
    ("goal", ("objectif", "but", "hadaf", "هدف", "بغيت")),
)  # fmt: skip


def is_correction(text: str) -> bool:
    return bool(_MARKERS.search(text)) or bool(_MARKERS.search(fold(text)))


def correction_target(text: str) -> str | None:
    """The answer she wants to correct (a field, or LAST), or None when it is no correction."""
    if not is_correction(text):
        return None
    words = set(re.findall(r"\w+", fold(text)))
    # A preposition glued to an Arabic-script word: فالمدينة, فعمري.
    words |= {word[1:] for word in words if len(word) > 3 and word[0] in _GLUED}
    for field_name, names in _FIELD_WORDS:
        if any(fold(name) in words for name in names):
            return field_name
    return LAST
