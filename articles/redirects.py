"""
Story addresses that never break, on django.contrib.redirects.

- When a story readers have seen changes its slug, its old address gets a
  permanent redirect to the new one (record_slug_change, run on every save).
- Chains collapse: redirects that led to the old address are pointed at the new
  one, so A -> B -> C is stored as A -> C and B -> C, and a story taking back a
  former address removes the redirect from it.
- Old-site addresses given to import_articles are recorded the same way
  (record_old_address).
- StoryRedirectMiddleware follows a redirect only to a story readers may see;
  for a draft, scheduled, unpublished or deleted story the answer stays a 404.
- A slug that is a redirect's source is reserved: the form refuses it when typed
  (redirect_from_slug) and the server never picks it for a new story
  (reserved_slugs).
- The site's Site row (SITE_ID), which the redirects hang on and which the admin's
  "View on site" reads, follows SITE_URL and SITE_NAME after every migrate
  (site_follows_settings), instead of Django's placeholder "example.com".
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db.models.signals import post_migrate, post_save, pre_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve, reverse

from .models import Article

# Redirect.old_path's column length.
MAX_PATH_LENGTH = Redirect._meta.get_field("old_path").max_length


def story_path(slug):
    return reverse("articles:article-detail", kwargs={"slug": slug})


def redirects():
    """The redirects of this site (SITE_ID)."""
    return Redirect.objects.filter(site_id=settings.SITE_ID)


def point_addresses_at(old_path, new_path, *, keep_old=True):
    """
    Send readers of `old_path` to `new_path` from now on: every redirect that
    led to old_path leads to new_path (no chains), new_path itself stops being
    a redirect's source, and (with keep_old) old_path gets its own redirect.
    """
    if old_path == new_path:
        return
    site = redirects()
    site.filter(new_path=old_path).update(new_path=new_path)
    site.filter(old_path=new_path).delete()
    if keep_old and len(old_path) <= MAX_PATH_LENGTH:
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )


@receiver(post_migrate, dispatch_uid="articles.redirects.site_follows_settings")
def site_follows_settings(sender, using="default", **kwargs):
    """Name the site's Site row after SITE_URL's host and SITE_NAME (sent once per app: act on sites' turn)."""
    if sender.label != "sites":
        return
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()


def was_public(story):
    """Could readers have seen (and shared) the story at its current address?"""
    return story.is_published or story.status == Article.Status.UNPUBLISHED


@receiver(pre_save, sender=Article, dispatch_uid="articles.redirects.remember_address")
def remember_address(sender, instance, raw=False, **kwargs):
    instance._saved_address = None
    if raw or instance.pk is None:
        return
    saved = Article.objects.filter(pk=instance.pk).only("slug", "status", "published_at").first()
    if saved is not None:
        instance._saved_address = (saved.slug, was_public(saved))


@receiver(post_save, sender=Article, dispatch_uid="articles.redirects.record_slug_change")
def record_slug_change(sender, instance, raw=False, **kwargs):
    saved = getattr(instance, "_saved_address", None)
    if raw or saved is None:
        return
    old_slug, public = saved
    if old_slug and old_slug != instance.slug:
        point_addresses_at(story_path(old_slug), story_path(instance.slug), keep_old=public)
    instance._saved_address = (instance.slug, was_public(instance))


def path_of_address(address):
    """The path (and query) of an old-site address, as a request for it would show it."""
    parts = urlsplit(address)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def record_old_address(story, address):
    """
    Readers following a link to the story's page on the old site land on the story.
    Returns the path recorded, or None when it is too long for a redirect or is
    the story's own address.
    """
    old_path = path_of_address(address)
    new_path = story.get_absolute_url()
    if len(old_path) > MAX_PATH_LENGTH or old_path == new_path:
        return None
    Redirect.objects.update_or_create(
        site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
    )
    return old_path


def redirect_from_slug(slug, story=None):
    """The redirect from the address this slug would give, unless it already leads to `story`."""
    found = redirects().filter(old_path=story_path(slug))
    if story is not None and story.slug:
        found = found.exclude(new_path=story_path(story.slug))
    return found.first()


def reserved_slugs(prefix):
    """Slugs starting with `prefix` whose story address is a redirect's source."""
    base = story_path(prefix)
    sources = redirects().filter(old_path__startswith=base).values_list("old_path", flat=True)
    reserved = set()
    for path in sources:
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name == "articles:article-detail":
            reserved.add(match.kwargs["slug"])
    return reserved


def story_readers_may_see(path):
    """False when `path` is a story's address and readers may not see that story."""
    try:
        match = resolve(path)
    except Resolver404:
        return True
    if match.view_name != "articles:article-detail":
        return True
    return Article.objects.published().filter(slug=match.kwargs["slug"]).exists()


class StoryRedirectMiddleware(RedirectFallbackMiddleware):
    """Django's redirect fallback, which never leads a reader to a story they may not see."""

    def process_response(self, request, response):
        answer = super().process_response(request, response)
        if answer is response or "Location" not in answer:
            return answer
        target = urlsplit(answer["Location"])
        if target.netloc and target.netloc != request.get_host():
            return answer  # another site's address, given by hand in the admin
        return answer if story_readers_may_see(target.path) else response

