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


def test_help_describes_each_option():
    """`manage.py photo_files --help` is what an editor on the server reads first."""
    from photos.management.commands.photo_files import Command

    help_text = " ".join(Command().create_parser("manage.py", "photo_files").format_help().split())
    assert "--dry-run Report what would be done; change nothing." in help_text
    assert "--all Remake every photo's renditions." in help_text
    assert "--min-age MIN_AGE Delete unused files only when older than this many hours (default 24)." in help_text


def test_all_remakes_photos_that_are_up_to_date(media_root, django_capture_on_commit_callbacks):
    first, second = make_photo(make_article()), make_photo(make_article())
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("--all", "--min-age", "0")
    assert f"[1/2] photo {first.pk} ({first.image.name}): remade (--all)\n" in out
    assert f"[2/2] photo {second.pk} ({second.image.name}): remade (--all)\n" in out
    assert out.splitlines()[-1].startswith("2 photos' renditions were remade, 0 could not be read;")
    assert on_disk(media_root) == files_of_photos(media_root)


def test_a_photo_whose_rendition_file_is_missing_is_remade(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    missing = media_root / renditions.rendition_files(photo.renditions)[0]
    missing.unlink()
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("--min-age", "0")
    assert f"[1/1] photo {photo.pk} ({photo.image.name}): remade (files missing)\n" in out
    assert missing.exists()


def test_a_photo_row_without_an_image_is_left_alone(media_root):
    make_photo(make_article())
    Photo.objects.update(image="", renditions={})
    out, err = run("--min-age", "0")
    assert err == ""
    assert "0 photos' renditions were remade, 0 could not be read" in out


def test_verbose_output_names_what_was_left_as_it_is(media_root, django_capture_on_commit_callbacks):
    up_to_date, stale = make_photo(make_article()), make_photo(make_article())
    Photo.objects.filter(pk=stale.pk).update(renditions={})
    recent = media_root / "renditions/2020/01/recent-400w.webp"
    recent.parent.mkdir(parents=True)
    recent.write_bytes(b"x")

    with django_capture_on_commit_callbacks(execute=True):
        quiet, _ = run()
    assert "up to date" not in quiet and "kept for now" not in quiet
    assert f"[2/2] photo {stale.pk} ({stale.image.name}): remade (stored before renditions)" in quiet

    verbose, _ = run("--verbosity", "2")
    assert f"[1/2] photo {up_to_date.pk} ({up_to_date.image.name}): up to date\n" in verbose
    assert "renditions/2020/01/recent-400w.webp: unused but recent, kept for now\n" in verbose
    assert verbose.count(": up to date\n") == 2


def test_dry_run_counts_what_it_would_do(media_root):
    make_photo(make_article()), make_photo(make_article())
    Photo.objects.update(renditions={})
    out, _ = run("--dry-run", "--min-age", "0")
    assert out.count("would remake (stored before renditions)") == 2
    assert out.splitlines()[-1] == (
        "2 photos' renditions would be remade, 0 could not be read; "
        f"{2 * len(renditions.rendition_files(make_photo(make_article()).renditions))} unused photo files "
        "and 0 expired kept uploads would be deleted."
    )


def test_unreadable_files_are_counted_and_the_summary_is_a_warning(media_root):
    from django.core.management.color import color_style

    for photo in (make_photo(make_article()), make_photo(make_article())):
        (media_root / photo.image.name).write_bytes(b"no longer a photo")
    Photo.objects.update(renditions={})
    out = io.StringIO()
    call_command("photo_files", stdout=out, stderr=io.StringIO(), force_color=True)
    summary = (
        "0 photos' renditions were remade, 2 could not be read; "
        "0 unused photo files and 0 expired kept uploads were deleted."  # the renditions are too recent
    )
    assert out.getvalue().splitlines()[-1] == color_style(force_color=True).WARNING(summary)


def test_the_summary_is_a_success_when_every_photo_was_read(media_root):
    from django.core.management.color import color_style

    out = io.StringIO()
    call_command("photo_files", stdout=out, force_color=True)
    summary = (
        "0 photos' renditions were remade, 0 could not be read; "
        "0 unused photo files and 0 expired kept uploads were deleted."
    )
    assert out.getvalue() == color_style(force_color=True).SUCCESS(summary) + "\n"


def test_unused_files_are_deleted_from_24_hours_old_by_default(media_root):
    import time_machine

    folder = media_root / "photos/2020/01"
    folder.mkdir(parents=True)
    now = 1_800_000_000
    for name, hours in (("exactly-a-day.jpg", 24), ("older.jpg", 30), ("almost-a-day.jpg", 23.9)):
        (folder / name).write_bytes(b"x")
        os.utime(folder / name, (now - hours * 3600, now - hours * 3600))
    with time_machine.travel(now, tick=False):
        out, _ = run()
    assert sorted(path.name for path in folder.iterdir()) == ["almost-a-day.jpg"]
    assert "2 unused photo files" in out
