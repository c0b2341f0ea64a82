"""
Indexes for every reader listing and the admin story list (issue 13): each walks an
index in its own order and stops after a page, however many stories there are.
The new status index adds the id, so equal publication times need no sort; it is
built before the old one goes, and published_at's own index goes once
article_pub_id_idx (published_at, id) is there.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0070_article_card"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "-published_at", "-id"], name="article_status_pub_id_idx"),
        ),
        migrations.RemoveIndex(model_name="article", name="article_status_pub_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_pub_id_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-updated_at"], name="article_updated_idx"),
        ),
        # Its own index is now the first column of article_pub_id_idx, which PostgreSQL
        # then walks in listing order instead of sorting equal times.
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Shown to readers as the story's date. Left empty, it is set when the story is "
                "first published; a future time schedules the story.",
                null=True,
                verbose_name="publication time",
            ),
        ),
    ]
