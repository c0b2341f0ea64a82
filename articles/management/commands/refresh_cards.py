"""Rebuild every story's card data (articles/cards.py), e.g. after a bulk write that sent no signals."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.cards import refresh_cards
from articles.models import Article
from pagecache.cache import bump_generation_on_commit


class Command(BaseCommand):
    help = "Rebuild the card data (regions, tags, lead photo) of every story, then refresh the page cache."

    def handle(self, *args, **options):
        # Without "pk" values_list reads the first column, the pk all the same: an equivalent mutant.
        ids = list(Article.objects.values_list("pk", flat=True))  # pragma: no mutate (pk first anyway)
        with transaction.atomic():
            for start in range(0, len(ids), 500):
                refresh_cards(ids[start : start + 500])
            bump_generation_on_commit()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Card data rebuilt for {len(ids)} stories."))
