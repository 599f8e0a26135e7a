"""Plain-text and Markdown reader: bytes in, `RawDocument` out (one page).

Decoding is in `extractors.encoding`. A text is read as Markdown when asked to, or, when
`markdown` is None, when it opens with YAML front matter or has an ATX heading line
("# Title", "## Title"). Markdown is reduced to the page conventions of
`extractors.cleaning.segment`:

* every heading (ATX at any level, or a one-line paragraph underlined with === or ---)
  becomes one line "## text", the same marker `read_pdf` uses;
* emphasis (`*x*`, `**x**`, `_x_`, `__x__`, `~~x~~`), inline code, links `[text](url)`
  and images `![alt](url)` keep only their text; backslash escapes are resolved;
* front matter (`---` ... `---` at the very start) is parsed for simple `key: value`
  lines into `RawDocument.front_matter` and removed from the page;
* block quote marks, horizontal rules, fence lines and link definitions are dropped, and
  each list item starts its own paragraph.

A plain text's labelled metadata header (a web copy's "[Title] ... [Place] ... [Date] ..." or
"Date: ..." lines near the top, see `extractors.labels`) is read the same way as front matter:
its fields go into `RawDocument.front_matter` (title, date, place, source, ...) and it is removed
from the page, with the site banner above it. `raw_text` always keeps the text as decoded.
"""

from __future__ import annotations

import re

from extractors.encoding import decode
from extractors.labels import labelled_header
from schemas.errors import EmptyDocument
from schemas.records import RawDocument

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_KEY = re.compile(r"([A-Za-z0-9_][\w .-]*?)\s*:\s*(.*)")
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:\s*\S+.*")
_QUOTE = re.compile(r"^ {0,3}(?:> ?)+")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_LOOKS_MARKDOWN = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED = 0xF0000  # escaped characters are parked in a private-use plane while markup is removed
_HTML_TAGS = r"(?:a|abbr|b|big|center|code|del|div|em|font|i|ins|mark|p|s|small|span|strong|sub|sup|u)"
_HTML_TAG = rf"<{_HTML_TAGS}(?:\s[^<>]*)?>[ \t]*|[ \t]*</{_HTML_TAGS}>"
_STARS = re.compile(r"\*{1,3}")
_DANGLING = re.compile(r"^\*{1,3}(?=\S)|(?<=\S)\*{1,3}$")
_END_MARK = re.compile(r"[#*=~_\-\s]+")
_INLINE = (
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(_HTML_TAG, re.IGNORECASE), ""),
    (re.compile(r"<(?:br|hr|img)\b[^<>]*>", re.IGNORECASE), " "),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<!\S)(?:\*{2,}|_{2,})(?!\S)"), ""),
)


def _inline(text: str) -> str:
    text = _ESCAPE.sub(lambda m: chr(_ESCAPED + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    if len(_STARS.findall(text)) == 1:  # the other half of the emphasis is on another line
        text = _DANGLING.sub("", text)
    return re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group(0)) - _ESCAPED), text)


_YAML_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_YAML_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def _yaml_double_quoted(body: str) -> str:
    """Decode the inside of a YAML double-quoted scalar: line folding and escapes ("\\u2019", "\\_").

    An escape that names no character (a lone surrogate, a code point past U+10FFFF) becomes U+FFFD.
    """
    lines = body.split("\n")
    text = lines[0]
    for line in lines[1:]:
        trailing = len(text) - len(text.rstrip("\\"))
        if trailing % 2:  # an escaped line break joins the lines with nothing between
            text = text[:-1] + line.lstrip(" \t")
        else:
            text = text.rstrip(" \t") + " " + line.lstrip(" \t")

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xuU" and len(code) > 1:
            point = int(code[1:], 16)
            return chr(point) if point <= 0x10FFFF else "\ufffd"  # "\UFFFFFFFF" is no character
        return _YAML_ESCAPES.get(code, code)

    # a surrogate pair ("\ud83d\ude00", as JSON writes) is one character; a lone surrogate cannot be stored
    return (
        _YAML_ESCAPE.sub(unescape, text).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    )


def _yaml_scalar(lines: list[str]) -> str:
    """A YAML scalar written over one or more lines: quoted (single or double) or plain (folded)."""
    value = "\n".join(lines).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _yaml_double_quoted(value[1:-1])
    folded = " ".join(line.strip() for line in value.split("\n"))
    if len(folded) >= 2 and folded[0] == folded[-1] == "'":
        return folded[1:-1].replace("''", "'")
    return folded


def _front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """Simple `key: value` pairs of a YAML front matter block at the very start, and the rest.

    Values may be quoted or plain and continue on indented lines; YAML escapes are decoded.
    Nested lists and mappings are skipped.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    fields: dict[str, str] = {}
    key: str | None = None
    value: list[str] = []

    def close() -> None:
        if key is not None and value and value[0].strip():  # empty: a nested list or mapping
            scalar = _yaml_scalar(value)
            scalar = " ".join(scalar.split())  # no-break spaces and folds: one plain space
            if scalar:
                fields[key] = scalar

    for line in match.group(1).split("\n"):
        if line[:1] in " \t" and key is not None:
            value.append(line)
            continue
        pair = _FRONT_KEY.fullmatch(line.strip()) if line[:1] not in " \t#-" else None
        close()
        key, value = (pair.group(1).strip(), [pair.group(2)]) if pair else (None, [])
    close()
    return fields, text[match.end() :]


def _markdown_page(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    for index, raw in enumerate(lines):
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        if fenced:
            out.append(raw)
            continue
        line = _QUOTE.sub("", raw)
        following = _QUOTE.sub("", lines[index + 1]) if index + 1 < len(lines) else ""
        previous = out[-1] if out else ""
        heading = _ATX.fullmatch(line)
        if heading:
            title = _inline(heading.group(1) or "").strip()
            out.extend(["", f"## {title}" if title else "", ""])
        elif (
            _SETEXT.fullmatch(following)
            and line == raw
            and line.strip()
            and not previous.strip()
            and not _LIST_ITEM.match(line)
        ):
            out.extend([f"## {_inline(line).strip()}", ""])
            lines[index + 1] = ""  # the underline is used up
        elif _RULE.fullmatch(line) or _LINK_DEFINITION.fullmatch(line):
            out.append("")
        else:
            if _LIST_ITEM.match(line) and previous.strip():
                out.append("")
            text = _inline(line)
            out.append("" if _END_MARK.fullmatch(text) and line.strip() else text)
    return "\n".join(out)


def read_text(data: bytes, *, markdown: bool | None = None) -> RawDocument:
    """Read a plain-text or Markdown file into a one-page `RawDocument` (conventions in the module docstring).

    `markdown` forces the format; None detects it. Raises `EmptyDocument` for empty or
    whitespace-only text and `UnreadableFile` for binary data.
    """
    if not data:
        raise EmptyDocument("empty file: no bytes to read")
    text = decode(data)
    if not text.strip():
        raise EmptyDocument("the text holds only whitespace")
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, str] = {}
    if markdown is not False:
        found = _front_matter(body)
        if found:
            front, body = found
            markdown = True
    if markdown is None:
        markdown = bool(_LOOKS_MARKDOWN.search(body))
    if not markdown:
        labelled = labelled_header(body)
        if labelled:
            front, body = labelled
    page = _markdown_page(body) if markdown else body
    if not page.strip():
        raise EmptyDocument("the text holds nothing besides its front matter")
    return RawDocument(
        source_format="markdown" if markdown else "text", pages=[page], raw_text=text, front_matter=front
    )
