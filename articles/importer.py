"""
Stories saved from the old site as plain text, read and written as Articles.

A saved page is paragraphs separated by blank lines: optional lines naming the
page's old address ("URL: http://...") and its summary ("Summary: ..."), an
optional site navigation block ("Regions:", one region a line, "Regions>"), the
headline, a source/date line such as "(chinadaily.com.cn) | 2025-05-26" (which
may be split over the lines or paragraphs after the headline), then body
paragraphs and photos. A photo is a paragraph holding only an image file name
("27-QD-1.jpg"); the paragraph after it is its caption, ending with the credit
in brackets ("... on May 23. [Photo provided to chinadaily.com.cn]").
A page's old address is recorded as a redirect to its story, so links to the
old site's page keep working (articles/redirects.py).

Reading is pure (text in, ParsedArticle out, or MalformedFile naming the line),
so every file of a batch can be checked before anything is written. Writing
(import_article) does one story's database rows and photo files in one
transaction, and never undoes the newsroom's work: see import_article for the
rule. The import_articles and seed_demo_content commands are thin shells
around these functions.
"""

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from . import richtext
from .datelines import OLD_SITE_TIME_ZONE, is_dateline_without_date, parse_dateline
from .models import PHOTO_EXTENSIONS, Article, Photo, shorten
from .redirects import record_old_address
from .validators import PhotoRejected, check_photo_file

logger = logging.getLogger(__name__)

NAVIGATION_START = "Regions:"
NAVIGATION_END = "Regions>"


# A bare file name: no spaces, and no folders, so a page cannot point outside the photos folder.
PHOTO_FILE_NAME = re.compile(rf"^[^\s/\\]+\.(?:{'|'.join(PHOTO_EXTENSIONS)})$", re.IGNORECASE)
# "... on May 23. [Photo provided to chinadaily.com.cn]": the credit is the last bracketed part.
CAPTION_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*)\]$", re.DOTALL)
# A full stop ends a sentence when a capital follows, so "the No. 1 beach" stays whole.
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“‘'(]?[A-Z])|[.!?]$|[。！？]")

ALT_TEXT_MAX_LENGTH = Photo._meta.get_field("alt_text").max_length
CREDIT_MAX_LENGTH = Photo._meta.get_field("credit").max_length
HEADLINE_MAX_LENGTH = Article._meta.get_field("headline").max_length
IMPORT_KEY_MAX_LENGTH = Article._meta.get_field("import_key").max_length

# Other names stories use for a region, by region slug: Huangdao is the old
# district merged into the West Coast New Area, and still the common name.
REGION_ALIASES = {"west-coast-new-area": ("Huangdao", "黄岛")}
# What may not follow a region's name (a lookahead), as there the text means
# something else: Jiaozhou Bay (and its bridge and tunnel) borders five
# districts, not just Jiaozhou.
NOT_THE_REGION_WHEN_FOLLOWED_BY = {"Jiaozhou": r"(?!\s+Bay\b)", "胶州": "(?!湾)"}


