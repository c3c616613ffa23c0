"""Moroccan regions, prefectures and provinces, and a matcher for how women name them.

The data is ``bot/data/gazetteer.yml``, written by the Min Ajliki team: the 12 regions and the
75 prefectures and provinces, each with a stable ``code`` and the spellings people type
(French, Arabic script, Darija in Latin script with Arabizi digits, towns of the province).

``match`` finds the provinces a free-text answer names, in two tiers:

1. Exact: the answer and every name go through ``normalise`` (case, accents, Arabic letter
   variants, Arabizi digits, articles, repeated letters); runs of 1..n words of the answer are
   looked up, the longest run first ("ana sakna f dar lbida" finds "dar lbida"; one glued word
   such as "darlbida" or "فكازا" is found too). A name listed under two provinces returns both,
   and the caller asks which one. Names that are also everyday words (safi "enough", jdida
   "new", العيون "the eyes") count only after a cue word (f, mn, à, de, من, في, مدينة...) or
   as the whole answer.
2. Fuzzy, only when nothing matched exactly, and only for words after a cue word or making up
   the whole answer: a weighted edit distance on a coarser phonetic key (c/k/q, ou/w, emphatic
   Arabic letters merged; vowels cost half, since Darija spelling drops and changes them), with
   a budget that grows with the length of the word, none below four letters (six in Arabic
   script).

Nothing is read at import; the YAML is loaded and indexed once, on first use.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "GAZETTEER_PATH",
    "Province",
    "Region",
    "get",
    "get_region",
    "match",
    "normalise",
    "provinces",
    "rasa_lookup_yaml",
    "regions",
]

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.yml"
LOOKUP_HEADER = (
    "# Generated from bot/data/gazetteer.yml by `minajliki gen-lookups`: do not edit by hand."
)

# Only the start of a message is read: a place name comes early, and it bounds the cost.
MAX_CHARS = 1000
# Fuzzy matching looks at this many words at most (it compares each against every name).
MAX_FUZZY_WORDS = 30
# Fuzzy candidates scoring this far below the best one are dropped.
FUZZY_MARGIN = 0.1


@dataclass(frozen=True)
class Region:
    code: str
    name_fr: str
    name_ar: str


@dataclass(frozen=True)
class Province:
    code: str
    region: str
    name_fr: str
    name_ar: str
    aliases: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """The official names then the aliases, as written in the gazetteer."""
        return (self.name_fr, self.name_ar, *self.aliases)


# --------------------------------------------------------------------------- normalisation

_ARABIC_TABLE = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0621": None,  # lone hamza: البيضاء = البيضا
        "\u0671": "\u0627",  # alef wasla
        "\u0629": "\u0647",  # ta marbuta -> ha: طنجة = طنجه
        "\u06c3": "\u0647",
        "\u06be": "\u0647",
        "\u06c1": "\u0647",
        "\u0649": "\u064a",  # alef maqsura -> ya
        "\u06cc": "\u064a",  # Persian ya
        "\u06a9": "\u0643",  # keheh
        "\u06af": "\u0643",  # gaf, written for /g/: گلميم = كلميم
        "\u06ad": "\u0643",  # Moroccan gaf ڭ
        "\u06a4": "\u0641",  # veh
        "\u06a5": "\u0641",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern Arabic-Indic digits
    }
)
# Arabizi: a digit inside a Latin word stands for an Arabic letter.
_ARABIZI = str.maketrans(
    {"2": "a", "3": "a", "4": "gh", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"}
)
_NON_WORD = re.compile(r"[\W_]+")
# A missing space before an article: الدارالبيضاء, صخورالرحامنة.
_GLUED_ARTICLE = re.compile(r"(?<=[\u0621-\u064a]{3})ال(?=[\u0621-\u064a]{3})")
# M'diq, M'rirt, M'hamid: the apostrophe after m- is part of the name, not an elision.
_M_APOSTROPHE = re.compile(r"\bm['\u2019\u02bc`\u00b4\u2018](?=[^\W\d_])")
_REPEATS = re.compile(r"(.)\1+")
_LATIN_CONSONANT = "bcdfghjklmnpqrstvwxz"
# Articles written as a word of their own: "el jadida", "al haouz", "l'oriental", "oued ed dahab".
_ARTICLES = frozenset({"el", "al", "l", "ال", "es", "ed", "er", "ez"})


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


def _strip_article(token: str) -> str:
    if token.startswith("ال") and len(token) > 3:
        return token[2:]
    # Glued Latin article before a consonant: lhoceima, ljdida, elhajeb, alhoceima.
    if token[:2] in ("el", "al") and len(token) > 4 and token[2] in _LATIN_CONSONANT:
        return token[2:]
    if token[0] == "l" and len(token) > 3 and token[1] in _LATIN_CONSONANT:
        return token[1:]
    return token


def _normalise_token(token: str) -> str:
    if not token.isdigit() and any(c.isdigit() for c in token):
        token = token.translate(_ARABIZI)
    token = _REPEATS.sub(r"\1", token)
    return _strip_article(token)


def normalise(text: str) -> str:
    """Fold a place name or a message to the form names are compared in.

    Lowercase; no accents, harakat, tatweel or invisible marks; one form per Arabic letter
    (أإآ→ا, ة→ه, ى→ي, ڭ/گ→ك, no hamza on its own); Arabizi digits inside words mapped to letters
    (l3ayoun→layoun, l7oceima→hoceima); articles dropped (el/al/l/ال, alone or glued before a
    consonant); any run of letters repeated once (marrakech→marakech, agadiir→agadir); words
    separated by single spaces, hyphens and apostrophes included.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Cf", "Cs"))
    folded = _M_APOSTROPHE.sub("m", kept.casefold().translate(_ARABIC_TABLE))
    folded = _GLUED_ARTICLE.sub(" ال", folded)
    tokens = (_normalise_token(t) for t in _NON_WORD.sub(" ", folded).split())
    return " ".join(t for t in tokens if t and t not in _ARTICLES)


