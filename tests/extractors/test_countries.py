"""Countries: official and short names, demonyms, look-alikes, Russian and Chinese, counts."""

from __future__ import annotations

import json
from importlib import resources

import pycountry
import pytest

from extractors.countries import country_mentions, country_of, find_countries


def codes(text: str) -> list[str | None]:
    return [hit.value for hit in find_countries(text) if hit.value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Kyrgyz Republic", ["KGZ"]),
        ("the People's Republic of China", ["CHN"]),
        ("the People’s Republic of China", ["CHN"]),
        ("the Russian Federation", ["RUS"]),
        ("the Republic of Tajikistan", ["TJK"]),
        ("Minister of Foreign Affairs of the Republic Tajikistan H. Zarifi", ["TJK"]),
        ("Russia, China and Iran", ["RUS", "CHN", "IRN"]),
        ("the Islamic Republic of Afghanistan", ["AFG"]),
        ("the United States and the United Kingdom", ["USA", "GBR"]),
        ("U.S.-China relations", ["USA", "CHN"]),
        ("Papua New Guinea", ["PNG"]),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Afghan drugs threat", ["AFG"]),
        ("the national interests of the Iraqi people", ["IRQ"]),
        ("was chaired by the Russian side", ["RUS"]),
    ],
)
def test_demonyms(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in the South China Sea",
        "the Korean Peninsula",
        "across Latin America",
        "the Indian Ocean",
        "a turkey",
    ],
)
def test_look_alikes_are_not_states(text: str) -> None:
    assert codes(text) == []


def test_russian_and_chinese_names() -> None:
    assert codes("президент Республики Казахстан и председатель Китайской Народной Республики") == [
        "KAZ",
        "CHN",
    ]
    assert codes("Президент Кыргызской Республики, Российской Федерации") == ["KGZ", "RUS"]
    assert codes("哈萨克斯坦共和国、中华人民共和国、吉爾吉斯共和國和俄罗斯联邦") == [
        "KAZ",
        "CHN",
        "KGZ",
        "RUS",
    ]


def test_mentions_are_counted_per_state() -> None:
    hits = find_countries("Russia and the Russian Federation; the Russian side; China")
    assert [(m.country, m.mentions) for m in country_mentions(hits)] == [("CHN", 1), ("RUS", 3)]


def test_country_of_any_form() -> None:
    assert country_of("Republic Tajikistan") == "TJK"
    assert country_of("Таджикистан") == "TJK"
    assert country_of("塔吉克斯坦") == "TJK"
    assert country_of("Shanghai") is None


def test_alias_table_uses_valid_codes() -> None:
    data = json.loads(resources.files("extractors").joinpath("data", "countries.json").read_text("utf-8"))
    known = {c.alpha_3 for c in pycountry.countries}
    codes_used = set(data["aliases"]) | {c for names in data["demonyms"].values() for c in names.values()}
    assert codes_used <= known
