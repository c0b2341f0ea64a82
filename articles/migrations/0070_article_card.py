from django.db import migrations, models


def fill_cards(apps, schema_editor):
    """Card data for the stories already there (articles/cards.py keeps it from now on)."""
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("articles", "Photo")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    Links = Article.regions.through
    regions, tags, photos = {}, {}, {}
    for link in Links.objects.select_related("region").order_by("region__position", "region__name"):
        regions.setdefault(link.article_id, []).append([link.region.pk, link.region.name, link.region.slug])
    for tagged in TaggedArticle.objects.select_related("tag"):
        tags.setdefault(tagged.content_object_id, []).append([tagged.tag.name, tagged.tag.slug])
    for photo in Photo.objects.order_by("-position", "-pk"):
        cards = {"cards": (photo.renditions or {}).get("cards", [])}
        photos[photo.article_id] = [photo.image.name, photo.image_width, photo.image_height, photo.alt_text, cards]
    for pk in Article.objects.values_list("pk", flat=True):
        card = {
            "regions": regions.get(pk, []),
            "tags": sorted(tags.get(pk, []), key=lambda tag: tag[0].lower()),
            "photo": photos.get(pk),
        }
        Article.objects.filter(pk=pk).update(card=card)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0040_rich_text_body"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="card",
            field=models.JSONField(
                default=dict,
                editable=False,
                help_text="Its regions, tags and lead photo as cards and the story page show them, "
                "kept ready by articles/cards.py whenever one of those changes.",
            ),
        ),
        migrations.RunPython(fill_cards, migrations.RunPython.noop),
    ]
