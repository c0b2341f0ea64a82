"""
Photo uploads that survive a re-displayed form.

A browser cannot put a file back into a file input, so when the story form comes
back with an error (a missing summary, another photo refused) each photo that
passed the check is kept on the server, in the "kept_uploads" storage (never
under MEDIA_URL), and the form carries a signed token naming it. The next
submission uses the kept file unless the journalist chooses another. Kept files
are removed when the photo is saved, or by `manage.py photo_files` after a day.
"""

import secrets
from pathlib import Path

from django import forms
from django.core import signing
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile

from articles.validators import PhotoFileField, photo_extension

KEPT_UPLOAD_MAX_AGE = 24 * 60 * 60
SIGNING_SALT = "photos.kept-upload"


def kept_uploads_storage():
    return storages["kept_uploads"]


class KeptUpload(File):
    """A checked upload kept from an earlier submission; `name` is the name it was uploaded as."""

    def __init__(self, kept_name, original_name):
        super().__init__(kept_uploads_storage().open(kept_name), name=original_name)
        self.kept_name = kept_name

    @property
    def token(self):
        return signing.dumps({"kept": self.kept_name, "name": self.name}, salt=SIGNING_SALT)


def keep_upload(upload):
    """Store a checked upload in the kept-uploads storage and return it as a KeptUpload."""
    name = f"{secrets.token_hex(16)}.{photo_extension(upload.name)}"
    kept_name = kept_uploads_storage().save(name, upload)  # storages read an upload from its start
    return KeptUpload(kept_name, Path(upload.name).name)


def kept_upload_from_token(token):
    """The KeptUpload a form's token names, or None if the token is forged, expired or its file is gone."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=KEPT_UPLOAD_MAX_AGE)
        return KeptUpload(data["kept"], data["name"])
    except (signing.BadSignature, KeyError, TypeError, FileNotFoundError):
        return None


class KeptFileInput(forms.ClearableFileInput):
    template_name = "photos/widgets/kept_file_input.html"

    def kept_name(self, name):
        return f"{name}-kept"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is None and data.get(self.kept_name(name)):
            return kept_upload_from_token(data[self.kept_name(name)])
        return upload

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and self.kept_name(name) not in data

    def get_context(self, name, value, attrs):
        kept = None
        if isinstance(value, UploadedFile) and getattr(value, "photo_checked", None):
            # Rendering a bound form means it is being shown again, so this is
            # the moment to keep the file; a successful save never gets here.
            if not hasattr(value, "kept"):
                value.kept = keep_upload(value)
            kept = value.kept
        elif isinstance(value, KeptUpload):
            kept = value
        # Django's widget shows only a saved file as "Currently": never an upload or a kept file.
        context = super().get_context(name, value, attrs)
        context["widget"]["kept"] = kept
        context["widget"]["kept_input_name"] = self.kept_name(name)
        return context


class KeptPhotoFileField(PhotoFileField):
    """The photo check of articles.validators, with files that passed it kept across a re-displayed form."""

    widget = KeptFileInput

    def bound_data(self, data, initial):
        # Django shows a re-displayed file field as its initial value (empty, or
        # the saved file); a checked or kept file is shown instead, so the widget
        # can keep it.
        if isinstance(data, KeptUpload) or getattr(data, "photo_checked", None):
            return data
        return initial

    def to_python(self, data):
        if isinstance(data, KeptUpload):
            return data  # checked when it was uploaded
        upload = super().to_python(data)
        if upload is not None:
            upload.photo_checked = True
        return upload
