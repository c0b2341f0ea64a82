"""
The newsroom's rules: the states a story moves through, who may move it, and the roles.

TRANSITIONS is the one table of state changes and the permission each needs; the
story form, the list's actions and the tests all read it, so a rule changes here
or nowhere. ROLES says which permissions each newsroom group holds; the data
migration 0010_newsroom_workflow and seed_demo_content make the groups from it.

- Journalists add stories and edit their own while in draft (sent back included),
  and submit them for review.
- Editors (the publish_article permission) edit every story, and publish, schedule,
  unpublish and send back.
- Taggers (tag_article) change the tags of any story and nothing else, and keep the
  tag list (rename, merge, delete unused tags), as editors also may.
"""

from dataclasses import dataclass

from .models import Article

Status = Article.Status

CHANGE = "articles.change_article"
PUBLISH = "articles.publish_article"
TAG = "articles.tag_article"

# What readers see of a story, and so what makes a published story "Updated".
READER_FIELDS = ("headline", "summary", "body", "byline", "source", "regions", "city_wide")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    needs_note: bool = False  # the author must be told why
    runs_checks: bool = False  # the editorial checks (articles/editorial.py) must pass

    def __str__(self):
        return self.label


TRANSITIONS = (
    Transition("submit", "Submit for review", frozenset({Status.DRAFT}), Status.IN_REVIEW, CHANGE),
    Transition(
        "send_back",
        "Send back to the author",
        frozenset({Status.IN_REVIEW}),
        Status.DRAFT,
        PUBLISH,
        needs_note=True,
    ),
    Transition(
        "publish",
        "Publish (a future publication time schedules it)",
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED}),
        Status.PUBLISHED,
        PUBLISH,
        runs_checks=True,
    ),
    Transition("unpublish", "Unpublish", frozenset({Status.PUBLISHED}), Status.UNPUBLISHED, PUBLISH),
    Transition("redraft", "Back to draft", frozenset({Status.UNPUBLISHED}), Status.DRAFT, PUBLISH),
)

# The tag list (articles/tags.py): rename, merge, delete unused tags.
TAG_VOCABULARY = ("articles.view_tag", "articles.add_tag", "articles.change_tag", "articles.delete_tag")

ROLES = {
    "Journalist": (
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_photo",
        "articles.change_photo",
        "articles.delete_photo",
        "articles.view_photo",
        "articles.view_correction",
        "regions.view_region",
    ),
    "Editor": (
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        PUBLISH,
        "articles.add_photo",
        "articles.change_photo",
        "articles.delete_photo",
        "articles.view_photo",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "regions.change_region",
        "regions.view_region",
        *TAG_VOCABULARY,
    ),
    "Tagger": (
        "articles.view_article",
        TAG,
        *TAG_VOCABULARY,
        "articles.view_photo",
        "articles.view_correction",
        "regions.view_region",
    ),
}


def transition(source, target):
    """The transition from one state to another, or None if there is no such move."""
    for candidate in TRANSITIONS:
        if source in candidate.sources and candidate.target == target:
            return candidate
    return None


def is_editor(user):
    return user.has_perm(PUBLISH)


def can_edit(user, article):
    """May the user change the story's text, photos, regions and tags?"""
    if article is None:
        return user.has_perm("articles.add_article")
    if is_editor(user):
        return True
    return user.has_perm(CHANGE) and article.author_id == user.pk and article.status == Status.DRAFT


def can_tag(user, article):
    return can_edit(user, article) or user.has_perm(TAG)


def may_make(user, article, move):
    """May the user make this transition on the story (None: a story being added)?"""
    return can_edit(user, article) and user.has_perm(move.permission)


def allowed_targets(user, article):
    """The states the user may move the story to from where it is (its own state included)."""
    current = article.status if article is not None else Status.DRAFT
    targets = [current]
    for move in TRANSITIONS:
        if current in move.sources and move.target not in targets and may_make(user, article, move):
            targets.append(move.target)
    return targets


def can_make_preview_link(user, article):
    return is_editor(user) or (article.author_id is not None and article.author_id == user.pk)


def create_roles(apps, schema_editor=None):
    """
    Make (or bring up to date) the Journalist, Editor and Tagger groups with ROLES'
    permissions. Called by the data migration with the historical models, by
    seed_demo_content and by the browser tests with the real ones.
    """
    from django.contrib.auth.management import create_permissions

    # In a fresh database the permissions are made after all migrations have run
    # (post_migrate); the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(
            app_config,
            verbosity=0,  # pragma: no mutate (it prints only from verbosity 2)
            apps=apps,  # pragma: no mutate (today's auth models read the same tables as the historical)
        )
        app_config.models_module = models_module

    group_model = apps.get_model(
        "auth",
        "Group",  # pragma: no mutate (get_model ignores the case of a model's name)
    )
    permission_model = apps.get_model(
        "auth",
        "Permission",  # pragma: no mutate (get_model ignores the case of a model's name)
    )
    for name, permission_names in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for permission_name in permission_names:
            app_label, codename = permission_name.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