class MalformedFile(Exception):
    """A saved page that cannot be read as a story; its message says which file and line, and why."""

    def __init__(self, file_name, line, problem):
        super().__init__(f"{file_name}, line {line}: {problem}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # where it starts, counting from 1 as editors do


@dataclass(frozen=True)
class ParsedPhoto:
    file_name: str
    caption: str
    credit: str
    alt_text: str
    line: int
    # How many body paragraphs came before it on the page: 0 is before the body,
    # the story's paragraph count after it.
    paragraphs_before: int = 0


@dataclass(frozen=True)
class ParsedArticle:
    file_name: str
    import_key: str  # what identifies the page: see page_keys()
    headline: str
    byline: str
    source: str
    published_at: datetime
    body: str
    photos: tuple = ()
    summary: str = ""
    # Keys an earlier import may have filed the same page under, weakest last.
    older_keys: tuple = ()
    # The page's address on the old site ("URL:" line or --url-map), redirected to the story.
    old_address: str = ""

    @property
    def text_naming_regions(self):
        """What may name the story's regions: headline, body and captions, never the site navigation."""
        return "\n\n".join([self.headline, self.body, *(photo.caption for photo in self.photos)])

    @property
    def paragraph_count(self):
        return len(self.body.split("\n\n")) if self.body else 0


# --- Reading ----------------------------------------------------------------

# Optional lines at the top of a page, or right after its date line.
PAGE_FIELD = re.compile(r"^(?P<name>url|summary)\s*:\s*(?P<value>.*)$", re.IGNORECASE | re.DOTALL)
# How many paragraphs after the headline the source/date line may take (byline, source, date).
MAX_DATELINE_PARAGRAPHS = 3


def parse_article_file(path, old_address=None):
    """
    Read one saved page. Raises MalformedFile for a page that is not a story,
    and OSError (left to the caller) when the file cannot be opened at all.
    `old_address` is the page's address on the old site when given apart from
    the page (import_articles --url-map).
    """
    path = Path(path)
    text = decode_saved_page(path.read_bytes(), str(path))
    return parse_article_text(
        text, file_name=str(path), file_key=file_key(path), legacy_key=path.stem, old_address=old_address
    )


def file_key(path):
    """
    The key of a page known only by where it was saved: its folder's name and
    its own, so "a/story.txt" and "b/story.txt" are two pages, while moving a
    batch folder elsewhere keeps its keys.
    """
    path = Path(path).resolve()
    return f"file:{path.parent.name}/{path.stem}"


def url_key(address):
    """
    The key of a page known by its old address: host and path (and query),
    without the scheme or fragment, so http/https and #anchors are one page.
    """
    parts = urlsplit(address)
    query = f"?{parts.query}" if parts.query else ""
    return f"url:{parts.netloc.lower()}{parts.path or '/'}{query}"


def decode_saved_page(data, file_name):
    """The page as text; refuses binary files and other encodings instead of importing mojibake."""
    if b"\x00" in data:
        # Text never holds NUL bytes; a binary file has no lines to point to.
        raise MalformedFile(file_name, 1, "this is a binary file (an image?), not a page saved as text")
    try:
        return data.decode("utf-8-sig")  # pragma: no mutate (codec names ignore case)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedFile(
            file_name, line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the page as UTF-8"
        ) from None


