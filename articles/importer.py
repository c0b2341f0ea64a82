"""
Stories saved from the old site as plain text, read and written as Articles.

A saved page is paragraphs separated by blank lines: an optional site
navigation block ("Regions:", one region a line, "Regions>"), the headline, a
source/date line such as "(chinadaily.com.cn) | 2025-05-26", then body
paragraphs and photos. A photo is a paragraph holding only an image file name
("27-QD-1.jpg"); the paragraph after it is its caption, ending with the credit
in brackets ("... on May 23. [Photo provided to chinadaily.com.cn]").

Reading is pure (text in, ParsedArticle out, or MalformedFile naming the line),
so every file of a batch can be checked before anything is written. Writing
(import_article) does one story's database rows and photo files in one
transaction. The import_articles and seed_demo_content commands are thin shells
around these functions.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from .models import PHOTO_EXTENSIONS, Article, Photo
from .validators import PhotoRejected, check_photo_file

NAVIGATION_START = "Regions:"
NAVIGATION_END = "Regions>"

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d, %Y %H:%M",
    "%b %d, %Y %H:%M",
)
UPDATED_PREFIX = re.compile(r"^updated\s*:\s*", re.IGNORECASE)
BYLINE_PREFIX = re.compile(r"^by\s", re.IGNORECASE)

# A bare file name: no spaces, and no folders, so a page cannot point outside the photos folder.
PHOTO_FILE_NAME = re.compile(rf"^[^\s/\\]+\.(?:{'|'.join(PHOTO_EXTENSIONS)})$", re.IGNORECASE)
# "... on May 23. [Photo provided to chinadaily.com.cn]": the credit is the last bracketed part.
CAPTION_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\[(?P<credit>[^\[\]]*)\]$", re.DOTALL)
# A full stop ends a sentence when a capital follows, so "the No. 1 beach" stays whole.
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“‘'(]?[A-Z])|[.!?]$|[。！？]")

ALT_TEXT_MAX_LENGTH = Photo._meta.get_field("alt_text").max_length
CREDIT_MAX_LENGTH = Photo._meta.get_field("credit").max_length
HEADLINE_MAX_LENGTH = Article._meta.get_field("headline").max_length
BYLINE_MAX_LENGTH = Article._meta.get_field("byline").max_length
SOURCE_MAX_LENGTH = Article._meta.get_field("source").max_length
IMPORT_KEY_MAX_LENGTH = Article._meta.get_field("import_key").max_length

# Other names stories use for a region, by region slug: Huangdao is the old
# district merged into the West Coast New Area, and still the common name.
REGION_ALIASES = {"west-coast-new-area": ("Huangdao", "黄岛")}
# What may follow a region's name when the text means something else: Jiaozhou
# Bay (and its bridge and tunnel) borders five districts, not just Jiaozhou.
NOT_THE_REGION_WHEN_FOLLOWED_BY = {"Jiaozhou": r"\s+Bay\b", "胶州": "湾"}


class MalformedFile(Exception):
    """A saved page that cannot be read as a story; says which file and line, and why."""

    def __init__(self, file_name, line, problem):
        super().__init__(f"{file_name}, line {line}: {problem}")
        self.file_name = file_name
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # where it starts, counting from 1 as editors do


@dataclass(frozen=True)
class Dateline:
    byline: str
    source: str
    published_at: datetime


@dataclass(frozen=True)
class ParsedPhoto:
    file_name: str
    caption: str
    credit: str
    alt_text: str
    line: int


@dataclass(frozen=True)
class ParsedArticle:
    file_name: str
    import_key: str
    headline: str
    byline: str
    source: str
    published_at: datetime
    body: str
    photos: tuple = ()

    @property
    def text_naming_regions(self):
        """What may name the story's regions: headline, body and captions, never the site navigation."""
        return "\n\n".join([self.headline, self.body, *(photo.caption for photo in self.photos)])

    @property
    def paragraph_count(self):
        return len(self.body.split("\n\n")) if self.body else 0


# --- Reading ----------------------------------------------------------------


def parse_article_file(path):
    """
    Read one saved page. Raises MalformedFile for a page that is not a story,
    and OSError (left to the caller) when the file cannot be opened at all.
    """
    path = Path(path)
    text = decode_saved_page(path.read_bytes(), str(path))
    return parse_article_text(text, file_name=str(path), import_key=path.stem)


