"""The pieces of text around a title of office, each classified for the participant reader.

A piece is a state or organisation named there (found beforehand in the whole text), another title
of office, an honorific, an initial, a name word, a title or institution word (data/offices.json
`vocabulary`), a connector, a lowercase word, a bracket, a dash, or punctuation that ends the stretch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from extractors.lexicon import Hit, Lexicon, stem
from extractors.organisations import Organisation
from extractors.tables import table

_TOKEN = re.compile(
    r"(?P<init>[A-ZА-ЯЁ]\.)(?=\s?[A-ZА-ЯЁ])|(?P<word>[^\W\d_]+(?:['’-](?![sS]\b)[^\W\d_]+)*)|(?P<num>\d+)"
    r"|(?P<punct>\S)"
)
_CONNECTORS = frozenset({"of", "the", "for", "on", "to", "in", "at", "and", "&", "по", "при", "в", "и"})
_SKIP_PUNCT = frozenset("'’\"“”«»")
_DASHES = frozenset("-–—")
NAME_KINDS = ("NAME", "INIT", "PART")


@dataclass(frozen=True)
class Item:
    """A classified piece of text: its kind, span and value (ISO3, acronym or connector)."""

    kind: str  # COUNTRY ORG OFFICE HON INIT NAME PART VOCAB CONN LOWER PAREN DASH END
    start: int
    end: int
    value: str | None = None


@dataclass(frozen=True)
class Mentions:
    """What participants are read against: the countries and organisations found in the text, by start."""

    countries: dict[int, Hit[str | None]]
    organisations: dict[int, Hit[Organisation]]

    @classmethod
    def of(cls, countries: list[Hit[str | None]], organisations: list[Hit[Organisation]]) -> Mentions:
        """Index the hits of a text by where they start."""
        return cls({h.start: h for h in countries}, {h.start: h for h in organisations})

    @cached_property
    def _ends(self) -> dict[int, Item]:
        ends = {h.end: Item("COUNTRY", h.start, h.end, h.value) for h in self.countries.values() if h.value}
        ends.update(
            {h.end: Item("ORG", h.start, h.end, h.value.acronym) for h in self.organisations.values()}
        )
        return ends

    def ending_at(self, end: int) -> Item | None:
        """The organisation (else state) named so that it ends exactly at `end`."""
        return self._ends.get(end)


@cache
def office_lexicon() -> Lexicon[str]:
    """Titles of office (en, ru, zh) -> their language, case-insensitive."""
    titles = table("offices")["titles"]
    return Lexicon(((t, lang) for lang, names in titles.items() for t in names), ignore_case=True)


@cache
def _honorifics() -> Lexicon[bool]:
    return Lexicon((h, True) for h in table("offices")["honorifics"])


@cache
def _vocabulary() -> frozenset[str]:
    words = table("offices")["vocabulary"]
    return frozenset(stem(w) for names in words.values() for w in names)


@cache
def _particles() -> frozenset[str]:
    return frozenset(table("offices")["name_particles"])


def classify(text: str, pos: int, mentions: Mentions, shouting: bool = False) -> Item | None:
    """The item starting at `pos` (after whitespace), or None at the end of the text.

    `shouting`: the title was printed in capitals ("SECRETARY GENERAL STOLTENBERG:"), so a word in
    capitals may be a name rather than an acronym.
    """
    start = pos
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        return None
    if "\n" in text[start:pos]:
        return Item("END", start, pos)  # a line break ends a block: a person's stretch never crosses it
    country = mentions.countries.get(pos)
    if country is not None and country.value:
        return Item("COUNTRY", pos, country.end, country.value)
    organisation = mentions.organisations.get(pos)
    if organisation is not None:
        return Item("ORG", pos, organisation.end, organisation.value.acronym)
    office = office_lexicon().match_at(text, pos)
    if office is not None:
        return Item("OFFICE", pos, office.end)
    honorific = _honorifics().match_at(text, pos)
    if honorific is not None:
        return Item("HON", pos, honorific.end)
    token = _TOKEN.match(text, pos)
    assert token is not None  # any non-space character is a token
    kind = token.lastgroup
    word = token.group()
    if kind == "init":
        return Item("INIT", pos, token.end())
    if kind == "word":
        if word.lower() in _CONNECTORS:
            return Item("CONN", pos, token.end(), word.lower())
        if word in _particles():
            return Item("PART", pos, token.end())
        if not word[0].isupper():
            return Item("LOWER", pos, token.end())
        if stem(word) in _vocabulary() or (word.isupper() and len(word) > 1 and not shouting):
            return Item("VOCAB", pos, token.end())
        return Item("NAME", pos, token.end())
    if kind == "num":
        return Item("LOWER", pos, token.end())
    if word == "(":
        close = text.find(")", pos, pos + 80)
        if close > 0:
            return Item("PAREN", pos, close + 1)
    if word in _SKIP_PUNCT:
        return Item("CONN", pos, token.end())
    if word in _DASHES:
        return Item("DASH", pos, token.end())
    if word == "&":
        return Item("CONN", pos, token.end(), "&")
    return Item("END", pos, token.end())


def country_in(mentions: Mentions, start: int, end: int) -> str | None:
    """The first state named within `text[start:end]` (e.g. in brackets after a name), else None."""
    return next((h.value for pos, h in mentions.countries.items() if start <= pos < end and h.value), None)
