"""Tesseract OCR of scanned pages: a page image in, words with boxes and confidences out.

Tesseract is run as a program (``tesseract`` on PATH), the image piped in, with
``OMP_THREAD_LIMIT=1`` (its OpenMP threads make a page several times slower, not faster):

1. orientation and script detection (``--psm 0``): a page turned by 90, 180 or 270 degrees
   is turned upright when Tesseract is confident, and the script picks the models among the
   configured languages (`languages_for`): a Latin page is read with the Latin models only
   (``eng``), a Cyrillic one with ``rus``, a Chinese one with ``chi_sim``; all configured
   models are used when the script is unknown (too little text to tell);
2. recognition (``--psm 3``, hOCR): words with their boxes, confidence (0-100) and the
   height of their line's letters, grouped in lines and paragraphs; specks read as
   punctuation are dropped (`is_speck`);
3. a speckled scan (3% or more of the words were specks) is read again after a 3x3 median
   filter and the reading with the higher mean word confidence is kept: the filter cleans a
   dotted background but breaks the thin strokes of bilevel scans, so it is never used blindly.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PIL import Image, ImageFilter

from extractors.wrapping import is_cjk
from schemas.errors import TerminalError, UnreadableFile

DEFAULT_LANGUAGES = ("eng", "rus", "chi_sim")
DEFAULT_TIMEOUT = 120.0  # seconds per page

_SCRIPTS = {  # Tesseract language model -> the script Tesseract's OSD names for it
    **dict.fromkeys(("eng", "fra", "deu", "spa", "por", "ita", "nld", "pol", "ces", "tur", "ind"), "Latin"),
    **dict.fromkeys(("vie", "msa", "ron", "hun", "swe", "dan", "nor", "fin", "lat", "uzb"), "Latin"),
    **dict.fromkeys(("rus", "ukr", "bel", "bul", "srp", "mkd", "kaz", "kir", "tgk", "mon"), "Cyrillic"),
    **dict.fromkeys(("chi_sim", "chi_tra"), "Han"),
    "jpn": "Japanese",
    "kor": "Hangul",
    "ara": "Arabic",
    "fas": "Arabic",
    "ell": "Greek",
    "heb": "Hebrew",
}
_ROTATE_CONFIDENCE = 14.0  # OSD orientation confidence needed to turn a page (ocrmypdf's default)
_SPECKLED = 0.03  # share of specks among the words that makes a page worth a second, filtered reading
_SPECK_CONFIDENCE = 75.0
_SPECK_SIZE = 0.25  # of the line's letter height
_CJK_GAP = 1.0  # of the letter height: words closer than this to a Chinese character join it
_BLANK = 200  # a page image without any pixel darker than this is blank
_XHTML = "{http://www.w3.org/1999/xhtml}"
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_OSD_FIELD = re.compile(r"^(Rotate|Orientation confidence|Script): *(\S+)", re.MULTILINE)


class OcrUnavailable(TerminalError):
    """A page needs OCR but Tesseract or one of the configured language models is not installed."""

    category = "ocr_unavailable"


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word read by Tesseract: its box in image pixels, its line's letter height, its confidence."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    size: float  # height of the line's letters (Tesseract's x_size), in pixels
    confidence: float
    paragraph: int  # running numbers over the page
    line: int


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The text of one page image as Tesseract read it.

    `text` has one line per line read, a blank line between paragraphs; `words` carry the
    geometry (pixels of the image as read, `width` x `height` at `dpi`, turned upright when
    the scan was rotated); `mean_confidence` is the mean word confidence, None without words.
    """

    text: str
    mean_confidence: float | None
    words: tuple[OcrWord, ...] = ()
    width: int = 0
    height: int = 0
    dpi: float = 300.0
    languages: tuple[str, ...] = ()


# ---------------------------------------------------------------- availability


@functools.cache
def _installed(binary: str, tessdata: str | None) -> frozenset[str]:
    """``tesseract --list-langs``, cached per program and TESSDATA_PREFIX (`tessdata` is the key only)."""
    try:
        done = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (done.stdout + "\n" + done.stderr).splitlines()
    return frozenset(line.strip() for line in lines if re.fullmatch(r"\s*[\w-]+\s*", line))


def installed_languages() -> frozenset[str]:
    """The language models of the ``tesseract`` found on PATH (empty when there is none); cached."""
    binary = shutil.which("tesseract")
    return _installed(binary, os.environ.get("TESSDATA_PREFIX")) if binary else frozenset()


def _packages(languages: Sequence[str]) -> str:
    return " ".join(f"tesseract-ocr-{language.replace('_', '-')}" for language in languages)


