"""Topics: keywords from the taxonomy, in en, ru and zh."""

from __future__ import annotations

from extractors.topics import find_topics


def test_english_topics() -> None:
    text = (
        "combating terrorism, drug trafficking and transnational organized crime; the global financial "
        "crisis; "
        "energy and food security and global climate change; an Agreement on cooperation in international "
        "information security; the situation in Afghanistan."
    )
    assert find_topics(text) == [
        "afghanistan",
        "climate",
        "drugs",
        "energy",
        "finance",
        "food_security",
        "information_security",
        "organised_crime",
        "security",
        "terrorism",
    ]


def test_russian_and_chinese_topics() -> None:
    assert find_topics("противодействие терроризму и экстремизму") == ["terrorism"]
    assert find_topics("打击恐怖主义和毒品") == ["drugs", "terrorism"]


def test_no_topic() -> None:
    assert find_topics("") == []
    assert find_topics("The weather was fine.") == []