def _compact(tokens: Iterable[str]) -> str:
    return _REPEATS.sub(r"\1", "".join(tokens))


def _keys(tokens: list[str]) -> tuple[str, ...]:
    """Index keys of a name: its words, and the words glued together (darbida, benslimane).

    A message is looked up with its words spaced, so glued keys only answer a single glued
    word: "j'ai un" is not "aaiun".
    """
    spaced, glued = " ".join(tokens), _compact(tokens)
    return (spaced,) if spaced == glued else (spaced, glued)


_PHONETIC_LATIN = (
    ("ou", "u"),
    ("w", "u"),
    ("ph", "f"),
    ("dj", "j"),
    ("ck", "k"),
    ("gue", "ge"),
    ("gui", "gi"),
    ("q", "k"),
    ("y", "i"),
)
_PHONETIC_ARABIC = str.maketrans("صطضظذث", "ستدزدت")
_SOFT_C = re.compile(r"c(?=[ei])")  # Hoceïma, Guercif: /s/
_HARD_C = re.compile(r"c(?!h)")  # Casa, Kacem: /k/
_VOWELS = frozenset("aeiouاوي")


def _phonetic(tokens: Iterable[str], glue: bool = False) -> str:
    """A coarser key for fuzzy comparison: letters people swap when spelling a name."""
    keys = []
    for token in tokens:
        if _is_arabic(token[0]):
            token = token.translate(_PHONETIC_ARABIC)
            # A final ة/ه is often typed ا: طنجا, البيضة.
            token = token[:-1] + "ا" if token.endswith("ه") else token
        else:
            for old, new in _PHONETIC_LATIN:
                token = token.replace(old, new)
            token = _HARD_C.sub("k", _SOFT_C.sub("s", token))
        keys.append(token)
    return _compact(keys) if glue else " ".join(_compact([k]) for k in keys)


