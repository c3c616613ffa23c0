"""Reading free answers to the registration questions, and spotting corrections."""

from __future__ import annotations

import pytest

from bot import gazetteer
from bot.registration.corrections import LAST, correction_target
from bot.registration.questions import (
    AMBIGUOUS,
    NOT_UNDERSTOOD,
    TOO_YOUNG,
    UNKNOWN_PLACE,
    WRITE_NAME,
    age_band,
    read_age,
    read_first_name,
    read_option,
    read_province,
    single_digit,
)

# ----------------------------------------------------------------------------- first name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Fatima", "Fatima"),
        ("smiti Fatima", "Fatima"),
        ("ana smiti fatima zahra", "Fatima Zahra"),
        ("je m'appelle khadija", "Khadija"),
        ("Je m'appelle Khadija", "Khadija"),
        ("اسمي خديجة", "خديجة"),
        ("  KHADIJA!! ", "Khadija"),
    ],
)
def test_her_first_name_is_read_without_the_words_around_it(text: str, name: str) -> None:
    assert read_first_name(text).value == name


@pytest.mark.parametrize("text", ["", "2", "?!", "a b c d", "Fatima Zahra Khadija Amina"])
def test_no_name_or_too_many_words_is_asked_again(text: str) -> None:
    answer = read_first_name(text)
    assert not answer.ok and answer.problem == NOT_UNDERSTOOD


def test_one_accepts_the_whatsapp_name_offered() -> None:
    assert read_first_name("1", offered="fatima zahra").value == "Fatima Zahra"
    assert read_first_name("١", offered="Khadija").value == "Khadija"


def test_two_declines_the_whatsapp_name_and_asks_her_to_write_hers() -> None:
    answer = read_first_name("2", offered="Khadija")
    assert not answer.ok and answer.problem == WRITE_NAME


def test_another_digit_after_the_offer_is_not_understood() -> None:
    assert read_first_name("3", offered="Khadija").problem == NOT_UNDERSTOOD


def test_a_typed_name_wins_over_the_whatsapp_name_offered() -> None:
    assert read_first_name("smiti Fatima", offered="Khadija").value == "Fatima"


# ------------------------------------------------------------------------------------- age


@pytest.mark.parametrize(
    "text", ["27", "٢٧", "sab3a w 3ichrin", "vingt-sept", "j'ai 27 ans", "عندي 27 سنة"]
)
def test_her_age_is_read_in_digits_of_any_alphabet_and_in_words(text: str) -> None:
    assert read_age(text).value == 27


@pytest.mark.parametrize("text", ["16", "3ndi 17 ans", "سبعطاش"])
def test_under_eighteen_is_too_young(text: str) -> None:
    answer = read_age(text)
    assert not answer.ok and answer.problem == TOO_YOUNG


def test_eighteen_is_old_enough() -> None:
    assert read_age("18").value == 18


@pytest.mark.parametrize("text", ["ma3rftch", "27 wla 28", ""])
def test_an_unclear_age_is_asked_again(text: str) -> None:
    assert read_age(text).problem == NOT_UNDERSTOOD


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, None), (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"), (35, "35-44"),
     (45, "45-54"), (54, "45-54"), (55, "55+"), (80, "55+")],
)  # fmt: skip
def test_age_band_for_anonymous_statistics(age: int | None, band: str | None) -> None:
    assert age_band(age) == band


# -------------------------------------------------------------------------------- province


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Casa", "casablanca"),
        ("Fès", "fes"),
        ("طنجة", "tanger_assilah"),
        ("ana sakna f fes", "fes"),
    ],
)
def test_a_place_naming_one_province_is_her_answer(text: str, code: str) -> None:
    assert read_province(text).value == code


def test_a_place_naming_several_provinces_lists_them() -> None:
    answer = read_province("Fes ou Meknes")
    assert not answer.ok and answer.problem == AMBIGUOUS
    assert answer.choices == ("fes", "meknes") and answer.choices_kind == "province"