def parse_article_text(text, file_name, file_key, legacy_key=None, old_address=None):
    """
    The story in a saved page's text; MalformedFile if the page is not one.

    The story's import_key is the page's old address when it names one (a
    "URL:" line), else file_key; the other keys an earlier import may have used
    (file_key, then the bare file name of imports before keys had folders) are
    kept in older_keys so such stories are still found.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise MalformedFile(file_name, 1, "the file is empty")
    page_fields, after_fields = take_leading_page_fields(lines, file_name)
    paragraphs = split_paragraphs(blank_out_navigation(after_fields, file_name))
    if not paragraphs:
        last_line = max(number for number, line in enumerate(lines, start=1) if line.strip())
        above = "the Regions navigation block" if any(after_fields) else "the URL and Summary lines"
        raise MalformedFile(file_name, last_line, f"no headline after {above}")

    headline = read_headline(paragraphs[0], file_name)
    if len(paragraphs) < 2:
        raise MalformedFile(
            file_name, paragraphs[0].line, "the headline is not followed by a source/date line"
        )
    dateline, used = read_dateline(paragraphs[1:], file_name)
    rest = paragraphs[1 + used :]
    while rest and (found := page_field(rest[0], file_name)):
        page_fields.update([found])
        rest = rest[1:]

    if old_address:
        given = page_field(Paragraph(f"URL: {old_address}", 1), f"{file_name} (--url-map)")[1]
        if page_fields.setdefault("url", given) != given:
            raise MalformedFile(
                file_name, 1, f'the page\'s URL line says {page_fields["url"]} but --url-map gives {given}'
            )
    body, photos = split_body_and_photos(rest, fallback_alt_text=f"Photo: {headline}")
    keys = [url_key(page_fields["url"])] if "url" in page_fields else []
    keys += [key for key in (file_key, legacy_key) if key and key not in keys]
    if len(keys[0]) > IMPORT_KEY_MAX_LENGTH:
        raise MalformedFile(
            file_name, 1, f"the page's address or file name is longer than {IMPORT_KEY_MAX_LENGTH} characters"
        )
    return ParsedArticle(
        file_name=file_name,
        import_key=keys[0],
        older_keys=tuple(keys[1:]),
        headline=headline,
        byline=dateline.byline,
        source=dateline.source,
        published_at=dateline.published_at,
        body=body,
        photos=tuple(photos),
        summary=page_fields.get("summary") or summary_from_body(body),
        old_address=page_fields.get("url", ""),
    )


def take_leading_page_fields(lines, file_name):
    """The "URL:"/"Summary:" paragraphs at the top of the page, and the lines with them blanked."""
    fields, lines = {}, list(lines)
    for paragraph in split_paragraphs(lines):
        found = page_field(paragraph, file_name)
        if not found:
            break
        fields.update([found])
        for number in range(paragraph.line, paragraph.line + paragraph.text.count("\n") + 1):
            lines[number - 1] = ""
    return fields, lines


def page_field(paragraph, file_name):
    """("url", address) or ("summary", text) for such a paragraph, else None."""
    match = PAGE_FIELD.match(paragraph.text)
    if not match:
        return None
    name, value = match["name"].lower(), " ".join(match["value"].split())
    if name == "url":
        parts = urlsplit(value)
        if " " in value or parts.scheme not in ("http", "https") or not parts.netloc:
            raise MalformedFile(
                file_name,
                paragraph.line,
                f'"{value}" is not a web address such as "http://example.com/a.html"',
            )
    elif not value:
        raise MalformedFile(file_name, paragraph.line, "the Summary line is empty")
    return name, value


def blank_out_navigation(lines, file_name):
    """
    The lines with the site navigation block (Regions: ... Regions>) blanked.

    Blanked rather than removed so that line numbers in error messages still
    match the file. The block lists every region on every page, so it must not
    count as the story naming them.
    """
    first_text = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_text is None or lines[first_text].strip() != NAVIGATION_START:
        return lines
    for end, line in enumerate(lines[first_text + 1 :], start=first_text + 1):
        if line.strip() == NAVIGATION_END:
            return [""] * (end + 1) + lines[end + 1 :]
    raise MalformedFile(
        file_name,
        first_text + 1,
        f'the "{NAVIGATION_START}" block is never closed by a "{NAVIGATION_END}" line',
    )


def split_paragraphs(lines):
    """
    Paragraphs (runs of non-blank lines) with the line each starts on.

    Each line is trimmed and its non-breaking spaces made ordinary: pages copied
    from the old site's HTML are full of &nbsp; that only add invisible trailing
    space. Single line breaks inside a paragraph are kept.
    """
    paragraphs, current, start = [], [], None
    for number, raw in enumerate(lines, start=1):
        line = raw.replace("\u00a0", " ").strip()
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            paragraphs.append(Paragraph("\n".join(current), start))
            current = []
    if current:
        paragraphs.append(Paragraph("\n".join(current), start))
    return paragraphs


def read_headline(paragraph, file_name):
    """The first paragraph, if it is a headline and not a date line or photo that lost its headline."""
    if is_photo_file_name(paragraph.text) or looks_like_dateline(paragraph.text):
        raise MalformedFile(file_name, paragraph.line, f'expected the headline, found "{paragraph.text}"')
    headline = " ".join(paragraph.text.split())
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise MalformedFile(
            file_name,
            paragraph.line,
            f"the headline is {len(headline)} characters long; the most is {HEADLINE_MAX_LENGTH} "
            "(is the blank line after it missing?)",
        )
    return headline


def read_dateline(paragraphs, file_name):
    """
    The source/date line at the start of these paragraphs, and how many
    paragraphs it took: a byline or source may stand in a paragraph of its own
    with the date in the next one.
    """
    first = paragraphs[0]
    try:
        return parse_dateline(first.text, where_expected=True), 1
    except ValueError as error:
        first_error = error
    for count in range(2, MAX_DATELINE_PARAGRAPHS + 1):
        if len(paragraphs) < count or not is_dateline_without_date(paragraphs[count - 2].text):
            break
        try:
            text = "\n\n".join(p.text for p in paragraphs[:count])
            return parse_dateline(text, where_expected=True), count
        except ValueError:
            continue
    raise MalformedFile(file_name, first.line, str(first_error))


def looks_like_dateline(text):
    try:
        parse_dateline(text)
    except ValueError:
        return False
    return True


def is_photo_file_name(text):
    return bool(PHOTO_FILE_NAME.match(text))


def split_body_and_photos(paragraphs, fallback_alt_text):
    """
    The body text and the photos of the paragraphs after the date line. A
    paragraph that is an image file name is a photo, and the paragraph right
    after it is its caption; every other paragraph is body text.
    """
    body, photos = [], []
    remaining = iter(paragraphs)
    for paragraph in remaining:
        if not is_photo_file_name(paragraph.text):
            body.append(paragraph.text)
            continue
        caption_paragraph = next(remaining, None)
        if caption_paragraph is not None and is_photo_file_name(caption_paragraph.text):
            # Two photos in a row: the first has no caption, the second is still a photo.
            photos.append(parsed_photo(paragraph, "", fallback_alt_text, len(body)))
            paragraph, caption_paragraph = caption_paragraph, next(remaining, None)
        caption_text = caption_paragraph.text if caption_paragraph else ""
        photos.append(parsed_photo(paragraph, caption_text, fallback_alt_text, len(body)))
    return "\n\n".join(body), photos


def parsed_photo(paragraph, caption_text, fallback_alt_text, paragraphs_before):
    caption, credit = split_caption_and_credit(caption_text)
    return ParsedPhoto(
        file_name=paragraph.text,
        caption=caption,
        credit=credit,
        alt_text=alt_text_from_caption(caption) or shorten(fallback_alt_text, ALT_TEXT_MAX_LENGTH),
        line=paragraph.line,
        paragraphs_before=paragraphs_before,
    )


def split_caption_and_credit(text):
    """'... on May 23. [Photo provided to X]' -> ("... on May 23.", "Photo provided to X")."""
    match = CAPTION_CREDIT.match(text.strip())
    if not match:
        return text.strip(), ""
    return match["caption"], shorten(" ".join(match["credit"].split()), CREDIT_MAX_LENGTH)


def alt_text_from_caption(caption):
    """
    The caption's first sentence, as alt text: the old site had none, and the
    caption's opening says what the photo shows.
    """
    caption = " ".join(caption.split())
    end = SENTENCE_END.search(caption)
    first_sentence = caption[: end.end()] if end else caption
    return shorten(first_sentence, ALT_TEXT_MAX_LENGTH)


# A summary is one or two sentences: at most two lines of a story card in
# English; Chinese characters are twice as wide and say more each, so fewer.
SUMMARY_MAX_LENGTH = 250
SUMMARY_MAX_LENGTH_WIDE = 100


def summary_from_body(body):
    """
    A summary for a page that has none: the first paragraph's first sentence,
    and its second if both fit. Long Chinese text (no spaces) is cut by
    characters. Empty when that would be the whole story, which needs none.
    """
    first_paragraph = " ".join(body.split("\n\n")[0].split())
    max_length = SUMMARY_MAX_LENGTH_WIDE if is_mostly_wide(first_paragraph) else SUMMARY_MAX_LENGTH
    ends = [match.end() for match in SENTENCE_END.finditer(first_paragraph)][:2]
    summary = first_paragraph[: ends[0]] if ends else first_paragraph
    if len(ends) == 2 and ends[1] <= max_length:
        summary = first_paragraph[: ends[1]]
    summary = shorten(summary.strip(), max_length)
    return "" if summary == " ".join(body.split()) else summary


def is_mostly_wide(text):
    """Whether most letters are wide (Chinese, Japanese, Korean) characters."""
    letters = [char for char in text if char.isalnum()]
    wide = sum(unicodedata.east_asian_width(char) in ("W", "F") for char in letters)
    return wide * 2 > len(letters)


# --- Regions ----------------------------------------------------------------


def find_named_regions(text, regions):
    """
    The regions the text names, in the order it first names them.

    Names match case-insensitively on word boundaries ("Qingdao's Laoshan
    district", "in Jimo"); Chinese names (the region's local_name) match
    anywhere, as Chinese has no spaces between words.
    """
    first_mention = {}
    for region in regions:
        if found := region_name_pattern(region).search(text):
            first_mention[region] = found.start()
    return sorted(first_mention, key=first_mention.get)  # stable: ties keep the regions' order


def region_name_pattern(region):
    names = [region.name, region.local_name, *REGION_ALIASES.get(region.slug, ())]
    alternatives = [name_pattern(name) for name in names if name]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def name_pattern(name):
    exclusion = NOT_THE_REGION_WHEN_FOLLOWED_BY.get(name, "")
    if name.isascii():
        words = r"\s+".join(re.escape(word) for word in name.split())
        return rf"(?<!\w){words}(?!\w){exclusion}"
    return rf"{re.escape(name)}{exclusion}"


# --- Photo files ------------------------------------------------------------


@dataclass(frozen=True)
class PhotoFile:
    photo: ParsedPhoto
    path: Path


def find_photo_files(parsed, photos_dir):
    """
    The story's photos whose files exist and are real images, and a warning for
    each that is not, so one lost photo does not hold back the story.
    """
    found, warnings = [], []
    for photo in parsed.photos:
        path = Path(photos_dir) / photo.file_name
        problem = photo_file_problem(path)
        if problem:
            warnings.append(
                f"{parsed.file_name}, line {photo.line}: photo {photo.file_name} {problem}; "
                "the story is imported without it"
            )
        else:
            found.append(PhotoFile(photo, path))
    return found, warnings


def photo_file_problem(path):
    """Why the file cannot be the story's photo, or None if it can (the admin's check, see validators.py)."""
    if not path.is_file():
        return f"not found in {path.parent}"
    try:
        with path.open("rb") as photo_file:
            check_photo_file(File(photo_file), path.name)
    except PhotoRejected as rejected:
        return rejected.reason
    return None


# --- Writing ----------------------------------------------------------------

# What an import writes to a story, and so what the newsroom may have changed since.
RECORDED_FIELDS = ("headline", "byline", "source", "summary", "body", "status", "published_at")


class NotTheSameStory(Exception):
    """The page's key names a story that the page does not look like; --replace overwrites it."""


