from django import template

from search import highlight as marking

register = template.Library()


@register.simple_tag
def highlight(text, terms):
    """{% highlight article.headline terms %}: the text with matched words in <mark>."""
    return marking.highlight(text, terms)


@register.simple_tag
def snippet(article, terms):
    """{% snippet article terms %}: the summary or a piece of the body, matched words in <mark>."""
    return marking.snippet(article, terms)