def _first_class(key: str) -> str:
    first = key[0]
    return "V" if first in _VOWELS or first == "ع" else first


_LATIN_BUDGETS = ((4, 0.0), (6, 0.5), (9, 1.0), (13, 1.5), (sys.maxsize, 2.0))
# Arabic script writes no short vowels: its words are shorter and a one-letter change in a
# five-letter word is another word (سعيدة / السعيدية, سميرة / السمارة, آسفة / آسفي).
_ARABIC_BUDGETS = ((6, 0.0), (9, 1.0), (13, 1.5), (sys.maxsize, 2.0))


def _budget(key: str, other: str) -> float:
    """Edit budget between two keys (vowel edits cost 0.5, others 1): grows with length.

    A short Latin word gets one vowel edit at most: "sais" is two from "souissi".
    """
    length = min(len(key), len(other))
    budgets = _ARABIC_BUDGETS if _is_arabic(key[0]) else _LATIN_BUDGETS
    return next(budget for below, budget in budgets if length < below)


def _distance(a: str, b: str, limit: float) -> float:
    """Weighted optimal-string-alignment distance; returns > limit as soon as it is exceeded."""

    def indel(c: str) -> float:
        return 0.5 if c in _VOWELS else 1.0

    def sub(x: str, y: str) -> float:
        if x == y:
            return 0.0
        return 0.5 if x in _VOWELS and y in _VOWELS else 1.0

    previous: list[float] = [0.0]
    for ch in b:
        previous.append(previous[-1] + indel(ch))
    before_previous: list[float] = []
    for i, ca in enumerate(a, 1):
        current = [previous[0] + indel(ca)]
        for j, cb in enumerate(b, 1):
            best = min(
                previous[j] + indel(ca),
                current[j - 1] + indel(cb),
                previous[j - 1] + sub(ca, cb),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                best = min(best, before_previous[j - 2] + 1.0)
            current.append(best)
        if min(current) > limit:
            return limit + 1.0
        before_previous, previous = previous, current
    return previous[-1]


# ----------------------------------------------------------------------------- the data


# A word right before a place name that says it is one: "f casa", "mn fes", "à Salé", "من فاس".
_CUES = """
f fi fe mn men min mena b bi a au aux de du d dans vers pres
ville village commune province prefecture region quartier mdina mdint madina blad bled douar hay
من في ف ب ل الى إلى مدينة بمدينة قرية دوار حي جماعة اقليم إقليم عمالة جهة بلاد
"""
_CONJUNCTIONS = frozenset({"w", "wa", "o", "ou", "et", "and", "و", "او"})
# Words that may surround a bare place name in an answer ("salam, kanskon f ...").
_FILLERS = """
kanskon kansken kanskn kanskoun nskon sakna saken sakn sakin skna kan3ich 3aycha 3ayech
asli asliya jaya jay j je habite habites habitons vis viens originaire live living from in
salam slm salut bonjour bonsoir slt coucou
ساكنة ساكن كنسكن كانسكن نسكن أسكن اسكن أعيش اعيش عايشة أقطن اقطن السلام عليكم سلام مرحبا
"""
# Words never fuzzy-matched to a place: besides the two lists above, the commonest replies.
_REPLIES = """
ana nta nti ntia hna howa hiya ntoma w wa o ou ya la le les des en
ok oui non merci wakha safi iyeh ah chokran choukran shukran mzyan mzyana mezyan mezyana bikhir
labas hamdullah hamdoulah inchallah bghit nsjel tsjel sais pas rien connais maroc morocco
lmaghrib centre cote
انا أنا نعم لا شكرا واخا المغرب
"""


@dataclass(frozen=True)
class _Gazetteer:
    regions: tuple[Region, ...]
    provinces: tuple[Province, ...]
    by_code: dict[str, Province]
    regions_by_code: dict[str, Region]
    # normalised name (its words, and glued) -> codes of the provinces it names, in gazetteer
    # order; () for the names of not_provinces
    exact: dict[str, tuple[str, ...]]
    max_words: int
    # exact keys that are also everyday words: they need a cue or to be the whole answer
    common_words: frozenset[str]
    # first letter class -> (phonetic key, codes); common words are left out
    fuzzy: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    cues: frozenset[str]
    fillers: frozenset[str]
    stopwords: frozenset[str]


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"gazetteer: {where} needs a non-empty string {key!r}")
    return value.strip()


