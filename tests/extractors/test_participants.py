"""Participants: the title-of-office patterns in English, Russian and Chinese; dedupe; spans."""

from __future__ import annotations

from extractors.countries import find_countries
from extractors.organisations import learned_lexicon, organisation_lexicon
from extractors.participants import Mentions, find_participants
from schemas.records import Participant


def people(text: str) -> list[Participant]:
    organisations = [*organisation_lexicon().finditer(text), *learned_lexicon(text).finditer(text)]
    found = find_participants(text, Mentions.of(find_countries(text), organisations))
    for person in found:
        assert text[person.char_start : person.char_end] == person.name
    return found


def summary(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(p.name, p.role, p.country, p.organization) for p in people(text)]


def test_title_of_country_then_name() -> None:
    text = (
        "It was attended by Minister of Foreign Affairs of Kazakhstan M. Tazhin, Minister of Foreign Affairs "
        "of the People's Republic of China Yang Jiechi, Minister of Foreign Affairs of the Republic "
        "Tajikistan H. Zarifi."
    )
    assert summary(text) == [
        ("M. Tazhin", "Minister of Foreign Affairs", "KAZ", None),
        ("Yang Jiechi", "Minister of Foreign Affairs", "CHN", None),
        ("H. Zarifi", "Minister of Foreign Affairs", "TJK", None),
    ]


def test_title_name_then_country() -> None:
    assert summary("The ministers were received by President D. Medvedev of the Russian Federation.") == [
        ("D. Medvedev", "President", "RUS", None)
    ]


def test_officials_of_an_organisation_have_no_country() -> None:
    text = (
        "The SCO Secretary-General B. Nurgaliev and Director of the Executive Committee of the Regional "
        "Antiterrorist Structure M. Subanov participated in the meeting."
    )
    assert summary(text) == [
        ("B. Nurgaliev", "Secretary-General", None, "SCO"),
        (
            "M. Subanov",
            "Director of the Executive Committee of the Regional Antiterrorist Structure",
            None,
            "RATS",
        ),
    ]


def test_appointed_as_with_the_country_in_parentheses() -> None:
    text = (
        "the decision was taken to endorse Zhang Deguang (People's Republic of China) as the SCO Executive "
        "Secretary."
    )
    assert summary(text) == [("Zhang Deguang", "Executive Secretary", "CHN", "SCO")]


def test_same_person_twice_is_listed_once() -> None:
    text = (
        "The meeting was chaired by President N. Nazarbayev of the Republic of Kazakhstan. "
        "Prime Minister K.K. Massimov spoke. President N. Nazarbayev of the Republic of Kazakhstan closed "
        "it. "
        "Prime Minister K. Massimov of the Republic of Kazakhstan left."
    )
    assert [(p.name, p.country) for p in people(text)] == [("N. Nazarbayev", "KAZ"), ("K.K. Massimov", "KAZ")]


def test_honorifics_are_dropped_and_long_names_kept() -> None:
    text = (
        "Minister of Petroleum and Natural Gas Shri Murli Deora of the Republic of India, "
        "Minister of Foreign Affairs of the Islamic Republic of Iran Mohammad Javad Zarif."
    )
    assert [(p.name, p.country) for p in people(text)] == [
        ("Murli Deora", "IND"),
        ("Mohammad Javad Zarif", "IRN"),
    ]


def test_two_titles_joined_by_and_before_the_name() -> None:
    text = (
        "Chairman of the Executive Committee and Executive Secretary of the Commonwealth of Independent "
        "States Sergei Lebedev, Secretary-General of the United Nations Antonio Guterres attended."
    )
    assert [(p.name, p.country, p.organization) for p in people(text)] == [
        ("Sergei Lebedev", None, "CIS"),
        ("Antonio Guterres", None, "UN"),
    ]


def test_name_after_a_comma_and_a_possessive_state() -> None:
    text = (
        "Qatar's Prime Minister and Minister of Foreign Affairs, Mohammed bin Salman, attended the meeting."
    )
    assert summary(text) == [
        ("Mohammed bin Salman", "Prime Minister and Minister of Foreign Affairs", "QAT", None)
    ]


def test_lowercase_title_or_title_without_a_name_is_no_one() -> None:
    assert people("the president of the meeting thanked the Secretary-General for the report.") == []
    assert people("The Council of Heads of Government (Prime Ministers) will meet.") == []


def test_russian_list() -> None:
    text = (
        "В нём приняли участие Президент Республики Казахстан Н.А.Назарбаев, Председатель Китайской Народной "
        "Республики Ху Цзиньтао. В заседании участвовали Генеральный секретарь ШОС Б.К.Нургалиев и Директор "
        "Исполнительного комитета Региональной антитеррористической структуры (РАТС) ШОС М.У.Субанов."
    )
    assert [(p.name, p.country, p.organization) for p in people(text)] == [
        ("Н.А.Назарбаев", "KAZ", None),
        ("Ху Цзиньтао", "CHN", None),
        ("Б.К.Нургалиев", None, "SCO"),
        ("М.У.Субанов", None, "RATS"),
    ]


