"""The gazetteer: its data, the matcher, and the Rasa lookup file generated from it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import gazetteer
from bot.gazetteer import match, normalise

ROOT = Path(__file__).resolve().parents[2]
LOOKUP_FILE = ROOT / "rasa_project" / "data" / "lookups" / "city.yml"
REGIONS_JSON = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "moroccan-regions-cities"
    / "regions.json"
)
COVERAGE_TARGET = 0.90

# Names the gazetteer lists under two or more provinces on purpose: a town name they share.
# Any other shared name is a mistake in the YAML.
AMBIGUOUS_ALIASES = {
    "ajdir": {"al_hoceima", "khenifra"},
    "أجدير": {"al_hoceima", "khenifra"},
    "imouzzer": {"sefrou", "boulemane", "agadir_ida_outanane"},
    "ايموزار": {"sefrou", "boulemane", "agadir_ida_outanane"},
    "sidi yahya": {"skhirate_temara", "sidi_slimane"},
    "سيدي يحيى": {"skhirate_temara", "sidi_slimane"},
    "mhamid": {"marrakech", "zagora"},
    "المحاميد": {"marrakech", "zagora"},
}


def codes(text: str, limit: int = 5) -> list[str]:
    return [p.code for p in match(text, limit)]


# ------------------------------------------------------------------------------------- data


def test_twelve_regions_and_seventy_five_provinces() -> None:
    assert len(gazetteer.regions()) == 12
    assert len(gazetteer.provinces()) == 75


def test_every_region_has_provinces_and_every_province_a_known_region() -> None:
    per_region = Counter(p.region for p in gazetteer.provinces())
    assert {r.code for r in gazetteer.regions()} == set(per_region)
    assert all(count >= 2 for count in per_region.values())


def test_codes_are_unique_ascii_slugs() -> None:
    province_codes = [p.code for p in gazetteer.provinces()]
    region_codes = [r.code for r in gazetteer.regions()]
    assert len(set(province_codes)) == len(province_codes)
    assert len(set(region_codes)) == len(region_codes)
    for code in province_codes + region_codes:
        assert code.isascii() and code.replace("_", "").isalnum() and code == code.lower()


def test_every_province_has_names_in_both_scripts_and_aliases() -> None:
    for province in gazetteer.provinces():
        assert province.name_fr and province.name_ar
        assert any("\u0600" <= c <= "\u06ff" for c in province.name_ar), province.code
        assert province.aliases, province.code
        assert gazetteer.get(province.code) is province


def test_get_unknown_code() -> None:
    assert gazetteer.get("atlantis") is None
    assert gazetteer.get("") is None


def test_shared_names_are_only_the_intended_ones() -> None:
    # Every key of the index (spaced and glued forms of each name) that names two provinces.
    index = gazetteer._gazetteer().exact
    shared = {key: set(found) for key, found in index.items() if len(found) > 1}
    expected = {
        key: found
        for name, found in AMBIGUOUS_ALIASES.items()
        for key in gazetteer._keys(normalise(name).split())
    }
    assert shared == expected


# ---------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fès", "fes"),
        ("CASABLANCA", "casablanca"),
        ("Laâyoune", "laayoune"),
        ("l3ayoun", "laayoun"),
        ("l7oceima", "Al Hoceïma"),
        ("Marrakech", "marakech"),
        ("agadiir", "Agadir"),
        ("M'diq", "mdiq"),
        ("Tan-Tan", "tan tan"),
        ("El Jadida", "jadida"),
        ("الدار البيضاء", "دار البيضا"),
        ("طنجة", "طنجه"),
        ("إفران", "افران"),
        ("مَكْنَاس", "مكناس"),
        ("تـــازة", "تازه"),
        ("الرباط", "رباط"),
        ("مولاي يعقوب", "مولاى يعقوب"),
        ("كلميم", "گلميم"),
        ("طنجة", "\ufec1\ufee8\ufea0\ufe93"),  # Arabic presentation forms
    ],
)
def test_normalise_folds_spelling_variants(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_shape() -> None:
    assert normalise("  Skhirate-Témara  ") == "skhirate temara"
    assert normalise("") == ""
    assert normalise("123") == "123"
    assert normalise("\u200fفاس\u200e") == "فاس"


# -------------------------------------------------------------------------------- match


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Casa", "casablanca"),
        ("Dar lbida", "casablanca"),
        ("الدار البيضاء", "casablanca"),
        ("الدار البيضا", "casablanca"),
        ("كازا", "casablanca"),
        ("casablanca", "casablanca"),
        ("CASABLANCA", "casablanca"),
        ("kaza", "casablanca"),
        ("Fès", "fes"),
        ("fes", "fes"),
        ("fas", "fes"),
        ("فاس", "fes"),
        ("l3ayoun", "laayoune"),
        ("Laâyoune", "laayoune"),
        ("العيون", "laayoune"),
        ("Temara", "skhirate_temara"),
        ("ksar lkbir", "larache"),
        ("Ksar El Kébir", "larache"),
        ("M'diq", "mdiq_fnideq"),
        ("M’rirt", "khenifra"),
        ("Rabat", "rabat"),
        ("rbat", "rabat"),
        ("رباط", "rabat"),
        ("sla", "sale"),
        ("Salé", "sale"),
        ("mknas", "meknes"),
        ("Meknès", "meknes"),
        ("مكناس", "meknes"),
        ("tanja", "tanger_assilah"),
        ("طنجه", "tanger_assilah"),
        ("Asilah", "tanger_assilah"),
        ("tetwan", "tetouan"),
        ("wjda", "oujda_angad"),
        ("Oujda", "oujda_angad"),
        ("agadir", "agadir_ida_outanane"),
        ("marrakch", "marrakech"),
        ("mrakch", "marrakech"),
        ("lhoceima", "al_hoceima"),
        ("l7oceima", "al_hoceima"),
        ("Imzouren", "al_hoceima"),
        ("Ait Melloul", "inezgane_ait_melloul"),
        ("Dcheira", "inezgane_ait_melloul"),
        ("Ben Guerir", "rehamna"),
        ("Oued Zem", "khouribga"),
        ("Bejaad", "khouribga"),
        ("Souk Sebt", "fquih_ben_salah"),
        ("Kasba Tadla", "beni_mellal"),
        ("Martil", "mdiq_fnideq"),
        ("Zaio", "nador"),
        ("Ahfir", "berkane"),
        ("Saïdia", "berkane"),
        ("Erfoud", "errachidia"),
        ("Rissani", "errachidia"),
        ("Tanger Med", "fahs_anjra"),
        ("Sidi Slimane", "sidi_slimane"),
        ("Dakhla", "oued_ed_dahab"),
        ("الداخلة", "oued_ed_dahab"),
    ],
)
def test_known_names(text: str, expected: str) -> None:
    assert codes(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("marakech", "marrakech"),
        ("marrakeche", "marrakech"),
        ("casablanka", "casablanca"),
        ("kasablanka", "casablanca"),
        ("agadiir", "agadir_ida_outanane"),
        ("tetouane", "tetouan"),
        ("khouribgha", "khouribga"),
        ("kenitraa", "kenitra"),
        ("errachidiya", "errachidia"),
        ("chefchaouene", "chefchaouen"),
        ("ouarzazatte", "ouarzazate"),
        ("casablamca", "casablanca"),
        ("tetouen", "tetouan"),
        ("taroudent", "taroudant"),
        ("ouejda", "oujda_angad"),
        ("tenja", "tanger_assilah"),
        ("sefro", "sefrou"),
        ("مراكشش", "marrakech"),
        ("الدار البيضة", "casablanca"),
    ],
)
def test_typos(text: str, expected: str) -> None:
    assert codes(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana sakna f tanja", "tanger_assilah"),
        ("من مدينة وجدة", "oujda_angad"),
        ("ana f casa", "casablanca"),
        ("kanskon f dar lbida", "casablanca"),
        ("j'habite à Salé", "sale"),
        ("Tanger", "tanger_assilah"),
        ("أنا ساكنة فالرباط", "rabat"),
        ("ساكنة ف القنيطرة", "kenitra"),
        ("كنسكن فكازا", "casablanca"),
        ("Bonjour, j'habite à Fès.", "fes"),
        ("salam ana mn l3ayoun", "laayoune"),
        ("ana mn sidi slimane echcharraa", "berkane"),
        ("ana sakna f marakech daba", "marrakech"),
    ],
)
def test_free_text(text: str, expected: str) -> None:
    assert codes(text) == [expected]


def test_longest_name_wins() -> None:
    # "sidi slimane" is a province, but the longer name is a town of Berkane.
    assert codes("sidi slimane echcharraa") == ["berkane"]
    # "العيون" is Laâyoune, but "العيون سيدي ملوك" is a town of Taourirt.
    assert codes("العيون سيدي ملوك") == ["taourirt"]


def test_a_shared_name_returns_every_province() -> None:
    assert set(codes("sidi yahya")) == {"skhirate_temara", "sidi_slimane"}
    assert set(codes("imouzzer")) == {"sefrou", "boulemane", "agadir_ida_outanane"}
    assert codes("imouzzer kandar") == ["sefrou"]


def test_two_places_in_one_answer() -> None:
    assert codes("ana mn fes w sakna f casa") == ["fes", "casablanca"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names that are also everyday words count as the whole answer or after a cue.
        ("Safi", ["safi"]),
        ("ana mn safi", ["safi"]),
        ("je suis à Safi", ["safi"]),
        ("ok safi", []),
        ("safi ghadi nji", []),
        ("ana mn jdida", ["el_jadida"]),
        ("ana jdida hna, chno ndir?", []),
        ("mn jdid", []),
        ("من جديد", []),
        ("أنا جديدة هنا", []),
        ("la salle de formation", []),
        ("ana f sla", ["sale"]),
        ("ساكنة فالعيون", ["laayoune"]),
        ("العيون ديالي كيضروني", []),
        ("في العيون او الداخلة", ["laayoune", "oued_ed_dahab"]),
        ("smiti fatima ben ahmed", []),
        ("ana mn ben ahmed", ["settat"]),
    ],
)
def test_common_words_need_context(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mon prénom est Rachida",
        "je m'appelle Samira",
        "j'ai un projet",  # "ai un" is not El Aaiún
        "je ne suis pas disponible",
        "ghadi nkoun 7adra",  # not Had Draa
        "llah yr7m lwalidin",
        "ليلة سعيدة",
        "سأكون حاضرة",
        "آسفة لا أستطيع",
        "بغيت نخدم ف الفنادق",
    ],
)
def test_words_that_look_like_places_elsewhere_in_a_message(text: str) -> None:
    assert match(text) == []


def test_names_that_are_no_province_match_nothing() -> None:
    # Sebta and Melilla are no Moroccan province; without the exclusion they look like some.
    for name in ("Sebta", "سبتة", "Melilla", "مليلية"):
        assert match(name) == []


def test_limit() -> None:
    assert len(match("imouzzer", limit=2)) == 2
    assert match("casa", limit=0) == []


@pytest.mark.parametrize(
    "text",
    [
        "bghit nsjel",
        "wakha",
        "123",
        "",
        "   ",
        "salam",
        "bonjour",
        "merci",
        "oui",
        "chokran bzaf",
        "ana mzyana l7amdoulah",
        "ma3ndich l'adresse",
        "je ne sais pas",
        "j'habite en ville",
        "السلام عليكم",
        "من مدينة صغيرة",
        "بغيت نتسجل",
        "شكرا",
        "واخا",
        "ok",
        "?",
        "😊😊",
    ],
)
def test_nonsense_matches_nothing(text: str) -> None:
    assert match(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02",
        "\ud800casa",  # lone surrogate
        "a" * 1_000_000,
        "casa " * 100_000,
        "ا" * 10_000,
        "\u0640\u064b\u0651" * 1000,
        "l3" * 5000,
        "'" * 10_000,
        "\u202eabc\u202c",
        "🇲🇦" * 500,
        "9999999999999999999999",
        "\n\t\r",
        "<script>alert('casa')</script>",
        "'; DROP TABLE cities; --",
        "Ｃａｓａ",  # fullwidth
        "ﷺ ﷽",
    ],
)
def test_never_raises(text: str) -> None:
    result = match(text)
    assert isinstance(result, list)
    assert len(result) <= 5
    assert isinstance(normalise(text), str)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    assert len(match(text, limit=3)) <= 3


def test_fullwidth_is_folded() -> None:
    assert codes("Ｃａｓａ") == ["casablanca"]


def _nlu_examples() -> list[tuple[str, list[str]]]:
    """(plain text, city entity texts) of every intent example of the Rasa NLU data."""
    annotation = re.compile(r"\[([^\]]+)\](\(([^)]*)\)|\{[^}]*\})")
    examples = []
    for path in sorted((ROOT / "rasa_project" / "data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in item.get("examples", "").splitlines() if "intent" in item else []:
                text = line.removeprefix("- ").strip()
                cities = [m.group(1) for m in annotation.finditer(text) if m.group(3) == "city"]
                examples.append((annotation.sub(r"\1", text), cities))
    return examples


def test_the_cities_of_the_nlu_data_are_known() -> None:
    for text, cities in _nlu_examples():
        for city in cities:
            assert match(city), f"{city!r} (in {text!r}): add it to bot/data/gazetteer.yml"


def test_few_nlu_examples_without_a_city_name_one() -> None:
    # "safi" ("enough") alone is the known case: as a whole answer it is the city of Safi.
    without_city = [text for text, cities in _nlu_examples() if not cities]
    named = [(text, codes(text)) for text in without_city if match(text)]
    assert len(without_city) > 100
    assert len(named) <= len(without_city) // 100, named


# ------------------------------------------------------------------------ Rasa lookup file


def test_lookup_file_is_up_to_date() -> None:
    assert LOOKUP_FILE.read_text(encoding="utf-8") == gazetteer.rasa_lookup_yaml(), (
        "regenerate rasa_project/data/lookups/city.yml with `minajliki gen-lookups`"
    )


def test_lookup_yaml_shape() -> None:
    text = gazetteer.rasa_lookup_yaml()
    assert text.startswith("# Generated from bot/data/gazetteer.yml")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    items = data["nlu"]
    lookups = [item for item in items if "lookup" in item]
    assert [item["lookup"] for item in lookups] == ["city"]
    table = [line[2:] for line in lookups[0]["examples"].splitlines()]
    assert len(table) == len(set(table))
    assert {"casa", "dar lbida", "الدار البيضاء", "fès", "l3ayoun"} <= set(table)

    synonyms = {item["synonym"]: item["examples"] for item in items if "synonym" in item}
    assert set(synonyms) == {p.code for p in gazetteer.provinces()}
    seen: dict[str, str] = {}
    for code, examples in synonyms.items():
        lines = examples.splitlines()
        assert all(line.startswith("- ") for line in lines)
        for example in (line[2:] for line in lines):
            assert example == example.lower().strip()
            assert example not in seen, (example, seen.get(example), code)
            seen[example] = code
            assert example in table
    assert seen["casa"] == "casablanca"
    assert seen["كازا"] == "casablanca"
    assert seen["laâyoune"] == "laayoune"
    assert "sidi yahya" not in seen and "imouzzer" not in seen and "ajdir" not in seen
    assert "sidi yahya" in table


# ------------------------------------------------------------------------------- coverage


def _dataset_names(data: dict) -> list[str]:  # type: ignore[type-arg]
    """Every French and Arabic city name in regions.json (regions[].cities[] and
    unassigned_cities[], each with city_french / city_arabic)."""
    cities = [city for region in data["regions"] for city in region["cities"]]
    cities += data.get("unassigned_cities", [])
    names = []
    for city in cities:
        for key in ("city_french", "city_arabic"):
            if isinstance(city.get(key), str) and city[key].strip():
                names.append(city[key].strip())
    return names


@pytest.mark.skipif(
    not REGIONS_JSON.is_file(),
    reason=f"coverage dataset not found at {REGIONS_JSON} (the shared data is not mounted)",
)
def test_coverage_of_a_public_list_of_moroccan_cities() -> None:
    names = _dataset_names(json.loads(REGIONS_JSON.read_text(encoding="utf-8")))
    assert len(names) > 100
    misses = [name for name in names if not match(name)]
    coverage = 1 - len(misses) / len(names)
    print(f"\ngazetteer coverage of regions.json: {coverage:.1%} of {len(names)} names")
    print("missed:", ", ".join(misses) if misses else "none")
    assert coverage >= COVERAGE_TARGET, misses
