"""manage.py photo_files: remakes out-of-date renditions, deletes unused files, safe to re-run."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Photo
from articles.tests.factories import files_of_photos, make_article, make_photo
from photos import renditions
from photos.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "kept_uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "kept"}},
    }
    return Path(settings.MEDIA_ROOT)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("photo_files", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def age(path, hours):
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def on_disk(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_unused_files_are_deleted_and_recent_ones_kept_for_now(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    stray = media_root / "renditions/2020/01/gone-400w.webp"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    age(stray, 48)
    fresh = media_root / "photos/2020/01/being-saved-now.jpg"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"x")

    out, _ = run()

    assert "renditions/2020/01/gone-400w.webp: deleted (unused)" in out
    assert not stray.exists() and fresh.exists()
    assert set(files_of_photos(media_root, [photo])) <= set(on_disk(media_root))
    assert "0 photos' renditions were remade" in out


def test_a_second_run_finds_nothing_to_do(media_root):
    make_photo(make_article())
    run("--min-age", "0")
    before = on_disk(media_root)
    out, _ = run("--min-age", "0")
    assert "0 photos' renditions were remade, 0 could not be read; 0 unused photo files" in out
    assert on_disk(media_root) == before


def test_changed_sizes_remake_every_photos_renditions(media_root, monkeypatch, django_capture_on_commit_callbacks):
    photo = make_photo(make_article(), image=files.upload("wide.webp", files.webp(1700, 900)))
    monkeypatch.setattr(renditions, "WIDTHS", (500, 1000))
    monkeypatch.setattr(renditions, "SPEC", "new-settings")

    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("--min-age", "0")

    assert f"[1/1] photo {photo.pk} ({photo.image.name}): remade (rendition settings changed)" in out
    photo.refresh_from_db()
    assert [entry["width"] for entry in photo.renditions["sizes"]] == [500, 1000]
    assert photo.renditions["spec"] == "new-settings"
    assert on_disk(media_root) == files_of_photos(media_root, [photo])


def test_a_photo_stored_before_renditions_is_made_upright_and_clean(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article(), caption="", credit="")
    # As the site stored uploads before: the phone's file as it came, no renditions.
    raw_name = "photos/2024/03/IMG_0042.jpg"
    (media_root / raw_name).parent.mkdir(parents=True)
    (media_root / raw_name).write_bytes(files.phone_jpeg(600, 800))
    Photo.objects.filter(pk=photo.pk).update(image=raw_name, renditions={})

    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("--min-age", "0")

    assert "remade (stored before renditions)" in out
    photo.refresh_from_db()
    assert photo.image.name != raw_name and not (media_root / raw_name).exists()
    assert (photo.caption, photo.credit) == ("", "")
    with Image.open(media_root / photo.image.name) as master:
        assert master.size == (600, 800) and not master.getexif()
    assert on_disk(media_root) == files_of_photos(media_root, [photo])


def test_dry_run_changes_nothing(media_root):
    photo = make_photo(make_article())
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    before = on_disk(media_root)
    out, _ = run("--dry-run", "--min-age", "0")
    assert "would remake (stored before renditions)" in out
    assert "would be deleted (unused)" in out  # the renditions the row no longer names
    assert on_disk(media_root) == before


def test_an_unreadable_file_is_reported_and_the_rest_go_on(media_root):
    broken, fine = make_photo(make_article()), make_photo(make_article())
    (media_root / broken.image.name).write_bytes(b"no longer a photo")
    Photo.objects.update(renditions={})
    out, err = run("--min-age", "0")
    assert f"photo {broken.pk}" in err and "could not be remade" in err
    assert "1 photos' renditions were remade, 1 could not be read" in out
    fine.refresh_from_db()
    assert fine.renditions["spec"] == renditions.SPEC


def test_expired_kept_uploads_are_deleted(media_root, tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.jpg").write_bytes(b"x")
    (kept / "new.jpg").write_bytes(b"x")
    age(kept / "old.jpg", 25)
    out, _ = run()
    assert not (kept / "old.jpg").exists() and (kept / "new.jpg").exists()
    assert "1 expired kept uploads were deleted" in out