@dataclass(frozen=True)
class _Data:
    regions: tuple[Region, ...]
    provinces: tuple[Province, ...]
    common_words: tuple[str, ...]
    not_provinces: tuple[str, ...]


def _parse(data: Any) -> _Data:
    if not isinstance(data, dict):
        raise ValueError("gazetteer: expected a mapping with 'regions' and 'provinces'")
    regions: list[Region] = []
    for item in data.get("regions") or []:
        where = f"region {item!r}"
        if not isinstance(item, dict):
            raise ValueError(f"gazetteer: {where} is not a mapping")
        regions.append(
            Region(
                code=_text(item, "code", where),
                name_fr=_text(item, "name_fr", where),
                name_ar=_text(item, "name_ar", where),
            )
        )
    region_codes = {r.code for r in regions}
    if len(region_codes) != len(regions):
        raise ValueError("gazetteer: duplicate region code")
    provinces: list[Province] = []
    for item in data.get("provinces") or []:
        where = f"province {item.get('code')!r}" if isinstance(item, dict) else repr(item)
        if not isinstance(item, dict):
            raise ValueError(f"gazetteer: {where} is not a mapping")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise ValueError(f"gazetteer: {where} aliases must be a list of strings")
        province = Province(
            code=_text(item, "code", where),
            region=_text(item, "region", where),
            name_fr=_text(item, "name_fr", where),
            name_ar=_text(item, "name_ar", where),
            aliases=tuple(dict.fromkeys(a.strip() for a in aliases)),
        )
        if province.region not in region_codes:
            raise ValueError(f"gazetteer: {where} has unknown region {province.region!r}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", province.code):
            raise ValueError(f"gazetteer: {where} code must be an ascii slug")
        provinces.append(province)
    if len({p.code for p in provinces}) != len(provinces):
        raise ValueError("gazetteer: duplicate province code")
    return _Data(
        regions=tuple(regions),
        provinces=tuple(provinces),
        common_words=_names(data, "common_words"),
        not_provinces=_names(data, "not_provinces"),
    )


def _names(data: dict[str, Any], key: str) -> tuple[str, ...]:
    names = data.get(key) or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ValueError(f"gazetteer: {key} must be a list of strings")
    return tuple(names)


def _name_keys(names: Iterable[str]) -> set[str]:
    return {key for name in names for key in _keys(normalise(name).split())}


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


