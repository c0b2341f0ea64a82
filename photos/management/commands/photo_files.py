"""
Bring the photo files in storage in line with the database:

- remake the renditions of every photo whose renditions are missing, or were
  made with other sizes or settings (photos/renditions.py SPEC), or all of them
  with --all; a photo stored before renditions existed also gets its image
  rewritten upright and without metadata (the raw upload is then deleted);
- delete files under photos/ and renditions/ that no photo refers to, and kept
  uploads (photos/forms.py) older than a day.

Safe to re-run, and to run while the site is up: files younger than --min-age
hours are never deleted (they may belong to a story being saved right now),
and a photo's old files are deleted only once its new ones are committed.

    python manage.py photo_files [--dry-run] [--all] [--min-age 24]
"""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Photo, delete_file_on_commit
from photos import renditions
from photos.forms import KEPT_UPLOAD_MAX_AGE, kept_uploads_storage

PHOTO_FOLDERS = ("photos", "renditions")


class Command(BaseCommand):
    help = "Remake out-of-date photo renditions and delete photo files no photo uses."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; change nothing.")
        parser.add_argument("--all", action="store_true", help="Remake every photo's renditions.")
        parser.add_argument(
            "--min-age",
            type=float,
            default=24,
            help="Delete unused files only when older than this many hours (default 24).",
        )

    def handle(self, *args, dry_run, all, min_age, **options):
        # No defaults here: call_command and the command line always pass the parser's.
        self.dry_run = dry_run
        self.verbosity = options["verbosity"]
        remade, failed = self.remake_renditions(everything=all)
        cutoff = timezone.now() - timedelta(hours=min_age)
        storage = Photo._meta.get_field("image").storage
        orphans = self.delete_unused(storage, self.unused_photo_files(storage), cutoff)
        kept_cutoff = timezone.now() - timedelta(seconds=KEPT_UPLOAD_MAX_AGE)
        kept = self.delete_unused(kept_uploads_storage(), list(walk(kept_uploads_storage(), "")), kept_cutoff)
        verb = "would be" if dry_run else "were"
        summary = (
            f"{remade} photos' renditions {verb} remade, {failed} could not be read; "
            f"{orphans} unused photo files and {kept} expired kept uploads {verb} deleted."
        )
        self.stdout.write(self.style.WARNING(summary) if failed else self.style.SUCCESS(summary))

    def say(self, message, level=1):
        if self.verbosity >= level:
            self.stdout.write(message)

    def remake_renditions(self, everything):
        photos = Photo.objects.exclude(image="").order_by("pk")
        total = photos.count()
        remade = failed = 0
        for number, photo in enumerate(photos.iterator(), start=1):
            label = f"[{number}/{total}] photo {photo.pk} ({photo.image.name})"
            reason = "--all" if everything else self.why_remake(photo)
            if reason is None:
                self.say(f"{label}: up to date", level=2)
                continue
            if self.dry_run:
                self.say(f"{label}: would remake ({reason})")
                remade += 1
                continue
            try:
                with photo.image.open("rb") as stored:
                    content = ContentFile(stored.read())
                self.remake(photo, content)
            except Exception as error:
                # A file Pillow cannot read (or storage cannot return) is reported; the rest go on.
                self.stderr.write(f"{label}: could not be remade: {error}")
                failed += 1
                continue
            self.say(f"{label}: remade ({reason})")
            remade += 1
        return remade, failed

    def why_remake(self, photo):
        spec = (photo.renditions or {}).get("spec")
        if spec is None:
            return "stored before renditions"
        if spec != renditions.SPEC:
            return "rendition settings changed"
        storage = photo.image.storage
        if not all(storage.exists(name) for name in renditions.rendition_files(photo.renditions)):
            return "files missing"
        return None

    @transaction.atomic
    def remake(self, photo, content):
        photo = Photo.objects.select_for_update().get(pk=photo.pk)
        if not (photo.renditions or {}).get("spec"):
            # Stored before renditions: the file itself may be sideways and carry
            # GPS positions, so it is stored again the way uploads are now. The
            # newsroom's caption and credit stay as they are, even if empty.
            caption, credit = photo.caption, photo.credit
            photo.image.save(photo.original_name or photo.image.name, content, save=False)
            photo.caption, photo.credit = caption, credit
            photo.save()  # deletes the old image and renditions once this commits
            return
        old_files = renditions.rendition_files(photo.renditions)
        prepared = renditions.prepare(io.BytesIO(content.read()))
        photo.renditions = renditions.make_renditions(photo.image.storage, photo.image.name, prepared)
        photo.save(update_fields=["renditions"])
        for name in set(old_files) - set(renditions.rendition_files(photo.renditions)):
            delete_file_on_commit(photo.image.storage, name)

    def unused_photo_files(self, storage):
        used = set()
        for image, files in Photo.objects.values_list("image", "renditions").iterator():
            used.add(image)
            used.update(renditions.rendition_files(files))
        return [name for folder in PHOTO_FOLDERS for name in walk(storage, folder) if name not in used]

    def delete_unused(self, storage, names, cutoff):
        deleted = 0
        for name in names:
            if storage.get_modified_time(name) > cutoff:
                self.say(f"{name}: unused but recent, kept for now", level=2)
                continue
            if not self.dry_run:
                storage.delete(name)
            self.say(f"{name}: {'would be ' if self.dry_run else ''}deleted (unused)")
            deleted += 1
        return deleted


def walk(storage, folder):
    """Every file name under `folder` in `storage`, recursively."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in files:
        yield prefix + name
    for sub in folders:
        yield from walk(storage, prefix + sub)
