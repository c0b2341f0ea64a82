"""A text file passed off as a photo is refused next to the photo, and nothing typed is lost."""

import pytest

from articles.models import Article, Photo

from .conftest import PASSWORD
from .editor import body_value, editor, type_paragraphs
from .support import admin_login, choose_tag, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Jimo old town reopens after repairs"
PARAGRAPHS = [
    "The old town's east gate reopened on Monday.",
    "Shops along the main street open again this week.",
]
BODY = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
TAGS = ["Jimo", "heritage", "old town"]
IMAGE_ERROR = "“not-a-photo.jpg” is not a readable image: it is not a JPEG, PNG, GIF or WebP file."


def test_text_file_as_photo_is_refused_and_the_form_keeps_what_was_typed(
    browser_page, step, journalist, live_server, tmp_path
):
    page, watch = browser_page
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("This is a text file, not a JPEG.\n" * 20)

    with step("sign in and open the add story form"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        goto(page, watch, f"{live_server.url}/admin/articles/article/add/", "add story form")

    with step("type a story and attach a text file as its photo"):
        page.fill("#id_headline", HEADLINE)
        type_paragraphs(page, PARAGRAPHS)
        for tag in TAGS:
            choose_tag(page, tag)
        page.locator("#id_regions").get_by_label("Jimo", exact=True).check()
        page.locator("#id_regions").get_by_label("Chengyang", exact=True).check()
        page.set_input_files("#id_photos-0-image", str(fake))
        page.fill("#id_photos-0-caption", "The east gate.")
        page.fill("#id_photos-0-alt_text", "A stone gate in an old town")

    with step("save: the admin shows the form again with the photo error"):
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save with a bad photo")
        assert page.url.endswith("/admin/articles/article/add/"), f"expected the form again, got {page.url}"
        assert page.locator("p.errornote").count() == 1
        # The error sits in the photo's own row, next to its file input.
        image_row = page.locator("#photos-0 .form-row.field-image")
        assert image_row.locator(".errorlist").inner_text() == IMAGE_ERROR
        assert image_row.locator("input[type=file]").count() == 1
        # It is the only field with an error.
        assert page.locator(".errorlist").all_inner_texts() == [IMAGE_ERROR]
        shoot(page, "bad-upload", "admin-form-photo-error")

    with step("everything typed is still in the form"):
        assert page.input_value("#id_headline") == HEADLINE
        assert body_value(page) == BODY
        assert editor(page).locator("p").all_inner_texts() == PARAGRAPHS
        assert page.locator("#id_tags option:checked").all_inner_texts() == TAGS
        assert page.locator("#id_tags + .select2 .select2-selection__choice").count() == len(TAGS)
        regions = page.locator("#id_regions")
        for name in ("Jimo", "Chengyang"):
            assert regions.get_by_label(name, exact=True).is_checked(), f"{name} is no longer ticked"
        assert not regions.get_by_label("Shinan", exact=True).is_checked()
        assert page.input_value("#id_photos-0-caption") == "The east gate."
        assert page.input_value("#id_photos-0-alt_text") == "A stone gate in an old town"
        watch.assert_clean("form with errors")

    with step("nothing was saved"):
        assert Article.objects.count() == 0
        assert Photo.objects.count() == 0
