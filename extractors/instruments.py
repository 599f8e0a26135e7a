"""Named instruments: agreements, conventions, charters, treaties, programmes, memoranda, strategies...

A kind word (data/instruments.json) names an instrument when it is capitalised and carries a
name: capitalised words before it ("SCO Counter-Terrorism Convention", "UN Charter"), a subject
after it ("Agreement on cooperation in international information security", "Memorandum between
... of September 14, 2001"), or both. A bare "the Charter", lowercase "the respective agreement",
a body ("UN Drug Control Program", "Collective Security Treaty Organization") and the document's
own title are not instruments. Chinese instruments are the 《...》 titles ending in a kind word, or
an organisation's name followed by one ("联合国宪章").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from extractors.dates import DateSpan
from extractors.lexicon import Hit, Lexicon, normalize
from extractors.organisations import Organisation, organisation_lexicon
from extractors.scripts import CYRILLIC, HAN
from extractors.tables import table
from schemas.records import Instrument

_PART = r"(?:[A-Z]\.){2,}|[\w'’]+"  # a word, or an abbreviation such as U.S.
_TOKEN = re.compile(rf"(?:{_PART})(?:[-‐](?:{_PART}))*|\S")
_QUOTED = re.compile(r"《([^《》]{2,80})》")
_ZH_GAP = re.compile(r"[^\s，。、；：“”《》()（）,.;:]{0,16}")
_CONNECT = frozenset({"of", "the", "on", "in", "for", "and", "among", "between", "to", "against", "a", "an"})
_SENTENCE_END = re.compile(r"[.!?。]\s*$|^\s*$")
_MAX_TAIL = 30
_ROMAN = re.compile(r"[IVX]+")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z])\)\s*$")


@cache
def kind_lexicon() -> Lexicon[str]:
    """Kind words (en, ru, zh) -> kind id, in any case (the callers judge capitalisation)."""
    kinds = table("instruments")["kinds"]
    return Lexicon(
        (
            (word, kind)
            for kind, by_language in kinds.items()
            for words in by_language.values()
            for word in words
        ),
        ignore_case=True,
    )


@cache
def _words(name: str, language: str) -> frozenset[str]:
    return frozenset(table("instruments")[name].get(language, []))


@cache
def _institutions() -> Lexicon[bool]:
    return Lexicon((noun, True) for noun in table("instruments")["institution_nouns"])


def _language(word: str) -> str:
    return "ru" if CYRILLIC.match(word) else "en"


def _left(text: str, start: int, floor: int) -> int:
    """Start of the capitalised words (acronyms, years) that name the instrument before its kind word."""
    tokens = list(_TOKEN.finditer(text, max(floor, start - 160), start))
    begin = start
    for token in reversed(tokens[-8:]):
        word = token.group()
        gap = text[token.end() : begin]
        if gap.strip() or "\n" in gap or not (word[0].isupper() or word[0].isdigit()):
            break
        if word in _words("left_stops", _language(word)) or word.endswith("ing"):
            break
        begin = token.start()
    return begin


def _comma_continues(tokens: list[re.Match[str]], i: int, capitalised: bool) -> bool:
    """After a comma: "Terrorism, Separatism and Extremism" or "relations, friendship and cooperation"."""
    if i + 1 >= len(tokens):
        return False
    following = tokens[i + 1].group()
    if capitalised:
        return following[0].isupper() and following not in _words("left_stops", "en")
    ahead = [t.group() for t in tokens[i + 1 : i + 5]]
    return following[0].islower() and following not in ("and", "or", "which", "who") and "and" in ahead


def _right(text: str, end: int, dates: dict[int, DateSpan]) -> int:
    """End of the subject after a kind word ("on Personnel Training for ..."), or `end` if none.

    The subject opens with a link word ("on", "of", "between"; Russian also a capitalised genitive,
    "Устав ООН"), a number ("Resolution 2758", "Plan IV") or an acronym in brackets ("(UNCLOS)"),
    and ends at a stop word, a clause break, or the end of the line.
    """
    line_end = text.find("\n", end)
    tokens = list(_TOKEN.finditer(text, end, min(end + 400, line_end if line_end >= 0 else len(text))))
    if not tokens or text[end : tokens[0].start()].strip():
        return end
    first = tokens[0].group()
    language = _language(first)
    numbered = first == "(" or first[0].isdigit() or _ROMAN.fullmatch(first) is not None
    linked = first in _words("links", language) or (language == "ru" and first[0].isupper())
    if not (numbered or linked):
        return end
    stops = _words("stops", language)
    capitalised: bool | None = None
    stop = end
    i = 0
    while i < len(tokens) and i < _MAX_TAIL:
        token = tokens[i]
        word = token.group()
        if token.start() in dates:
            stop = dates[token.start()].end
            while i < len(tokens) and tokens[i].start() < stop:
                i += 1
            continue
        if word == "(":
            close = text.find(")", token.end(), token.end() + 60)
            if close < 0 or ";" in text[token.end() : close]:
                break
            stop = close + 1
            while i < len(tokens) and tokens[i].start() < stop:
                i += 1
            continue
        if word == ",":
            if capitalised is None or not _comma_continues(tokens, i, capitalised):
                break
            i += 1
            continue
        if not (word[0].isalnum()) or word.lower() in stops:
            break
        if word in ("and", "и") and _another_instrument(tokens, i, capitalised is not False):
            break
        if word.lower() not in _CONNECT and not word[0].isdigit():
            if capitalised is None:
                capitalised = word[0].isupper() and language == "en"
            elif capitalised and not word[0].isupper():
                break
        stop = token.end()
        i += 1
    return _trim(text, end, stop)


def _another_instrument(tokens: list[re.Match[str]], i: int, capitalised: bool) -> bool:
    """ "... and Comprehensive Convention on ...", "... and the Agreement on ...": a second instrument.

    In a lowercase subject "and the ..." also ends it; a capitalised one goes on ("Peace and Stability").
    """
    if not capitalised and i + 1 < len(tokens) and tokens[i + 1].group() in ("the", "a", "an"):
        return True
    for token in tokens[i + 1 : i + 7]:
        word = token.group()
        if not word[0].isalnum():
            return False
        if kind_lexicon().lookup(word) is not None and word[0].isupper():
            return True
    return False


def _trim(text: str, start: int, stop: int) -> int:
    """Drop connectors left dangling at the end of a subject ("... of the"), and a closing "in 2007"."""
    tokens = list(_TOKEN.finditer(text, start, stop))
    if len(tokens) >= 2 and tokens[-2].group() in ("in", "since", "в") and tokens[-1].group().isdigit():
        del tokens[-2:]
    while tokens and tokens[-1].group().lower() in _CONNECT | {",", "о", "об", "по", "в"}:
        tokens.pop()
    return tokens[-1].end() if tokens else start


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_END.search(text, max(0, start - 3), start)) or start == 0


def _latin_instruments(
    text: str,
    dates: dict[int, DateSpan],
    bodies: list[Hit[Organisation]],
    excluded: list[tuple[int, int]],
) -> Iterator[Instrument]:
    floor = 0
    for kind in kind_lexicon().finditer(text):
        if HAN.match(kind.text) or any(s <= kind.start < e for s, e in excluded):
            continue
        if kind.text.isupper() and len(kind.text) > 3:
            continue  # "HARVEST STRATEGY": a heading in capitals, not a name
        if any(b.start <= kind.start and kind.end <= b.end for b in bodies):
            continue  # "UN Drug Control Program" is a body
        following = kind.end + _space_after(text, kind.end)
        if _language(kind.text) == "en" and _institutions().match_at(text, following):
            continue  # "Collective Security Treaty Organization" ("Устав Организации ..." is a charter)
        later = kind_lexicon().match_at(text, following)
        if later is not None and later.text[0].isupper():
            continue  # "Joint Vision Statement": the name goes on to the later kind word
        start = _left(text, kind.start, floor)
        if kind.text[0].islower():  # "Paris agreement": a lowercase kind word named by a proper noun
            named = any(w[1:] != w[1:].upper() for w in text[start : kind.start].split()) and not any(
                b.start <= start and b.end >= kind.start - 4 for b in bodies
            )  # "Security Council resolutions", "IATTC program": a body's papers, not a named one
            end = kind.end if named and not _at_sentence_start(text, start) else start
        else:
            end = _right(text, kind.end, dates)
        if end <= start or (start == kind.start and end <= kind.end):
            continue  # a bare "the Charter", a generic "the respective agreement"
        if start == kind.start and _language(kind.text) == "ru" and _at_sentence_start(text, start):
            continue  # "Положение в регионе ..." opens a sentence with the common word
        floor = end
        yield Instrument(name=text[start:end], kind=kind.value, char_start=start, char_end=end)


def _names_instrument(body: Hit[Organisation]) -> bool:
    """A learned "name (ACRONYM)" that is an instrument's name ("Treaty of Amity ... (TAC)"), not a body.

    Bodies from the table stay bodies ("UN Drug Control Program"); a name the text defines is an
    instrument when a capitalised kind word in it opens a subject ("Master Plan on ASEAN
    Connectivity"); one ending in the kind word ("Pacific Regional Environment Program") is a body.
    """
    if organisation_lexicon().lookup(body.text) is not None:
        return False
    for kind in kind_lexicon().finditer(body.text):
        if not kind.text[0].isupper() or HAN.match(kind.text):
            continue
        following = body.text[kind.end :].split()
        if following and following[0] in _words("links", _language(kind.text)):
            return True
    return False


def _space_after(text: str, pos: int) -> int:
    end = pos
    while end < len(text) and text[end] == " ":
        end += 1
    return end - pos


def _chinese_instruments(
    text: str, bodies: list[Hit[Organisation]], excluded: list[tuple[int, int]]
) -> Iterator[Instrument]:
    if not HAN.search(text):
        return
    quoted: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(text):
        inner = match.group(1)
        if any(s <= match.start() < e for s, e in excluded):
            continue
        kind = _suffix_kind(inner.removesuffix("草案"))
        if kind is not None and kind_lexicon().lookup(inner) is None:  # not a bare 《宪章》
            quoted.append(match.span(1))
            yield Instrument(name=inner, kind=kind, char_start=match.start(1), char_end=match.end(1))
    for body in bodies:
        if not HAN.match(body.text) or any(s <= body.start < e for s, e in [*quoted, *excluded]):
            continue
        gap = _ZH_GAP.match(text, body.end)
        end = gap.end() if gap else body.end
        for stop in range(body.end + 1, end + 1):
            kind = _suffix_kind(text[body.end : stop])
            if kind is not None:
                yield Instrument(
                    name=text[body.start : stop], kind=kind, char_start=body.start, char_end=stop
                )
                break


def _suffix_kind(text: str) -> str | None:
    """The kind of instrument a Chinese name ends with ("...宣言" -> declaration), shortest word first."""
    for length in range(2, min(4, len(text)) + 1):
        kind = kind_lexicon().lookup(text[-length:])
        if kind is not None:
            return kind
    return None


def find_instruments(
    text: str,
    dates: list[DateSpan],
    bodies: list[Hit[Organisation]],
    excluded: list[tuple[int, int]],
) -> list[Instrument]:
    """Return the named instruments in text order, each name once.

    `bodies` are the organisations found in the text (their names are never instruments);
    `excluded` spans (the lines naming the document itself) are skipped.
    """
    by_start = {d.start: d for d in dates}
    bodies = [b for b in bodies if not _names_instrument(b)]
    found = [
        *_latin_instruments(text, by_start, bodies, excluded),
        *_chinese_instruments(text, bodies, excluded),
    ]
    found.sort(key=lambda i: i.char_start or 0)
    unique: dict[str, Instrument] = {}
    for instrument in found:
        unique.setdefault(normalize(instrument.name), instrument)
    names = list(unique)
    # "the Strategic Concept" after "NATO Strategic Concept" is the same instrument
    kept = [i for key, i in unique.items() if not any(n != key and n.endswith(" " + key) for n in names)]
    # "1982 UN Convention ... (UNCLOS)" after "1982 United Nations Convention ... (UNCLOS)": one acronym
    seen: set[str] = set()
    result = []
    for instrument in kept:
        acronym = _ACRONYM.search(instrument.name)
        if acronym is not None and acronym.group(1) in seen:
            continue
        if acronym is not None:
            seen.add(acronym.group(1))
        result.append(instrument)
    return result
