from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from . import richtext_signals  # noqa: F401  (connects the photo/body receivers)
