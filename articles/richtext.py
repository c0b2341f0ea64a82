"""
Story bodies as HTML: what the editor may produce, how the server cleans it,
and how photos placed in the body are rendered.

The stored body (Article.body) is clean HTML of a fixed set of elements, with
each placed photo as an empty ``<figure data-photo="<photo id>"></figure>``.
Article.body_html, which every page, feed and search reads, is the body with
those placeholders replaced by the photo, its caption and credit.
"""

import re
from html import escape, unescape
from html.parser import HTMLParser

import nh3
from django.template.loader import render_to_string

# What a news story needs: paragraphs, two levels of subheading (the headline
# is the page's h1), bold, italic, links, lists, block quotes, placed photos.
# <br> keeps the line breaks of bodies typed before the editor.
ALLOWED_TAGS = {"p", "br", "h2", "h3", "strong", "em", "a", "ul", "ol", "li", "blockquote", "figure"}
LINK_SCHEMES = {"http", "https", "mailto"}
PHOTO_PLACEHOLDER = re.compile(r'<figure data-photo="(\d+)"></figure>')

# Pasted HTML from word processors and web pages: elements that mean one of
# ours are renamed, so headings, bold and italic survive as ours; a <div> is
# a paragraph boundary; anything else is dropped with its text kept.
_RENAMED = {"h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3", "b": "strong", "i": "em"}
_READ_TAGS = ALLOWED_TAGS | set(_RENAMED) | {"div"}
_BLOCKS = {"p", "h2", "h3", "ul", "ol", "blockquote", "figure"}
_VOID = {"br"}
_ATTRIBUTE_ORDER = {"href": 0, "title": 1, "target": 2}


def _keep_attribute(tag, name, value):
    # Called for the attributes the cleaner allows: target and title on <a>, data-photo on <figure>.
    if name == "target":
        return value if value == "_blank" else None
    if name == "title":
        return value.strip() or None
    if name == "data-photo":
        return value if value.isdigit() else None
    return value


def _cleaner(tags):
    return nh3.Cleaner(
        tags=tags,
        # <script>, <style> and their kind lose their content too, not only their tags.
        # (A <template>'s content is parsed apart, and <svg> and <math> go whole, in nh3 itself.)
        clean_content_tags={"script", "style", "noscript", "iframe", "object"},
        # "*": no attribute on every element (nh3 would keep lang and title anywhere).
        attributes={"*": set(), "a": {"href", "title", "target"}, "figure": {"data-photo"}},
        attribute_filter=_keep_attribute,
        url_schemes=LINK_SCHEMES,
        url_relative="deny",
        link_rel=None,
    )


