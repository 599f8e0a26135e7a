"""Organisations: acronyms a text defines, the table's names in several languages."""

from __future__ import annotations

from extractors.organisations import definitions, learned_lexicon, organisation_lexicon


def test_hereinafter_definition() -> None:
    text = (
        "A regular meeting of the Council of Foreign Ministers of the Shanghai Cooperation Organization "
        "(hereinafter referred to as the SCO or the Organization) was held"
    )
    [found] = definitions(text)
    assert (found.name, found.acronym, found.organisation, found.hereinafter) == (
        "Shanghai Cooperation Organization",
        "SCO",
        "SCO",
        True,
    )


def test_short_and_parenthesised_definitions() -> None:
    assert [
        (d.acronym, d.hereinafter)
        for d in definitions("the Shanghai Cooperation Organisation (hereinafter the SCO)")
    ] == [("SCO", True)]
    [rats] = definitions("the Regional Anti-Terrorist Structure (RATS) in Tashkent")
    assert (rats.name, rats.organisation, rats.hereinafter) == (
        "Regional Anti-Terrorist Structure",
        "RATS",
        False,
    )


def test_unknown_organisations_keep_their_own_acronym() -> None:
    [found] = definitions("the Institute for Advanced Studies on Asia (IASA), The University")
    assert (found.name, found.organisation) == ("Institute for Advanced Studies on Asia", "IASA")


def test_russian_definition_maps_to_the_english_acronym() -> None:
    [found] = definitions("государств-членов Шанхайской организации сотрудничества (ШОС).")
    assert (found.acronym, found.organisation) == ("ШОС", "SCO")


def test_a_state_is_not_an_organisation() -> None:
    assert definitions("the People's Republic of China (PRC)") == []


def test_learned_lexicon_finds_the_defined_name_and_acronym() -> None:
    text = "Conference on Interaction and Confidence-Building Measures in Asia (CICA). The CICA met."
    hits = list(learned_lexicon(text).finditer(text))
    assert [h.text for h in hits] == [text[: text.index(" (")], "CICA", "CICA"]
    assert {h.value.acronym for h in hits} == {"CICA"}


def test_table_names_in_three_languages() -> None:
    lexicon = organisation_lexicon()
    assert {lexicon.lookup(n).acronym for n in ("Shanghai Cooperation Organisation", "ШОС", "上合组织")} == {
        "SCO"
    }
    programme = lexicon.lookup("UN Drug Control Program")
    assert programme is not None and not programme.issuer
