"""Chinese participants: "哈萨克斯坦共和国国务秘书兼外交部长托卡耶夫、中华人民共和国外交部长唐家璇、...".

In a Chinese list each item reads state, then title of office, then name, then perhaps a verb
("出席", "与会"). Items are split on Chinese punctuation (and on 和/及 before a state); the name is
what follows the item's last title that has one, cut where a word that cannot be part of a name
begins (data/offices.json `zh_name_stop`). A pinyin gloss left by a script converter right after
the title ("總統(tǒng)") is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TypeVar

from extractors.lexicon import Hit, Lexicon
from extractors.organisations import Organisation
from extractors.scripts import HAN
from extractors.tables import table
from schemas.records import Participant

T = TypeVar("T")

_ITEM = re.compile(r"[^、，,；;。：:\n！？!?]+")
_NAME = re.compile(r"(?:\([a-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]+\))?(?P<name>[\u3400-\u9fff·•・\-—]{2,24})")
_JOINT = re.compile(r"以及|和|及|与|與")
_JOINERS = "·•・-—"


@cache
def _office_lexicon() -> Lexicon[bool]:
    return Lexicon((t, True) for t in table("offices")["titles"]["zh"])


@cache
def _bad_starts() -> str:
    return str(table("offices")["zh_name_bad_start"])


@cache
def _stop_pattern() -> re.Pattern[str]:
    stops = sorted(table("offices")["zh_name_stop"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, stops)))


def _name_after(text: str, pos: int, end: int) -> tuple[int, int] | None:
    match = _NAME.match(text, pos, end)
    if match is None:
        return None
    start, stop = match.span("name")
    cut = _stop_pattern().search(text, start, stop)
    office = next(_office_lexicon().finditer(text, start, stop), None)
    for limit in (cut.start() if cut else None, office.start if office else None):
        if limit is not None:
            stop = min(stop, limit)
    while start < stop and text[start] in _JOINERS:
        start += 1
    while stop > start and text[stop - 1] in _JOINERS:
        stop -= 1
    if stop - start < 2 or text[start] in _bad_starts():
        return None
    return start, stop


def _items(
    text: str, countries: dict[int, Hit[str | None]], organisations: dict[int, Hit[Organisation]]
) -> Iterator[tuple[int, int]]:
    """The list items of a text: split on Chinese punctuation, and on 和/及/以及 before a state or body."""
    for item in _ITEM.finditer(text):
        start = item.start()
        for joint in _JOINT.finditer(text, item.start(), item.end()):
            named = countries.get(joint.end()) or organisations.get(joint.end())
            if named is not None and named.value:
                yield start, joint.start()
                start = joint.end()
        yield start, item.end()


def _name_of(text: str, offices: list[Hit[bool]], end: int) -> tuple[Hit[bool], tuple[int, int]] | None:
    """The last title of office in an item that a name follows, and that name's span."""
    for office in reversed(offices):
        span = _name_after(text, office.end, end)
        if span is not None:
            return office, span
    return None


def _last(hits: Iterator[Hit[T]]) -> Hit[T] | None:
    return max(hits, key=lambda h: h.start, default=None)


def chinese_participants(
    text: str, countries: dict[int, Hit[str | None]], organisations: dict[int, Hit[Organisation]]
) -> list[Participant]:
    """Return the participants named in the Chinese parts of a text, in text order."""
    if not HAN.search(text):
        return []
    found: list[Participant] = []
    carried: str | None = None  # "阿联酋阿布扎比王储、武装部队副总司令X": the state carries to the next title
    for start, end in _items(text, countries, organisations):
        offices = list(_office_lexicon().finditer(text, start, end))
        named = _name_of(text, offices, end) if offices else None
        title_at = named[0].start if named else end
        # the state nearest before the title ("中方赞赏阿联酋阿布扎比王储": the crown prince is the UAE's)
        state = _last(h for p, h in countries.items() if start <= p < title_at and h.value)
        org = _last(h for p, h in organisations.items() if start <= p < title_at)
        if named is None:
            carried = state.value if offices and state is not None else None
            continue
        office, span = named
        country = state.value if state is not None else carried
        carried = None
        role_start = max((h.end for h in (state, org) if h is not None), default=start)
        found.append(
            Participant(
                name=text[span[0] : span[1]],
                role=text[role_start : span[0]].strip() or office.text,
                country=country,
                organization=org.value.acronym if org is not None and state is None else None,
                char_start=span[0],
                char_end=span[1],
            )
        )
    return found
