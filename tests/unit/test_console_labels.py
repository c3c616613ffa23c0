"""The console's French words for codes, and Morocco's time."""

from __future__ import annotations

from datetime import UTC, datetime

from console.labels import action_label, detail_text, local_time, province_name, role_label


def test_codes_read_as_french_words() -> None:
    assert role_label("counsellor") == "Conseillère / conseiller"
    assert action_label("user.password_reset") == "Mot de passe réinitialisé"
    assert action_label("handoff.claim") == "Conversation prise en charge"
    assert action_label("broadcast.send") == "broadcast.send"  # unknown: shown as is
    assert province_name("fes") == "Fès" and province_name("atlantis") == "atlantis"


def test_audit_details_read_as_sentences() -> None:
    changes = {"role": ["staff", "counsellor"], "provinces": [[], ["fes", "rabat"]]}
    assert detail_text(changes) == (
        "rôle : Équipe du programme → Conseillère / conseiller; provinces : — → fes, rabat"
    )
    assert detail_text({"active": [True, False]}) == "actif : oui → non"
    assert detail_text("wrong_password") == "mot de passe incorrect"
    assert detail_text("نادية") == "نادية"


def test_times_are_shown_in_morocco() -> None:
    # Morocco keeps UTC+1 outside Ramadan.
    assert local_time(datetime(2026, 11, 29, 13, 5, tzinfo=UTC)) == "29/11/2026 14:05"
    assert local_time(None) == "—"