def missing_ocr(languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """What to install before pages can be OCR'd with `languages`, or None when nothing is missing."""
    if not shutil.which("tesseract"):
        packages = _packages([lang for lang in languages if lang not in ("eng", "osd")])  # in tesseract-ocr
        return f"install Tesseract (Debian: apt-get install {f'tesseract-ocr {packages}'.strip()})"
    missing = [language for language in languages if language not in installed_languages()]
    if missing:
        return (
            f"install the Tesseract language models {', '.join(missing)}"
            f" (Debian: apt-get install {_packages(missing)})"
        )
    return None


def ocr_available(languages: Sequence[str] = DEFAULT_LANGUAGES) -> bool:
    """True when Tesseract and every model in `languages` are installed."""
    return missing_ocr(languages) is None


# ---------------------------------------------------------------- pure helpers


def languages_for(script: str | None, languages: Sequence[str]) -> tuple[str, ...]:
    """The models to read a page in `script` (Tesseract's OSD script name) with, among `languages`.

    Only the models written in that script: adding Latin ones to a Cyrillic page makes
    Tesseract spell look-alike words in Latin letters ("CCCP", "OOH" for "СССР", "ООН").
    Models of unknown script are always kept; when no model writes the script, or it is
    unknown, all `languages` are used.
    """
    if script is None:
        return tuple(languages)
    main = [lang for lang in languages if _SCRIPTS.get(lang) == script or (script == "Han" and lang == "jpn")]
    if not main:
        return tuple(languages)
    return tuple(main + [lang for lang in languages if lang not in _SCRIPTS])


def parse_osd(output: str) -> tuple[str | None, int]:
    """The script and the clockwise rotation that turns the page upright, from ``--psm 0`` output.

    The rotation is 0 unless Tesseract is confident about it.
    """
    fields = dict(_OSD_FIELD.findall(output))
    try:
        rotate = int(fields.get("Rotate", "0")) % 360
        confident = float(fields.get("Orientation confidence", "0")) >= _ROTATE_CONFIDENCE
    except ValueError:
        rotate, confident = 0, False
    return fields.get("Script"), rotate if confident else 0


def _title(element: ElementTree.Element) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in (element.get("title") or "").split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts if part[0]}


def parse_hocr(data: str | bytes) -> list[OcrWord]:
    """The words of Tesseract's hOCR output, in its reading order, with paragraph and line numbers."""
    root = ElementTree.fromstring(data)
    words: list[OcrWord] = []
    paragraph = line_number = 0
    for par in root.iter():
        if par.get("class") != "ocr_par":
            continue
        paragraph += 1
        for line in par:
            if line.get("class") not in _LINE_CLASSES:
                continue
            line_number += 1
            size = float(_title(line).get("x_size", "0") or 0)
            for word in line.iter(f"{_XHTML}span"):
                text = "".join(word.itertext()).strip()
                if word.get("class") != "ocrx_word" or not text:
                    continue
                title = _title(word)
                left, top, right, bottom = (float(v) for v in title["bbox"].split())
                words.append(
                    OcrWord(
                        text=text,
                        left=left,
                        top=top,
                        right=right,
                        bottom=bottom,
                        size=size or bottom - top,
                        confidence=float(title.get("x_wconf", "0")),
                        paragraph=paragraph,
                        line=line_number,
                    )
                )
    return words


def is_speck(word: OcrWord) -> bool:
    """True for a "word" without letters or digits that is tiny or read with little confidence (dirt)."""
    if any(char.isalnum() for char in word.text):
        return False
    tiny = max(word.right - word.left, word.bottom - word.top) < _SPECK_SIZE * word.size
    return tiny or word.confidence < _SPECK_CONFIDENCE


