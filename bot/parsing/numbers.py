"""Numbers from 0 to 120 written in words: French, Modern Standard Arabic, and Darija in Arabic
or Latin script, including glued compounds ("vingtcinq", "khamsaw3chrin", "خمسةوعشرين")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.parsing.text import Token, fold, latin_darija, tokenize

MAX_NUMBER = 120
# Longer tokens are never number words; the bound also keeps the glued-word search cheap.
MAX_TOKEN = 40

# Classes: U unit 0-9, T 10-19, D tens 20-90, H hundred, & conjunction.
_U, _T, _D, _H, _AND = "U", "T", "D", "H", "&"


@dataclass(frozen=True, slots=True)
class _Atom:
    value: int
    cls: str
    lang: str  # "fr", "ar" (Arabic script) or "lat" (Darija in Latin script)
    first: int  # token span, for the age words around a number
    last: int
    article: bool = False  # "un", "une", "wahd", "واحد" are also the indefinite article
    teen_only: bool = False  # "أحد", "اثنا" only exist before "عشر"
    msa_ten: bool = False  # "عشر", "عشرة": after a unit they make a teen (خمسة عشر)


_FR_SPELLINGS: dict[int, str] = {
    0: "zero",
    1: "un une",
    2: "deux deu",
    3: "trois troi",
    4: "quatre katre quatres",
    5: "cinq cinque",
    6: "six",
    7: "sept",
    8: "huit",
    9: "neuf",
    10: "dix",
    11: "onze",
    12: "douze",
    13: "treize",
    14: "quatorze katorze",
    15: "quinze kinze",
    16: "seize seise",
    20: "vingt vingts vint vints",
    30: "trente trante",
    40: "quarante karante quarente",
    50: "cinquante cinquente cinqante",
    60: "soixante soixantes soisante soixente soissante",
    70: "septante",
    80: "huitante octante",
    90: "nonante",
    100: "cent cents",
}


def _cls_of(value: int) -> str:
    return _U if value < 10 else _T if value < 20 else _D if value < 100 else _H


_FR_WORDS: dict[str, int] = {
    word: value for value, spellings in _FR_SPELLINGS.items() for word in spellings.split()
}

_LAT_CONNECTORS = {"et": "fr", "o": "lat", "w": "lat", "u": "lat", "ou": "lat", "wa": "lat"}

# Darija in Latin script, matched after ``latin_darija``: vowels are optional or vary, "3"
# (ع) may be dropped in writing, teens end in -tach/-ta3ch.
_TACH = r"ta3?che?"
_LAT_PATTERNS: dict[int, str] = {
    0: r"s[ie]?fr|z[ie]ro",
    1: r"w[ae]?h[aei]?da?",
    2: r"[jz][uo]j|i?tn[aei]?[iy]?ne?",
    3: r"t[ae]?l[ae]?t[ae]?",
    4: r"a?r[ae]?b[ae]?(?:3[ae]?|a)",
    5: r"kh[ae]?m[ae]?s[ae]?",
    6: r"s[aei]?ta",
    7: r"s[ae]?b[ae]?3[ae]?",
    8: r"t[ae]?m[ae]?n[iy]+a",
    9: r"t[aei]?s[ae]?3(?:[aeuo]d|a)?",
    10: r"(?:3[aeiou]?|[ae])chr[ae]?",
    11: r"i?h[ae]?da3?che?",
    12: r"i?tna3?che?",
    13: rf"t[ae]?l[ae]?{_TACH}",
    14: rf"a?r[ae]?b[ae]?3?{_TACH}",
    15: rf"kh[ae]?m[ae]?s{_TACH}",
    16: rf"s[aei]?{_TACH}",
    17: rf"s[ae]?b[ae]?3?{_TACH}",
    18: rf"t[ae]?m[ae]?n[ae]?{_TACH}",
    19: rf"t[aei]?s[ae]?3?{_TACH}",
    20: r"(?:3[aeiou]?|[aei])chr[iye]ne?",
    30: r"t[ae]?l[ae]?t[iye]ne?",
    40: r"a?r[ae]?b[ae]?(?:3|a)?[iye]ne?",
    50: r"kh[ae]?m[ae]?s[iye]ne?",
    60: r"s[aei]?t[iye]ne?",
    70: r"s[ae]?b[ae]?(?:3|a)?[iye]ne?",
    80: r"t[ae]?m[ae]?n[iye]ne?",
    90: r"t[aei]?s[ae]?3[iye]ne?",
    100: r"m[iey]{1,2}at?",
}


_LAT_ANY = re.compile("|".join(f"(?P<n{v}>{p})" for v, p in _LAT_PATTERNS.items()))


def _alternation(values: range | tuple[int, ...]) -> str:
    return "|".join(f"(?:{_LAT_PATTERNS[v]})" for v in values)


_LAT_UNITS = _alternation(range(1, 10))
_LAT_TENS = _alternation(tuple(range(20, 100, 10)))
_LAT_BELOW_100 = _alternation(tuple(range(1, 20)) + tuple(range(20, 100, 10)))
_LAT_CONJ = r"(?:u|o|w|wa)"
# Glued compounds: "wahdo3chrin", "khmsaw3chrin", "myaw3chrin", and "w3chrin" after a unit.
_LAT_GLUED = (
    re.compile(rf"(?P<a>{_LAT_UNITS}){_LAT_CONJ}(?P<b>{_LAT_TENS})"),
    re.compile(rf"(?P<a>{_LAT_PATTERNS[100]}){_LAT_CONJ}(?P<b>{_LAT_BELOW_100})"),
    re.compile(rf"{_LAT_CONJ}(?P<b>{_LAT_TENS}|{_LAT_PATTERNS[100]})"),
)

_AR_SPELLINGS: dict[int, str] = {
    0: "صفر",
    1: "واحد واحدة",
    2: "اثنان اثنين اثنتان اثنتين جوج زوج",
    3: "ثلاثة ثلاث تلاتة تلات",
    4: "أربعة أربع ربعة",
    5: "خمسة خمس",
    6: "ستة ست",
    7: "سبعة سبع",
    8: "ثمانية ثماني ثمان تمنية تمانية",
    9: "تسعة تسع تسعود",
    10: "عشرة عشر",
    11: "حداش احداش حضاش",
    12: "طناش اطناش تناش اتناش",
    13: "تلطاش طلطاش تلتاش تلاتطاش",
    14: "ربعطاش اربعطاش",
    15: "خمسطاش",
    16: "سطاش ستاش",
    17: "سبعطاش",
    18: "تمنطاش تمانطاش",
    19: "تسعطاش",
    20: "عشرين عشرون",
    30: "ثلاثين ثلاثون تلاتين تلتين",
    40: "أربعين أربعون ربعين",
    50: "خمسين خمسون",
    60: "ستين ستون",
    70: "سبعين سبعون",
    80: "ثمانين ثمانون تمانين تمنين",
    90: "تسعين تسعون",
    100: "مائة مئة مية ماية",
}
_AR_TEEN_ONLY = {"أحد": 1, "إحدى": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_AR_ARTICLES = {fold(w) for w in ("واحد", "واحدة")}
_AR_TENS_WORDS = {fold(w) for w in ("عشرة", "عشر")}


def _arabic_words() -> dict[str, tuple[int, bool]]:
    """Folded spelling -> (value, teen_only)."""
    words: dict[str, tuple[int, bool]] = {}
    for value, spellings in _AR_SPELLINGS.items():
        for word in spellings.split():
            words[fold(word)] = (value, False)
            if 11 <= value <= 19:  # Levantine/Egyptian ending: حداشر, طناشر
                words[fold(word) + "ر"] = (value, False)
    for word, value in _AR_TEEN_ONLY.items():
        words[fold(word)] = (value, True)
    return words


_AR_WORDS = _arabic_words()
_AR_CONJ = "و"


def _atom(value: int, lang: str, index: int, **flags: bool) -> _Atom:
    return _Atom(value, _cls_of(value), lang, index, index, **flags)


def _conj(lang: str, index: int) -> _Atom:
    return _Atom(-1, _AND, lang, index, index)


def _lat_value(word: str) -> int | None:
    match = _LAT_ANY.fullmatch(word)
    if match is None or match.lastgroup is None:
        return None
    return int(match.lastgroup[1:])


def _segment(word: str, pieces: dict[str, object]) -> list[str] | None:
    """Split a glued word ("vingtcinq", "خمسةوعشرين") into known pieces, longest first."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[len(word)] = []
    longest = max(map(len, pieces))
    for start in range(len(word) - 1, -1, -1):
        for end in range(min(len(word), start + longest), start, -1):
            rest = best[end]
            if rest is not None and word[start:end] in pieces:
                best[start] = [word[start:end], *rest]
                break
    return best[0]