@dataclass
class ImportResult:
    article: Article | None
    outcome: str  # "created", "updated", or "skipped" (edited in the newsroom since the last import)
    photos: list = field(default_factory=list)
    skipped_because: str = ""

    @property
    def created(self):
        return self.outcome == "created"


def plan_import(parsed, *, force, replace, lock=False):
    """
    What importing the page would do, as an ImportResult without writing
    (for dry runs, and the first step of import_article). Raises NotTheSameStory.
    """
    article = find_imported_story(parsed, replace=replace, lock=lock)
    if article is None:
        return ImportResult(article=None, outcome="created")
    if force:
        return ImportResult(article=article, outcome="updated")
    if not (article.import_record or {}).get("fields"):
        return ImportResult(
            article=article,
            outcome="skipped",
            skipped_because="imported before the importer kept a record of what it wrote, so the "
            "newsroom's edits cannot be told apart",
        )
    if edited := edited_since_import(article):
        return ImportResult(
            article=article,
            outcome="skipped",
            skipped_because=f"edited in the newsroom since the last import ({', '.join(edited)})",
        )
    return ImportResult(article=article, outcome="updated")


def find_imported_story(parsed, *, replace, lock):
    """
    The story an earlier import made from this page, or None.

    Looked up by the page's key, then by the keys older imports used. A story
    found by the page's own key (its address, or its folder and name) that
    does not look like the page is refused unless `replace`; one found by the
    bare file name, which unrelated pages share, is taken only if it looks
    like the page, and otherwise the page is a new story.
    """
    stories = Article.objects.select_for_update() if lock else Article.objects.all()
    for key in (parsed.import_key, *parsed.older_keys):
        article = stories.filter(import_key=key).first()
        if article is None:
            continue
        if looks_like_the_same_story(article, parsed):
            return article
        if key.startswith(("url:", "file:")):
            if replace:
                return article
            raise NotTheSameStory(
                f'{parsed.file_name}: the story imported from this page before, "{article.headline}" '
                f"({last_imported_page(article)['date']}), has another headline and date than the page "
                f'("{parsed.headline}", {local_date(parsed.published_at)}). Nothing was changed; '
                "use --replace to overwrite that story with this page, or save the page under a new name."
            )
    return None


