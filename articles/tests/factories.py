"""Test data builders: real rows and real image files made with Pillow."""

import io
import itertools
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Photo

_counter = itertools.count(1)


def image_bytes(width=640, height=427, color=(30, 90, 160), fmt="JPEG"):
    """The bytes of a real image file of the given size and format."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="photo.jpg", width=640, height=427, color=(30, 90, 160), fmt="JPEG"):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(width, height, color, fmt), content_type=content_type)


def make_article(*, regions=(), tags=(), published=True, days_ago=1, **fields):
    """A story, published `days_ago` days ago by default (negative: scheduled in the future)."""
    n = next(_counter)
    defaults = {
        "headline": f"Story number {n}",
        "summary": f"Summary of story {n}.",
        "body": f"First paragraph of story {n}.\n\nSecond paragraph.",
        "source": "chinadaily.com.cn",
        "status": Article.Status.PUBLISHED if published else Article.Status.DRAFT,
        "published_at": timezone.now() - timedelta(days=days_ago),
    }
    defaults.update(fields)
    article = Article.objects.create(**defaults)
    if regions:
        article.regions.set(regions)
    if tags:
        article.tags.add(*tags)
    return article


def make_photo(article, *, position=0, **fields):
    defaults = {
        "image": image_upload(f"photo-{next(_counter)}.jpg"),
        "caption": "A caption.",
        "credit": "Photo provided to chinadaily.com.cn",
        "alt_text": "A description of the photo.",
        "position": position,
    }
    defaults.update(fields)
    return Photo.objects.create(article=article, **defaults)


def files_of_photos(media_root, photos=None):
    """The paths of every file the photos (all by default) refer to: images and renditions, sorted."""
    photos = Photo.objects.all() if photos is None else photos
    return sorted(Path(media_root) / name for photo in photos for name in photo.file_names())
