"""
Index every story afresh. Saving a story keeps its index entry up to date; run
this after loading stories in a way that bypasses save() (bulk SQL, a restored
dump without the search tables).
"""

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every story (published or not)."

    def handle(self, *args, verbosity, **options):
        count = rebuild()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} stories."))
