"""Messages that must reach a person at once (violence, danger, despair).

Matched on folded text (bot.parsing.text.fold) in the four varieties. A match opens a
priority handoff and gives her emergency numbers; it never replaces a human judgement.
"""

from __future__ import annotations

import re

from bot.parsing.text import fold

_PHRASES = (
    # French
    r"violence", r"violente?", r"me frappe", r"me bat", r"battue?", r"agress", r"viol\b",
    r"danger", r"menace", r"suicid", r"me tuer", r"envie de mourir", r"harcel",
    # Darija, Latin letters
    r"kaydrbni", r"kay drbni", r"kaydarbni", r"drbni", r"daraboni", r"bghit nmout",
    r"n9tel rasi", r"nqtel rasi", r"m3enfa", r"3onf", r"kayhddni",
    # Arabic script (Darija and MSA)
    r"عنف", r"يضربني", r"كيضربني", r"ضربني", r"تعنيف", r"اعتداء", r"اغتصاب", r"في خطر", r"ف خطر",
    r"تهديد", r"يهددني", r"انتحار", r"نقتل راسي", r"بغيت نموت", r"اريد الموت",
    r"تحرش",
)  # fmt: skip
_PATTERN = re.compile("|".join(fold(p) for p in _PHRASES))


def is_distress(text: str) -> bool:
    return bool(text) and bool(_PATTERN.search(fold(text[:2000])))
