"""
The database refuses a second tag whose name differs only by case, and a second
link between a story and the same tag; stories are found by tag from an index alone. A migration of its own: on PostgreSQL a
table cannot be altered in the transaction that just rewrote its rows (0030).
"""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0030_tag_vocabulary"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                name="articles_tag_name_ci_unique",
                violation_error_message="A tag with this name already exists (tags ignore case). "
                "To join two tags, merge them from the tag list.",
            ),
        ),
        migrations.AddConstraint(
            model_name="taggedarticle",
            constraint=models.UniqueConstraint(fields=("content_object", "tag"), name="articles_taggedarticle_once"),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "content_object"], name="articles_tagged_tag_story_idx"),
        ),
    ]
