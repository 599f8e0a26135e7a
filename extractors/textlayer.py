"""Whether a PDF page's text layer can be read, or is garbage and the page must be OCR'd.

A text layer is garbage when the font has no usable character map, so the extracted text
is not the text on the page. `score_text_layer` measures, over the non-space characters
(glyphs) of a page:

* unreadable glyphs: pdfminer's ``(cid:40)`` codes (each counts as one glyph), U+FFFD
  replacement characters, private-use code points and control characters;
* the share of letters and digits, a run of one punctuation mark ("......") counted once:
  symbol soup (``©¬±§``, ``#$%&*``) has few;
* for Latin and Cyrillic letters, the share of vowels (real text has 33-50%; letters
  shifted by a broken encoding and random letters have far fewer) and the share of letters
  in plausible words (a word with a vowel, no run of more than five consonants, at most one
  lower-to-upper case change); short ALL-CAPS words are abbreviations (WCPFC, СССР) and
  always plausible, unless most of the page is written so;
* for Chinese, the share of the most common Han characters (real text: 30% or more;
  ideographs picked by a wrong character map: under 1%).

Statistics are only judged on enough text (40 letters for words, 100 for vowels, 100 Han
characters, 20 glyphs for the letter share), so a
short page (a signature block, a page number) is never garbage just for being short, and
Chinese, written without spaces, is never judged by words. Other scripts (Arabic, Greek
...) are judged by unreadable glyphs and the letter share only.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

_CID = re.compile(r"\(cid:\d+\)")
_MIN_LETTERS = 40  # fewer Latin/Cyrillic letters than this: too few to judge words
_MIN_VOWEL_LETTERS = 100  # ... and than this: too few to judge the share of vowels
_MIN_GLYPHS = 20  # fewer glyphs than this: too few to judge the share of letters and digits
_MAX_UNREADABLE = 0.2
_MIN_VOWELS, _MAX_VOWELS = 0.25, 0.65  # real text in the corpus: 0.33 to 0.50
_MIN_PLAUSIBLE = 0.7  # real text in the corpus: 0.81 and more
_MIN_ALNUM = 0.5  # share of letters and digits, runs of one punctuation mark counted once
_MAX_ABBREVIATIONS = 0.3  # more ALL-CAPS short words than this share of letters: judge them as words
_MIN_HAN = 100  # fewer Han characters than this: too few to judge by character frequency
_MIN_COMMON_HAN = 0.08
_MAX_CONSONANT_RUN = 5
_ABBREVIATION = 6  # an ALL-CAPS word up to this long is an abbreviation (WCPFC, СССР)

_VOWELS = set("aeiouyæœøåаеёиоуыэюяіїєў")
_LATIN_OR_CYRILLIC = re.compile(r"[a-zæœøßþðłđ\u00c0-\u024f\u0400-\u04ff]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
# The most frequent characters of modern Chinese (general and diplomatic prose).
_COMMON_HAN = set(
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可生自会那后能对着事其里所去"
    "行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从"
    "合组织展全各方务成员关系重要合作发展安全经济政治际区域议领导会谈外交部长共同支持加强推动"
    "國會這為來個們說時對發經過後與當進將還見從組織員關係際區議領導談長動強濟務"  # traditional forms
)


@dataclass(frozen=True, slots=True)
class TextLayerScore:
    """What a text layer is made of; shares are of its non-space characters (glyphs)."""

    glyphs: int
    unreadable: float
    alnum: float  # share of letters and digits (runs of one punctuation mark counted once)
    vowels: float | None  # share of vowels among Latin/Cyrillic letters; None when too few letters
    plausible: float | None  # share of Latin/Cyrillic letters in plausible words; None when too few
    common_han: float | None  # share of Han characters among the most common ones; None when too few


def _base(letter: str) -> str:
    """A letter without its accents, lower-cased ("É" -> "e", "й" -> "и")."""
    return unicodedata.normalize("NFD", letter.casefold())[0]


def _abbreviation(word: str) -> bool:
    return word.isupper() and len(word) <= _ABBREVIATION


def _plausible(word: str) -> bool:
    changes = sum(1 for a, b in itertools.pairwise(word) if a.islower() and b.isupper())
    if changes > 1:
        return False
    run = longest = vowels = 0
    for letter in word:
        if _base(letter) in _VOWELS:
            vowels += 1
            run = 0
        else:
            run += 1
            longest = max(longest, run)
    return vowels > 0 and longest <= _MAX_CONSONANT_RUN


def _letter_shares(text: str) -> tuple[float | None, float | None]:
    words = [w for w in _WORD.findall(text) if all(_LATIN_OR_CYRILLIC.match(c) for c in w)]
    letters = sum(len(w) for w in words)
    if letters < _MIN_LETTERS:
        return None, None
    judged = [w for w in words if not _abbreviation(w)]
    judged_letters = sum(len(w) for w in judged)
    if judged_letters < (1 - _MAX_ABBREVIATIONS) * letters:  # an ALL-CAPS page: no abbreviation pass
        judged, judged_letters = words, letters
    vowels = sum(1 for w in judged for c in w if _base(c) in _VOWELS)
    plausible = (letters - judged_letters + sum(len(w) for w in judged if _plausible(w))) / letters
    vowel_share = vowels / judged_letters if judged_letters >= _MIN_VOWEL_LETTERS else None
    return vowel_share, plausible


def _is_unreadable(char: str) -> bool:
    category = unicodedata.category(char)
    return char == "\ufffd" or category in ("Co", "Cs") or (category == "Cc" and not char.isspace())


def _alnum_share(chars: list[str]) -> float:
    """Share of letters, digits and marks, a run of one punctuation mark ("......") counted once."""
    kept = [c for i, c in enumerate(chars) if c.isalnum() or i == 0 or c != chars[i - 1]]
    return sum(1 for c in kept if c.isalnum() or unicodedata.category(c)[0] == "M") / len(kept)


def _common_han_share(chars: list[str]) -> float | None:
    han = [c for c in chars if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    if len(han) < _MIN_HAN or any("\u3040" <= c <= "\u30ff" for c in chars):  # too few, or Japanese
        return None
    return sum(1 for c in han if c in _COMMON_HAN) / len(han)


def score_text_layer(text: str) -> TextLayerScore:
    """Measure a page's extracted text (see the module docstring); pure, never raises."""
    cids = len(_CID.findall(text))
    without_cids = _CID.sub(" ", text)
    chars = [c for c in without_cids if not c.isspace()]
    glyphs = cids + len(chars)
    if not glyphs:
        return TextLayerScore(0, 0.0, 1.0, None, None, None)
    unreadable = cids + sum(1 for c in chars if _is_unreadable(c))
    alnum = _alnum_share(chars) if len(chars) >= _MIN_GLYPHS else 1.0
    vowels, plausible = _letter_shares(without_cids)
    return TextLayerScore(glyphs, unreadable / glyphs, alnum, vowels, plausible, _common_han_share(chars))


def looks_like_garbage(text: str) -> bool:
    """True when a page's text layer is not the page's text (glyph codes, symbol soup, non-words).

    Empty or whitespace-only text is not garbage (it is no text: the caller decides), and
    neither is a short page of real words. Pure, never raises.
    """
    score = score_text_layer(text)
    if not score.glyphs:
        return False
    if score.unreadable >= _MAX_UNREADABLE or score.alnum < _MIN_ALNUM:
        return True
    if score.vowels is not None and not _MIN_VOWELS <= score.vowels <= _MAX_VOWELS:
        return True
    if score.plausible is not None and score.plausible < _MIN_PLAUSIBLE:
        return True
    return score.common_han is not None and score.common_han < _MIN_COMMON_HAN