def test_russian_plural_title_and_place_are_no_one() -> None:
    text = (
        "Руководители государств-членов по итогам заседания Совета глав государств-членов в Бишкеке заявляют."
    )
    assert people(text) == []


def test_chinese_list() -> None:
    text = (
        "2002年4月26日在莫斯科举行了上海合作组织成员国外交部长例行会议。哈萨克斯坦共和国国务秘书兼外交部长托卡耶夫、"
        "中华人民共和国外交部长唐家璇、塔吉克斯坦共和国外交部长纳扎罗夫和乌兹别克斯坦共和国副外长涅马托夫出席。"
        "部长们满意地指出。上合组织秘书长诺罗夫参加会议。"
    )
    assert [(p.name, p.role, p.country, p.organization) for p in people(text)] == [
        ("托卡耶夫", "国务秘书兼外交部长", "KAZ", None),
        ("唐家璇", "外交部长", "CHN", None),
        ("纳扎罗夫", "外交部长", "TJK", None),
        ("涅马托夫", "副外长", "UZB", None),
        ("诺罗夫", "秘书长", None, "SCO"),
    ]


def test_signature_and_copy_lines_name_before_the_title() -> None:
    text = (
        "Sincerely,\n\nGuillermo Morán Velásquez. Under Secretary of Fisheries Resources\n\n"
        "C.C: Dr. Mario Aguilar, IATTC Chairman"
    )
    assert [(p.name, p.role) for p in people(text)] == [
        ("Guillermo Morán Velásquez", "Under Secretary of Fisheries Resources"),
        ("Mario Aguilar", "IATTC Chairman"),
    ]


def test_speaker_labels_in_capitals_and_nothing_else_in_capitals() -> None:
    text = (
        "PRESIDENT BIDEN: Thank you.\n\nSECRETARY GENERAL STOLTENBERG: Thank you.\n\n"
        "LETTER TO THE CHAIR WCPFC4"
    )
    assert [(p.name, p.role) for p in people(text)] == [
        ("BIDEN", "PRESIDENT"),
        ("STOLTENBERG", "SECRETARY GENERAL"),
    ]


def test_a_person_never_spans_two_blocks() -> None:
    assert people("Distinguished Chairman\n\nDear Sir:\n\nUnder Secretary of Fisheries Resources") == []


def test_a_short_and_a_full_mention_are_one_person_with_the_full_name() -> None:
    text = (
        "President Xi spoke first. Chairman of the People's Republic of China Xi Jinping closed the meeting."
    )
    assert [(p.name, p.country) for p in people(text)] == [("Xi Jinping", "CHN")]


def test_chinese_title_takes_the_nearest_state() -> None:
    text = "中方赞赏阿联酋阿布扎比王储、武装部队副总司令穆罕默德殿下提出的倡议。"
    assert [(p.name, p.country) for p in people(text)] == [("穆罕默德", "ARE")]


def test_signature_columns_each_header_then_its_names() -> None:
    text = (
        "Done at Minsk in three copies.\n\n"
        "For the Republic of For the Republic of Azerbaijan Armenia A. Mutalibov L. Ter-Petrosyan\n\n"
        "For Ukraine For the Republic of Belarus\n\nL. KRAVCHUK S. SHUSHKEVICH\n\nV. FOKIN V. KEBICH\n"
    )
    assert [(p.name, p.country) for p in people(text)] == [
        ("A. Mutalibov", "AZE"),
        ("L. Ter-Petrosyan", "ARM"),
        ("L. KRAVCHUK", "UKR"),
        ("S. SHUSHKEVICH", "BLR"),
        ("V. FOKIN", "UKR"),
        ("V. KEBICH", "BLR"),
    ]


def test_stacked_signature_block() -> None:
    text = "Signed at Kuala Lumpur.\n\nFor the Kingdom of Thailand\n\nAnutin Charnvirakul\n"
    assert [(p.name, p.country) for p in people(text)] == [("Anutin Charnvirakul", "THA")]


def test_signature_columns_that_cannot_be_paired_are_skipped() -> None:
    # the state's name is split across the columns: the order of states and names is not reliable
    text = (
        "For the Russian For the Republic of For Turkmenistan Federation Tajikistan "
        "S. Niyazov B. Yeltsin R. Nabiev\n"
    )
    assert people(text) == []


def test_prose_opening_with_for_is_no_signature() -> None:
    text = "For the Republic of Korea, Minister Park Jin attended.\n\nFor Japan\n\nthe meeting was useful\n"
    assert [(p.name, p.country) for p in people(text)] == [("Park Jin", None)]


def test_one_misread_letter_in_a_scanned_surname_is_the_same_person() -> None:
    text = "For the Republic of Azerbaijan A. Mutalibov\n\nFor the Republic of Azerbaijan A. Mutaiibov\n"
    assert [p.name for p in people(text)] == ["A. Mutalibov"]