def looks_like_the_same_story(article, parsed):
    """Same headline (a corrected date) or same date (a corrected headline) as the page last imported."""
    last = last_imported_page(article)
    return normalized(last["headline"]) == normalized(parsed.headline) or last["date"] == local_date(
        parsed.published_at
    )


def last_imported_page(article):
    """The headline and date of the page the story was last imported from (its own, before records)."""
    record = article.import_record or {}
    return record.get("page") or {
        "headline": article.headline,
        "date": local_date(article.published_at) if article.published_at else "",
    }


def local_date(moment):
    return moment.astimezone(OLD_SITE_TIME_ZONE).date().isoformat()


def normalized(text):
    return " ".join(text.casefold().split())  # pragma: no mutate (any joiner compares words the same)


def edited_since_import(article):
    """
    What the newsroom changed since the story was last imported: the names of
    the recorded fields whose values differ from what the import wrote.
    """
    recorded = article.import_record["fields"]
    return [name for name, value in field_hashes(article).items() if recorded.get(name) != value]


def field_hashes(article):
    """A short hash of each field an import writes, as the database holds it now."""
    values = Article.objects.filter(pk=article.pk).values(*RECORDED_FIELDS).get()
    values["published_at"] = values["published_at"].isoformat() if values["published_at"] else None
    region_ids = article.regions.values_list(
        "pk",  # pragma: no mutate (with no field named, values_list gives the first: the pk)
        flat=True,
    )
    values["regions"] = sorted(region_ids)
    values["photos"] = list(
        article.photos.exclude(import_file_name="")
        .order_by("position", "pk")  # pragma: no mutate (any fixed order; each row holds its position)
        .values_list("import_file_name", "image", "caption", "credit", "alt_text", "position")
    )
    return {name: short_hash(value) for name, value in values.items()}


