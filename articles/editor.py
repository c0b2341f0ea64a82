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


# Longer summaries are cut off in story cards and link previews.
SUMMARY_MAX_LENGTH = 300


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


class StoryEditorForm(forms.ModelForm):
    """
    The story form's editing aids (the admin's ArticleAdminForm builds on it):
    the body's editor with the story's photos after the lead (which stays
    above the story), the key of the browser's draft (per story and user,
    static/newsroom/story-form.js), and the headline and summary limits.
    """

    summary = forms.CharField(
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences shown under the headline in lists and link previews.",
    )
    request_user = None  # set per request by the admin

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("headline", "summary"):
            if name in self.fields:
                widget = self.fields[name].widget
                # The browser would cut pasted text at maxlength without a word;
                # the count shows the limit and the server refuses what is over it.
                # (Django's CharField gives its widget the maxlength of every field with a max_length.)
                limit = widget.attrs.pop("maxlength")
                widget.attrs["data-limit"] = limit
        if "body" in self.fields:
            body = self.fields["body"].widget = StoryBodyWidget()
            user = self.request_user.pk if self.request_user else None
            body.attrs["data-draft-key"] = f"newsroom:draft:story-{self.instance.pk or 'new'}:user-{user}"
            if self.instance.pk:
                body.photos = self.instance.further_photos
