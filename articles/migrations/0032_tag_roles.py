"""Taggers and editors keep the tag list (view, add, change, delete tags): the groups brought up to date."""

from django.db import migrations

from articles.workflow import create_roles


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0031_tag_unique_constraints"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
