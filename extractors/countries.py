"""States mentioned in a text: names (short, official, common), demonyms, in en, ru and zh.

The name table is built once from pycountry (English names, and their Russian and Chinese
translations through pycountry's gettext catalogues) plus data/countries.json (aliases,
demonyms, and phrases such as "South China Sea" that contain a name but are not a state).
"""

from __future__ import annotations

import gettext
from collections import Counter
from collections.abc import Iterator
from functools import cache

import pycountry

from extractors.lexicon import Hit, Lexicon
from extractors.tables import table
from schemas.records import CountryMention

_LOCALES = ("ru", "zh_CN", "zh_TW", "zh_HK")


def _pycountry_names() -> Iterator[tuple[str, str]]:
    catalogues = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc]) for loc in _LOCALES
    ]
    for country in pycountry.countries:
        names = [getattr(country, attr, None) for attr in ("common_name", "name", "official_name")]
        for name in filter(None, names):
            if ", " in name:  # "Korea, Republic of": an index form, never printed in running text
                continue
            yield name, country.alpha_3
            for catalogue in catalogues:
                translated = catalogue.gettext(name)
                if translated != name and ", " not in translated:
                    yield translated, country.alpha_3


def _entries() -> Iterator[tuple[str, str | None]]:
    data = table("countries")
    for phrase in data["not_states"]:
        yield phrase, None
    for code, by_language in data["aliases"].items():
        for names in by_language.values():
            for name in names:
                yield name, code
    for demonyms in data["demonyms"].values():
        yield from demonyms.items()
    yield from _pycountry_names()


@cache
def country_lexicon() -> Lexicon[str | None]:
    """The name table: phrase -> ISO3 (None for look-alikes that are not states)."""
    return Lexicon(_entries())


def find_countries(text: str, start: int = 0, end: int | None = None) -> list[Hit[str | None]]:
    """Return every state named in `text[start:end]` (hits valued None are look-alikes, kept to block)."""
    return list(country_lexicon().finditer(text, start, end))


def country_of(phrase: str) -> str | None:
    """Return the ISO3 code of a country name in any known form and language, else None."""
    return country_lexicon().lookup(phrase)


def country_mentions(hits: list[Hit[str | None]]) -> list[CountryMention]:
    """Count the hits per state, sorted by ISO3 code."""
    counts = Counter(hit.value for hit in hits if hit.value)
    return [CountryMention(country=code, mentions=n) for code, n in sorted(counts.items())]
