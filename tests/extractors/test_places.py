"""Places: the gazetteer, states as places, inflected names, organisation names that hold a city."""

from __future__ import annotations

import json
from importlib import resources

import pycountry

from extractors.places import find_places, place_at, place_country


def test_city_and_its_state() -> None:
    text = "held in Yekaterinburg"
    place = place_at(text, text.index("Y"))
    assert place is not None and (place.name, place.country) == ("Yekaterinburg", "RUS")


def test_a_state_as_a_place_with_its_article() -> None:
    text = "conducted in the Republic of Tajikistan, and"
    place = place_at(text, text.index("the"))
    assert place is not None
    assert (place.name, place.country) == ("Republic of Tajikistan", "TJK")
    assert text[place.start : place.end] == "Republic of Tajikistan"


def test_russian_place_in_the_nominative() -> None:
    places = find_places("в столице Республики Узбекистан городе Ташкенте состоялось")
    assert [(p.name, p.country) for p in places] == [("Ташкент", "UZB")]


def test_cities_before_states() -> None:
    assert [p.name for p in find_places("在吉爾吉斯共和國比什凱克舉行")] == ["比什凱克"]
    assert [p.country for p in find_places("in the Kyrgyz Republic")] == ["KGZ"]


def test_a_city_inside_an_organisation_name_is_no_place() -> None:
    assert find_places("the Shanghai Cooperation Organization") == []
    assert find_places("上海合作组织成员国") == []
    assert [p.name for p in find_places("adopted in Shanghai")] == ["Shanghai"]


def test_place_country() -> None:
    assert place_country("St. Petersburg") == "RUS"
    assert place_country("Dushanbe") == "TJK"
    assert place_country("Астане") == "KAZ"
    assert place_country("Tajikistan") == "TJK"
    assert place_country("Atlantis") is None


def test_gazetteer_is_broad_and_uses_valid_codes() -> None:
    data = json.loads(resources.files("extractors").joinpath("data", "gazetteer.json").read_text("utf-8"))
    codes = set(data["places"])
    assert codes <= {c.alpha_3 for c in pycountry.countries}
    assert len(codes) >= 190  # a capital for every state, and then some
