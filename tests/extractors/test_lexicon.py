"""Lexicon: longest phrase, case variants, Russian inflection, Chinese, lookups."""

from __future__ import annotations

from extractors.lexicon import Lexicon, alternation, normalize, stem


def test_longest_phrase_wins_at_a_position() -> None:
    lexicon = Lexicon([("Guinea", "GIN"), ("Papua New Guinea", "PNG"), ("Equatorial Guinea", "GNQ")])
    hits = list(lexicon.finditer("Papua New Guinea, Guinea and Equatorial Guinea"))
    assert [(h.text, h.value) for h in hits] == [
        ("Papua New Guinea", "PNG"),
        ("Guinea", "GIN"),
        ("Equatorial Guinea", "GNQ"),
    ]


def test_matches_whole_words_only() -> None:
    lexicon = Lexicon([("Niger", "NER"), ("Oman", "OMN")])
    assert list(lexicon.finditer("Nigeria and Romania")) == []


def test_case_sensitive_by_default_with_capitals_and_upper_case_variants() -> None:
    lexicon = Lexicon([("Turkey", "TUR"), ("US", "USA")])
    assert [h.value for h in lexicon.finditer("TURKEY and Turkey, not turkey; US not us")] == [
        "TUR",
        "TUR",
        "USA",
    ]


def test_ignore_case() -> None:
    lexicon = Lexicon([("Prime Minister", "en")], ignore_case=True)
    assert [h.text for h in lexicon.finditer("the prime minister met the PRIME MINISTER")] == [
        "prime minister",
        "PRIME MINISTER",
    ]


def test_russian_names_match_inflected_and_report_the_table_spelling() -> None:
    lexicon = Lexicon([("Республика Казахстан", "KAZ"), ("Ташкент", "UZB"), ("Китай", "CHN")])
    hits = list(lexicon.finditer("Президент Республики Казахстан прибыл в Ташкенте; посол Китая"))
    assert [(h.text, h.phrase, h.value) for h in hits] == [
        ("Республики Казахстан", "Республика Казахстан", "KAZ"),
        ("Ташкенте", "Ташкент", "UZB"),
        ("Китая", "Китай", "CHN"),
    ]


def test_inflection_does_not_reach_into_another_word() -> None:
    lexicon = Lexicon([("Китай", "CHN")])
    assert list(lexicon.finditer("Китайской Народной Республики")) == []


def test_chinese_phrases_match_inside_running_text() -> None:
    lexicon = Lexicon([("莫斯科", "RUS"), ("比什凯克", "KGZ")])
    assert [h.value for h in lexicon.finditer("2002年4月26日在莫斯科举行，比什凯克")] == ["RUS", "KGZ"]


def test_match_at_and_lookup() -> None:
    lexicon = Lexicon([("St. Petersburg", "RUS"), ("Санкт-Петербург", "RUS")])
    text = "signed in St. Petersburg"
    hit = lexicon.match_at(text, text.index("St."))
    assert hit is not None and hit.end == len(text)
    assert lexicon.match_at(text, 0) is None
    assert lexicon.lookup("Санкт-Петербурге") == "RUS"
    assert lexicon.lookup("Paris") is None


def test_normalize_and_stem() -> None:
    assert normalize("People’s  Republic") == normalize("People's Republic")
    assert stem("Ташкенте") == stem("Ташкент") == "ташкент"
    assert stem("Moscow") == "moscow"


def test_alternation_is_a_trie_of_literal_words() -> None:
    import re

    pattern = re.compile(alternation(["june", "jun", "july"]) + "$")
    assert all(pattern.match(w) for w in ("june", "jun", "july"))
    assert pattern.match("jul") is None


def test_an_empty_lexicon_finds_nothing() -> None:
    lexicon: Lexicon[str] = Lexicon([])
    assert list(lexicon.finditer("anything")) == []
    assert lexicon.match_at("anything", 0) is None