def test_an_unknown_place_lists_the_regions() -> None:
    answer = read_province("blad bla smiya")
    assert answer.problem == UNKNOWN_PLACE and answer.choices_kind == "region"
    assert answer.choices == tuple(r.code for r in gazetteer.regions())


def test_a_digit_picks_from_the_provinces_she_was_shown() -> None:
    assert read_province("2", ("fes", "meknes"), "province").value == "meknes"
    assert read_province("١", ("fes", "meknes"), "province").value == "fes"


def test_a_digit_picking_a_region_lists_its_provinces() -> None:
    regions = tuple(r.code for r in gazetteer.regions())
    answer = read_province(str(regions.index("fes_meknes") + 1), regions, "region")
    assert answer.problem == AMBIGUOUS and answer.choices_kind == "province"
    assert "fes" in answer.choices and "meknes" in answer.choices
    assert "casablanca" not in answer.choices


def test_a_place_name_still_works_while_regions_are_listed() -> None:
    regions = tuple(r.code for r in gazetteer.regions())
    assert read_province("Casa", regions, "region").value == "casablanca"


def test_a_digit_without_a_list_is_not_understood() -> None:
    assert read_province("3").problem == NOT_UNDERSTOOD


# ------------------------------------------------------------------------ closed questions


@pytest.mark.parametrize(
    ("question", "text", "value"),
    [
        ("education_level", "1", "none"),
        ("education_level", "٤", "baccalaureate"),
        ("education_level", "bac", "baccalaureate"),
        ("education_level", "9rit fel jami3a", "university"),
        ("situation", "1", "job_seeker"),
        ("situation", "kan9elleb 3la khdma", "job_seeker"),
        ("situation", "فكرة ديال مشروع", "business_idea"),
        ("situation", "4", "other"),
        ("goal", "4", "training"),
        ("goal", "bghit formation", "training"),
        ("goal", "je veux créer mon projet", "start_business"),
        ("goal", "نصيحة", "advice"),
    ],
)
def test_a_closed_question_is_answered_by_digit_or_by_words(
    question: str, text: str, value: str
) -> None:
    assert read_option(question, text).value == value


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("education_level", "7"),
        ("situation", "0"),
        ("situation", "walou"),
        ("goal", "formation w khdma"),  # two answers named: she is asked again
    ],
)
def test_an_out_of_range_digit_or_unclear_words_are_asked_again(question: str, text: str) -> None:
    assert read_option(question, text).problem == NOT_UNDERSTOOD


@pytest.mark.parametrize(
    ("text", "number"), [("2", 2), ("٢", 2), ("۳", 3), (" 3. ", 3), ("12", 12), ("4)", 4)]
)
def test_single_digit_reads_a_bare_number(text: str, number: int) -> None:
    assert single_digit(text) == number


@pytest.mark.parametrize("text", ["", "123", "2a", "3 ans", "-"])
def test_single_digit_ignores_anything_else(text: str) -> None:
    assert single_digit(text) is None


# ----------------------------------------------------------------------------- corrections


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("smiti machi Fatima", "first_name"),
        ("je me suis trompée", LAST),
        ("ghlat f 3mri", "age"),
        ("غلطت فالمدينة", "province"),
        ("غلطت فعمري", "age"),
        ("ce n'est pas mon âge", "age"),
        ("machi hadi lmdina dyali", "province"),
        ("je veux corriger mon niveau d'études", "education_level"),
    ],
)
def test_a_correction_names_the_answer_she_wants_to_change(text: str, target: str) -> None:
    assert correction_target(text) == target


@pytest.mark.parametrize("text", ["Fatima", "smiti Khadija", "27", "Casa", "طنجة", "bac", "2"])
def test_a_plain_answer_is_no_correction(text: str) -> None:
    assert correction_target(text) is None