def _index(data: _Data) -> _Gazetteer:
    # Names that are no Moroccan province (Sebta, Melilla) match to nothing, so that the
    # typo tier does not turn them into a province that looks alike.
    excluded = _name_keys(data.not_provinces)
    exact: dict[str, list[str]] = {key: [] for key in excluded}
    by_phonetic: dict[str, list[str]] = {}
    max_words = 1
    for province in data.provinces:
        for name in province.names():
            tokens = normalise(name).split()
            keys = _keys(tokens)
            if len(keys[-1]) < 2:
                raise ValueError(f"gazetteer: {province.code} name {name!r} is too short")
            if excluded.intersection(keys):
                raise ValueError(f"gazetteer: {province.code} lists the excluded {name!r}")
            max_words = max(max_words, len(tokens))
            entries = [(exact, key) for key in keys]
            entries += [(by_phonetic, _phonetic(tokens, glue)) for glue in (False, True)]
            for index, index_key in entries:
                codes = index.setdefault(index_key, [])
                if province.code not in codes:
                    codes.append(province.code)
    common_words = _name_keys(data.common_words)
    if unknown := sorted(common_words - set(exact)):
        raise ValueError(f"gazetteer: common_words that name no province: {unknown}")
    # A one-word common word is never the target of a typo ("mn jdid" is "anew", not El Jadida).
    common_phonetic = {
        _phonetic(tokens)
        for tokens in (normalise(name).split() for name in data.common_words)
        if len(tokens) == 1
    }
    fuzzy: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for phonetic, codes in by_phonetic.items():
        if len(phonetic) >= 4 and phonetic not in common_phonetic:
            fuzzy.setdefault(_first_class(phonetic), []).append((phonetic, tuple(codes)))
    cues, fillers = _words(_CUES), _words(_FILLERS)
    return _Gazetteer(
        regions=data.regions,
        provinces=data.provinces,
        by_code={p.code: p for p in data.provinces},
        regions_by_code={r.code: r for r in data.regions},
        exact={key: tuple(codes) for key, codes in exact.items()},
        max_words=max_words,
        common_words=frozenset(common_words),
        fuzzy={first: tuple(entries) for first, entries in fuzzy.items()},
        cues=cues,
        fillers=cues | fillers,
        stopwords=cues | fillers | _words(_REPLIES),
    )


@functools.cache
def _gazetteer() -> _Gazetteer:
    data = yaml.safe_load(GAZETTEER_PATH.read_text(encoding="utf-8"))
    return _index(_parse(data))


def regions() -> tuple[Region, ...]:
    return _gazetteer().regions


def provinces() -> tuple[Province, ...]:
    return _gazetteer().provinces


def get(code: str) -> Province | None:
    return _gazetteer().by_code.get(code)


def get_region(code: str) -> Region | None:
    return _gazetteer().regions_by_code.get(code)


# ------------------------------------------------------------------------------- matching


def _prefix_variants(token: str) -> Iterator[str]:
    """The word without a glued preposition: فكازا, بفاس, فالرباط, للرباط, fcasa, frbat."""
    if len(token) < 4:
        return
    if _is_arabic(token[0]):
        if token[0] not in "وفبلك":
            return
        rest = token[1:]
        yield rest
        if rest.startswith("ال") and len(rest) > 3:
            yield rest[2:]
        elif rest.startswith("ل") and len(rest) > 3:
            yield rest[1:]
    elif token[0] in "fb":
        yield _normalise_token(token[1:])


def _in_context(g: _Gazetteer, tokens: list[str], start: int, end: int, taken: list[bool]) -> bool:
    """Whether tokens[start:end] reads as a place: after a cue or after "place and", or as
    the whole answer (with greetings and "I live in" around it)."""
    if start > 0 and tokens[start - 1] in g.cues:
        return True
    if start > 1 and tokens[start - 1] in _CONJUNCTIONS and taken[start - 2]:
        return True
    return all(t in g.fillers for t in tokens[:start] + tokens[end:])


