"""A web copy's labelled metadata header: the catalogue fields a site prints above the document.

Pages saved from web databases open with site furniture (a banner naming the database) and then
labelled fields before the document itself::

    [Title] BISHKEK DECLARATION ...
    [Place] Bishkek
    [Date] September 13, 2013
    [Source] ... Secretariat
    [Full text]

or ``Title: ...`` / ``发布时间:2024-11-06 来源: ...`` lines. `labelled_header` finds such a header
near the top of a plain text and returns its fields under the keys of extractors/data/labels.json
(title, date, place, source, notes, author, published, url), marked `PROVENANCE` (the fields are
a catalogue's, not the document's own words), with the text that follows it. A header

* starts a paragraph (first line, or after a blank line) among the first lines of the text;
* is a run of lines (blank lines between them allowed) each made only of `[Label] value` or
  `Label: value` pairs, with labels from the table; the first other line ends it;
* holds a bracketed label or at least two different labels, and is followed by some body text.

What stands before a header that names the title (a site banner) is furniture and is dropped with
it; before a header without a title it is kept, since it may be the document's own heading.
Nothing here knows any site: only the label vocabulary.
"""

from __future__ import annotations

import re
from functools import cache

from extractors.tables import table

_TOP_LINES = 12  # the header starts among this many non-blank lines ...
_TOP_CHARS = 2000  # ... and within this many characters of the start
_BODY_KEY = "text"  # the "[Full text]" marker: where the body begins, not a field
PROVENANCE = ("header", "labelled")  # the front-matter entry that marks fields read from such a header


@cache
def _labels() -> tuple[dict[str, str], re.Pattern[str]]:
    keys = {
        label.casefold(): key
        for key, labels in table("labels").items()
        if not key.startswith("_")
        for label in labels
    }
    names = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in sorted(keys, key=len, reverse=True))
    marker = re.compile(
        rf"[\[【]\s*(?P<bracketed>{names})\s*[\]】]|(?:^|(?<=\s))(?P<colon>{names})[ \t]*[:：]",
        re.IGNORECASE,
    )
    return keys, marker


def _pairs(line: str) -> list[tuple[str, str, bool]] | None:
    """The (key, value, bracketed) pairs a line is made of, or None when it is not all label pairs."""
    keys, marker = _labels()
    text = line.strip()
    found = list(marker.finditer(text))
    if not found or found[0].start() != 0:
        return None
    pairs = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        label = match.group("bracketed") or match.group("colon")
        key = keys[" ".join(label.split()).casefold()]
        pairs.append((key, " ".join(text[match.end() : end].split()), match.group("bracketed") is not None))
    return pairs


def labelled_header(text: str) -> tuple[dict[str, str], str] | None:
    """The fields of a labelled metadata header near the top of `text`, and the text after it.

    What precedes a header that gives a title is dropped as site furniture; see the module
    docstring for what makes a header. None when `text` has no such header.
    """
    lines = text.split("\n")
    seen = chars = 0
    for start, line in enumerate(lines):
        if seen >= _TOP_LINES or chars >= _TOP_CHARS:
            return None
        chars += len(line) + 1
        if not line.strip():
            continue
        seen += 1
        if start > 0 and lines[start - 1].strip():
            continue  # a header starts a paragraph
        found = _header_at(lines, start)
        if found is not None:
            return found
    return None


def _header_at(lines: list[str], start: int) -> tuple[dict[str, str], str] | None:
    pairs: list[tuple[str, str, bool]] = []
    end = start
    for index in range(start, len(lines)):
        if not lines[index].strip():
            continue
        found = _pairs(lines[index])
        if found is None:
            break
        pairs += found
        end = index + 1
    if not pairs or not (any(bracketed for _, _, bracketed in pairs) or len({k for k, _, _ in pairs}) >= 2):
        return None
    body = "\n".join(lines[end:]).strip("\n")
    if not body.strip():
        return None
    fields = dict([PROVENANCE])
    for key, value, _ in pairs:
        if value and key != _BODY_KEY:
            fields.setdefault(key, value)
    if "title" not in fields and start > 0:
        body = "\n".join([*lines[:start], body])  # not a banner for sure: it may be the heading
    return fields, body
