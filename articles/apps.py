from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    # "Newsroom › Stories" in the admin's breadcrumb, not "Stories › Stories".
    verbose_name = "Newsroom"

    def ready(self):
        from . import cards  # noqa: F401  (keeps each story's card data in step)
        from . import history  # noqa: F401  (registers the models with django-reversion)
        from . import redirects  # noqa: F401  (records a redirect when a story's slug changes)
        from . import richtext_signals  # noqa: F401  (connects the photo/body receivers)
