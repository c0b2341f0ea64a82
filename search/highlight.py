"""Matched words marked in headlines and snippets, with everything else escaped."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

ENGLISH_ENDINGS = ("ing", "ed", "es", "s")


def _pattern(terms):
    parts = []
    for term in terms:
        if term.chinese:
            parts.append(re.escape(term.text))
        else:
            # The index stems English words, so "harvests" finds "harvest" and "harvesting":
            # mark every word that starts with the query word's stem.
            stem = term.text
            for ending in ENGLISH_ENDINGS:
                if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                    stem = stem[: -len(ending)]
                    break
            parts.append(rf"(?<!\w){re.escape(stem)}\w*")
    if not parts:
        return None
    # Longest first, so a longer term wins over one it contains.
    parts.sort(key=lambda part: -len(part))
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text, terms, length=None):
    """
    `text` escaped, with each match of `terms` in <mark>. With `length`, only a
    window of about that many characters around the first match (or the start),
    with an ellipsis where it was cut.
    """
    text = text or ""
    pattern = _pattern(terms)
    first = pattern.search(text) if pattern else None
    prefix = suffix = ""
    if length is not None and len(text) > length:
        start = max(0, (first.start() if first else 0) - length // 4)
        if start:
            # Begin at a word boundary before the match (Chinese has none, so cut anywhere).
            space = text.find(" ", start, first.start())
            start = space + 1 if space != -1 else start
            prefix = "…"
        end = start + length
        if end < len(text):
            space = text.rfind(" ", end - 20, end)
            end = space if space != -1 else end
            suffix = "…"
        text = text[start:end]
    if not pattern:
        return mark_safe(prefix + escape(text) + suffix)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe(prefix + "".join(pieces) + suffix)


def snippet(article, terms, length=240):
    """The summary if a term is in it, else the part of the body around the first match."""
    pattern = _pattern(terms)
    for text in (article.summary, article.body_text):
        if text and pattern and pattern.search(text):
            return highlight(text, terms, length)
    return highlight(article.summary or article.body_text, terms, length)
