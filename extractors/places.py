"""Places: a gazetteer of capitals and meeting cities (data/gazetteer.json) plus the states themselves.

A place is reported by its table spelling (the nominative for an inflected Russian name:
"в Ташкенте" gives "Ташкент") together with the ISO3 code of the state it is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from extractors.countries import country_lexicon
from extractors.lexicon import Hit, Lexicon
from extractors.organisations import organisation_lexicon
from extractors.tables import table

_ARTICLE = re.compile(r"(?:the|The)\s+")


@dataclass(frozen=True)
class Place:
    """A place named in a text: table spelling, ISO3 of its state, span in the text."""

    name: str
    country: str
    start: int
    end: int


def _entries() -> Iterator[tuple[str, str]]:
    for code, by_language in table("gazetteer")["places"].items():
        for names in by_language.values():
            for name in names:
                yield name, code


@cache
def city_lexicon() -> Lexicon[str]:
    """The gazetteer: city name -> ISO3 of its state."""
    return Lexicon(_entries())


def _in_organisation_name(text: str, hit: Hit[str] | Hit[str | None]) -> bool:
    """ "Shanghai" in "Shanghai Cooperation Organization", "上海" in "上海合作组织": not a place."""
    name = organisation_lexicon().match_at(text, hit.start)
    return name is not None and name.end > hit.end


def _place(text: str, hit: Hit[str] | Hit[str | None] | None) -> Place | None:
    if hit is None or hit.value is None or _in_organisation_name(text, hit):
        return None
    return Place(hit.phrase, hit.value, hit.start, hit.end)


def place_at(text: str, pos: int) -> Place | None:
    """Return the city or state named exactly at `pos` ("the Republic of Tajikistan" included), else None."""
    article = _ARTICLE.match(text, pos)
    start = article.end() if article else pos
    return _place(text, city_lexicon().match_at(text, start)) or _place(
        text, country_lexicon().match_at(text, start)
    )


def city_at(text: str, pos: int) -> Place | None:
    """Return the city (not a state) named exactly at `pos`, else None."""
    return _place(text, city_lexicon().match_at(text, pos))


def find_places(text: str, start: int = 0, end: int | None = None) -> list[Place]:
    """Return the cities named in `text[start:end]`, then (if none) the states, in text order."""
    for lexicon in (city_lexicon(), country_lexicon()):
        places = [p for p in (_place(text, h) for h in lexicon.finditer(text, start, end)) if p is not None]
        if places:
            return places
    return []


def place_country(name: str) -> str | None:
    """Return the ISO3 code of the state a place name is in (a city or a state), else None."""
    return city_lexicon().lookup(name) or country_lexicon().lookup(name)