class _Normaliser(HTMLParser):
    """
    Rewrites already well-formed HTML (nh3's output) into the story shape:
    renamed elements, text outside any block wrapped in paragraphs, figures
    empty, empty links dropped.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.open = []  # the elements written and not yet closed
        self.implicit_paragraph = False
        self.in_figure = False

    def _close_implicit(self):
        if self.implicit_paragraph:
            self.out.append("</p>")
            self.implicit_paragraph = False

    def _inline_content(self):
        if not self.open and not self.implicit_paragraph:
            self.out.append("<p>")
            self.implicit_paragraph = True

    def handle_starttag(self, tag, attrs):
        if self.in_figure:
            return
        tag = _RENAMED.get(tag, tag)
        if tag == "div":
            if not self.open:
                self._close_implicit()
            return
        if tag == "figure" and not dict(attrs).get("data-photo"):
            self.in_figure = True  # a figure that places none of the story's photos: dropped
            return
        if tag in _BLOCKS:
            if not self.open:
                self._close_implicit()
        else:
            self._inline_content()
        # One order for the attributes, so equal bodies are equal strings.
        attrs = sorted(attrs, key=lambda attr: _ATTRIBUTE_ORDER.get(attr[0], 9))
        attributes = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{attributes}>")
        if tag == "figure":
            self.in_figure = True
            self.out.append("</figure>")
        elif tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        tag = _RENAMED.get(tag, tag)
        if tag == "figure":
            self.in_figure = False
            return
        if self.in_figure or tag in _VOID:
            return
        if tag == "div":
            if not self.open:
                self._close_implicit()
            return
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.out.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data):
        if self.in_figure:
            return
        if data.strip() or self.open or self.implicit_paragraph:
            if data.strip():
                self._inline_content()
            self.out.append(data)

    def handle_entityref(self, name):
        # nh3 writes characters as themselves, escaping only & < > and no-break
        # spaces, by name: no numeric reference (handle_charref) ever reaches here.
        self.handle_data(f"&{name};")

    def result(self):
        self.close()
        self._close_implicit()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def _with_noopener(html):
    # A link that opens a new window gets rel="noopener", so the page it opens
    # cannot reach back to this one. nh3 has already quoted every attribute
    # value and escaped every '"' inside one, so this pattern sees whole tags.
    def add_rel(match):
        attributes = match.group(1)
        if ' target="_blank"' in attributes:
            attributes += ' rel="noopener"'
        return f"<a{attributes}>"

    return re.sub(r'<a((?: [\w-]+="[^"]*")*)>', add_rel, html)


def clean_body(html):
    """
    A story body as the server keeps it, whatever the browser sent: only the
    allowed elements and attributes; links only to http, https and mailto
    addresses; everything else dropped with its text kept. Text with no
    markup at its start is plain text (a body typed before the editor, or
    written by a script) and becomes paragraphs, as text_to_html makes them.
    """
    if not (html or "").lstrip().startswith("<"):
        html = text_to_html(html or "")
    # The cleaners are built at each call (about 50 µs each), not once at import,
    # so that the mutation tests, which switch mutants on after import, reach them.
    normaliser = _Normaliser()
    normaliser.feed(_cleaner(_READ_TAGS).clean(html or ""))
    cleaned = _cleaner(ALLOWED_TAGS).clean(normaliser.result())
    cleaned = re.sub(r"<a>(.*?)</a>", r"\1", cleaned)  # a link whose address was dropped
    return _with_noopener(cleaned).strip()


def text_to_html(text, photos_after=None):
    """
    Plain text (paragraphs separated by blank lines, as bodies were typed
    before the editor) as body HTML: each paragraph escaped in a <p>, its
    single line breaks as <br>. `photos_after` maps a paragraph count to the
    ids of the photos placed after that many paragraphs (0: before the first).
    """
    photos_after = photos_after or {}
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p.strip()]
    parts = []
    for index in range(len(paragraphs) + 1):
        parts.extend(f'<figure data-photo="{photo_id}"></figure>' for photo_id in photos_after.get(index, ()))
        if index < len(paragraphs):
            lines = [
                escape(line.strip(), quote=False)  # pragma: no mutate (quote=None means False too)
                for line in paragraphs[index].split("\n")
            ]
            parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return "".join(parts)


def placed_photo_ids(body):
    """The ids of the photos the body places, in the body's order."""
    if not body:
        return []
    return [int(photo_id) for photo_id in PHOTO_PLACEHOLDER.findall(body)]


def without_photos(body, photo_ids):
    """The body with the placeholders of these photos taken out."""
    photo_ids = {int(photo_id) for photo_id in photo_ids}
    return PHOTO_PLACEHOLDER.sub(lambda m: "" if int(m.group(1)) in photo_ids else m.group(0), body)


def render_body(body, photos=()):
    """
    body_html: the clean body with each placed photo drawn as the story page
    draws photos (image, caption, credit). A placeholder for a photo that is
    not one of `photos` (the story's photos except the lead, which stays on
    top) is left out.
    """
    by_id = {photo.pk: photo for photo in photos}

    def photo_figure(match):
        photo = by_id.get(int(match.group(1)))
        if photo is None:
            return ""
        return render_to_string("articles/_photo.html", {"photo": photo}).strip()

    return PHOTO_PLACEHOLDER.sub(photo_figure, body)



def body_text(body):
    """The body's words without markup, paragraphs separated by blank lines (for descriptions, counts)."""
    text = re.sub(r"<br>|</(?:p|h2|h3|li|blockquote)>", "\n\n", body or "")
    text = unescape(re.sub(r"<[^>]*>", "", text))
    return "\n\n".join(part.strip() for part in text.split("\n\n") if part.strip())
