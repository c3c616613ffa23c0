"""Read numbers, ages and education levels out of free answers to the registration questions.

Beneficiaries answer as they would answer a person: in French, Modern Standard Arabic, Darija
in Arabic script or Darija in Latin script (Arabizi: 3=ع, 7=ح, 9=ق, 2=ء, 5=خ), with digits from
three alphabets, numbers in words, typos and extra words. Every parser here returns ``None``
rather than guess when the answer is unclear, so that the bot asks again instead of storing a
wrong value.

Only the first ``MAX_CHARS`` characters of an answer are read: answers are short, and the bound
keeps the cost of hostile input (very long or binary messages) small.

The package is split by subject: ``text`` holds the normalisation and tokenising shared by
the parsers, ``numbers`` the number words, ``ages`` the ages and ``education`` the education
levels.
"""

from bot.parsing.ages import MAX_AGE, MIN_AGE, parse_age
from bot.parsing.education import EDUCATION_LEVELS, parse_education
from bot.parsing.numbers import MAX_NUMBER, parse_number_words
from bot.parsing.text import MAX_CHARS, to_ascii_digits

__all__ = [
    "EDUCATION_LEVELS",
    "MAX_AGE",
    "MAX_CHARS",
    "MAX_NUMBER",
    "MIN_AGE",
    "parse_age",
    "parse_education",
    "parse_number_words",
    "to_ascii_digits",
]