def decode_saved_page(data, file_name):
    """The page as text; refuses binary files and other encodings instead of importing mojibake."""
    if b"\x00" in data:
        # Text never holds NUL bytes; a binary file has no lines to point to.
        raise MalformedFile(file_name, 1, "this is a binary file (an image?), not a page saved as text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedFile(
            file_name, line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the page as UTF-8"
        ) from None


def parse_article_text(text, file_name, import_key):
    """The story in a saved page's text; MalformedFile if the page is not one."""
    if len(import_key) > IMPORT_KEY_MAX_LENGTH:
        raise MalformedFile(file_name, 1, f"the file name is longer than {IMPORT_KEY_MAX_LENGTH} characters")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise MalformedFile(file_name, 1, "the file is empty")
    paragraphs = split_paragraphs(blank_out_navigation(lines, file_name))
    if not paragraphs:
        last_line = max(number for number, line in enumerate(lines, start=1) if line.strip())
        raise MalformedFile(file_name, last_line, "no headline after the Regions navigation block")

    headline = read_headline(paragraphs[0], file_name)
    if len(paragraphs) < 2:
        raise MalformedFile(
            file_name, paragraphs[0].line, "the headline is not followed by a source/date line"
        )
    dateline_paragraph = paragraphs[1]
    try:
        dateline = parse_dateline(dateline_paragraph.text)
    except ValueError as error:
        raise MalformedFile(file_name, dateline_paragraph.line, str(error)) from None

    body, photos = split_body_and_photos(paragraphs[2:], fallback_alt_text=f"Photo: {headline}")
    return ParsedArticle(
        file_name=file_name,
        import_key=import_key,
        headline=headline,
        byline=dateline.byline,
        source=dateline.source,
        published_at=dateline.published_at,
        body=body,
        photos=tuple(photos),
    )


def blank_out_navigation(lines, file_name):
    """
    The lines with the site navigation block (Regions: ... Regions>) blanked.

    Blanked rather than removed so that line numbers in error messages still
    match the file. The block lists every region on every page, so it must not
    count as the story naming them.
    """
    first_text = next(i for i, line in enumerate(lines) if line.strip())
    if lines[first_text].strip() != NAVIGATION_START:
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
    headline = " ".join(paragraph.text.split("\n"))
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise MalformedFile(
            file_name,
            paragraph.line,
            f"the headline is {len(headline)} characters long; the most is {HEADLINE_MAX_LENGTH} "
            "(is the blank line after it missing?)",
        )
    return headline


def looks_like_dateline(text):
    try:
        parse_dateline(text)
    except ValueError:
        return False
    return True


def parse_dateline(text):
    """
    The byline, source and publication time of a source/date line, e.g.
    ``By Zhang Yi | China Daily | Updated: 2024-03-01 09:12``. Raises
    ValueError (with a message for the editor) if it holds no readable date.
    """
    byline, sources, published_at = "", [], None
    for part in (part.strip() for part in text.split("|")):
        if not part:
            continue
        if BYLINE_PREFIX.match(part):
            byline = part
        elif UPDATED_PREFIX.match(part):
            published_at = parse_date(UPDATED_PREFIX.sub("", part))
            if published_at is None:
                raise ValueError(f'cannot read the date in "{text}"')
        elif (date := parse_date(part)) is not None:
            published_at = date
        else:
            sources.append(part.strip("()").strip())
    if published_at is None:
        raise ValueError(
            f'cannot read the date in "{text}" '
            '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")'
        )
    source = " | ".join(sources)
    if len(byline) > BYLINE_MAX_LENGTH or len(source) > SOURCE_MAX_LENGTH:
        raise ValueError(f'the source/date line is too long to be one: "{text[:80]}…"')
    return Dateline(byline=byline, source=source, published_at=published_at)


def parse_date(text):
    """An aware datetime in the site's time zone (the old site's dates are Beijing time), or None."""
    text = " ".join(text.split())
    for date_format in DATE_FORMATS:
        try:
            naive = datetime.strptime(text, date_format)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_default_timezone())
    return None


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
            photos.append(parsed_photo(paragraph, "", fallback_alt_text))
            paragraph, caption_paragraph = caption_paragraph, next(remaining, None)
        caption_text = caption_paragraph.text if caption_paragraph else ""
        photos.append(parsed_photo(paragraph, caption_text, fallback_alt_text))
    return "\n\n".join(body), photos


