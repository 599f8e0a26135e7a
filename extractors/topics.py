"""Topics: the ids of data/topics.json whose keywords occur in a text (en, ru, zh)."""

from __future__ import annotations

from functools import cache

from extractors.lexicon import Lexicon, normalize
from extractors.tables import table


@cache
def topic_lexicon() -> Lexicon[frozenset[str]]:
    """Keyword -> the topics it signals (one phrase may serve several topics)."""
    topics_of: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for topic, by_language in table("topics")["topics"].items():
        for phrases in by_language.values():
            for phrase in phrases:
                key = normalize(phrase)
                topics_of.setdefault(key, set()).add(topic)
                spelling.setdefault(key, phrase)
    return Lexicon(
        ((spelling[key], frozenset(topics)) for key, topics in topics_of.items()), ignore_case=True
    )


def find_topics(text: str) -> list[str]:
    """Return the sorted ids of the topics whose keywords occur in the text."""
    return sorted({topic for hit in topic_lexicon().finditer(text) for topic in hit.value})
