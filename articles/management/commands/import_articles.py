"""
Import stories saved from the old site as plain text (see articles/importer.py for the format).

    manage.py import_articles saved/*.txt --photos saved/images --region laoshan

Every file is read and checked before anything is written; each story is then
written in its own transaction. A file that cannot be read is reported with its
line number and skipped, the others are imported, and the command exits
non-zero.

A page is known by its old address (a "URL:" line at its top) or else by its
folder and file name, so re-importing it refreshes the story made from it
instead of duplicating it, while same-named pages from two folders are two
stories. The old address can also come from a CSV file (--url-map) of file
name and address, one page a row; either way readers who follow a link to the
old page are redirected to the story. A re-import never undoes the newsroom's work (the rule is in
articles.importer.import_article): a story edited since its last import is
skipped and reported unless --force, status and publication time are never
changed, and photos added in the admin are kept. A page whose key names a
story with another headline and date is refused unless --replace.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import (
    MalformedFile,
    NotTheSameStory,
    find_named_regions,
    find_photo_files,
    import_article,
    parse_article_file,
    plan_import,
)
from articles.models import Article
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Import stories saved from the old site as plain text: headline, source/date line, body and "
        "photos with captions. Re-importing a page refreshes its story instead of duplicating it, "
        "but skips stories edited in the newsroom since (see --force) and never changes a story's "
        "status or publication time."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Saved pages (.txt).")
        parser.add_argument(
            "--photos",
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
            help="Status of new stories (default: published, at the time of the date line). "
            "A re-import keeps the story's status and publication time.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Refresh stories from their pages even if the newsroom edited them since the last import "
            "(their status, publication time and photos added in the admin are still kept).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Let a page overwrite the story imported from the same address or file before even when "
            "headline and date both differ (a different story saved under the same name).",
        )
        parser.add_argument(
            "--url-map",
            metavar="CSV",
            help="A CSV file of file name and old address (http://host/path), one page a row, for pages "
            "without a URL line. The old address is redirected to the story.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report on the files without writing anything."
        )

    def handle(
        self,
        *args,
        files,
        photos,
        region_slugs,
        status,
        force,
        replace,
        url_map,
        dry_run,
        verbosity,
        **options,
    ):
        self.verbosity = verbosity
        self.force, self.replace = force, replace
        chosen_regions = regions_from_slugs(region_slugs) if region_slugs else None
        old_addresses = read_url_map(url_map) if url_map else {}
        for name in old_addresses.keys() - {key for path in files for key in (str(path), path.name)}:
            self.warn(f"{url_map}: {name} is not among the files to import")
        parsed_articles, failures = self.parse_all(files, old_addresses)
        all_regions = list(Region.objects.all())

        counts = {"created": 0, "updated": 0, "skipped": 0}
        for parsed in parsed_articles:
            photos_dir = photos or Path(parsed.file_name).parent
            if chosen_regions is not None:
                regions, region_note = chosen_regions, "given with --region"
            else:
                regions, region_note = (
                    find_named_regions(parsed.text_naming_regions, all_regions),
                    "named in the text",
                )
            try:
                outcome = self.import_one(parsed, photos_dir, regions, region_note, status, dry_run)
            except NotTheSameStory as error:
                failures.append(str(error))
                continue
            counts[outcome] += 1

        self.report_totals(counts, len(files), dry_run)
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(files)} files could not be imported:\n" + "\n".join(failures)
            )

    def parse_all(self, paths, old_addresses):
        """
        Read every file before writing anything: the stories, and one message per file that failed.
        Two pages with the same key (the same old address) would import into the same story, so the
        second is refused.
        """
        parsed_articles, failures, seen_keys = [], [], {}
        for path in paths:
            try:
                old_address = old_addresses.get(str(path)) or old_addresses.get(path.name)
                parsed = parse_article_file(path, old_address=old_address)
            except MalformedFile as error:
                failures.append(str(error))
                continue
            except OSError as error:
                failures.append(f"{path}: cannot read the file ({error.strerror or error})")
                continue
            if parsed.import_key in seen_keys:
                same = "old address" if parsed.import_key.startswith("url:") else "folder and name"
                failures.append(
                    f"{path}: has the same {same} as {seen_keys[parsed.import_key]}, so both would be "
                    "the same story; import them separately"
                )
                continue
            seen_keys[parsed.import_key] = path
            parsed_articles.append(parsed)
        return parsed_articles, failures

    def import_one(self, parsed, photos_dir, regions, region_note, status, dry_run):
        """
        Write (or, in a dry run, only describe) one story; returns "created", "updated" or
        "skipped". Raises NotTheSameStory.
        """
        photo_files, warnings = find_photo_files(parsed, photos_dir)
        for warning in warnings:
            self.warn(warning)

        if dry_run:
            result = plan_import(parsed, force=self.force, replace=self.replace)
        else:
            result = import_article(
                parsed,
                photo_files=photo_files,
                regions=regions,
                status=status,
                force=self.force,
                replace=self.replace,
            )
        if result.outcome == "skipped":
            self.warn(
                f"{'Would skip' if dry_run else 'Skipped'} {parsed.file_name}: {result.skipped_because}; "
                "--force to refresh it from the page"
            )
            return result.outcome
        verb = {"created": "create", "updated": "update"}[result.outcome]
        verb = f"Would {verb}" if dry_run else f"{verb.capitalize()}d"
        self.say(f'{verb} "{parsed.headline}" from {parsed.file_name}')
        self.say(f"  {describe_regions(regions, region_note)}")
        self.say(f"  {describe_contents(parsed, photo_files)}")
        if parsed.old_address:
            self.say(f"  {'would redirect' if dry_run else 'redirects'} {parsed.old_address} to the story")
        if not dry_run:
            self.say(
                f"  {result.article.status}, at {result.article.get_absolute_url()}", min_verbosity=2
            )
        return result.outcome

    def report_totals(self, counts, file_count, dry_run):
        imported = counts["created"] + counts["updated"]
        skipped = (
            f"; {counts['skipped']} skipped as edited in the newsroom (--force to refresh them)"
            if counts["skipped"]
            else ""
        )
        if dry_run:
            self.say(
                self.style.SUCCESS(
                    f"Dry run: {imported} of {file_count} files can be imported "
                    f"({counts['created']} new, {counts['updated']} updates, {counts['skipped']} skipped). "
                    "Nothing was written."
                )
            )
        elif imported or counts["skipped"]:
            self.say(
                self.style.SUCCESS(
                    f"Imported {imported} of {file_count} files "
                    f"({counts['created']} created, {counts['updated']} updated){skipped}."
                )
            )

    def say(self, message, min_verbosity=1):
        if self.verbosity >= min_verbosity:
            self.stdout.write(message)

    def warn(self, message):
        if self.verbosity >= 1:
            self.stderr.write(self.style.WARNING(message))


def read_url_map(path):
    """
    {file name: old address} from a CSV file of rows "file name,address" (a first row
    "file,url" or "file,address" is a heading). The name may be the file's path as given
    on the command line or its bare name. CommandError naming the row if it is not such a file.
    """
    try:
        with open(
            path,
            newline="",
            encoding="utf-8-sig",  # pragma: no mutate (codec names ignore case, so "UTF-8-SIG" is the same)
        ) as csv_file:
            rows = list(enumerate(csv.reader(csv_file), start=1))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"{path}: cannot read the URL map ({error})") from None
    addresses = {}
    for number, row in rows:
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and [cell.lower() for cell in cells] in (["file", "url"], ["file", "address"]):
            continue
        if len(cells) != 2 or not all(cells):
            raise CommandError(f"{path}, row {number}: expected two columns, file name and old address")
        name, address = cells
        if name in addresses and addresses[name] != address:
            raise CommandError(f"{path}, row {number}: {name} is given two addresses")
        addresses[name] = address
    return addresses


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
