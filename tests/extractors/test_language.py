"""detect_language: deterministic, ISO 639-1, Chinese as zh, und when it cannot tell, never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.language import detect_language

ENGLISH = "The heads of the member states of the Shanghai Cooperation Organization declare the following."
RUSSIAN = "Президент Республики Казахстан и Председатель Китайской Народной Республики приняли участие."


def test_languages() -> None:
    assert detect_language(ENGLISH)[0] == "en"
    assert detect_language(RUSSIAN)[0] == "ru"
    assert detect_language("上海合作组织成员国元首理事会会议联合公报在比什凯克发表")[0] == "zh"
    assert detect_language("上海合作組織成員國元首理事會會議新聞公報在比什凱克發表")[0] == "zh"
    assert detect_language("대한민국 정부는 오늘 발표했다 한국어 문장입니다")[0] == "ko"


def test_probability() -> None:
    code, probability = detect_language(ENGLISH)
    assert code == "en" and 0.9 < probability <= 1.0


def test_too_few_letters_is_undetermined() -> None:
    assert detect_language("") == ("und", 0.0)
    assert detect_language("12 — 34 ... !!") == ("und", 0.0)
    assert detect_language("SCO") == ("und", 0.0)


def test_results_do_not_depend_on_call_order() -> None:
    mixed = "Shanghai Cooperation Organization ШОС Organisation de coopération de Shanghai"
    first = detect_language(mixed)
    for text in (RUSSIAN, ENGLISH, "上海合作组织成员国元首理事会会议", mixed):
        detect_language(text)
    assert detect_language(mixed) == first


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    code, probability = detect_language(text)
    assert code and 0.0 <= probability <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Қазақстан Республикасы тәуелсіз, демократиялық, зайырлы және әлеуметтік мемлекет.", "kk"),
        ("Тоҷикистон давлати соҳибихтиёр, демократӣ, ҳуқуқбунёд, дунявӣ ва ягона мебошад.", "tg"),
        ("Ўзбекистон Республикаси суверен демократик республикадир.", "uz"),
        ("Кыргыз Республикасы эгемендүү, демократиялык, укуктук, светтик мамлекет болуп саналат.", "und"),
        ("Монгол Улс бол бүрэн эрхт, тусгаар тогтносон бүгд найрамдах улс мөн.", "und"),
    ],
)
def test_cyrillic_languages_langdetect_lacks_are_not_reported_as_russian(text: str, expected: str) -> None:
    code, probability = detect_language(text)
    assert code == expected and probability <= 0.5


def test_russian_quoting_a_kazakh_name_stays_russian() -> None:
    text = (
        "Шанхайская организация сотрудничества провела встречу в Астане"
        " с президентом Нұрсұлтан Назарбаевым и другими лидерами государств."
    )
    assert detect_language(text)[0] == "ru"
    assert (
        detect_language("Україна є суверенна і незалежна, демократична, соціальна, правова держава.")[0]
        == "uk"
    )
