"""Read numbers, ages and education levels out of free answers to the registration questions.

Beneficiaries answer as they would answer a person: in French, Modern Standard Arabic, Darija
in Arabic script or Darija in Latin script (Arabizi: 3=ع, 7=ح, 9=ق, 2=ء, 5=خ), with digits from
three alphabets, numbers in words, typos and extra words. Every parser here returns ``None``
rather than guess when the answer is unclear, so that the bot asks again instead of storing a
wrong value.

Only the first ``MAX_CHARS`` characters of an answer are read: answers are short, and the bound
keeps the cost of hostile input (very long or binary messages) small.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

__all__ = [
    "EDUCATION_LEVELS",
    "MAX_CHARS",
    "parse_age",
    "parse_education",
    "parse_number_words",
    "to_ascii_digits",
]

MAX_CHARS = 1000
MIN_AGE, MAX_AGE = 10, 100
MAX_NUMBER = 120
# Longer tokens are never number words; the bound also keeps the glued-word search cheap.
MAX_TOKEN = 40

EDUCATION_LEVELS: tuple[str, ...] = (
    "none",
    "primary",
    "secondary",
    "baccalaureate",
    "university",
    "vocational",
)

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


def _fold(text: str) -> str:
    """Fold case, marks and interchangeable letters so that spelling variants compare equal."""
    return _strip_marks(to_ascii_digits(text).casefold()).translate(_FOLD)


def _fold_pattern(pattern: str) -> str:
    """Fold the letters of a regular expression like ``_fold`` folds text (no case folding,
    which would turn ``\\S`` into ``\\s``)."""
    return _strip_marks(pattern).translate(_FOLD)


def _latin_darija(word: str) -> str:
    """Reduce an Arabizi word to one spelling: 5=kh, 7/8=h, no hamza, ou=u, doubled letters
    once (so "stta", "setta" and "sitta" all meet the same pattern)."""
    word = word.replace("5", "kh").replace("7", "h").replace("8", "h").replace("2", "")
    word = word.replace("ou", "u").replace("sh", "ch").replace("th", "t").replace("dh", "d")
    return re.sub(r"(.)\1+", r"\1", word)


# --------------------------------------------------------------------------------------------
# Number words
# --------------------------------------------------------------------------------------------

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

# Darija in Latin script, matched after ``_latin_darija``: vowels are optional or vary, "3"
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
_AR_ARTICLES = {_fold(w) for w in ("واحد", "واحدة")}
_AR_TENS_WORDS = {_fold(w) for w in ("عشرة", "عشر")}


def _arabic_words() -> dict[str, tuple[int, bool]]:
    """Folded spelling -> (value, teen_only)."""
    words: dict[str, tuple[int, bool]] = {}
    for value, spellings in _AR_SPELLINGS.items():
        for word in spellings.split():
            words[_fold(word)] = (value, False)
            if 11 <= value <= 19:  # Levantine/Egyptian ending: حداشر, طناشر
                words[_fold(word) + "ر"] = (value, False)
    for word, value in _AR_TEEN_ONLY.items():
        words[_fold(word)] = (value, True)
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
    darija = _latin_darija(word)
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


def _word_phrases(tokens: list[_Token]) -> list[_Phrase]:
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
    phrases = _word_phrases(_tokenize(text))
    numbers = [p for p in phrases if not p.article] or phrases
    values = {p.value for p in numbers}
    if len(values) != 1:
        return None
    value = values.pop()
    return value if 0 <= value <= MAX_NUMBER else None


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str  # "word", "num" (ASCII digits) or "date"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in words.split())


# Words right after a number that make it an age.
_AGE_UNITS = _word_set(
    """
    ans an annee annees 3am 3ame 3amat sana sna snin snine sanawat a3wam years year yrs yo y
    سنة سنين سنوات عام أعوام سنا
    """
)
# Words shortly before a number that make it an age.
_AGE_BEFORE = _word_set(
    """
    age agee ages 3mri 3omri 3emri 3amri omri 3mr 3omr l3mr l3omr l3mer l3omor 3mer sni sinni
    عمري عمر العمر سني سن
    """
)
# "I have" / "me" right before a number: a hint only, since "j'ai 2 enfants" is not an age.
_HAVE_BEFORE = _word_set("ai jai 3andi 3ndi andi 3endi 3ndy 3andy aandi ana moi عندي انا")
_BIRTH_BEFORE = _word_set(
    """
    nee ne naissance born mwlouda mawlouda mouloda mwlouda mazyouda mazyuda mzyouda mezyouda
    mzyoda tzadt tzdt zdt zadt zedt tzadit twaladt twldt wldt wlidt
    ولدت مزدادة مزداد مواليد ازديادي الازدياد ولادتي ميلادي ميلاد تزاديت
    """
)
# Nouns that show a number counts something else: "2 enfants", "3 wlad", "جوج ولاد".
_COUNTED = _word_set(
    """
    enfants enfant fils filles fille garcon garcons gosses bebe bebes freres frere soeurs soeur
    mois jours jour semaines semaine heures heure h min minutes dh dhs dirhams dirham mad euros
    euro kg kilos km metres personnes fois children kids months days weeks hours
    wlad wld wald ouled oulad awlad drari bnat bnt bent khout khwat chhar chhor chhour ayam
    iyam yam nhar nhara sa3a sa3at swaye3 d9aye9 dqayq derham drahem dra ryal rial mrat merrat
    marrat nas
    ولاد أولاد ولد بنات بنت أطفال طفل أبناء خوت إخوة أخوات شهور شهر أشهر أيام يوم ساعات ساعة
    دقايق درهم دراهم ريال مرات مرة ناس أشخاص أسابيع أسبوع سيمانات كيلو
    """
)
# Words before a number that make it an address, a phone or an ID, never an age.
_NOT_AGE_BEFORE = _word_set(
    """
    rue n no num numero tel tele telephone gsm phone appartement appt app bloc lot cin code
    zanqa derb imm immeuble
    رقم هاتف الهاتف زنقة درب بلوك عمارة
    """
)

_TOKEN_RE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)|[^\W_]+")
_GLUED_UNIT = re.compile(r"(\d+)([^\W\d_]+)")


def _tokenize(text: str) -> list[_Token]:
    """Split into words, digit runs and dates; "27ans" and "28سنة" become two tokens."""
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(_fold(text[:MAX_CHARS])):
        word = match.group()
        if match.group(1) is not None:
            tokens.append(_Token(word, "date"))
        elif word.isascii() and word.isdigit():
            tokens.append(_Token(word, "num"))
        elif (glued := _GLUED_UNIT.fullmatch(word)) and glued.group(2) in _AGE_UNITS:
            tokens.append(_Token(glued.group(1), "num"))
            tokens.append(_Token(glued.group(2), "word"))
        else:
            tokens.append(_Token(word, "word"))
    return tokens


# --------------------------------------------------------------------------------------------
# Age
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    age: int | None
    score: int


def _years_since(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _full_year(value: int, today: date) -> int:
    """Read a two-digit birth year ("née en 95") as the latest year not in the future."""
    year = 2000 + value
    return year if year <= today.year else 1900 + value


def _date_age(token: str, today: date) -> int | None:
    match = _TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    if year < 100:
        year = _full_year(year, today)
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    return _years_since(born, today) if born <= today else None


def _candidate(
    tokens: list[_Token], first: int, last: int, value: int | None, kind: str, today: date
) -> _Candidate | None:
    """Score one number by the words around it; ``None`` when it is clearly not an age."""
    before = {t.text for t in tokens[max(0, first - 3) : first]}
    prev = tokens[first - 1].text if first > 0 else ""
    following = tokens[last + 1].text if last + 1 < len(tokens) else ""
    unit_after = following in _AGE_UNITS
    birth = not unit_after and bool(before & _BIRTH_BEFORE)
    score = 3 * unit_after + 3 * bool(before & _AGE_BEFORE) + (prev in _HAVE_BEFORE)
    age = value
    if kind == "date":
        age = _date_age(tokens[first].text, today)
        score += 3 * birth
    elif kind == "num" and value is not None and not unit_after:
        text = tokens[first].text
        if len(text) == 4 and 1900 <= value <= today.year:
            age, score = today.year - value, score + 3 * birth
        elif birth and len(text) == 2:
            age, score = today.year - _full_year(value, today), score + 3
    if score < 3 and (following in _COUNTED or prev in _NOT_AGE_BEFORE):
        return None
    return _Candidate(age, score)


def parse_age(text: str, today: date | None = None) -> int | None:
    """The age in a free answer, from 10 to 100, else ``None`` (the caller checks 18+).

    Reads digits in any alphabet, numbers in words, birth years ("née en 1995", or a year
    alone) and birth dates (dd/mm/yyyy). When several numbers appear, the one next to an age
    word wins ("j'ai 2 enfants et 30 ans" is 30); without such a word, several different
    numbers are ambiguous and give ``None``. Numbers written with a leading zero are phone
    numbers, not ages. A birth year gives the age reached this calendar year.
    """
    today = today or date.today()
    tokens = _tokenize(text)
    candidates: list[_Candidate] = []
    for index, token in enumerate(tokens):
        if token.kind == "date":
            found = _candidate(tokens, index, index, None, "date", today)
        elif token.kind == "num":
            if len(token.text) > 1 and token.text.startswith("0"):
                continue
            value = int(token.text) if len(token.text) <= 9 else None
            found = _candidate(tokens, index, index, value, "num", today)
        else:
            continue
        if found is not None:
            candidates.append(found)
    for phrase in _word_phrases(tokens):
        found = _candidate(tokens, phrase.first, phrase.last, phrase.value, "words", today)
        if found is not None and (found.score >= 3 or not phrase.article):
            candidates.append(found)
    if not candidates:
        return None
    best = max(c.score for c in candidates)
    ages = {c.age for c in candidates if c.score == best}
    if len(ages) != 1:
        return None
    age = ages.pop()
    return age if age is not None and MIN_AGE <= age <= MAX_AGE else None


# --------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------

_LB = r"(?<![a-z0-9])"
_RB = r"(?![a-z0-9])"
_LAT_PREFIX = r"(?:l|f|fl|el|al|fel|fal)?"  # Darija clitics: lbac, flfac, fel jami3a
_AR_LETTERS = "\u0600-\u06ff"
_AR_PREFIX = r"(?:[وفبلك]?(?:ال|ل)?)"  # و ف ب ل ك + article: بالجامعة, للثانوي, والباك


def _lat(words: str) -> str:
    return rf"{_LB}{_LAT_PREFIX}(?:{words}){_RB}"


def _ar(words: str) -> str:
    return rf"(?<![{_AR_LETTERS}]){_AR_PREFIX}(?:{words})(?![{_AR_LETTERS}])"


_BAC = r"bac|baccalaureat|bakalorya|bakaloria|bakalouria"
_AR_BAC = r"باك|باكالوريا|بكالوريا|باكلوريا|بكلوريا"
_DARIJA_NEG_VERBS = (
    r"khdit|khdith|jbt|jebt|jabt|ddit|dit|nj7t|njht|nje7t|kmmlt|kmelt|kemmelt|kamalt|3ndi|"
    r"3andi|andi|3endi|wslt|weslt|wselt|dwzt|dewwezt|duzt|dezt|[9qk]rit"
)

# Checked in this order; the first match wins, so the most specific patterns come first.
_EDUCATION_RULES: tuple[tuple[str, str], ...] = (
    # Never went to school, said explicitly: wins even over a level named in the sentence.
    ("none", _lat(r"analphabete|analphabet|illettree?|illetree?")),
    (
        "none",
        r"(?:jamais|pas)\s+(?:ete|alle|allee|mis\s+les\s+pieds|entre|entree|frequente)\s*"
        r"(?:a|dans|en)?\s*(?:l'|la\s+|une\s+)?\s*ecole",
    ),
    ("none", r"(?:jamais|pas|non)\s+(?:ete\s+)?scolarisee?"),
    ("none", _ar("أمية|امية")),
    ("none", _lat(r"ommiya|omiya|oumiya|oummiya|omiyya|ommiyya|2omiya|2ommiya")),
    ("none", r"لم\s*(?:أدخل|أذهب|اذهب|ادخل)\s*(?:إلى\s*)?(?:ال)?مدرسة"),
    ("none", r"ما\s*دخلتش\s*(?:لل|ل|ال)?مدرسة"),
    ("none", r"ما\s*قريت\s*والو|ما\s*قريتش\s*(?:گاع|كاع|قاع|نهائيا|أبدا)"),
    ("none", r"لم\s*أدرس\s*(?:أبدا|قط|نهائيا)"),
    (
        "none",
        r"ma\s*(?:dkhl|dkhal|dkhel|dakhl|d5l|d5al)t\s*(?:ch|sh)?\s*(?:l|ll|el)?\s*'?\s*"
        r"(?:madrasa|mdrasa|madrassa|medrasa|medrassa|mdersa|ecole)",
    ),
    ("none", r"ma\s*[9qk]rit\s*(?:walo|wlo|wallo)|ma\s*[9qk]rit\s*(?:ch|sh)\s*(?:ga3|ka3|gae)"),
    # University: bac+N first, so that it does not read as the baccalaureate.
    ("university", r"(?:bac|باك)\s*\+\s*[1-9]|bac\s*plus\s*[1-9]"),
    (
        "university",
        _lat(
            r"licence|license|licance|lisans|lissans|lisance|master|mastere|masters|doctorat|"
            r"doctorate|doctorante?|phd|deug|deust|dut|bts|mba|bachelor|ingenieure?|fac|faculte|"
            r"fak|kollia|kolia|koulia|kulliya|kolya|kollya|universite|universitaire|university|"
            r"univ|jami3a|jami3i|jami3iya|jami3ia|jami3ya|jam3a|jami3at|jamia|encg|ensa|ensam|"
            r"iscae|enset|ehtp"
        ),
    ),
    ("university", r"(?:etudes?|enseignement|niveau)\s+superieure?s?"),
    ("university", r"ecole\s+(?:superieure|d'?\s?ingenieurs?|de\s+commerce)"),
    (
        "university",
        _ar(
            r"جامعة|جامعي|جامعية|كلية|إجازة|ليسانس|ماستر|ماستير|ماجستير|دكتوراه|دكتوراة|"
            r"التعليم العالي|الدراسات العليا|دراسات عليا"
        ),
    ),
    # Vocational training, including the bac pro.
    ("vocational", r"bac\s*pro(?:fessionn?el+e?)?" + _RB),
    ("vocational", _lat(r"ofppt|ofpt|ista|cfp")),
    ("vocational", r"formation\s*(?:pro(?:fessionn?el+e?)?|qualifiante|diplomante)" + _RB),
    ("vocational", r"centre\s+de\s+formation"),
    (
        "vocational",
        r"(?:takwin|tkwin|takouin|tkouin|takwine|ta2hil|tahil|taahil)\s*(?:l\s*)?"
        r"(?:mihani|mihania|mihaniya|mehni|mihane|mihanie)",
    ),
    (
        "vocational",
        _lat(
            r"mihani|mihania|mihaniya|technicien|technicienne|techniciens|qualification|"
            r"apprentissage|apprentie?"
        ),
    ),
    (
        "vocational",
        r"diplome\s+(?:de\s+|d')?(?:qualification|specialisation|technicien|formation\s+pro)",
    ),
    ("vocational", r"(?:ال)?(?:تكوين|تأهيل|تدرج)\s*(?:ال)?مهني"),
    ("vocational", _ar(r"مهني|مهنية|تقني\s*متخصص|تقنية\s*متخصصة")),
    # Reached the bac year without the diploma: secondary. "niveau bac" means she was in the
    # final year, "sans bac" / "ma khditch lbac" that she did not pass; "tania bac" is a class.
    (
        "secondary",
        r"(?:niveau|niveaux|nivo|nivau|mostawa|mustawa|mstawa)\s*"
        rf"(?:du\s+|de\s+|d\s*|dial\s+|le\s+|l\s*|')?(?:l\s*)?(?:{_BAC}){_RB}",
    ),
    (
        "secondary",
        r"(?:sans|bla|bila|pas|rate|ratee|echoue|echouee)\s+"
        rf"(?:eu\s+|obtenu\s+|avoir\s+|de\s+|le\s+|mon\s+|au\s+|l'|d'|du\s+)*(?:{_BAC}){_RB}",
    ),
    (
        "secondary",
        rf"ma\s*(?:{_DARIJA_NEG_VERBS})\s*(?:ch|sh|x)\s*(?:l\s*|el\s*|l'\s*)?(?:{_BAC}){_RB}",
    ),
    (
        "secondary",
        r"(?:tania|tanya|taniya|2\s*(?:eme|e|em|nd)?|deuxieme|seconde|oula|loula|lola|ola|"
        r"1\s*(?:ere|er|re)?|premiere)\s*(?:annee\s*)?(?:de\s*|d\s*)?(?:l\s*)?"
        rf"(?:{_BAC}){_RB}",
    ),
    ("secondary", rf"(?:7ta|hta|hatta|jusqu'?\s?(?:a|au))\s*(?:l\s*|el\s*|l')?(?:{_BAC}){_RB}"),
    (
        "secondary",
        r"ما\s*(?:خديت|جبت|ديت|داديت|نجحت|كملت|عندي|وصلت|دوزت|قريت)ش\s*"
        rf"(?:ال)?(?:{_AR_BAC})",
    ),
    (
        "secondary",
        r"لم\s*(?:أحصل|أنجح|أنل|أكمل|أنه|أصل)\s*(?:على|في|إلى)?\s*"
        rf"(?:ال)?(?:{_AR_BAC})",
    ),
    ("secondary", rf"(?:بدون|بلا|مستوى|حتى)\s*(?:ال)?(?:{_AR_BAC})"),
    ("secondary", rf"(?:ال)?(?:أولى|ثانية|تانية)\s*(?:ال)?(?:{_AR_BAC})"),
    # The baccalaureate itself.
    ("baccalaureate", _lat(rf"{_BAC}|bacc|baccalaureate|bakalorea|bakalurya|bachelier|bacheliere")),
    ("baccalaureate", _ar(_AR_BAC)),
    # Secondary school (collège and lycée).
    (
        "secondary",
        _lat(
            r"college|collegienne|collegien|lycee|lyce|lysee|lyceenne|secondaire|brevet|"
            r"terminale|i3dadi|e3dadi|3dadi|idadi|i3dadia|i3dadiya|e3dadiya|i3dadiyya|tanawi|"
            r"tanaoui|tanawia|tanawiya|tanawiyya|thanawi|tanawy|tanwi|tronc\s+commun|jid3|jad3|"
            r"jidh3|jade3|kolij|lisi"
        ),
    ),
    (
        "secondary",
        _ar(
            r"إعدادي|إعدادية|ثانوي|ثانوية|تأهيلي|كوليج|ليسي|ليسيه|الجذع\s*المشترك|"
            r"جذع\s*مشترك|الجدع\s*المشترك"
        ),
    ),
    # A grade number: "7ta 6", "jusqu'en 5ème" (Moroccan primary has six grades).
    (
        "grade",
        r"(?:7ta|hta|hatta|حتى|حتا|jusqu'?\s?(?:a|en|au)|niveau|nivo|مستوى|wsalt|wslt|وصلت)\s*"
        r"(?:l\s*|el\s*|la\s*|al\s*|ال|l')?(1[0-2]|[1-9])\s*(?:eme|e|em|er|ere|ieme)?(?![0-9])",
    ),
    # Primary school.
    (
        "primary",
        _lat(
            r"primaire|primary|ibtida2i|ibtidai|ibtida2iya|ibtidaiya|ibtida2ia|ibtidaia|btida2i|"
            r"btidai|ebtida2i|ebtidai|ibtidaii|ce1|ce2|cm1|cm2"
        ),
    ),
    ("primary", _ar(r"ابتدائي|ابتدائية")),
    ("primary", r"[9qk]rit\s+(?:ghir\s+|gha\s+)?(?:chwiya|chwia|chwya|chwiyya|chouia|chwi)"),
    ("primary", r"قريت\s*(?:غير\s*)?شوية"),
    # No schooling, said in general terms: checked last, because "ma 9ritch ghir primaire"
    # ("I only went to primary") names a level.
    ("none", r"ma\s*[9qk]r[iea]?y?t\s*(?:ch|sh|x)" + _RB),
    ("none", r"ma\s*[9qk]ar[iy]a?(?:ch|sh)" + _RB),
    (
        "none",
        r"(?:jamais|pas|aucune?s?)\s+(?:fait\s+)?(?:d'|de\s+|des\s+)?(?:etudes?|etudie|etudiee|"
        r"instruction|scolarite|ecole)",
    ),
    ("none", r"(?:sans|aucun|pas\s+de)\s+niveau"),
    ("none", r"ما\s*قريتش|ماقريتش|ما\s*قاري(?:ة|ا)?ش|لم\s*(?:أدرس|أتعلم|أتمدرس)"),
    ("none", r"(?:لست|غير)\s*متعلمة|بدون\s*مستوى|ما\s*عنديش\s*مستوى"),
    ("none", r"^\W*(?:walo|wallo|wlo|rien|aucun|aucune|none|والو|ولا\s*شيء|لا\s*شيء)\W*$"),
)
_EDUCATION = tuple((level, re.compile(_fold_pattern(p))) for level, p in _EDUCATION_RULES)


def parse_education(text: str) -> str | None:
    """The education level (one of ``EDUCATION_LEVELS``) named in a free answer, or ``None``.

    The highest or most specific level named wins: "bac+3" is university, "bac pro"
    vocational, "niveau bac" or "sans bac" secondary (she reached the final year without the
    diploma), "j'ai le bac" baccalaureate. A grade number (“7ta 6”) is primary up to 6.
    """
    folded = " ".join(_fold(text[:MAX_CHARS]).split())
    if not folded:
        return None
    for level, pattern in _EDUCATION:
        match = pattern.search(folded)
        if match is None:
            continue
        if level == "grade":
            return "primary" if int(match.group(1)) <= 6 else "secondary"
        return level
    return None
