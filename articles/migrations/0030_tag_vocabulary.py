"""
One tag per name, whatever its case, spacing or Unicode form (issue 10): tags whose
normalised names differ only by case are merged into the most used of them (the
others' addresses redirect to it), names are stored normalised, and a story keeps
one link per tag. 0031 then makes the database enforce both.
"""

import unicodedata
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

CHUNK = 500


def normalize(name):
    # As articles.models.normalize_tag_name, frozen here as this migration ran.
    return " ".join(unicodedata.normalize("NFKC", name).split())


def merge_duplicate_tags(apps, schema_editor):
    Tag = apps.get_model("articles", "Tag")
    Tagged = apps.get_model("articles", "TaggedArticle")
    TagRedirect = apps.get_model("articles", "TagRedirect")
    db = schema_editor.connection.alias
    links = Tagged.objects.using(db)

    seen, repeated = set(), []
    for pk, article_id, tag_id in links.order_by("pk").values_list("pk", "content_object_id", "tag_id"):
        if (article_id, tag_id) in seen:
            repeated.append(pk)
        seen.add((article_id, tag_id))
    for start in range(0, len(repeated), CHUNK):
        links.filter(pk__in=repeated[start : start + CHUNK]).delete()

    uses = dict(links.values("tag_id").annotate(n=Count("pk")).values_list("tag_id", "n"))
    groups = defaultdict(list)
    for tag in Tag.objects.using(db).order_by("pk"):
        groups[normalize(tag.name).lower()].append(tag)
    for same_name in groups.values():
        keeper = max(same_name, key=lambda tag: (uses.get(tag.pk, 0), -tag.pk))
        others = [tag for tag in same_name if tag.pk != keeper.pk]
        if others:
            other_ids = [tag.pk for tag in others]
            has_keeper = set(links.filter(tag=keeper).values_list("content_object_id", flat=True))
            stories = set(links.filter(tag_id__in=other_ids).values_list("content_object_id", flat=True))
            links.bulk_create(Tagged(content_object_id=pk, tag=keeper) for pk in sorted(stories - has_keeper))
            links.filter(tag_id__in=other_ids).delete()
            TagRedirect.objects.using(db).bulk_create(
                TagRedirect(old_slug=tag.slug, tag=keeper) for tag in others if tag.slug
            )
            Tag.objects.using(db).filter(pk__in=other_ids).delete()
        name = normalize(keeper.name) or keeper.slug or "tag"
        if name != keeper.name:
            keeper.name = name
            keeper.save(update_fields=["name"])


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0025_home_lead"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_slug", models.SlugField(max_length=100, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="redirects", to="articles.tag"
                    ),
                ),
            ],
            options={
                "verbose_name": "old tag address",
                "verbose_name_plural": "old tag addresses",
            },
        ),
        # Merged tags cannot be told apart again: going back keeps them merged.
        migrations.RunPython(merge_duplicate_tags, migrations.RunPython.noop),
    ]
