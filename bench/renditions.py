"""
What renditions cost and what they save.

    .venv/bin/python bench/renditions.py [--photos 3] [--megapixels 12]

Makes phone-sized JPEGs (noisy, so they compress like photographs, not like flat
colour), stores each as the admin does (upright master, renditions) in a scratch
media folder and a scratch SQLite database, and reports:

- the time to store one photo (decode, master, all renditions), median and max;
- the story page's bytes for a 360 px wide phone (at 1x and 2x pixel density):
  the HTML plus, for each photo, the file a browser fetches. "Before" is what the
  page sent until now, the upload itself; "after" is the rendition the browser picks
  from the page's srcset and sizes (WebP), as it would.

Run by hand; results go in the issue notes, not in assertions.
"""

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = Path(tempfile.mkdtemp(prefix="newsroom-bench-renditions-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ["KEPT_UPLOADS_ROOT"] = str(SCRATCH / "kept")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from articles.models import Article, Photo  # noqa: E402


def phone_photo(megapixels, seed):
    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 40 + seed).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.35).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def chosen(srcset, slot_px):
    """The candidate a browser picks: the narrowest at least slot_px wide, else the widest."""
    candidates = sorted((int(w), url) for url, w in re.findall(r"(\S+) (\d+)w", srcset))
    return next((url for w, url in candidates if w >= slot_px), candidates[-1][1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--megapixels", type=float, default=12)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    article = Article.objects.create(
        headline="Benchmark story", body="Paragraph.\n\n" * 8, status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    uploads, timings = [], []
    for n in range(args.photos):
        content = phone_photo(args.megapixels, n)
        uploads.append(len(content))
        started = time.perf_counter()
        Photo.objects.create(
            article=article, image=SimpleUploadedFile(f"IMG_{n:04}.JPG", content), alt_text="x", position=n
        )
        timings.append(time.perf_counter() - started)

    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    media = Path(os.environ["MEDIA_ROOT"])
    print(f"{args.photos} photos of {args.megapixels:g} megapixels, {statistics.mean(uploads) / 1e6:.1f} MB each")
    print(f"store one photo (master + renditions): median {statistics.median(timings):.2f} s, max {max(timings):.2f} s")
    srcsets = re.findall(r'<source type="image/webp" srcset="([^"]+)" sizes="\(min-width: 44rem\) 42rem, calc\(100vw - 2rem\)"', html)
    assert len(srcsets) == args.photos, "the story page has no WebP srcset for each photo"
    for density in (1, 2):
        slot = (360 - 32) * density  # calc(100vw - 2rem) on a 360 px screen
        after = sum((media / chosen(srcset, slot).removeprefix("/media/")).stat().st_size for srcset in srcsets)
        before = sum(uploads)
        print(
            f"story page at 360 px, {density}x: before {(len(html) + before) / 1e6:.2f} MB, "
            f"after {(len(html) + after) / 1e6:.3f} MB ({100 * (1 - (len(html) + after) / (len(html) + before)):.1f}% less)"
        )


if __name__ == "__main__":
    main()