def short_hash(value):
    """A field's hash in the import record: stories' records keep it, so it must never change."""
    text = json.dumps(value, ensure_ascii=False)  # pragma: no mutate (None is False too)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def import_article(
    parsed,
    *,
    photo_files,
    regions,
    status=Article.Status.PUBLISHED,
    tags=None,
    published_at=None,
    force=False,
    replace=False,
):
    """
    Create the story, or refresh the one imported from the same page before.

    The rule for a re-import, so that it never undoes the newsroom's work:
    - A story the newsroom changed since the last import (headline, byline,
      source, summary, body, status, publication time, regions, or the
      imported photos' captions, credits, alt text, order or files) is not
      touched: the result is "skipped", naming what changed. `force` refreshes
      it from the page anyway.
    - A refresh rewrites what came from the page: text, regions and the
      imported photos. It keeps the address (slug), tags (unless tags are
      given), photos added in the admin, and status and publication time: a
      re-import never publishes or unpublishes (only an explicit
      `published_at` is applied, as seed_demo_content does to keep demo
      stories recent).
    - A page whose key names a story it does not look like raises
      NotTheSameStory unless `replace` (see find_imported_story).

    Everything happens in one transaction; the replaced photos' files are
    deleted only once it commits (a failure then is logged and leaves the
    story as committed), and the new files are deleted if it does not commit,
    so no half-imported story or stray file is left behind.
    """
    saved_names = []
    try:
        with transaction.atomic():
            # Once this commits, the new files are the story's: none to delete. Registered
            # before this import's other callbacks, so it runs before any of them can fail.
            transaction.on_commit(saved_names.clear)
            plan = plan_import(parsed, force=force, replace=replace, lock=True)
            if plan.outcome == "skipped":
                return plan
            article = plan.article or Article(status=status, published_at=parsed.published_at)

            article.import_key = parsed.import_key
            article.headline = parsed.headline
            article.byline = parsed.byline
            article.source = parsed.source
            article.summary = parsed.summary
            # A page that names no district is about the whole city.
            article.city_wide = not regions
            if published_at is not None:
                article.published_at = published_at
            article.save()
            article.regions.set(regions)
            if tags is not None:
                article.tags.set(list(tags))

            if plan.outcome == "updated" and not (article.import_record or {}).get("fields"):
                mark_photos_of_earlier_imports(article, parsed)
            # Their files go once this commits (Photo's delete signal).
            article.photos.exclude(import_file_name="").delete()
            photos = []
            for position, photo_file in enumerate(photo_files):
                photo = save_photo(article, photo_file, position)
                saved_names.extend(photo.file_names())
                photos.append(photo)
            # The body, with each photo in its place, once the photos are saved.
            article.body = body_with_photos(parsed, photo_files, photos)
            article.save(update_fields=["body"])  # pragma: no mutate (a full save writes the same row)

            article.import_record = {
                "page": {"headline": parsed.headline, "date": local_date(parsed.published_at)},
                "fields": field_hashes(article),
            }
            article.imported_at = timezone.now()
            article.save(
                update_fields=["import_record", "imported_at"]  # pragma: no mutate (a full save: same row)
            )
            if parsed.old_address:
                record_old_address(article, parsed.old_address)
    except BaseException:
        # Whatever stopped the import before it committed (an error, Ctrl-C),
        # its rows were rolled back; the files saved for them must go too. The
        # error is re-raised.
        delete_stored_files(saved_names)
        raise
    return ImportResult(article=article, outcome=plan.outcome, photos=photos)


