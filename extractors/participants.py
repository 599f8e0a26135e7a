"""People acting in an official capacity: title of office, name, the state or organisation they serve.

A title of office (data/offices.json) opens a stretch of text that is read piece by piece
(extractors/tokens.py): countries, organisations, title words, honorifics, initials and name
words. The patterns this covers: "Minister of Foreign Affairs of Kazakhstan M. Tazhin", "President
D. Medvedev of the Russian Federation", "The SCO Secretary-General B. Nurgaliev", "Prime Minister
of the Russian Federation, Mishustin", "Президент Республики Казахстан Н.А.Назарбаев", speakers'
labels ("PRESIDENT BIDEN:"); and, with the name before the title, "Zhang Deguang (People's Republic
of China) as the SCO Executive Secretary" and signature lines ("Guillermo Morán Velásquez. Under
Secretary of Fisheries Resources"). Chinese lists ("中华人民共和国外交部长唐家璇、...") are read by
extractors/chinese_names.py.
"""

from __future__ import annotations

import re

from extractors.chinese_names import chinese_participants
from extractors.countries import country_lexicon
from extractors.lexicon import Hit
from extractors.places import city_lexicon
from extractors.scripts import HAN
from extractors.signatures import signatories
from extractors.tokens import NAME_KINDS, Item, Mentions, classify, country_in, office_lexicon
from schemas.records import Participant