def parsed_photo(paragraph, caption_text, fallback_alt_text):
    caption, credit = split_caption_and_credit(caption_text)
    return ParsedPhoto(
        file_name=paragraph.text,
        caption=caption,
        credit=credit,
        alt_text=alt_text_from_caption(caption) or shorten(fallback_alt_text, ALT_TEXT_MAX_LENGTH),
        line=paragraph.line,
    )


def split_caption_and_credit(text):
    """'... on May 23. [Photo provided to X]' -> ("... on May 23.", "Photo provided to X")."""
    match = CAPTION_CREDIT.match(text.strip())
    if not match:
        return text.strip(), ""
    return match["caption"], shorten(match["credit"].strip(), CREDIT_MAX_LENGTH)


def alt_text_from_caption(caption):
    """
    The caption's first sentence, as alt text: the old site had none, and the
    caption's opening says what the photo shows.
    """
    caption = " ".join(caption.split())
    end = SENTENCE_END.search(caption)
    first_sentence = caption[: end.end()] if end else caption
    return shorten(first_sentence, ALT_TEXT_MAX_LENGTH)


def shorten(text, max_length):
    """The text cut at a word boundary to fit max_length, marked with an ellipsis when cut."""
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# --- Regions ----------------------------------------------------------------


def find_named_regions(text, regions):
    """
    The regions the text names, in the order it first names them.

    Names match case-insensitively on word boundaries ("Qingdao's Laoshan
    district", "in Jimo"); Chinese names (the region's local_name) match
    anywhere, as Chinese has no spaces between words.
    """
    first_mentions = []
    for region in regions:
        positions = [match.start() for match in region_name_pattern(region).finditer(text)]
        if positions:
            first_mentions.append((min(positions), region.position, region))
    return [region for _, _, region in sorted(first_mentions, key=lambda mention: mention[:2])]


def region_name_pattern(region):
    names = [region.name, region.local_name, *REGION_ALIASES.get(region.slug, ())]
    alternatives = [name_pattern(name) for name in names if name]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def name_pattern(name):
    not_followed_by = NOT_THE_REGION_WHEN_FOLLOWED_BY.get(name)
    exclusion = f"(?!{not_followed_by})" if not_followed_by else ""
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


@dataclass
class ImportResult:
    article: Article
    created: bool
    photos: list = field(default_factory=list)


def import_article(
    parsed, *, photo_files, regions, status=Article.Status.PUBLISHED, tags=None, published_at=None
):
    """
    Create the story, or update the one imported from the same file before.

    An update keeps the story's address (slug), summary and tags (unless tags
    are given) and replaces its photos. Everything happens in one transaction;
    the replaced photos' files are deleted only once it commits, and the new
    files are deleted if it does not, so no half-imported story or stray file
    is left behind.
    """
    saved_names = []
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update().filter(import_key=parsed.import_key).first()
            created = article is None
            if created:
                article = Article(import_key=parsed.import_key)
            old_photo_names = [photo.image.name for photo in article.photos.all()] if not created else []

            article.headline = parsed.headline
            article.byline = parsed.byline
            article.source = parsed.source
            article.body = parsed.body
            article.status = status
            article.published_at = published_at or parsed.published_at
            article.save()
            article.regions.set(regions)
            if tags is not None:
                article.tags.set(list(tags))

            article.photos.all().delete()
            photos = []
            for position, photo_file in enumerate(photo_files):
                photo = save_photo(article, photo_file, position)
                saved_names.append(photo.image.name)
                photos.append(photo)
            transaction.on_commit(partial(delete_stored_files, old_photo_names))
    except BaseException:
        # Whatever stopped the import (an error, Ctrl-C), its rows were rolled
        # back; the files saved for them must go too. The error is re-raised.
        delete_stored_files(saved_names)
        raise
    return ImportResult(article=article, created=created, photos=photos)


def save_photo(article, photo_file, position):
    photo = Photo(
        article=article,
        caption=photo_file.photo.caption,
        credit=photo_file.photo.credit,
        alt_text=photo_file.photo.alt_text,
        position=position,
    )
    with photo_file.path.open("rb") as image_file:
        photo.image.save(photo_file.photo.file_name, File(image_file), save=False)
    photo.save()
    return photo


def delete_stored_files(names):
    storage = Photo._meta.get_field("image").storage
    for name in names:
        storage.delete(name)
