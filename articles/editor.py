"""
The story body's editor in the admin: django-prose-editor's ProseMirror
editor, limited to what articles/richtext.py keeps, plus the story's photos
placed between paragraphs.

The package's own widget loads its code through an inline import map, which
the site's Content-Security-Policy (script-src 'self') refuses; this widget
loads one module file from static/ that imports the editor by its address.
"""

import json

from django import forms
from django.templatetags.static import static
from django_prose_editor.config import expand_extensions

# Mirrors richtext.ALLOWED_TAGS: what the buttons can make is what the server keeps.
EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": True},
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
}


class StoryBodyWidget(forms.Textarea):
    """A textarea that story-editor.js turns into the rich-text editor (the textarea keeps the HTML)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 16, **(attrs or {})})
        self.photos = []  # the story's photos the body may place, set by the form

    class Media:
        css = {
            "all": [
                "django_prose_editor/material-icons.css",
                "django_prose_editor/editor.css",
                "django_prose_editor/overrides.css",
                "newsroom/story-editor.css",
            ]
        }
        js = [forms.Script("newsroom/story-editor.js", type="module")]

    def editor_config(self):
        return {
            "editorModule": static("django_prose_editor/editor.js"),
            "extensions": expand_extensions(EXTENSIONS),
            "photos": [
                {
                    "id": photo.pk,
                    "url": photo.image.url,
                    "alt": photo.alt_text,
                    "caption": photo.caption,
                    "credit": photo.credit,
                    "label": f"{photo.caption or photo.original_name or photo.alt_text}"[:80],
                }
                for photo in self.photos
                if photo.image
            ],
        }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-story-editor"] = json.dumps(self.editor_config())
        return context

    def use_required_attribute(self, initial):
        # The textarea is hidden behind the editor, where the browser's own
        # "required" message could not be seen; the server says it instead.
        return False
