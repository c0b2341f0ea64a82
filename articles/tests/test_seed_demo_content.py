"""`manage.py seed_demo_content`, as `make run` calls it: twice in a row must be harmless."""

import re
from collections import Counter
from io import StringIO
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import timezone
from PIL import Image

from articles.management.commands import seed_demo_content
from articles.management.commands.seed_demo_content import (
    DEMO_DIR,
    DEMO_LOGINS,
    DEMO_STORIES,
    DemoPhoto,
    DemoStory,
    draw_demo_photo,
    recent_date,
)
from articles.management.commands.seed_demo_content import Command as SeedDemoContent
from articles.importer import parse_article_file
from articles.models import Article, Photo, Tag
from articles.tests.factories import files_of_photos
from regions.models import Region

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
    today = timezone.localdate()
    days_ago = sorted((today - timezone.localdate(article.published_at)).days for article in demo)
    fresh = [story for story in DEMO_STORIES if story.days_ago is not None]
    assert days_ago == sorted(story.days_ago for story in fresh)
    date_lines = [parse_article_file(DEMO_DIR / story.file_name).published_at for story in fresh]

    def times_of_day(moments):
        return sorted(timezone.localtime(moment).strftime("%H:%M") for moment in moments)

    assert times_of_day(article.published_at for article in demo) == times_of_day(date_lines)


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


# --- What a run prints, and the parts of it that are not the shipped stories --------------

VERBOSE_STORY_LINES = [
    '  "New business center in Qingdao to boost Sino-Russia ties": Jiaozhou; 1 photo; tags Business, Russia, SCO',
    '  "Laoshan tea growers begin spring harvest as visitors return to the hills": Laoshan; 2 photos; '
    "tags Tea, Agriculture, Tourism",
    '  "New automated berths lift container traffic at West Coast New Area port": West Coast New Area; '
    "1 photo; tags Port, Trade, Business",
    '  "Shinan\'s bathing beaches open for the summer with more lifeguards": Shinan; 2 photos; '
    "tags Tourism, Environment",
    '  "Chengyang rail transit makers roll out new metro cars for export": Chengyang; 1 photo; '
    "tags Transport, Industry, Business",
    '  "Lantern festival fills Jimo old town with light and crowds": Jimo; 1 photo; tags Culture, Tourism, Festivals',
    '  "Pingdu grape growers expect a sweet harvest after a dry August": Pingdu; 1 photo; tags Agriculture, Food',
    '  "Licang opens riverside greenway along the Licun River": Licang; 1 photo; tags Environment, Transport',
    '  "Laixi farmers sell peanuts and sweet potatoes through new livestream hub": Laixi; 2 photos; '
    "tags Agriculture, Food, Business",
]
LOGIN_LINES = [
    "",
    "Newsroom logins for this run, one per role (the passwords change every run):",
    "  URL:        http://127.0.0.1:8000/admin/",
    "  Journalist: demo-journalist / PASSWORD",
    "  Editor:     demo-editor / PASSWORD",
    "  Tagger:     demo-tagger / PASSWORD",
]


def without_passwords(output):
    return re.sub(r" / \S+$", " / PASSWORD", output, flags=re.MULTILINE).splitlines()


@pytest.mark.django_db
def test_a_verbose_run_describes_each_story_then_the_totals_then_the_logins():
    stdout = StringIO()
    call_command("seed_demo_content", verbosity=2, stdout=stdout)

    assert without_passwords(stdout.getvalue()) == [
        *VERBOSE_STORY_LINES,
        "Demo content: 9 stories (9 created, 0 updated) with 12 photos.",
        *LOGIN_LINES,
    ]
    assert all(len(password) == 22 for _, password in printed_logins(stdout.getvalue()).values())
    assert set(get_user_model().objects.values_list("email", flat=True)) == {
        "demo-journalist@example.com",
        "demo-editor@example.com",
        "demo-tagger@example.com",
    }


@pytest.mark.django_db
def test_a_quiet_run_prints_only_the_logins():
    stdout = StringIO()
    call_command("seed_demo_content", verbosity=0, stdout=stdout)

    assert without_passwords(stdout.getvalue()) == LOGIN_LINES


@pytest.mark.django_db
def test_seeding_lifts_the_lockout_of_the_demo_logins_only():
    for username in ("demo-editor", "someone-else"):
        AccessAttempt.objects.create(
            username=username,
            ip_address="127.0.0.1",
            user_agent="test",
            http_accept="*/*",
            path_info="/admin/login/",
            get_data="",
            post_data="",
            failures_since_start=5,
        )

    seed()

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone-else"]


def test_a_story_that_should_look_fresh_is_dated_days_ago_at_its_date_lines_time_of_day():
    dated = timezone.make_aware(datetime(2025, 5, 26, 9, 41, 30, 123))

    recent = recent_date(dated, 3)

    today = timezone.localdate()
    assert recent == timezone.make_aware(datetime.combine(today - timedelta(days=3), time(9, 41)))
    assert recent_date(dated, None) == dated


