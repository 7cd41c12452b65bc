"""Countries and regions of foreign applicants (a foreign applicant's region showed "—"): the shipped table names every
country the generator draws applicants from, in both languages; a code it does not hold is shown as the code."""

from __future__ import annotations

from zhichan.corpus.generator import calibration
from zhichan.corpus.generator.names import FOREIGN_STEMS
from zhichan.reference import country_codes, country_name


def test_every_country_the_generator_draws_from_has_its_names() -> None:
    assert set(calibration.FOREIGN_COUNTRIES) == set(FOREIGN_STEMS) <= set(country_codes())
    for code in calibration.FOREIGN_COUNTRIES:
        zh, en = country_name(code, "zh"), country_name(code, "en")
        assert zh != code and en != code and zh != en and en.isascii(), code
    assert (country_name("US"), country_name("US", "en")) == ("美国", "United States")
    assert (country_name("TW"), country_name("TW", "en")) == ("中国台湾", "Taiwan, China")
    assert country_name("hk", "en") == "Hong Kong, China"  # an import's lower-case code


def test_a_code_the_table_does_not_hold_is_shown_as_the_code() -> None:
    assert country_name("BR", "en") == "BR" and country_name("BR") == "BR"
    assert country_name(None) == "" and country_name(" ", "en") == ""
