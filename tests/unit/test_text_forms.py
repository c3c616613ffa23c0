"""The text forms the intent classifier learns from (rasa_project/minajliki_nlu/text_forms)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasa_project.minajliki_nlu.text_forms import (
    NEGATION,
    arabizi,
    negation_marks,
    normalise,
    skeleton,
    word_runs,
)


def test_normalise_folds_case_accents_hamzas_and_digits() -> None:
    assert normalise("Arrêtez SVP") == "arretez svp"
    assert normalise("أريد إلغاء") == normalise("اريد الغاء")
    assert normalise("مدرسةٌ") == normalise("مدرسه")  # short vowel dropped, ة folded
    assert normalise("عمري ٣٥") == "عمري 35"
    assert normalise("merciiiii") == "mercii"


def test_arabizi_writes_arabic_letters_as_women_do_in_latin_script() -> None:
    assert arabizi("بغيت") == "bghyt"
    assert arabizi("عافاك") == "3afak"
    assert arabizi("حضور") == "7dwr"
    assert arabizi("bonjour") == "bonjour"


def test_spellings_of_one_word_share_a_skeleton_across_scripts() -> None:
    assert skeleton("بغيت") == skeleton("bghit") == skeleton("bghite") == skeleton("BGHIIIT")
    assert skeleton("nsjel") == skeleton("nsajal") == skeleton("نسجل")
    assert skeleton("chokran") == skeleton("shokran") == skeleton("شكران")
    assert skeleton("bghit") != skeleton("bdit")


def test_negation_marks_the_words_it_reaches() -> None:
    plain = negation_marks("arrêtez les messages").split()
    negated = negation_marks("n'arrêtez pas les messages").split()
    assert NEGATION not in plain and NEGATION in negated
    assert skeleton("arrêtez") in plain
    assert "¬" + skeleton("arrêtez") in negated


def test_negation_ends_at_punctuation_and_at_but() -> None:
    words = negation_marks("je ne viens pas samedi mais dimanche oui").split()
    assert "¬" + skeleton("samedi") in words
    assert skeleton("dimanche") in words and "¬" + skeleton("dimanche") not in words
    words = negation_marks("la, ghadi nji").split()
    assert skeleton("nji") in words


def test_darija_ma_ch_negates_the_verb_inside_it() -> None:
    for text in ("mabghitch", "ماتحيدونيش"):
        words = negation_marks(text).split()
        assert words[0] == NEGATION and words[1].startswith("¬"), words
    assert NEGATION not in negation_marks("machina").split()  # "ma…" without "…ch"
    assert negation_marks("ma ghanfoutch l formation").split()[0] == NEGATION


def test_word_runs_keeps_words_only() -> None:
    assert word_runs("Salam!! 🌸 bghit, nsjl...") == "salam bghit nsjl"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_every_form_takes_any_text(text: str) -> None:
    for form in (normalise, arabizi, skeleton, negation_marks, word_runs):
        assert isinstance(form(text), str)