def join_cjk(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Neighbouring words of one line joined where a Chinese character meets them (no spaces in CJK).

    Tesseract cuts Chinese lines into single characters and runs of digits or letters
    ("2019", "年", "6", "月"), with boxes that may overlap and are not always in reading
    order: joining them keeps its reading order and the text as printed ("2019年6月").
    """
    joined: list[OcrWord] = []
    for word in words:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.line == word.line
            and (is_cjk(last.text[-1]) or is_cjk(word.text[0]))
            and word.left - last.right < _CJK_GAP * word.size
        ):
            joined[-1] = replace(
                last,
                text=last.text + word.text,
                left=min(last.left, word.left),
                top=min(last.top, word.top),
                right=max(last.right, word.right),
                bottom=max(last.bottom, word.bottom),
                confidence=(last.confidence * len(last.text) + word.confidence * len(word.text))
                / (len(last.text) + len(word.text)),
            )
        else:
            joined.append(word)
    return joined


def page_text(words: Sequence[OcrWord]) -> str:
    """Words as text: one line per line read, a blank line between paragraphs."""
    out = ""
    previous: OcrWord | None = None
    for word in words:
        if previous is None:
            out = word.text
        elif word.paragraph != previous.paragraph:
            out += "\n\n" + word.text
        elif word.line != previous.line:
            out += "\n" + word.text
        else:
            out += " " + word.text
        previous = word
    return out


def is_blank(image: Image.Image) -> bool:
    """True when a page image has no dark pixel at all: nothing on it to read."""
    darkest = image.convert("L").getextrema()[0]
    return isinstance(darkest, (int, float)) and darkest > _BLANK


def mean_confidence(words: Sequence[OcrWord]) -> float | None:
    """Mean confidence of `words` (0-100), None when there are none."""
    return sum(w.confidence for w in words) / len(words) if words else None


# ---------------------------------------------------------------- running tesseract


@dataclass(frozen=True, slots=True)
class _Tesseract:
    """Runs of the tesseract program for one page, sharing its time limit."""

    binary: str
    timeout: float
    deadline: float
    page: int | None

    def where(self) -> str:
        return f" on page {self.page}" if self.page is not None else ""

    def run(self, arguments: list[str], image: Image.Image) -> subprocess.CompletedProcess[bytes]:
        buffer = io.BytesIO()
        image.save(buffer, format="PPM")  # uncompressed: the fastest to write and to read
        try:
            return subprocess.run(
                [self.binary, "stdin", "stdout", *arguments],
                input=buffer.getvalue(),
                capture_output=True,
                timeout=max(self.deadline - time.monotonic(), 0.001),
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise UnreadableFile(
                f"OCR timed out{self.where()} (limit {self.timeout:g} s per page)"
            ) from error
        except OSError as error:
            raise OcrUnavailable(f"OCR is not available{self.where()}: {error}") from error

    def orientation(self, image: Image.Image, dpi: float) -> tuple[str | None, int]:
        """Script and rotation (`parse_osd`); (None, 0) when detection gives up (too little text)."""
        done = self.run(["--psm", "0", "--dpi", f"{dpi:.0f}"], image)
        return parse_osd(done.stdout.decode("utf-8", "replace")) if done.returncode == 0 else (None, 0)

    def words(self, image: Image.Image, languages: Sequence[str], dpi: float) -> list[OcrWord]:
        """The words Tesseract reads on `image` (`parse_hocr`)."""
        done = self.run(["--psm", "3", "--dpi", f"{dpi:.0f}", "-l", "+".join(languages), "hocr"], image)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["tesseract error"]
            raise UnreadableFile(f"OCR failed{self.where()}: {message[-1][:160]}")
        return parse_hocr(done.stdout) if done.stdout.strip() else []


def ocr_page(
    image: Image.Image,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    *,
    dpi: float = 300.0,
    timeout: float = DEFAULT_TIMEOUT,
    page: int | None = None,
) -> OcrResult:
    """Read one page image with Tesseract (steps in the module docstring).

    `dpi` is the image's resolution; `page` (1-based) only names the page in error messages.
    Raises `OcrUnavailable` when Tesseract or a model of `languages` is missing, and
    `UnreadableFile` when Tesseract fails or the page takes longer than `timeout` seconds.
    """
    reason = missing_ocr(languages)
    binary = shutil.which("tesseract")
    if reason is not None or binary is None:
        where = f" for page {page}" if page is not None else ""
        raise OcrUnavailable(f"OCR is not available{where}: {reason}")
    tesseract = _Tesseract(binary, timeout, time.monotonic() + timeout, page)
    gray = image.convert("L")
    if is_blank(gray):
        return OcrResult("", None, (), gray.width, gray.height, dpi, ())
    script, rotate = tesseract.orientation(gray, dpi) if "osd" in installed_languages() else (None, 0)
    if rotate:
        gray = gray.rotate(-rotate, expand=True, fillcolor=255)
    chosen = languages_for(script, languages)
    read = tesseract.words(gray, chosen, dpi)
    kept = [w for w in read if not is_speck(w)]
    if read and len(read) - len(kept) >= _SPECKLED * len(read):  # a speckled scan: try it filtered
        filtered = tesseract.words(gray.filter(ImageFilter.MedianFilter(3)), chosen, dpi)
        cleaner = [w for w in filtered if not is_speck(w)]
        if (mean_confidence(cleaner) or 0.0) > (mean_confidence(kept) or 0.0):
            kept = cleaner
    words = join_cjk(kept)
    return OcrResult(
        page_text(words), mean_confidence(words), tuple(words), gray.width, gray.height, dpi, chosen
    )
