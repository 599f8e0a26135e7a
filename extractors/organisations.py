"""Organisations: the table of known bodies (data/organisations.json) and acronyms a text defines.

A text teaches its own acronyms: "Shanghai Cooperation Organization (hereinafter referred to as
the SCO or the Organization)", "(hereinafter the SCO)", "Regional Anti-Terrorist Structure (RATS)",
"Шанхайской организации сотрудничества (ШОС)". Known names map to the table's English acronym
(ШОС -> SCO); unknown ones keep the acronym the text gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from extractors.countries import country_of
from extractors.lexicon import Lexicon
from extractors.scripts import CYRILLIC
from extractors.tables import table

_DEFINITION = re.compile(
    r"\(\s*(?P<lead>(?:hereinafter|hereafter|далее)(?:\s+(?:referred\s+to\s+as|именуем\w*))?\s*[-–—]?\s*)?"
    r"(?:the\s+)?[«“\"]?(?P<acronym>[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]*[A-ZА-ЯЁ]\w*)[»”\"]?\s*(?=[),;]|\s+or\s|\s+и\s)"
)
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_CONNECTORS = frozenset({"of", "the", "for", "and", "on", "in", "de", "la", "du", "des"})


@dataclass(frozen=True)
class Organisation:
    """An organisation from the table: the acronym reported, and whether it issues documents."""

    acronym: str
    issuer: bool


@dataclass(frozen=True)
class Definition:
    """An acronym a text defines: the full name before it, the acronym, and the organisation meant."""

    name: str
    acronym: str
    organisation: str
    hereinafter: bool
    start: int


def _entries() -> Iterator[tuple[str, Organisation]]:
    for row in table("organisations")["organisations"]:
        organisation = Organisation(row["acronym"], row["kind"] == "issuer")
        for name in row["names"]:
            yield name, organisation


@cache
def organisation_lexicon() -> Lexicon[Organisation]:
    """The table: any name or acronym of an organisation -> the organisation."""
    return Lexicon(_entries())


def _initials(word: str) -> str:
    return "".join(part[0] for part in word.split("-") if part)


def _name_before(text: str, end: int, acronym: str) -> str | None:
    """The words just before a parenthesis whose initials spell the acronym ("Shanghai Cooperation ...")."""
    phrase: list[re.Match[str]] = []
    stop = end
    for word in reversed(list(_WORD.finditer(text, max(0, end - 200), end))):
        token = word.group()
        if text[word.end() : stop].strip() or len(phrase) == 12:
            break  # punctuation between words ends the name
        if token[0].islower() and token.lower() not in _CONNECTORS and not CYRILLIC.match(token):
            break  # Russian names have lowercase words ("организации сотрудничества"), English ones not
        phrase.insert(0, word)
        stop = word.start()
    content = [i for i, w in enumerate(phrase) if w.group().lower() not in _CONNECTORS]
    target = acronym.upper()

    def initials(i: int) -> str:
        return "".join(_initials(phrase[j].group()) for j in content if j >= i).upper()

    start = next((i for i in reversed(content) if initials(i) == target), None)
    if start is None:
        start = next(
            (i for i in content if initials(i)[:1] == target[:1] and _subsequence(target, initials(i))), None
        )
    return None if start is None else text[phrase[start].start() : phrase[-1].end()]


def _subsequence(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(ch in rest for ch in needle)


def definitions(text: str, start: int = 0, end: int | None = None) -> list[Definition]:
    """Return the acronyms `text[start:end]` defines, with the organisation each stands for."""
    found: list[Definition] = []
    for match in _DEFINITION.finditer(text, start, len(text) if end is None else end):
        acronym = match.group("acronym")
        name = _name_before(text, match.start(), acronym)
        if name is None or country_of(name):
            continue  # "People's Republic of China (PRC)" defines a state, not an organisation
        known = organisation_lexicon().lookup(name) or organisation_lexicon().lookup(acronym)
        organisation = known.acronym if known else acronym
        found.append(Definition(name, acronym, organisation, bool(match.group("lead")), match.start()))
    return found


def learned_lexicon(text: str) -> Lexicon[Organisation]:
    """The acronyms (and their full names) this text defines, as a small lexicon of its own."""
    entries: list[tuple[str, Organisation]] = []
    for definition in definitions(text):
        organisation = Organisation(definition.organisation, False)
        entries += [(definition.acronym, organisation), (definition.name, organisation)]
    return Lexicon(entries)
