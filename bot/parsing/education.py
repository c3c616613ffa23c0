"""Education levels named in free answers, matched by ordered patterns on folded text."""

from __future__ import annotations

import re

from bot.parsing.text import MAX_CHARS, fold, fold_pattern

EDUCATION_LEVELS: tuple[str, ...] = (
    "none",
    "primary",
    "secondary",
    "baccalaureate",
    "university",
    "vocational",
)

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
_EDUCATION = tuple((level, re.compile(fold_pattern(p))) for level, p in _EDUCATION_RULES)


def parse_education(text: str) -> str | None:
    """The education level (one of ``EDUCATION_LEVELS``) named in a free answer, or ``None``.

    The highest or most specific level named wins: "bac+3" is university, "bac pro"
    vocational, "niveau bac" or "sans bac" secondary (she reached the final year without the
    diploma), "j'ai le bac" baccalaureate. A grade number (“7ta 6”) is primary up to 6.
    """
    folded = " ".join(fold(text[:MAX_CHARS]).split())
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
