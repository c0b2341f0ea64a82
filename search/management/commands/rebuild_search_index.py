"""
Index every story afresh. Saving a story keeps its index entry up to date; run
this after loading stories in a way that bypasses save() (bulk SQL, a restored
dump without the search tables).
"""

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every story (published or not)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to index (default: default).")

    def handle(self, *args, database, verbosity, **options):
        count = rebuild(using=database)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} stories."))
