"""Normalisation shared by the parsers: digits, case, marks and interchangeable letters, Latin
Darija spellings, and the tokens that the number and age parsers read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Only the first ``MAX_CHARS`` characters of an answer are read (see the package docstring).
MAX_CHARS = 1000

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)

# Letters that people write interchangeably: hamza carriers, ta marbuta, alif maqsura, the
# Darija habit of writing ث as ت and ط as ت in numbers, Persian/Maghrebi letter forms.
_FOLD = str.maketrans(
    {
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ث": "ت",
        "ط": "ت",
        "ٱ": "ا",
        "ء": None,
        "ـ": None,
        "ک": "ك",
        "گ": "ك",
        "ڭ": "ك",
        "œ": "oe",
        "æ": "ae",
        "’": "'",
        "`": "'",
        "´": "'",
    }
)


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits with ASCII digits.

    Phones in Morocco send either form depending on the keyboard, and the parsers only read
    ASCII digits.
    """
    return text.translate(_DIGITS)


def _strip_marks(text: str) -> str:
    """Drop accents, Arabic short vowels, shadda and hamza marks (all combining marks)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Fold case, marks and interchangeable letters so that spelling variants compare equal."""
    return _strip_marks(to_ascii_digits(text).casefold()).translate(_FOLD)


def fold_pattern(pattern: str) -> str:
    """Fold the letters of a regular expression like ``fold`` folds text (no case folding,
    which would turn ``\\S`` into ``\\s``)."""
    return _strip_marks(pattern).translate(_FOLD)


def latin_darija(word: str) -> str:
    """Reduce an Arabizi word to one spelling: 5=kh, 7/8=h, no hamza, ou=u, doubled letters
    once (so "stta", "setta" and "sitta" all meet the same pattern)."""
    word = word.replace("5", "kh").replace("7", "h").replace("8", "h").replace("2", "")
    word = word.replace("ou", "u").replace("sh", "ch").replace("th", "t").replace("dh", "d")
    return re.sub(r"(.)\1+", r"\1", word)


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    kind: str  # "word", "num" (ASCII digits) or "date"


def word_set(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# Words right after a number that make it an age.
AGE_UNITS = word_set(
    """
    ans an annee annees 3am 3ame 3amat sana sna snin snine sanawat a3wam years year yrs yo y
    سنة سنين سنوات عام أعوام سنا
    """
)

TOKEN_RE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)|[^\W_]+")
_GLUED_UNIT = re.compile(r"(\d+)([^\W\d_]+)")


def tokenize(text: str) -> list[Token]:
    """Split into words, digit runs and dates; "27ans" and "28سنة" become two tokens."""
    tokens: list[Token] = []
    for match in TOKEN_RE.finditer(fold(text[:MAX_CHARS])):
        word = match.group()
        if match.group(1) is not None:
            tokens.append(Token(word, "date"))
        elif word.isascii() and word.isdigit():
            tokens.append(Token(word, "num"))
        elif (glued := _GLUED_UNIT.fullmatch(word)) and glued.group(2) in AGE_UNITS:
            tokens.append(Token(glued.group(1), "num"))
            tokens.append(Token(glued.group(2), "word"))
        else:
            tokens.append(Token(word, "word"))
    return tokens
