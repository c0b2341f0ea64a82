"""Helpers for the newsroom tests: users in each role, and story forms as the admin posts them."""

import re
from html import unescape
from types import ModuleType

from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import path, reverse
from django.utils import timezone

CHANGELIST = reverse("admin:articles_article_changelist")
ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def serve_admin_urls_built_now(settings):
    """Serve requests from the admin's addresses as its `get_urls()` builds them now.

    The site's URLconf calls every admin's `get_urls()` once, at import; a test that means to notice a change to
    those addresses (mutmut switches a mutant on only after import) has to build them again.
    """
    from newsroom import urls as site_urls

    urlconf = ModuleType("admin_urls_built_now")
    urlconf.__dict__.update(vars(site_urls))
    urlconf.urlpatterns = [path("admin/", admin.site.urls), *site_urls.urlpatterns]
    settings.ROOT_URLCONF = urlconf


def newsroom_user(username, role=None):
    """A staff user in the named group (Journalist, Editor, Tagger), made by the data migration."""
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def story_data(article=None, **overrides):
    """
    The story form as the admin page would post it: a saved story's values (with the
    version the page was opened at), or a new story's; `overrides` as typed. A
    checkbox given as False is left out, as browsers do.
    """
    if article is None:
        data = {
            "headline": "Metro line 6 opens to passengers",
            "summary": "The line links the West Coast New Area to Huangdao station.",
            "body": "First paragraph.\r\n\r\nSecond paragraph.",
            "byline": "By Zhang Yi",
            "source": "chinadaily.com.cn",
            "city_wide": "on",
            "tags": "Transport",
            "status": "draft",
        }
        corrections = 0
    else:
        local = timezone.localtime(article.published_at) if article.published_at else None
        data = {
            "headline": article.headline,
            "slug": article.slug,
            "summary": article.summary,
            "body": article.body,
            "byline": article.byline,
            "source": article.source,
            "regions": [region.pk for region in article.regions.all()],
            "city_wide": "on" if article.city_wide else False,
            "tags": ", ".join(sorted(article.tags.names())),
            "status": article.status,
            "published_at_0": local.strftime("%Y-%m-%d") if local else "",
            "published_at_1": local.strftime("%H:%M:%S") if local else "",
            "opened_version": str(article.version),
        }
        corrections = article.corrections.count()
    data.update(management("photos"))
    data.update(management("corrections", total=corrections, initial=corrections))
    if article is not None:
        for index, correction in enumerate(article.corrections.all()):
            data[f"corrections-{index}-id"] = str(correction.pk)
            data[f"corrections-{index}-article"] = str(article.pk)
            local = timezone.localtime(correction.created_at)
            data[f"corrections-{index}-created_at_0"] = local.strftime("%Y-%m-%d")
            data[f"corrections-{index}-created_at_1"] = local.strftime("%H:%M:%S")
            data[f"corrections-{index}-text"] = correction.text
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not False}


def form_errors(response):
    """The texts of the error lists on an admin page, tags stripped."""
    page = response.content.decode()
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>\s*(?!</li>)', page, re.S)
    return [unescape(re.sub(r"<[^>]+>", " ", item)).strip() for item in lists]


def editable_fields(response):
    """Names of the story form's inputs a user can type into (read-only fields have none)."""
    page = response.content.decode()
    return set(re.findall(r'<(?:input|textarea|select)[^>]*name="([a-z_]+)"', page)) - {"csrfmiddlewaretoken"}