def _glued_ok(atoms: list[_Atom]) -> bool:
    """A glued word counts when it holds two numbers and no dangling conjunction."""
    numbers = [a for a in atoms if a.cls != _AND]
    return len(numbers) >= 2 and atoms[0].cls != _AND and atoms[-1].cls != _AND


_FR_PIECES: dict[str, object] = {**_FR_WORDS, "et": None}
_AR_PIECES: dict[str, object] = {**_AR_WORDS, _AR_CONJ: None}


def _latin_atoms(word: str, index: int) -> list[_Atom]:
    if word in _LAT_CONNECTORS:
        return [_conj(_LAT_CONNECTORS[word], index)]
    if word in _FR_WORDS:
        return [_atom(_FR_WORDS[word], "fr", index, article=word in {"un", "une"})]
    darija = latin_darija(word)
    value = _lat_value(darija)
    if value is not None:
        return [_atom(value, "lat", index, article=value == 1)]
    if len(word) > MAX_TOKEN:
        return []
    pieces = _segment(word, _FR_PIECES)
    if pieces:
        atoms = [
            _conj("fr", index) if p == "et" else _atom(_FR_WORDS[p], "fr", index) for p in pieces
        ]
        if _glued_ok(atoms):
            return atoms
    for glued in _LAT_GLUED:
        match = glued.fullmatch(darija)
        if match is None:
            continue
        atoms = [] if "a" in glued.groupindex else [_conj("lat", index)]
        for name in ("a", "b"):
            if name in glued.groupindex:
                part = _lat_value(match.group(name))
                if part is None:
                    break
                atoms.append(_atom(part, "lat", index))
                if name == "a":
                    atoms.append(_conj("lat", index))
        else:
            return atoms
    return []