def body_with_photos(parsed, photo_files, photos):
    """
    The page's body as HTML, with each photo where it stood: the first photo
    is the story's lead, shown above the body; the others stand before the
    body's first paragraph, between two paragraphs, or (after the last
    paragraph) after the body, where the story page shows unplaced photos.
    """
    photos_after = {}
    for photo_file, photo in list(zip(photo_files, photos))[1:]:
        before = photo_file.photo.paragraphs_before
        if before < parsed.paragraph_count:
            photos_after.setdefault(before, []).append(photo.pk)
    return richtext.text_to_html(parsed.body, photos_after)


def mark_photos_of_earlier_imports(article, parsed):
    """
    Mark which photos of a story imported before photos were marked came from
    the page: those uploaded under the name of a photo the page names (the
    importer stored them as photos/YYYY/MM/<name>, with "_" and seven
    characters added when the name was taken; migration 0003 kept that name as
    the photo's original_name). The others were added in the admin and are kept.
    """
    for photo in article.photos.filter(import_file_name=""):
        names = {Path(photo.original_name).name, Path(photo.image.name).name}
        for page_photo in parsed.photos:
            page_name = Path(page_photo.file_name)
            pattern = rf"{re.escape(page_name.stem)}(?:_[A-Za-z0-9]{{7}})?{re.escape(page_name.suffix)}"
            if any(re.fullmatch(pattern, name, re.IGNORECASE) for name in names):
                photo.import_file_name = page_photo.file_name
                photo.save(update_fields=["import_file_name"])  # pragma: no mutate (other fields unchanged)
                break


def save_photo(article, photo_file, position):
    photo = Photo(
        article=article,
        caption=photo_file.photo.caption,
        credit=photo_file.photo.credit,
        alt_text=photo_file.photo.alt_text,
        position=position,
        import_file_name=photo_file.photo.file_name,
    )
    with photo_file.path.open("rb") as image_file:
        name, content = photo_file.photo.file_name, File(image_file)
        photo.image.save(name, content, save=False)  # pragma: no mutate (saved twice, the row is the same)
    photo.save()
    return photo


def delete_stored_files(names):
    storage = Photo._meta.get_field("image").storage
    for name in names:
        storage.delete(name)