def test_each_demo_photo_is_its_storys_sky_to_ground_gradient_with_its_label(tmp_path):
    photo = DemoPhoto("a.jpg", sky=(200, 40, 40), ground=(40, 40, 200), label="Laoshan · tea")
    draw_demo_photo(tmp_path / "a.jpg", photo)
    draw_demo_photo(tmp_path / "unlabelled.jpg", DemoPhoto("b.jpg", photo.sky, photo.ground, label=""))

    with Image.open(tmp_path / "a.jpg") as image, Image.open(tmp_path / "unlabelled.jpg") as unlabelled:
        assert (image.format, image.size) == ("JPEG", (1200, 800))
        assert_close(image.getpixel((0, 0)), photo.sky)
        assert_close(image.getpixel((0, 399)), (120, 40, 120))  # halfway, above the hills
        band = (0, 690, 1200, 800)
        assert image.crop(band).tobytes() != unlabelled.crop(band).tobytes()
        assert image.crop((0, 0, 1200, 690)).tobytes() == unlabelled.crop((0, 0, 1200, 690)).tobytes()


def assert_close(color, expected, tolerance=8):
    assert all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True)), (color, expected)


@pytest.fixture
def demo_set(tmp_path, monkeypatch):
    """Demo stories of the test's own, in a folder of its own."""
    monkeypatch.setattr(seed_demo_content, "DEMO_DIR", tmp_path / "demo")
    (tmp_path / "demo").mkdir()

    def use(*stories):
        monkeypatch.setattr(seed_demo_content, "DEMO_STORIES", stories)
        return tmp_path / "demo"

    return use


@pytest.mark.django_db
def test_a_demo_story_naming_no_region_is_city_wide_and_one_naming_two_lists_both(demo_set):
    folder = demo_set(
        DemoStory("city.txt", tags=("Business",), photos=(DemoPhoto("c.jpg", (1, 2, 3), (4, 5, 6), "City"),)),
        DemoStory("two.txt", tags=("Tea", "Food"), photos=()),
    )
    (folder / "city.txt").write_text(
        "Qingdao story\n\n(x) | 2025-05-26\n\nc.jpg\n\nA caption.\n\nlost.jpg\n\nBody.\n", encoding="utf-8"
    )
    (folder / "two.txt").write_text("Jimo and Laoshan\n\n(x) | 2025-05-26\n\nBody.\n", encoding="utf-8")
    stdout, stderr = StringIO(), StringIO()

    call_command("seed_demo_content", "--no-admin", verbosity=2, stdout=stdout, stderr=stderr)

    assert stdout.getvalue().splitlines() == [
        '  "Qingdao story": city-wide; 1 photo; tags Business',
        '  "Jimo and Laoshan": Jimo, Laoshan; 0 photos; tags Tea, Food',
        "Demo content: 2 stories (2 created, 0 updated) with 1 photos.",
    ]
    assert re.fullmatch(
        re.escape(f"{folder / 'city.txt'}, line 9: photo lost.jpg not found in ")
        + r"\S+/newsroom-demo-photos-\w+; the story is imported without it\n",
        stderr.getvalue(),
    )


@pytest.mark.django_db
def test_a_shipped_demo_story_that_cannot_be_read_is_named(demo_set):
    folder = demo_set(DemoStory("broken.txt", tags=(), photos=()))
    (folder / "broken.txt").write_text("\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        seed("--no-admin")

    assert str(error.value) == (
        f"The shipped demo story cannot be read: {folder / 'broken.txt'}, line 1: the file is empty"
    )


@pytest.mark.django_db
def test_a_demo_region_missing_from_the_database_says_to_migrate():
    Region.objects.filter(slug="jiaozhou").delete()

    with pytest.raises(CommandError) as error:
        seed("--no-admin")

    assert str(error.value) == "Region jiaozhou does not exist; run manage.py migrate first."


@pytest.mark.django_db
def test_every_missing_demo_region_is_named(demo_set):
    folder = demo_set(DemoStory("story.txt", tags=(), photos=(), region_slugs=("atlantis", "laixi", "lemuria")))
    (folder / "story.txt").write_text("Headline\n\n(x) | 2025-05-26\n\nBody.\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        seed("--no-admin")

    assert str(error.value) == "Region atlantis, lemuria does not exist; run manage.py migrate first."


def test_the_help_says_what_each_option_does():
    parser = SeedDemoContent().create_parser("manage.py", "seed_demo_content")
    help_text = " ".join(parser.format_help().split())

    assert "--no-admin Only load the stories; do not create or reset the logins." in help_text
    assert (
        "--site-url SITE_URL Where the site will be served, for the printed admin address "
        "(default: http://127.0.0.1:8000)." in help_text
    )
