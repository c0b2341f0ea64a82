"""
Story bodies become HTML: every plain-text body (paragraphs separated by blank
lines, shown as typed) is turned into the paragraphs the editor writes, each
escaped, its single line breaks kept as <br>. body_html gets the same HTML.

The conversion is written out here rather than imported, so this migration
keeps doing what it did when the app's code changes.
"""

import re
from html import escape, unescape

from django.db import migrations, models


def text_to_html(text):
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(escape(line.strip(), quote=False) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )


def html_to_text(html):
    text = re.sub(r"<br>", "\n", html)
    text = re.sub(r"</(?:p|h2|h3|li|blockquote)>", "\n\n", text)
    text = unescape(re.sub(r"<[^>]*>", "", text))
    return "\n\n".join(part.strip() for part in text.split("\n\n") if part.strip())


def is_plain_text(body):
    # Bodies written by the editor (or already converted) start with an element.
    return not body.lstrip().startswith("<")


def bodies_to_html(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator(chunk_size=500):
        if is_plain_text(article.body):
            html = text_to_html(article.body)
            Article.objects.filter(pk=article.pk).update(body=html, body_html=html)


def bodies_to_text(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator(chunk_size=500):
        if not is_plain_text(article.body):
            text = html_to_text(article.body)
            html = "\n\n".join(
                "<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in text.split("\n\n") if p
            )
            Article.objects.filter(pk=article.pk).update(body=text, body_html=html)


class Migration(migrations.Migration):
    dependencies = [("articles", "0060_pending_changes")]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="The story text: paragraphs, subheadings, bold, italic, links, lists, quotes, and "
                "the story's photos placed between paragraphs. Kept as clean HTML: anything else is "
                "dropped when the story is saved, its text kept."
            ),
        ),
        migrations.RunPython(bodies_to_html, bodies_to_text),
    ]
