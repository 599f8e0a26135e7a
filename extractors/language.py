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


@cache
def _factory() -> DetectorFactory:
    """A factory of our own with the profiles loaded once and seed 0 (langdetect's module one is shared)."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability) of a text's main language; ("und", 0.0) when it cannot tell.

    Deterministic: each call gets a fresh detector seeded with 0, so results never depend on
    call order. Chinese variants map to "zh"; Han text without Hangul or kana is Chinese whatever
    langdetect says (it reads traditional script as Korean). Never raises.
    """
    if len(_LETTER.findall(text)) < _MIN_LETTERS:
        return UNDETERMINED
    try:
        detector = _factory().create()
        detector.append(text)
        best = max(detector.get_probabilities(), key=lambda language: language.prob, default=None)
    except LangDetectException:
        return UNDETERMINED
    if best is None:
        return UNDETERMINED
    code = _CODES.get(best.lang, best.lang)
    if code in _NEEDS and not _NEEDS[code].search(text) and HAN.search(text):
        code = "zh"  # langdetect reads Chinese (traditional script above all) as ko or ja
    return code, float(best.prob)
