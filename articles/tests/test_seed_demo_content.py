"""`manage.py seed_demo_content`, as `make run` calls it: twice in a row must be harmless."""

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from PIL import Image

from articles.management.commands.seed_demo_content import DEMO_DIR, DEMO_LOGINS, DEMO_STORIES
from articles.models import Article, Photo, Tag
from articles.tests.factories import files_of_photos

SEED_HEADLINE = "New business center in Qingdao to boost Sino-Russia ties"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seed(*args):
    stdout, stderr = StringIO(), StringIO()
    call_command("seed_demo_content", *args, stdout=stdout, stderr=stderr)
    assert stderr.getvalue() == ""
    return stdout.getvalue()


def printed_logins(output):
    """{role: (user name, password)} as printed."""
    return {
        role: (username, password)
        for role, username, password in re.findall(r"^  (\w+): +(\S+) / (\S+)$", output, re.MULTILINE)
    }


def log_in(client, username, password):
    # django-axes needs the request to count failed logins.
    return client.login(request=HttpRequest(), username=username, password=password)


def test_every_demo_story_file_is_shipped_and_used():
    shipped = {path.name for path in DEMO_DIR.glob("*.txt")}

    assert shipped == {story.file_name for story in DEMO_STORIES}
    assert len(shipped) >= 9


@pytest.mark.django_db
def test_running_twice_gives_the_same_stories_photos_and_tags(django_capture_on_commit_callbacks, media_root):
    with django_capture_on_commit_callbacks(execute=True):
        first_output = seed()
    counts = (Article.objects.count(), Photo.objects.count(), Tag.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        second_output = seed()

    assert (Article.objects.count(), Photo.objects.count(), Tag.objects.count()) == counts
    assert counts[0] == len(DEMO_STORIES)
    assert "(9 created, 0 updated)" in first_output
    assert "(0 created, 9 updated)" in second_output
    # The replaced photos' files are gone: only the current photos' images and renditions are left.
    assert sorted(path for path in Path(media_root).rglob("*") if path.is_file()) == files_of_photos(media_root)
    assert get_user_model().objects.filter(username__in=DEMO_LOGINS.values()).count() == 3


@pytest.mark.django_db
def test_photos_are_real_images_on_disk():
    seed("--no-admin")

    photos = list(Photo.objects.all())
    assert len(photos) >= len(DEMO_STORIES)
    top_left_colors = []
    for photo in photos:
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"
            assert image.size == (photo.image_width, photo.image_height) == (1200, 800)
            top_left_colors.append(image.getpixel((0, 0)))
        assert photo.alt_text
    assert len(set(top_left_colors)) == len(photos)  # each drawn in its own colors


@pytest.mark.django_db
def test_seed_story_is_in_jiaozhou_with_its_tags_and_photo():
    seed("--no-admin")

    article = Article.objects.get(import_key="file:demo/qingdao-sino-russia-business-center")
    assert [region.slug for region in article.regions.all()] == ["jiaozhou"]
    assert set(article.tags.names()) == {"Business", "Russia", "SCO"}
    assert article.photos.get().credit == "Photo provided to chinadaily.com.cn"


@pytest.mark.django_db
def test_demo_stories_spread_over_regions_tags_and_recent_dates():
    seed("--no-admin")

    demo = Article.objects.exclude(import_key="file:demo/qingdao-sino-russia-business-center")
    assert len({region.slug for article in demo for region in article.regions.all()}) == 8
    assert all(1 <= article.photos.count() <= 2 for article in demo)
    assert all(2 <= len(article.tags.names()) <= 3 for article in demo)
    stories_per_tag = Counter(name for article in Article.objects.all() for name in article.tags.names())
    assert len([name for name, count in stories_per_tag.items() if count >= 2]) >= 5
    assert Article.objects.published().count() == len(DEMO_STORIES)
    assert len({article.published_at.date() for article in demo}) == demo.count()


@pytest.mark.django_db
def test_home_page_shows_the_seed_headline(client):
    seed("--no-admin")

    response = client.get("/")

    assert response.status_code == 200
    assert SEED_HEADLINE in response.content.decode()


@pytest.mark.django_db
def test_tag_page_lists_several_stories(client):
    seed("--no-admin")

    response = client.get("/tags/business/")

    assert response.status_code == 200
    assert len(response.context["articles"]) >= 3


@pytest.mark.django_db
def test_one_login_per_role_is_printed_and_a_second_run_replaces_the_passwords(client):
    first_output = seed()
    first = printed_logins(first_output)
    assert "http://127.0.0.1:8000/admin/" in first_output
    assert first.keys() == {"Journalist", "Editor", "Tagger"}
    for role, (username, password) in first.items():
        assert log_in(client, username, password), role
        assert client.get("/admin/").status_code == 200
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert [group.name for group in user.groups.all()] == [role]
        client.logout()

    second = printed_logins(seed())

    for role, (username, password) in second.items():
        old_password = first[role][1]
        assert password != old_password and len(password) >= 20
        assert not log_in(client, username, old_password)
        assert log_in(client, username, password)
        client.logout()


@pytest.mark.django_db
def test_an_old_demo_editor_superuser_becomes_an_editor():
    get_user_model().objects.create_superuser("demo-editor", password="old-password-123")
    seed()
    user = get_user_model().objects.get(username="demo-editor")
    assert not user.is_superuser
    assert user.has_perm("articles.publish_article")


@pytest.mark.django_db
def test_no_admin_creates_no_login():
    output = seed("--no-admin")

    assert "password" not in output and " / " not in output
    assert not get_user_model().objects.filter(username__in=DEMO_LOGINS.values()).exists()


@pytest.mark.django_db
def test_the_printed_admin_address_follows_the_site_url():
    out = StringIO()
    call_command("seed_demo_content", site_url="http://127.0.0.1:8044/", stdout=out)
    assert "URL:        http://127.0.0.1:8044/admin/" in out.getvalue()