def _arabic_atoms(word: str, index: int) -> list[_Atom]:
    if word == _AR_CONJ:
        return [_conj("ar", index)]
    if word in _AR_WORDS:
        value, teen_only = _AR_WORDS[word]
        return [
            _atom(
                value,
                "ar",
                index,
                article=word in _AR_ARTICLES,
                teen_only=teen_only,
                msa_ten=word in _AR_TENS_WORDS,
            )
        ]
    if len(word) > MAX_TOKEN:
        return []
    # "وعشرون"; not "وسط" (folded وست), whose rest is too short to be read as "and six".
    if word.startswith(_AR_CONJ) and len(word) > 3 and word[1:] in _AR_WORDS:
        return [_conj("ar", index), *_arabic_atoms(word[1:], index)]
    pieces = _segment(word, _AR_PIECES)
    if not pieces:
        return []
    atoms = [a for p in pieces for a in _arabic_atoms(p, index)]
    return atoms if _glued_ok(atoms) else []


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def _word_atoms(word: str, index: int) -> list[_Atom]:
    if word.isdigit() or not word:
        return []
    if _ARABIC_LETTER.search(word):
        return _arabic_atoms(word, index)
    return _latin_atoms(word, index)


def _merge(atoms: list[_Atom]) -> list[_Atom]:
    """Join the pairs that make one number: quatre-vingt, dix-sept, خمسة عشر."""
    out: list[_Atom] = []
    for atom in atoms:
        if out:
            prev = out[-1]
            both_fr = prev.lang == atom.lang == "fr"
            if both_fr and prev.cls == _U and prev.value == 4 and atom.value == 20:
                out[-1] = replace(prev, value=80, cls=_D, last=atom.last)
                continue
            if both_fr and prev.value == 10 and atom.cls == _U and atom.value >= 7:
                out[-1] = replace(prev, value=10 + atom.value, last=atom.last)
                continue
            if prev.lang == "ar" and prev.cls == _U and prev.value >= 1 and atom.msa_ten:
                out[-1] = replace(
                    prev,
                    value=10 + prev.value,
                    cls=_T,
                    last=atom.last,
                    article=False,
                    teen_only=False,
                )
                continue
        out.append(atom)
    return out


