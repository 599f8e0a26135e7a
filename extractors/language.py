"""Language identification: langdetect, made deterministic and safe to call on anything."""

from __future__ import annotations

import re
from functools import cache

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from extractors.scripts import HAN

_MIN_LETTERS = 10
_LETTER = re.compile(r"[^\W\d_]")
_CODES = {"zh-cn": "zh", "zh-tw": "zh"}
_NEEDS = {
    "ko": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "ja": re.compile(r"[\u3040-\u30ff]"),
}
UNDETERMINED = ("und", 0.0)
# Cyrillic languages langdetect has no profile for, told apart by the letters Russian lacks:
# Tajik, Belarusian and Uzbek letters first, then Kazakh, then Kyrgyz;
# only ө/ү (Kyrgyz or Mongolian) is "und".
_CYRILLIC_LETTERS = re.compile(r"[\u0400-\u04ff]")
_NOT_RUSSIAN = re.compile(r"[әғқңөұүһіҷӣӯўӘҒҚҢӨҰҮҺІҶӢӮЎ]")
_BY_LETTERS = (
    ("tg", re.compile(r"[ҷӣӯҶӢӮ]")),
    ("be", re.compile(r"[ўЎ].*[іІ]|[іІ].*[ўЎ]", re.DOTALL)),
    ("uz", re.compile(r"[ўЎ]")),
    ("kk", re.compile(r"[әұіһғқӘҰІҺҒҚ]")),
    ("ky", re.compile(r"[ңҢ]")),
)
_NOT_RUSSIAN_SHARE = 0.02
_UKRAINIAN = re.compile(r"[їєґЇЄҐ]")  # і is Ukrainian too: leave such text to langdetect
_CYRILLIC_GUESSES = frozenset({"ru", "bg", "mk", "uk", "sr"})  # what langdetect says for them
_FALLBACK_CONFIDENCE = 0.5


@cache
def _factory() -> DetectorFactory:
    """A factory of our own with the profiles loaded once and seed 0 (langdetect's module one is shared)."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


_QUICK_TRIALS = 1
_QUICK_CONFIDENCE = 0.95


def _best(text: str, trials: int | None = None) -> tuple[str, float] | None:
    """langdetect's most probable language (raw code) and probability, or None; `trials` random walks."""
    try:
        detector = _factory().create()
        if trials is not None:
            detector.n_trial = trials
        detector.append(text)
        best = max(detector.get_probabilities(), key=lambda language: language.prob, default=None)
    except LangDetectException:
        return None
    return None if best is None else (str(best.lang), float(best.prob))


def detect_language(text: str, expected: str | None = None) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability) of a text's main language; ("und", 0.0) when it cannot tell.

    Deterministic: each call gets a fresh detector seeded with 0, so results never depend on
    call order. Chinese variants map to "zh"; Han text without Hangul or kana is Chinese whatever
    langdetect says (it reads traditional script as Korean). Cyrillic text in a language langdetect
    does not know (Kazakh, Kyrgyz, Tajik, Uzbek, Mongolian) gets its script-based code with
    confidence 0.5 (or "und") instead of a confident wrong "ru"/"bg"/"mk". Never raises.

    `expected` (e.g. the document's language, for one of its paragraphs) buys speed: a single
    random walk instead of seven is tried first, and when it finds `expected` with probability
    0.95 or more that is the answer; anything else gets the full detection.
    """
    if len(_LETTER.findall(text)) < _MIN_LETTERS:
        return UNDETERMINED
    if expected is not None:
        quick = _best(text, _QUICK_TRIALS)
        if quick is not None and _quick_answer_stands(text, expected, *quick):
            return expected, quick[1]
    found = _best(text)
    if found is None:
        return UNDETERMINED
    raw, probability = found
    code = _CODES.get(raw, raw)
    other = cyrillic_language(text, _NOT_RUSSIAN_SHARE if code == "ru" else 0.0)
    if other is not None and code in _CYRILLIC_GUESSES:
        return (other, _FALLBACK_CONFIDENCE) if other != "und" else UNDETERMINED
    if code in _NEEDS and not _NEEDS[code].search(text) and HAN.search(text):
        code = "zh"  # langdetect reads Chinese (traditional script above all) as ko or ja
    return code, probability


def _quick_answer_stands(text: str, expected: str, raw: str, probability: float) -> bool:
    """Whether a one-walk result is `expected`, confidently, and needs none of the script checks."""
    if _CODES.get(raw, raw) != expected or probability < _QUICK_CONFIDENCE:
        return False
    if expected in _CYRILLIC_GUESSES and cyrillic_language(text, _NOT_RUSSIAN_SHARE) is not None:
        return False
    return not (expected in _NEEDS and not _NEEDS[expected].search(text))


def cyrillic_language(text: str, share: float = _NOT_RUSSIAN_SHARE) -> str | None:
    """Return kk, ky, tg, uz, be or "und" for Cyrillic text in a language langdetect does not know, else None.

    The letters Russian lacks (ә ғ қ ң ө ұ ү һ і ҷ ӣ ӯ ў) decide when they make at least 2% of the
    Cyrillic letters, or `share` (a Russian text quoting a Kazakh name stays Russian); text with only ө/ү
    (Kyrgyz or Mongolian) is "und".
    """
    cyrillic = len(_CYRILLIC_LETTERS.findall(text))
    if (
        not cyrillic
        or _UKRAINIAN.search(text)
        or len(_NOT_RUSSIAN.findall(text)) < max(1.0, share * cyrillic)
    ):
        return None
    return next((code for code, letters in _BY_LETTERS if letters.search(text)), "und")
