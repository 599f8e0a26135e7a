"""Signature blocks: "For the Republic of X" headers with the signatories' names under or after them.

Treaties end with one column per party: a header naming the state ("For the Republic of Belarus",
"За Российскую Федерацию", "Por el Gobierno de México", "Pour la République française") and the
signatory's name. Text extracted from such pages puts the columns side by side on one line, so a
block is read only when it pairs reliably: the header stretch holds nothing but header words and k
states, and the names (on the same line or on each of the following lines) number exactly k, each
with its initials ("S. Shushkevich", "L. Ter-Petrosyan", "Б.Ельцин"), or k = 1 (a stacked block:
the header on one line, the name alone on the next). The i-th state goes with the i-th name.
"""

from __future__ import annotations

import re

from extractors.tokens import Item, Mentions, classify
from schemas.records import Participant

_HEADER = re.compile(r"(?<!\w)(?:For|FOR|За|ЗА|Por|POR|Pour|POUR)(?=\s)")
_HEADER_WORDS = re.compile(
    r"(?i)^(?:for|за|por|pour|the|of|de|del|la|le|el|los|las|des|du|republic|republique|république"
    r"|government|gobierno|gouvernement|kingdom|state|états|правительство|республику|республики)$"
)
_HEADER_KINDS = frozenset({"CONN", "PAREN", "NAME", "VOCAB"})  # "the Russian ... Federation (RSFSR)"
_MAX_NAMES = 12
_MAX_WORDS = 4  # words of one uninitialled name in a stacked block


def _items(text: str, start: int, end: int, mentions: Mentions) -> list[Item]:
    items: list[Item] = []
    while (item := classify(text, start, mentions, shouting=True)) is not None and item.end <= end:
        if item.kind != "END" or text[item.start : item.end].strip():
            items.append(item)
        start = item.end
    return items


def _header(text: str, items: list[Item]) -> tuple[list[str], int] | None:
    """The states named by a header stretch and the index of the first item after it.

    The columns pair reliably only when each "For" is followed by its own state ("For A For B") or
    all the "For"s come first and the states after them in the same order ("For the Republic of
    For the Republic of A B"); anything else (a state's name split across columns) is skipped.
    """
    states: list[str] = []
    shape = ""
    k = 0
    while k < len(items):
        item = items[k]
        word = text[item.start : item.end]
        if item.kind == "COUNTRY" and item.value:
            states.append(item.value)
            shape += "S"
        elif item.kind == "INIT" or (item.kind not in _HEADER_KINDS and not _HEADER_WORDS.match(word)):
            break  # the names begin, or this is no header
        elif _HEADER.match(word + " "):
            shape += "M"
        k += 1
    while k > 0 and items[k - 1].kind not in ("COUNTRY", "PAREN"):
        k -= 1  # the header ends with its last state; what follows must be names
    n = len(states)
    if not n or shape.rstrip("M") not in ("MS" * n, "M" * n + "S" * n):
        return None
    return states, k


def _people(text: str, items: list[Item]) -> list[tuple[int, int]] | None:
    """Spans of the persons in a run of name items; None unless the run is names only.

    Each person starts with initials, so the run splits where an initial follows a name word.
    """
    if not items or any(item.kind not in ("INIT", "NAME", "PART") for item in items):
        return None
    people: list[list[Item]] = []
    for item in items:
        if not people or (item.kind == "INIT" and people[-1][-1].kind != "INIT"):
            people.append([])
        people[-1].append(item)
    if any(p[0].kind != "INIT" or p[-1].kind != "NAME" for p in people):
        return None
    return [(p[0].start, p[-1].end) for p in people]


def _stacked(text: str, items: list[Item]) -> list[tuple[int, int]] | None:
    """A line holding one name alone, initials or not ("Hun Manet", "Б.Ельцин")."""
    people = _people(text, items)
    if people is not None:
        return people
    words = [item for item in items if item.kind in ("NAME", "PART")]
    if 2 <= len(words) <= _MAX_WORDS and len(words) == len(items) and items[-1].kind == "NAME":
        return [(items[0].start, items[-1].end)]
    return None


def _person(text: str, span: tuple[int, int], country: str) -> Participant:
    return Participant(
        name=text[span[0] : span[1]], role=None, country=country, char_start=span[0], char_end=span[1]
    )


def signatories(text: str, mentions: Mentions) -> list[Participant]:
    """Return the signatories of the signature blocks in `text`, each with the state they sign for."""
    found: list[Participant] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    for n, (start, end) in enumerate(lines):
        marker = _HEADER.search(text, start, end)
        if marker is None:
            continue
        items = _items(text, marker.start(), end, mentions)
        header = _header(text, items)
        if header is None:
            continue
        states, k = header
        if len(states) > _MAX_NAMES:
            continue
        rest = items[k:]
        rows: list[list[tuple[int, int]]] = []
        if rest:
            people = _people(text, rest)
            if people is not None and len(people) == len(states):
                rows.append(people)
        else:
            for below_start, below_end in lines[n + 1 : n + 3]:
                below = _items(text, below_start, below_end, mentions)
                people = _stacked(text, below) if len(states) == 1 else _people(text, below)
                if people is None or len(people) != len(states):
                    break
                rows.append(people)
        for row in rows:
            found.extend(_person(text, span, state) for span, state in zip(row, states, strict=True))
    return found
