"""Decoding text bytes of unknown encoding, and telling text from binary data.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); NUL bytes mean UTF-16 without
a mark or binary data; then strict UTF-8; then legacy encodings. For those,
charset-normalizer's guess alone is not reliable on short texts (it reads cp1252 smart
quotes as cp1250, Latin-1 as cp1006, a short cp1251 or gb18030 sentence as big5), so its
candidates join a preferred list of the encodings our sources use, every candidate
that decodes strictly is scored by how odd its result looks (letters of two scripts in
one word, a Latin word made mostly of accented letters, symbols inside words, control
characters) and the least odd wins, ties going to the earlier encoding in the list.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata

from charset_normalizer import from_bytes

from schemas.errors import UnreadableFile

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Western European first, then Russian; simplified Chinese in its common GB2312 range before
# Japanese, Korean and traditional Chinese (whose bytes rarely fit GB2312), gb18030 last as it
# decodes almost any byte pairs; then other Windows code pages.
_PREFERRED = (
    "cp1252",
    "cp1251",
    "gb2312",
    "shift_jis",
    "euc_jp",
    "euc_kr",
    "big5",
    "gb18030",
    "koi8_r",
    "cp1250",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "mac_cyrillic",
    "latin_1",
)
_SAMPLE = 20_000  # characters scored per candidate
_MAX_ODDNESS = 0.2  # above this share of odd characters the bytes are not text
_UNPRINTABLE = frozenset({"Co", "Cn", "Cs"})  # private use, unassigned, surrogates
_WHITESPACE_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file mark
_WORD = re.compile(r"\w+")
_SCRIPT_ALIASES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "IDEOGRAPHIC": "CJK"}


def _script(char: str) -> str:
    name = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(name, name)


def _word_oddness(word: str) -> int:
    scripts = set()
    odd = 0
    for char in word:
        category = unicodedata.category(char)
        if category[0] in "LM":
            scripts.add(_script(char))
        elif category != "Nd" and char != "_":
            odd += 1  # a fraction, superscript or other non-letter inside a word
    if len(scripts) > 1:
        return len(word)
    if scripts == {"LATIN"} and len(word) >= 4 and sum(ord(c) > 0x7F for c in word) > len(word) / 2:
        return len(word)  # "Ïðèâåò": Cyrillic read as a Latin code page
    upper_after_lower = sum(1 for a, b in itertools.pairwise(word) if a.islower() and b.isupper())
    return odd + upper_after_lower


def oddness(text: str) -> float:
    """Share of characters in (a sample of) `text` that look like a wrong decoding or binary data."""
    sample = text[:_SAMPLE]
    categories = [unicodedata.category(char) for char in sample]
    odd = 0
    for index, (char, category) in enumerate(zip(sample, categories, strict=True)):
        if (
            (category == "Cc" and char not in _WHITESPACE_CONTROLS)
            or category in _UNPRINTABLE
            or char == "\ufffd"
        ):
            odd += 1
        elif category[0] == "S" and 0 < index < len(sample) - 1:
            odd += categories[index - 1][0] == "L" and categories[index + 1][0] == "L"  # "Ð¤Ð"
    odd += sum(_word_oddness(word) for word in _WORD.findall(sample))
    return odd / max(1, len("".join(sample.split())))


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and oddness(text) <= _MAX_ODDNESS / 4:
            return text
    return None


def _legacy(data: bytes) -> str:
    candidates = list(_PREFERRED)
    for match in list(from_bytes(data))[:5]:
        if match.encoding not in candidates:
            candidates.append(match.encoding)
    best: tuple[float, int, str] | None = None
    for rank, encoding in enumerate(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = (round(oddness(text), 3), rank, text)
        if best is None or score[:2] < best[:2]:
            best = score
        if score[0] == 0:
            break  # nothing odd at all: later candidates cannot do better
    if best is None:
        raise UnreadableFile("binary data, not text: no text encoding fits")
    return best[2]


def decode(data: bytes) -> str:
    """Decode text bytes of any common encoding; raise `UnreadableFile` for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            break
    else:
        if b"\x00" in data:
            guess = _utf16_without_bom(data)
            if guess is None:
                raise UnreadableFile("binary data, not text: the file contains NUL bytes")
            text = guess
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _legacy(data)
    if oddness(text) > _MAX_ODDNESS:
        raise UnreadableFile("binary data, not text: mostly control or unprintable characters")
    return text
