import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.structured_data import news_article

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def article_json_ld(article):
    """<script type="application/ld+json"> with the story's NewsArticle data (not run: CSP allows no inline script)."""
    data = json.dumps(news_article(article), cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data.translate(_SCRIPT_ESCAPES)))
