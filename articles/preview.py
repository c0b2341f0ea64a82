"""
Private preview links: a signed, expiring address at which someone outside the
newsroom can read a story before it is published. The signature (SECRET_KEY,
its own salt) names the story; a changed, foreign or expired token is a 404.
"""

from datetime import timedelta

from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from .models import Article

PREVIEW_LIFETIME = timedelta(days=3)
_SALT = "articles.preview-link"


def preview_link(article):
    """The preview address for a story (a path) and when it stops working."""
    token = signing.TimestampSigner(salt=_SALT).sign_object({"story": article.pk})
    return reverse("articles:preview", kwargs={"token": token}), timezone.now() + PREVIEW_LIFETIME


def story_for_token(token):
    """The story a preview token names, or Http404 if it is forged, expired or the story is gone."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=PREVIEW_LIFETIME)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        raise Http404("This preview link is not valid or has expired.") from None
    try:
        return Article.objects.with_relations().get(pk=data["story"])
    except (Article.DoesNotExist, KeyError, TypeError):
        raise Http404("This preview link is not valid or has expired.") from None
