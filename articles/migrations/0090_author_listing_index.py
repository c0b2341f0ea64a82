"""
The admin story list filtered by author ("my stories" too) walks this index in list order
and stops after a page (issue 13); by author_id alone it read and sorted every story of
the author for each page.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0080_listing_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["author", "-published_at", "-id"], name="article_author_pub_id_idx"),
        ),
    ]
