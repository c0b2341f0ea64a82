from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from . import cards, history  # noqa: F401  (card data signals; models registered with django-reversion)
