"""Ages in free answers: digits, number words, birth years and birth dates, chosen by the words
around each number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.parsing.numbers import word_phrases
from bot.parsing.text import AGE_UNITS, TOKEN_RE, Token, tokenize, word_set

MIN_AGE, MAX_AGE = 10, 100

# Words shortly before a number that make it an age.
_AGE_BEFORE = word_set(
    """
    age agee ages 3mri 3omri 3emri 3amri omri 3mr 3omr l3mr l3omr l3mer l3omor 3mer sni sinni
    عمري عمر العمر سني سن
    """
)
# "I have" / "me" right before a number: a hint only, since "j'ai 2 enfants" is not an age.
_HAVE_BEFORE = word_set("ai jai 3andi 3ndi andi 3endi 3ndy 3andy aandi ana moi عندي انا")
_BIRTH_BEFORE = word_set(
    """
    nee ne naissance born mwlouda mawlouda mouloda mwlouda mazyouda mazyuda mzyouda mezyouda
    mzyoda tzadt tzdt zdt zadt zedt tzadit twaladt twldt wldt wlidt
    ولدت مزدادة مزداد مواليد ازديادي الازدياد ولادتي ميلادي ميلاد تزاديت
    """
)
# Nouns that show a number counts something else: "2 enfants", "3 wlad", "جوج ولاد".
_COUNTED = word_set(
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
_NOT_AGE_BEFORE = word_set(
    """
    rue n no num numero tel tele telephone gsm phone appartement appt app bloc lot cin code
    zanqa derb imm immeuble
    رقم هاتف الهاتف زنقة درب بلوك عمارة
    """
)


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
    match = TOKEN_RE.fullmatch(token)
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
    tokens: list[Token], first: int, last: int, value: int | None, kind: str, today: date
) -> _Candidate | None:
    """Score one number by the words around it; ``None`` when it is clearly not an age."""
    before = {t.text for t in tokens[max(0, first - 3) : first]}
    prev = tokens[first - 1].text if first > 0 else ""
    following = tokens[last + 1].text if last + 1 < len(tokens) else ""
    unit_after = following in AGE_UNITS
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
    tokens = tokenize(text)
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
    for phrase in word_phrases(tokens):
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