@dataclass(frozen=True, slots=True)
class _Phrase:
    value: int
    first: int
    last: int
    article: bool


def _next_number(atoms: list[_Atom], j: int) -> tuple[int, _Atom | None] | None:
    """The number at ``j``, or after one conjunction at ``j``, with that conjunction."""
    if j < len(atoms) and atoms[j].cls != _AND:
        return j, None
    if j + 1 < len(atoms) and atoms[j].cls == _AND and atoms[j + 1].cls != _AND:
        return j + 1, atoms[j]
    return None


def _joins(conj: _Atom | None, left: _Atom, right: _Atom) -> bool:
    # French "ou" means "or": "vingt ou cinq" is two numbers, Darija "khamsa ou 3chrin" one.
    if conj is not None and conj.lang == "lat" and left.lang == right.lang == "fr":
        return False
    return not right.teen_only


def _below_100(atoms: list[_Atom], i: int) -> tuple[int, int]:
    left = atoms[i]
    found = _next_number(atoms, i + 1)
    if found is not None:
        k, conj = found
        right = atoms[k]
        if _joins(conj, left, right):
            if left.cls == _D and right.cls == _U and right.value >= 1:
                return left.value + right.value, k + 1
            if (
                left.cls == _D
                and right.cls == _T
                and left.value in (60, 80)
                and left.lang == right.lang == "fr"
            ):  # soixante-douze, quatre-vingt-onze
                return left.value + right.value, k + 1
            if left.cls == _U and left.value >= 1 and right.cls == _D and left.lang != "fr":
                return left.value + right.value, k + 1  # khamsa w 3chrin, خمسة وعشرون
    return left.value, i + 1


def _parse_run(atoms: list[_Atom]) -> list[_Phrase]:
    """Read consecutive number words as [hundred] [tens and units] phrases."""
    atoms = _merge(atoms)
    phrases: list[_Phrase] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.cls == _AND or atom.teen_only:
            i += 1
            continue
        if atom.cls == _H:
            value, j = 100, i + 1
            found = _next_number(atoms, i + 1)
            if found is not None:
                k, conj = found
                right = atoms[k]
                if right.cls != _H and right.value >= 1 and _joins(conj, atom, right):
                    rest, j = _below_100(atoms, k)
                    value += rest
        else:
            value, j = _below_100(atoms, i)
        article = j == i + 1 and atom.article
        phrases.append(_Phrase(value, atom.first, atoms[j - 1].last, article))
        i = j
    return phrases


def word_phrases(tokens: list[Token]) -> list[_Phrase]:
    phrases: list[_Phrase] = []
    run: list[_Atom] = []
    for index, token in enumerate(tokens):
        atoms = _word_atoms(token.text, index) if token.kind == "word" else []
        if atoms:
            run.extend(atoms)
        elif run:
            phrases.extend(_parse_run(run))
            run = []
    if run:
        phrases.extend(_parse_run(run))
    return phrases


def parse_number_words(text: str) -> int | None:
    """The number from 0 to 120 written in words in ``text``, in any of the four varieties.

    Digits are not read (``parse_age`` does that). Several different numbers make the answer
    ambiguous (``None``); a lone "un"/"wahd"/"واحد" next to another number is taken for the
    indefinite article and ignored.
    """
    phrases = word_phrases(tokenize(text))
    numbers = [p for p in phrases if not p.article] or phrases
    values = {p.value for p in numbers}
    if len(values) != 1:
        return None
    value = values.pop()
    return value if 0 <= value <= MAX_NUMBER else None
