"""Instruments: named agreements, conventions, charters...; bodies, generic mentions and the title are not."""

from __future__ import annotations

from extractors.dates import find_dates
from extractors.instruments import find_instruments
from extractors.organisations import organisation_lexicon
from schemas.records import Instrument


def instruments(text: str, excluded: list[tuple[int, int]] | None = None) -> list[Instrument]:
    found = find_instruments(
        text, find_dates(text), list(organisation_lexicon().finditer(text)), excluded or []
    )
    for instrument in found:
        assert text[instrument.char_start : instrument.char_end] == instrument.name
    return found


def names(text: str) -> list[str]:
    return [i.name for i in instruments(text)]


def test_press_release_instruments() -> None:
    text = (
        "the importance of finalizing the SCO Counter-Terrorism Convention, the Program of Cooperation "
        "among SCO "
        "Member States in Combating Terrorism, Separatism and Extremism for 2010-2012, and the Agreement on "
        "Personnel Training for Anti-terrorist Units of the SCO Member States. This goal will be served by "
        "the "
        "finalization of the Regulation on Political and Diplomatic Measures and Mechanisms of SCO "
        "Response to "
        "Situations Threatening Peace, Security and Stability in the Region. The elaboration of an "
        "Agreement on "
        "cooperation in international information security with a view to complete it by the summit."
    )
    assert [(i.name, i.kind) for i in instruments(text)] == [
        ("SCO Counter-Terrorism Convention", "convention"),
        (
            "Program of Cooperation among SCO Member States in Combating Terrorism, Separatism and Extremism "
            "for 2010-2012",
            "programme",
        ),
        ("Agreement on Personnel Training for Anti-terrorist Units of the SCO Member States", "agreement"),
        (
            "Regulation on Political and Diplomatic Measures and Mechanisms of SCO Response to Situations "
            "Threatening Peace, Security and Stability in the Region",
            "regulation",
        ),
        ("Agreement on cooperation in international information security", "agreement"),
    ]


def test_declaration_instruments_and_repeats() -> None:
    text = (
        "The SCO Charter signed on June 7, 2002 provided a framework. The launch of all mechanisms "
        "envisaged by "
        "the Charter. The entry into effect of the SCO Charter and the RATS Agreement. In accordance with "
        "the "
        "Memorandum between the governments of SCO member states of September 14, 2001. Under the Interim "
        "Scheme approved by the ministers. The principles of the UN Charter. The draft International "
        "Convention "
        "for the Suppression of Acts of Nuclear Terrorism and Comprehensive Convention on Combating "
        "International Terrorism. A Global Strategy for Countering New Threats and Challenges seems to "
        "offer a key."
    )
    assert names(text) == [
        "SCO Charter",
        "RATS Agreement",
        "Memorandum between the governments of SCO member states of September 14, 2001",
        "Interim Scheme",
        "UN Charter",
        "International Convention for the Suppression of Acts of Nuclear Terrorism",
        "Comprehensive Convention on Combating International Terrorism",
        "Global Strategy for Countering New Threats and Challenges",
    ]


def test_lowercase_generic_mentions_are_not_instruments() -> None:
    text = (
        "the heads of state signed the respective agreement; they will conclude an appropriate multilateral "
        "agreement before the end of 2003; they approved the draft regulations governing the procedures."
    )
    assert names(text) == []


def test_bodies_named_like_instruments_are_not_instruments() -> None:
    text = (
        "cooperation with the UN under the UN Drug Control Program and the Collective Security Treaty "
        "Organization, as well as the World Food Programme."
    )
    assert names(text) == []


def test_the_documents_own_title_is_excluded() -> None:
    text = "Bishkek Declaration\n\nThe heads of state refer to the SCO Charter."
    assert names(text) == ["Bishkek Declaration", "SCO Charter"]
    assert [i.name for i in instruments(text, [(0, len("Bishkek Declaration"))])] == ["SCO Charter"]


def test_headings_in_capitals_are_not_instruments() -> None:
    assert names("WHAT IS A HARVEST STRATEGY\n\nThe Harvest Strategy for Bigeye Tunas was adopted.") == [
        "Harvest Strategy for Bigeye Tunas"
    ]


def test_lowercase_kind_named_by_a_proper_noun() -> None:
    text = "We reaffirm the Paris agreement and the respective agreement. Agreement was reached."
    assert names(text) == ["Paris agreement"]


def test_compound_names_abbreviations_and_repeats() -> None:
    text = (
        "the Joint Vision Statement of the ASEAN-U.S. Special Summit; the Bali Regional Plan of Action "
        "(RPOA) "
        "in 2007; we will approve a new NATO Strategic Concept. The Strategic Concept will guide us."
    )
    assert names(text) == [
        "Joint Vision Statement of the ASEAN-U.S. Special Summit",
        "Bali Regional Plan of Action (RPOA)",
        "NATO Strategic Concept",
    ]


def test_a_subject_stops_at_the_end_of_the_line() -> None:
    assert names("Dushanbe Declaration of the Heads of SCO Member States\n\n12.09.2014 17:20") == [
        "Dushanbe Declaration of the Heads of SCO Member States"
    ]


def test_chinese_and_russian_instruments() -> None:
    text = (
        "六国元首于2001年6月15日在上海签署的《上海合作组织成立宣言》，基于《上合組織憲章》原则和联合国宪章。"
    )
    assert [(i.name, i.kind) for i in instruments(text)] == [
        ("上海合作组织成立宣言", "declaration"),
        ("上合組織憲章", "charter"),
        ("联合国宪章", "charter"),
    ]
    assert names("в соответствии с Уставом ООН и Хартией ШОС.") == ["Уставом ООН", "Хартией ШОС"]


def test_name_defined_with_an_acronym_is_an_instrument_not_a_body() -> None:
    from extractors.organisations import learned_lexicon

    text = (
        "the ASEAN Charter, the Treaty of Amity and Cooperation in Southeast Asia (TAC) and projects "
        "under the Master Plan on ASEAN Connectivity (MPAC) 2025, with the Social Empowerment "
        "Education Programme (SEEP)."
    )
    bodies = [*organisation_lexicon().finditer(text), *learned_lexicon(text).finditer(text)]
    found = [i.name for i in find_instruments(text, find_dates(text), bodies, [])]
    assert "Treaty of Amity and Cooperation in Southeast Asia (TAC)" in found
    assert "Master Plan on ASEAN Connectivity (MPAC) 2025" in found
    assert not any("SEEP" in name for name in found)


def test_one_acronym_one_instrument() -> None:
    text = (
        "the 1982 United Nations Convention on the Law of the Sea (UNCLOS). Later, "
        "the 1982 UN Convention on the Law of the Sea (UNCLOS) again."
    )
    assert names(text) == ["1982 United Nations Convention on the Law of the Sea (UNCLOS)"]


def test_russian_charter_of_an_organisation() -> None:
    assert names("подтверждая приверженность принципам Устава Организации Объединенных Наций, и") == [
        "Устава Организации Объединенных Наций"
    ]


def test_a_body_papers_and_agenda_items_are_not_named_instruments() -> None:
    assert names("We recall United Nations Security Council resolutions on the matter.") == []
    assert names("Приложения, пункт 25 повестки дня, документ.") == []
    assert names("Статья 14. Настоящее Соглашение открыто для присоединения.") == []
