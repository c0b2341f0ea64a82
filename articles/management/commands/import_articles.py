"""
Import stories saved from the old site as plain text (see articles/importer.py for the format).

    manage.py import_articles saved/*.txt --photos saved/images --region laoshan

Every file is read and checked before anything is written; each story is then
written in its own transaction. A file that cannot be read is reported with its
line number and skipped, the others are imported, and the command exits
non-zero. Re-importing a file updates the story made from it the first time
(matched by file name), so running the command twice does not duplicate stories.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import (
    MalformedFile,
    find_named_regions,
    find_photo_files,
    import_article,
    parse_article_file,
)
from articles.models import Article
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Import stories saved from the old site as plain text: headline, source/date line, body and "
        "photos with captions. Re-importing a file updates its story instead of duplicating it."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Saved pages (.txt).")
        parser.add_argument(
            "--photos",
            type=Path,
            metavar="DIR",
            help="Folder holding the photo files the pages name (default: each page's own folder).",
        )
        parser.add_argument(
            "--region",
            action="append",
            dest="region_slugs",
            metavar="SLUG",
            help="Put the stories in this region (repeatable). Without it, each story goes in the "
            "regions its text names, or is city-wide if it names none.",
        )
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            default=Article.Status.PUBLISHED,
            help="Status of the imported stories (default: published, at the time of the date line).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report on the files without writing anything."
        )

    def handle(self, *args, files, photos, region_slugs, status, dry_run, verbosity, **options):
        self.verbosity = verbosity
        chosen_regions = regions_from_slugs(region_slugs) if region_slugs else None
        parsed_articles, failures = self.parse_all(files)
        all_regions = list(Region.objects.all())

        counts = {"created": 0, "updated": 0}
        for parsed in parsed_articles:
            photos_dir = photos or Path(parsed.file_name).parent
            if chosen_regions is not None:
                regions, region_note = chosen_regions, "given with --region"
            else:
                regions, region_note = (
                    find_named_regions(parsed.text_naming_regions, all_regions),
                    "named in the text",
                )
            outcome = self.import_one(parsed, photos_dir, regions, region_note, status, dry_run)
            counts[outcome] += 1

        self.report_totals(counts, len(files), dry_run)
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(files)} files could not be imported:\n" + "\n".join(failures)
            )

    def parse_all(self, paths):
        """
        Read every file before writing anything: the stories, and one message per file that failed.
        Two files with the same name would import into the same story, so the second is refused.
        """
        parsed_articles, failures, seen_keys = [], [], {}
        for path in paths:
            try:
                parsed = parse_article_file(path)
            except MalformedFile as error:
                failures.append(str(error))
                continue
            except OSError as error:
                failures.append(f"{path}: cannot read the file ({error.strerror or error})")
                continue
            if parsed.import_key in seen_keys:
                failures.append(
                    f"{path}: has the same name as {seen_keys[parsed.import_key]}, so both would be "
                    "the same story; import them separately"
                )
                continue
            seen_keys[parsed.import_key] = path
            parsed_articles.append(parsed)
        return parsed_articles, failures

    def import_one(self, parsed, photos_dir, regions, region_note, status, dry_run):
        """Write (or, in a dry run, only describe) one story; returns "created" or "updated"."""
        photo_files, warnings = find_photo_files(parsed, photos_dir)
        for warning in warnings:
            self.warn(warning)

        if dry_run:
            exists = Article.objects.filter(import_key=parsed.import_key).exists()
            outcome, verb = ("updated", "Would update") if exists else ("created", "Would create")
        else:
            result = import_article(parsed, photo_files=photo_files, regions=regions, status=status)
            outcome, verb = ("created", "Created") if result.created else ("updated", "Updated")

        self.say(f'{verb} "{parsed.headline}" from {parsed.file_name}')
        self.say(f"  {describe_regions(regions, region_note)}")
        self.say(f"  {describe_contents(parsed, photo_files)}")
        if not dry_run:
            self.say(f"  {status}, at {result.article.get_absolute_url()}", min_verbosity=2)
        return outcome

    def report_totals(self, counts, file_count, dry_run):
        imported = counts["created"] + counts["updated"]
        if dry_run:
            self.say(
                self.style.SUCCESS(
                    f"Dry run: {imported} of {file_count} files can be imported "
                    f"({counts['created']} new, {counts['updated']} updates). Nothing was written."
                )
            )
        elif imported:
            self.say(
                self.style.SUCCESS(
                    f"Imported {imported} of {file_count} files "
                    f"({counts['created']} created, {counts['updated']} updated)."
                )
            )

    def say(self, message, min_verbosity=1):
        if self.verbosity >= min_verbosity:
            self.stdout.write(message)

    def warn(self, message):
        if self.verbosity >= 1:
            self.stderr.write(self.style.WARNING(message))


def regions_from_slugs(slugs):
    """The regions with these slugs, in the order given; CommandError listing the valid ones otherwise."""
    regions_by_slug = Region.objects.in_bulk(field_name="slug")
    unknown = [slug for slug in slugs if slug not in regions_by_slug]
    if unknown:
        raise CommandError(
            f"Unknown region {', '.join(map(repr, unknown))}. "
            f"Valid region slugs: {', '.join(regions_by_slug)}."
        )
    return list(dict.fromkeys(regions_by_slug[slug] for slug in slugs))


def describe_regions(regions, how_chosen):
    if not regions:
        return "no region named: imported as city-wide"
    return f"regions: {', '.join(region.name for region in regions)} ({how_chosen})"


def describe_contents(parsed, photo_files):
    dateline = " | ".join(
        part for part in (parsed.byline, parsed.source, f"{parsed.published_at:%Y-%m-%d %H:%M}") if part
    )
    return f"{dateline}; {parsed.paragraph_count} paragraphs, {describe_photo_count(parsed, photo_files)}"


def describe_photo_count(parsed, photo_files):
    found, named = len(photo_files), len(parsed.photos)
    if found < named:
        return f"{found} of {named} photos"
    return f"{found} photo" if found == 1 else f"{found} photos"
