"""Text forms the intent classifier reads, so that spellings of one word meet.

Women write the same word in many ways: with or without accents or hamzas, "merciiii",
Arabic or Latin script ("بغيت" / "bghit" / "bghite" / "brit"). Each function returns one view
of a message; the classifier learns from all of them side by side. Pure Python (no Rasa), so
the main test suite checks them too.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # short vowels, shadda, tatweel
_FOLD_LETTERS = str.maketrans("أإآٱىةؤئ٠١٢٣٤٥٦٧٨٩", "اااايهوي0123456789")
_REPEATS = re.compile(r"(.)\1{2,}")

# Arabic letters as Moroccans write them in Latin script (3 = ع, 7 = ح, 9 = ق …).
_ARABIZI = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "7", "خ": "kh", "د": "d",
    "ذ": "d", "ر": "r", "ز": "z", "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "d", "ع": "3", "غ": "gh", "ف": "f", "ق": "9", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "2", "ة": "a", "ى": "a", "گ": "g",
    "ڭ": "g", "ڤ": "v", "پ": "p", "؟": "?", "،": ",", "؛": ";",
}  # fmt: skip
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLES = re.compile(r"(.)\1+")

# Words that turn what follows into its opposite: "ne … pas", "ma … ch", "لا", "لن" …
_NEGATIONS = frozenset({
    "ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "non", "no",
    "لا", "لن", "لم", "ما", "ماشي", "مشي", "ليس", "ليست", "بلا", "بدون",
    "ma", "machi", "mashi", "mchi", "mat", "bla",
})  # fmt: skip
# Words that end a negation's reach: "je ne viens pas samedi mais dimanche oui".
_CLAUSE_BREAKS = frozenset({"mais", "walakin", "walaken", "lakin", "لكن", "ولكن", "بل", "w", "و"})
_TOKENS = re.compile(r"\w+|[^\w\s]")
_WORDS = re.compile(r"\w+")
_CLAUSE_PUNCTUATION = frozenset(".,;:!?،؛؟")
NEGATION = "NEG"


def normalise(text: str) -> str:
    """Lower case, no accents or Arabic short vowels, one form of each hamza, digits in ASCII."""
    text = _ARABIC_MARKS.sub("", text.lower()).translate(_FOLD_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _REPEATS.sub(r"\1\1", text)  # "merciiiii" → "mercii"


def word_runs(text: str) -> str:
    """The normalised words, separated by single spaces (punctuation and emojis dropped)."""
    return " ".join(_WORDS.findall(normalise(text)))


def arabizi(text: str) -> str:
    """The message with its Arabic letters written as Arabizi: "بغيت" → "bghyt"."""
    return "".join(_ARABIZI.get(c, c) for c in normalise(text))


def skeleton(text: str) -> str:
    """Consonants only, in Latin letters: "بغيت", "bghit" and "bghite" all give "bght"."""
    text = arabizi(text).replace("sh", "ch").replace("ou", "u").replace("q", "9")
    text = _VOWELS.sub("", text.replace("5", "kh"))
    return _DOUBLES.sub(r"\1", text)


def _negation_circumfix(token: str) -> bool:
    """Darija's ma…ch: "mabghitch", "ماتحيدونيش"."""
    if len(token) <= 3:
        return False
    return (token.startswith("ma") and token.endswith(("ch", "sh"))) or (
        token.startswith("ما") and token.endswith("ش")
    )


def negation_marks(text: str) -> str:
    """Word skeletons, those under a negation marked with "¬".

    "n'arrêtez pas les messages" and "arrêtez les messages" share their words but not their
    meaning; a bag of words cannot tell them apart, the marked words can.
    """
    words: list[str] = []
    negated = False
    for token in _TOKENS.findall(normalise(text)):
        if not token[0].isalnum():
            if token in _CLAUSE_PUNCTUATION:  # not the apostrophe of "n'arrêtez"
                negated = False
            continue
        if token in _CLAUSE_BREAKS:
            negated = False
        if token in _NEGATIONS or _negation_circumfix(token):
            negated = True
            words.append(NEGATION)
            if token not in _NEGATIONS:  # the verb inside ma…ch is itself negated
                words.append("¬" + skeleton(token))
            continue
        words.append(("¬" if negated else "") + skeleton(token))
    return " ".join(word for word in words if word not in ("", "¬"))