def _exact(g: _Gazetteer, tokens: list[str]) -> tuple[bool, list[str]]:
    """(whether any listed name occurs, the codes it names): longest runs of words first."""
    taken = [False] * len(tokens)
    hit = False
    found: list[str] = []
    for size in range(min(g.max_words, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            end = start + size
            window = tokens[start:end]
            if any(taken[start:end]) or any(t.isdigit() for t in window):
                continue
            if size > 1 and (len(window[0]) == 1 or len(window[-1]) == 1):
                continue
            key = " ".join(window)
            glued = False
            if key not in g.exact:
                for variant in _prefix_variants(window[0]):
                    key = " ".join([variant, *window[1:]])
                    if key in g.exact:
                        glued = True  # a preposition glued to the name: فكازا, fcasa
                        break
            if key not in g.exact:
                continue
            if key in g.common_words and not (glued or _in_context(g, tokens, start, end, taken)):
                continue
            hit = True
            taken[start:end] = [True] * size
            found.extend(c for c in g.exact[key] if c not in found)
    return hit, found


def _closest(g: _Gazetteer, window: list[str]) -> tuple[float, tuple[str, ...]]:
    """The best score of a window against every name, and the provinces at that score."""
    query = _phonetic(window)
    if len(query) < 4:
        return 0.0, ()
    best = 0.0
    codes: tuple[str, ...] = ()
    for key, key_codes in g.fuzzy.get(_first_class(query), ()):
        limit = _budget(query, key)
        if limit == 0.0 or abs(len(key) - len(query)) > 2 * limit:
            continue
        distance = _distance(query, key, limit)
        if distance > limit:
            continue
        score = 1.0 - distance / max(len(query), len(key))
        if score > best:
            best, codes = score, key_codes
        elif score == best:
            codes = codes + tuple(c for c in key_codes if c not in codes)
    return best, codes


def _fuzzy(g: _Gazetteer, tokens: list[str]) -> list[str]:
    """Provinces whose names are a typo away, longest runs of words first, best first."""
    words = [t for t in tokens if not t.isdigit()][:MAX_FUZZY_WORDS]
    taken = [False] * len(words)
    scored: list[tuple[float, tuple[str, ...]]] = []
    for size in range(min(g.max_words, 3, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if any(taken[start : start + size]):
                continue
            if any(t in g.stopwords or len(t) == 1 for t in window):
                continue
            if not _in_context(g, words, start, start + size, taken):
                continue
            score, codes = _closest(g, window)
            if codes:
                taken[start : start + size] = [True] * size
                scored.append((score, codes))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    found: list[str] = []
    for _, codes in sorted(scored, key=lambda sc: -sc[0]):
        found.extend(c for c in codes if c not in found)
    best = {c for score, codes in scored if score >= top - FUZZY_MARGIN for c in codes}
    return [c for c in found if c in best]


def match(text: str, limit: int = 5) -> list[Province]:
    """The provinces named in a free-text answer, best first; [] when none is plausible.

    Exact names win (the longest run of words first, every province of an ambiguous name);
    typos are tried only when no name matched exactly. At most ``limit`` provinces.
    """
    if limit <= 0 or not isinstance(text, str):
        return []
    g = _gazetteer()
    tokens = normalise(text[:MAX_CHARS]).split()
    if not tokens:
        return []
    hit, codes = _exact(g, tokens)
    if not hit:
        codes = _fuzzy(g, tokens)
    return [g.by_code[code] for code in codes[:limit]]


# --------------------------------------------------------------------------- Rasa lookups


def _forms(province: Province) -> list[str]:
    forms = (" ".join(name.lower().split()) for name in province.names())
    return list(dict.fromkeys(f for f in forms if f))


def rasa_lookup_yaml() -> str:
    """A Rasa 3.1 NLU file: a ``city`` lookup table and one synonym per province code.

    Synonym examples are the lowercase names as people type them; a name that could mean two
    provinces (same lowercase text or same normalised form) stays in the lookup table but is
    no synonym, so the EntitySynonymMapper never picks one of the two.
    """
    g = _gazetteer()
    owners: dict[str, set[str]] = {}
    for province in g.provinces:
        for form in _forms(province):
            owners.setdefault(form, set()).add(province.code)
            for key in _keys(normalise(form).split()):
                owners[form].update(g.exact.get(key, ()))
    lines = [LOOKUP_HEADER, 'version: "3.1"', "nlu:", "- lookup: city", "  examples: |"]
    lookup = dict.fromkeys(form for province in g.provinces for form in _forms(province))
    lines.extend(f"    - {form}" for form in lookup)
    for province in g.provinces:
        examples = [form for form in _forms(province) if owners[form] == {province.code}]
        if not examples:
            continue
        lines.extend([f"- synonym: {province.code}", "  examples: |"])
        lines.extend(f"    - {form}" for form in examples)
    return "\n".join(lines) + "\n"