_AND = frozenset({"and", "&", "и"})
_PLACE_LINKS = frozenset({"in", "at", "to", "в"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_MAX_ITEMS = 40
_MISREAD_MIN = 7  # letters in a surname before one misread character is taken for a scan error
_SIGNATURE_CHARS = 80
_RU_PLURAL = ("ы", "и", "ов", "ей", "ам", "ям", "ами", "ями", "ах", "ях")
_APPOINTED = re.compile(r"(?:\((?P<paren>[^()]{2,80})\)\s*)?,?\s+as\s+(?:the\s+|a\s+)?(?:new\s+)?$")


def _walk(text: str, office: Hit[str], mentions: Mentions) -> list[Item]:
    """The items after a title of office, up to where this person's stretch of text ends."""
    items: list[Item] = []
    pos = office.end
    russian, shouting = office.value == "ru", office.text.isupper()
    while len(items) < _MAX_ITEMS:
        item = classify(text, pos, mentions, shouting)
        named = _pick_run(items) is not None
        if item is not None and item.kind == "END" and text[item.start] == "," and not named:
            items.extend(_name_after_comma(text, item.end, mentions))
            break
        if item is None or item.kind == "END":
            if item is not None and text[item.start] == ":":
                items.append(item)  # kept so a speaker's label can be told by it
            break
        if item.kind == "CONN" and named and (item.value in _AND or item.value in _PLACE_LINKS):
            break  # "... and Director ...", "... Wang Yi in Vienna"
        if item.kind == "LOWER" and (named or not russian):
            break
        if item.kind == "OFFICE" and named:
            break
        if item.kind == "PART" and not named:
            if not russian:
                break
            item = Item("LOWER", item.start, item.end)
        items.append(item)
        pos = item.end
    return items


def _name_after_comma(text: str, pos: int, mentions: Mentions) -> list[Item]:
    """ "Prime Minister of the Russian Federation, Mishustin.": a name alone between commas."""
    names: list[Item] = []
    while (item := classify(text, pos, mentions)) is not None:
        if item.kind in ("NAME", "INIT") or (item.kind in ("HON", "PART") and (names or item.kind == "HON")):
            names.append(item)
            pos = item.end
            continue
        ends = item.kind in ("END", "LOWER") or (item.kind == "CONN" and item.value in _AND)
        return [n for n in names if n.kind != "HON"] if ends and len(names) <= 5 else []
    return [n for n in names if n.kind != "HON"]


def _runs(items: list[Item]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of consecutive name items (initials, name words, particles inside).

    A run followed by an institution word is part of that institution's name ("Counter Terrorism
    Structure"), not a person's.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(items):
        if items[i].kind in ("NAME", "INIT"):
            j = i
            while j < len(items) and (
                items[j].kind in ("NAME", "INIT")
                or (items[j].kind == "PART" and j + 1 < len(items) and items[j + 1].kind == "NAME")
            ):
                j += 1
            if j == len(items) or items[j].kind not in ("VOCAB", "ORG"):
                runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _pick_run(items: list[Item]) -> tuple[int, int] | None:
    runs = [(i, j) for i, j in _runs(items) if j - i <= 5]
    with_initials = [r for r in runs if any(items[k].kind == "INIT" for k in range(*r))]
    if with_initials:
        return with_initials[0]
    after_head = next((r for r in runs if all(items[k].kind == "HON" for k in range(r[0]))), None)
    return after_head or (runs[-1] if runs else None)


def _content_end(items: list[Item], upto: int, fallback: int) -> int:
    """End of the last item before index `upto` that is not a connector, honorific or dash."""
    for item in reversed(items[:upto]):
        if item.kind not in ("CONN", "HON", "DASH"):
            return item.end
    return fallback


def _read(
    text: str, office: Hit[str], mentions: Mentions, prefix: Item | None
) -> tuple[Participant | None, int]:
    """Read one title of office; return the participant (if a name follows) and where its stretch ends."""
    items = _walk(text, office, mentions)
    end = items[-1].end if items else office.end
    picked = _pick_run(items)
    if picked is None:
        return None, end
    first, last = picked
    if office.text.isupper() and not (last < len(items) and text[items[last].start] == ":"):
        return None, end  # in capitals only a speaker's label counts: "SECRETARY GENERAL STOLTENBERG:"
    name_start, name_end = items[first].start, items[last - 1].end
    before, after = items[:first], items[last:]
    countries_before = [k for k, item in enumerate(before) if item.kind == "COUNTRY"]
    country = prefix.value if prefix is not None and prefix.kind == "COUNTRY" else None
    if countries_before:
        k = countries_before[-1]
        country = before[k].value
        role_end = _content_end(before, k, office.end)
    else:
        role_end = _content_end(before, len(before), office.end)
    role = text[office.start : role_end]
    if after and after[0].kind == "CONN" and after[0].value == "of":
        tail = next((item for item in after if item.kind == "COUNTRY"), None)
        if tail is not None:
            country = country or tail.value
        elif not countries_before:
            role = f"{role} {text[after[0].start : _content_end(after, len(after), after[0].end)]}"
    elif after and after[0].kind == "PAREN":
        country = country or country_in(mentions, after[0].start, after[0].end)
    organisations = [item.value for item in before if item.kind == "ORG"]
    organisation = prefix.value if prefix is not None and prefix.kind == "ORG" else None
    participant = Participant(
        name=text[name_start:name_end],
        role=" ".join(role.split()),
        country=country,
        organization=organisation or (organisations[0] if organisations else None),
        char_start=name_start,
        char_end=name_end,
    )
    return participant, end


def _prefix(text: str, start: int, mentions: Mentions) -> Item | None:
    """An organisation or state named right before a title ("SCO Secretary-General", "U.S. Secretary")."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if text[max(0, end - 2) : end] in ("'s", "’s"):
        end -= 2  # "Qatar's Prime Minister"
    return mentions.ending_at(end)


def _items_between(text: str, start: int, end: int, mentions: Mentions) -> list[Item]:
    items: list[Item] = []
    while (item := classify(text, start, mentions)) is not None and item.end <= end:
        items.append(item)
        start = item.end
    return items


def _trailing_name(items: list[Item]) -> list[Item]:
    """The name words that end a list of items (at most five, not ending on a particle)."""
    run: list[Item] = []
    for item in reversed(items):
        if item.kind not in NAME_KINDS:
            break
        run.insert(0, item)
    return run if run and len(run) <= 5 and run[-1].kind != "PART" else []


def _person(text: str, names: list[Item], role: str, country: str | None, org: str | None) -> Participant:
    start, end = names[0].start, names[-1].end
    return Participant(
        name=text[start:end], role=role, country=country, organization=org, char_start=start, char_end=end
    )


def _appointed(
    text: str, start: int, office: Hit[str], mentions: Mentions, org: str | None
) -> Participant | None:
    """ "Zhang Deguang (People's Republic of China) as the SCO Executive Secretary"."""
    window = max(0, start - 160)
    found = _APPOINTED.search(text, window, start)
    if found is None:
        return None
    names = _trailing_name(_items_between(text, text.find(" ", window) + 1, found.start(), mentions))
    if not names:
        return None
    country = country_in(mentions, *found.span("paren")) if found.group("paren") else None
    return _person(text, names, office.text, country, org)


def _signed(text: str, office: Hit[str], before: int, end: int, mentions: Mentions) -> Participant | None:
    """A name before its title at the start of a line: "Guillermo Morán Velásquez. Under Secretary of
    Fisheries Resources", "C.C: Dr. Mario Aguilar, IATTC Chairman" (signatures, addressees)."""
    line_start = text.rfind("\n", 0, before) + 1
    if before - line_start > _SIGNATURE_CHARS:
        return None
    items = _items_between(text, line_start, before, mentions)
    while items and items[-1].kind in ("VOCAB", "ORG", "COUNTRY"):
        items.pop()  # "IATTC Chairman", "Under Secretary": qualifiers of the title
    role_start = items[-1].end if items else line_start
    if items and items[-1].kind == "END" and text[items[-1].start] in ",.":
        items.pop()
    names = _trailing_name(items)
    lead = items[: len(items) - len(names)]
    if len(names) < 2 or (lead and lead[-1].kind not in ("HON", "END")):
        return None
    return _person(text, names, " ".join(text[role_start:end].strip(" ,.").split()), None, None)


def _surname(participant: Participant) -> str:
    words = [w for w in re.findall(r"\w+", participant.name.casefold()) if w not in _SUFFIXES]
    return words[-1] if words else ""


def _misread(one: str, other: str) -> bool:
    """Two long surnames one character apart ("Mutalibov", "Mutaiibov"): a scan's misreading."""
    if len(one) != len(other) or len(one) < _MISREAD_MIN:
        return False
    return sum(a != b for a, b in zip(one, other, strict=True)) == 1


def _same_person(one: Participant, other: Participant) -> bool:
    """Same surname ("Biden", "Joseph R. Biden"), or a one-word name that opens the other ("穆罕默德",
    "穆罕默德·本·扎耶德·阿勒纳哈扬"); and the same state, or a state on one mention only."""
    if one.country != other.country and None not in (one.country, other.country):
        return False
    surnames = _surname(one), _surname(other)
    if surnames[0] == surnames[1] or (one.country is not None and _misread(*surnames)):
        return True
    words = [re.findall(r"\w+", p.name.casefold()) for p in (one, other)]
    short, long = sorted(words, key=len)
    return len(short) == 1 and len(long) > 1 and short[0] == long[0]


def _unique(found: list[Participant]) -> list[Participant]:
    """One entry per person (see `_same_person`): the fullest name, the state from any mention."""
    kept: list[Participant] = []
    for participant in found:
        twin = next((k for k, other in enumerate(kept) if _same_person(other, participant)), None)
        if twin is None:
            kept.append(participant)
            continue
        first = kept[twin]
        fuller = participant if len(participant.name.split()) > len(first.name.split()) else first
        kept[twin] = fuller.model_copy(update={"country": first.country or participant.country})
    return kept


def _plural(office: Hit[str]) -> bool:
    """ "Руководители государств ...", "Министры": a plural names a group, not one official."""
    if office.value != "ru":
        return False
    printed, listed = office.text.lower().split(), office.phrase.lower().split()
    return any(p != w and p.endswith(_RU_PLURAL) for p, w in zip(printed, listed, strict=False))


def _is_place(text: str, participant: Participant) -> bool:
    """A "name" that is a place ("в Бишкеке"), or in Chinese starts with one ("阿拉木图首次"), is no one."""
    start = participant.char_start or 0
    for lexicon in (city_lexicon(), country_lexicon()):
        hit = lexicon.match_at(text, start)
        if hit is not None and (hit.end >= (participant.char_end or 0) or HAN.match(hit.text)):
            return True
    return False


def find_participants(text: str, mentions: Mentions) -> list[Participant]:
    """Return the people named with a title of office, in text order, each person once."""
    found: list[Participant] = []
    consumed = 0
    for office in office_lexicon().finditer(text):
        if office.start < consumed or office.value == "zh" or _plural(office):
            continue
        if office.value == "en" and not office.text[0].isupper():
            continue
        prefix = _prefix(text, office.start, mentions)
        participant, consumed = _read(text, office, mentions, prefix)
        if participant is None:
            org = prefix.value if prefix is not None and prefix.kind == "ORG" else None
            before = prefix.start if prefix else office.start
            participant = _appointed(text, before, office, mentions, org)
            participant = participant or _signed(text, office, before, consumed, mentions)
        if participant is not None:
            found.append(participant)
    found.extend(chinese_participants(text, mentions.countries, mentions.organisations))
    found.extend(signatories(text, mentions))
    found.sort(key=lambda p: p.char_start or 0)
    return _unique([p for p in found if not _is_place(text, p)])
