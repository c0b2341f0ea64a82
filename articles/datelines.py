"""
The source/date lines of pages saved from the old site, read tolerantly.

"(chinadaily.com.cn) | 2025-05-26", "By Zhang Yi | China Daily | Updated:
2024-03-01 09:12", "( chinadaily.com.cn )" with "Updated: 2016-03-14" on the
next line, "2016年3月14日 09:12 来源：中国日报网": the old site wrote the same
three things (byline, source, date) in many ways. Pure functions, text in,
values out; articles.importer uses them.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .models import Article

# The old site's times are Beijing time, whatever time zone this site runs in.
OLD_SITE_TIME_ZONE = ZoneInfo("Asia/Shanghai")

BYLINE_MAX_LENGTH = Article._meta.get_field("byline").max_length
SOURCE_MAX_LENGTH = Article._meta.get_field("source").max_length


@dataclass(frozen=True)
class Dateline:
    byline: str
    source: str
    published_at: datetime


# The parts of a date line are separated by bars, line breaks, middle dots or
# runs of spaces; a part in brackets is a part of its own.
DATELINE_SEPARATOR = re.compile(r"\s*(?:[|｜·•\n\t]|\s{2,})\s*")
BRACKETED = re.compile(r"(\([^()]*\)|（[^（）]*）|\[[^\[\]]*\]|【[^【】]*】)")
DATE_WORD = r"(?:updated|update|published|posted|date|time|发布时间|更新时间|发布日期|日期|时间)"
DATE_LABEL_AT_END = re.compile(rf"(?:^|\s){DATE_WORD}\s*[:：]?\s*$", re.IGNORECASE)
DATE_LABEL_ONLY = re.compile(rf"^{DATE_WORD}\s*[:：]?$", re.IGNORECASE)
DATE_LABEL_AT_START = re.compile(rf"^{DATE_WORD}\s*[:：]", re.IGNORECASE)
SOURCE_LABEL = re.compile(r"^(?:source|来源)\s*[:：]\s*", re.IGNORECASE)
BYLINE_PREFIX = re.compile(r"^(?:by\b|作者\s*[:：]|记者\s*[:：])", re.IGNORECASE)
PART_PUNCTUATION = " \t,;:：，；-–—"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
TIME_OF_DAY = (
    r"(?:(?:\s*,\s*|\s+|T)(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?"
    r"(?:\s*\(?(?:BJT|CST|Beijing time|(?:GMT|UTC)\s*\+\s*0?8(?::?00)?)\)?)?)?"
)
DATE_PATTERNS = [
    re.compile(rf"(?<!\d){pattern}{TIME_OF_DAY}(?![\d:])", re.IGNORECASE)
    for pattern in (
        r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?",
        rf"(?<![a-z])(?P<month_name>{MONTH_NAME})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
        r"\s*,?\s*(?P<year>\d{4})",
        rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_name>{MONTH_NAME})\.?\s*,?\s*(?P<year>\d{{4}})",
    )
]


def parse_dateline(text, *, where_expected=False):
    """
    The byline, source and publication time of a source/date line, e.g.
    ``By Zhang Yi | China Daily | Updated: 2024-03-01 09:12``.

    Tolerant of what varies between old pages: the parts may come in any
    order, on one line or several, separated by bars, dots or spaces, in any
    case, with or without brackets and labels ("Updated:", "Source:"). The
    date may be numeric (2016-03-14, 2016/03/14, 2016年3月14日) or written out
    (Mar. 14, 2016; 14 March 2016), with a time or not. A date inside other
    words ("Marathon on May 1, 2025 draws ...") does not count: that is a
    headline or a sentence, unless the text stands `where_expected` (right
    after the headline) and the other words are few ("Qingdao news 2025-05-26").
    Raises ValueError (with a message for the editor) if the text holds no
    readable date.
    """
    byline, sources, dates = "", [], []
    for part, bracketed in dateline_parts(text):
        found = dateline_date(part, bracketed, where_expected)
        if found:
            date, part = found
            dates.append(date)
        part = SOURCE_LABEL.sub("", part.strip(PART_PUNCTUATION)).strip(PART_PUNCTUATION)
        if not part or DATE_LABEL_ONLY.match(part) or DATE_LABEL_AT_START.match(part):
            continue  # a label whose date stands in the next part, or an unreadable date
        if BYLINE_PREFIX.match(part):
            byline = part
        else:
            sources.append(part)
    if not dates:
        raise ValueError(
            f'cannot read the date in "{text}" '
            '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")'
        )
    source = " | ".join(sources)
    if len(byline) > BYLINE_MAX_LENGTH or len(source) > SOURCE_MAX_LENGTH:
        raise ValueError(f'the source/date line is too long to be one: "{text[:80]}…"')
    # The first date is the story's: later ones are the old site's "updated" stamps.
    return Dateline(byline=byline, source=source, published_at=dates[0])


def dateline_parts(text):
    """The parts of a date line, each with whether it stood in brackets."""
    for chunk in DATELINE_SEPARATOR.split(text.strip()):
        for piece in BRACKETED.split(chunk):
            if BRACKETED.fullmatch(piece):
                yield piece[1:-1].strip(), True
            elif piece.strip(PART_PUNCTUATION):
                yield piece.strip(), False


def dateline_date(part, bracketed, where_expected=False):  # pragma: no mutate (its caller passes all three)
    """
    (date, what else the part says) if the part gives a date as a date line
    does: alone, after a label ("Updated:"), in brackets, or beside a one-word
    source ("chinadaily.com.cn 2016-03-14"), a labelled source or a byline;
    `where_expected`, also beside a short source that is not a sentence.
    """
    found = find_date(part)
    if not found:
        return None
    date, start, end = found
    before, after = part[:start], part[end:]
    labelled = bool(DATE_LABEL_AT_END.search(before))
    rest = " ".join(
        piece.strip(PART_PUNCTUATION) for piece in (DATE_LABEL_AT_END.sub("", before), after)
    ).strip()
    if (
        not rest
        or labelled
        or bracketed
        or len(rest.split()) == 1
        or SOURCE_LABEL.match(rest)
        or BYLINE_PREFIX.match(rest)
        or (where_expected and is_short_source(rest))
    ):
        return date, rest
    return None


def find_date(text):
    """(aware datetime, start, end) of the first readable date in the text, or None."""
    for match in sorted(
        (match for pattern in DATE_PATTERNS for match in pattern.finditer(text)), key=lambda m: m.start()
    ):
        date = date_from_match(match)
        if date is not None:
            return date, match.start(), match.end()
    return None


def date_from_match(match):
    parts = match.groupdict()
    month = MONTHS[parts["month_name"].lower()] if parts.get("month_name") else int(parts["month"])
    hour, minute, second = (int(parts[name] or 0) for name in ("hour", "minute", "second"))
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
    try:
        return datetime(
            int(parts["year"]), month, int(parts["day"]), hour, minute, second, tzinfo=OLD_SITE_TIME_ZONE
        )
    except ValueError:  # 2025-13-40, 25:00
        return None


def parse_date(text):
    """The text, if it is only a date, as an aware datetime in Beijing time; else None."""
    text = " ".join(text.split())
    found = find_date(text)
    if found and (found[1], found[2]) == (0, len(text)):
        return found[0]
    return None


def is_short_source(text):
    """A few words, not a sentence: "Qingdao City News", never "The festival opened on"."""
    return len(text) <= 40 and len(text.split()) <= 5 and not text.endswith((".", "。", "!", "?", "！", "？"))


def is_dateline_without_date(text):
    """
    Whether a paragraph can be the first half of a date line split over two:
    a byline, a source in brackets or after "Source:", or a date label, but no
    sentence of the body.
    """
    parts = list(dateline_parts(text))
    return bool(parts) and all(
        bracketed
        or BYLINE_PREFIX.match(part)
        or SOURCE_LABEL.match(part)
        or DATE_LABEL_ONLY.match(part)
        or is_short_source(part)
        for part, bracketed in parts
    )
