"""
Load demo content for local development, and a newsroom login to edit it.

`make run` calls this after `migrate`, so it must be safe to run again and
again: stories are imported through articles.importer, which matches them by
file name (import_key) and updates them, and the demo-editor login gets a new
password each time instead of a second account. The password is generated,
never fixed, so a demo database that ends up somewhere public has no known login.

The stories are the text files in articles/demo/. Their photos are drawn here
with Pillow on every run rather than kept in the repository as binary files.
"""

import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from axes.models import AccessAttempt
from axes.utils import reset as reset_login_failures
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from articles.importer import (
    MalformedFile,
    find_named_regions,
    find_photo_files,
    import_article,
    parse_article_file,
)
from articles.workflow import create_roles
from regions.models import Region

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
# One login per newsroom role (articles/workflow.py ROLES), none of them a superuser.
DEMO_LOGINS = {"Journalist": "demo-journalist", "Editor": "demo-editor", "Tagger": "demo-tagger"}
PHOTO_SIZE = (1200, 800)


@dataclass(frozen=True)
class DemoPhoto:
    file_name: str
    sky: tuple  # RGB at the top of the gradient
    ground: tuple  # RGB at the bottom
    label: str


@dataclass(frozen=True)
class DemoStory:
    file_name: str
    tags: tuple
    photos: tuple
    region_slugs: tuple = ()  # empty: the regions the text names
    days_ago: int | None = None  # None: keep the date of the date line


DEMO_STORIES = (
    DemoStory(
        "qingdao-sino-russia-business-center.txt",
        tags=("Business", "Russia", "SCO"),
        # The SCODA, where the center opened, is in Jiaozhou; the text only says "Qingdao".
        region_slugs=("jiaozhou",),
        photos=(DemoPhoto("27-QD-1.jpg", (196, 40, 48), (250, 206, 120), "Jiaozhou · SCODA"),),
    ),
    DemoStory(
        "laoshan-spring-tea-harvest.txt",
        tags=("Tea", "Agriculture", "Tourism"),
        days_ago=1,
        photos=(
            DemoPhoto("laoshan-tea-1.jpg", (150, 200, 230), (46, 110, 60), "Laoshan · tea gardens"),
            DemoPhoto("laoshan-tea-2.jpg", (230, 214, 170), (90, 120, 40), "Laoshan · pan-firing"),
        ),
    ),
    DemoStory(
        "west-coast-port-automated-berths.txt",
        tags=("Port", "Trade", "Business"),
        days_ago=3,
        photos=(
            DemoPhoto("west-coast-port.jpg", (120, 170, 220), (20, 50, 110), "West Coast · Qianwan port"),
        ),
    ),
    DemoStory(
        "shinan-beaches-open-for-summer.txt",
        tags=("Tourism", "Environment"),
        days_ago=5,
        photos=(
            DemoPhoto("shinan-beach-1.jpg", (90, 190, 240), (240, 220, 160), "Shinan · bathing beach"),
            DemoPhoto("shinan-beach-2.jpg", (255, 170, 110), (40, 120, 170), "Shinan · Zhanqiao"),
        ),
    ),
    DemoStory(
        "chengyang-metro-cars-for-export.txt",
        tags=("Transport", "Industry", "Business"),
        days_ago=8,
        photos=(
            DemoPhoto("chengyang-metro-car.jpg", (200, 205, 215), (70, 80, 100), "Chengyang · metro cars"),
        ),
    ),
    DemoStory(
        "jimo-old-town-lantern-festival.txt",
        tags=("Culture", "Tourism", "Festivals"),
        days_ago=11,
        photos=(DemoPhoto("jimo-lanterns.jpg", (40, 20, 70), (200, 30, 40), "Jimo · old town lanterns"),),
    ),
    DemoStory(
        "pingdu-grape-harvest.txt",
        tags=("Agriculture", "Food"),
        days_ago=14,
        photos=(DemoPhoto("pingdu-grapes.jpg", (180, 210, 150), (90, 40, 110), "Pingdu · grape harvest"),),
    ),
    DemoStory(
        "licang-riverside-greenway.txt",
        tags=("Environment", "Transport"),
        days_ago=17,
        photos=(DemoPhoto("licang-greenway.jpg", (170, 220, 200), (60, 140, 90), "Licang · Licun River"),),
    ),
    DemoStory(
        "laixi-farm-livestream-hub.txt",
        tags=("Agriculture", "Food", "Business"),
        days_ago=21,
        photos=(
            DemoPhoto("laixi-livestream.jpg", (250, 120, 150), (120, 60, 160), "Laixi · livestream hub"),
            DemoPhoto("laixi-peanuts.jpg", (240, 225, 190), (160, 110, 60), "Laixi · peanuts"),
        ),
    ),
)


class Command(BaseCommand):
    help = (
        "Load demo stories, photos and tags for local development, and (re)set one newsroom login per "
        "role (demo-journalist, demo-editor, demo-tagger) with new passwords. Safe to run repeatedly: "
        "stories are updated, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin",
            action="store_true",
            help="Only load the stories; do not create or reset the logins.",
        )
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Where the site will be served, for the printed admin address (default: %(default)s).",
        )

    def handle(self, *args, no_admin, site_url, verbosity, **options):
        self.verbosity = verbosity
        regions_by_slug = Region.objects.in_bulk(field_name="slug")
        with tempfile.TemporaryDirectory(prefix="newsroom-demo-photos-") as photos_dir:
            results = [self.load_story(story, Path(photos_dir), regions_by_slug) for story in DEMO_STORIES]

        created = sum(result.created for result in results)
        photo_count = sum(len(result.photos) for result in results)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content: {len(results)} stories ({created} created, {len(results) - created} "
                    f"updated) with {photo_count} photos."
                )
            )
        if not no_admin:
            site = site_url.rstrip("/")  # pragma: no mutate (rstrip("XX/XX") strips the same)
            self.print_logins(reset_demo_logins(), admin_url=site + reverse("admin:index"))

    def load_story(self, story, photos_dir, regions_by_slug):
        try:
            parsed = parse_article_file(DEMO_DIR / story.file_name)
        except MalformedFile as error:
            raise CommandError(f"The shipped demo story cannot be read: {error}") from None

        for photo in story.photos:
            draw_demo_photo(photos_dir / photo.file_name, photo)
        photo_files, warnings = find_photo_files(parsed, photos_dir)
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))

        regions = self.story_regions(story, parsed, regions_by_slug)
        result = import_article(
            parsed,
            photo_files=photo_files,
            regions=regions,
            tags=story.tags,
            published_at=recent_date(parsed.published_at, story.days_ago),
        )
        if self.verbosity >= 2:
            region_names = ", ".join(region.name for region in regions) or "city-wide"
            photos = "1 photo" if len(result.photos) == 1 else f"{len(result.photos)} photos"
            self.stdout.write(
                f'  "{parsed.headline}": {region_names}; {photos}; tags {", ".join(story.tags)}'
            )
        return result

    def story_regions(self, story, parsed, regions_by_slug):
        if not story.region_slugs:
            return find_named_regions(parsed.text_naming_regions, regions_by_slug.values())
        missing = [slug for slug in story.region_slugs if slug not in regions_by_slug]
        if missing:
            raise CommandError(f"Region {', '.join(missing)} does not exist; run manage.py migrate first.")
        return [regions_by_slug[slug] for slug in story.region_slugs]

    def print_logins(self, passwords, admin_url):
        # Printed at every verbosity: new passwords nobody sees would lock the newsroom out.
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Newsroom logins for this run, one per role (the passwords change every run):")
        )
        self.stdout.write(f"  URL:        {admin_url}")
        for role, username in DEMO_LOGINS.items():
            self.stdout.write(f"  {role + ':':<11} {username} / {passwords[username]}")


def recent_date(dated, days_ago):
    """
    The date line's date, or, for stories that should look fresh, `days_ago`
    days before today at the date line's time of day.
    """
    if days_ago is None:
        return dated
    local = timezone.localtime(dated)
    today = timezone.localtime()
    return today.replace(hour=local.hour, minute=local.minute, second=0, microsecond=0) - timedelta(
        days=days_ago
    )


def reset_demo_logins():
    """
    Create the demo logins, one per role and in that role's group, or give the
    existing ones new passwords; returns {username: password}. Failed logins
    recorded by django-axes are cleared too, so someone locked out by mistyping
    an old password can log in again. The groups are made by the migrations;
    making them here as well keeps a database flushed since then working.
    """
    create_roles(django_apps)
    passwords = {}
    for role, username in DEMO_LOGINS.items():
        password = secrets.token_urlsafe(16)
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        # demo-editor was a superuser before the newsroom had roles; now it is an Editor like any other.
        user.is_active = user.is_staff = True
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if AccessAttempt.objects.filter(username=username).exists():
            reset_login_failures(username=username)
        passwords[username] = password
    return passwords


def draw_demo_photo(path, photo):
    """
    A stand-in photo: a sky-to-ground gradient with a sun, two hills and a
    label, so each demo story looks different without shipping binary files.
    """
    width, height = PHOTO_SIZE
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
    image = Image.composite(
        Image.new("RGB", PHOTO_SIZE, photo.ground), Image.new("RGB", PHOTO_SIZE, photo.sky), gradient
    )

    overlay = Image.new("RGBA", PHOTO_SIZE)  # transparent
    draw = ImageDraw.Draw(overlay)
    # pragma: no mutate start (decoration: where the sun, hills and label band stand, their shades and
    # colours; nothing depends on them, and that a label is drawn at all is tested)
    sun = (width - 330, 90, width - 150, 270)
    draw.ellipse(sun, fill=(255, 250, 225, 190))
    far_hill = [
        (0, height * 0.62),
        (width * 0.3, height * 0.45),
        (width * 0.65, height * 0.6),
        (width, height * 0.5),
        (width, height),
        (0, height),
    ]
    near_hill = [
        (0, height * 0.78),
        (width * 0.45, height * 0.62),
        (width, height * 0.8),
        (width, height),
        (0, height),
    ]
    far_shade = (*shade(photo.ground, 0.8), 150)
    near_shade = (*shade(photo.ground, 0.6), 200)
    draw.polygon(far_hill, fill=far_shade)
    draw.polygon(near_hill, fill=near_shade)
    band = (0, height - 110, width, height)
    draw.rectangle(band, fill=(0, 0, 0, 110))
    label_at, font = (48, height - 86), ImageFont.load_default(size=52)
    draw.text(label_at, photo.label, font=font, fill=(255, 255, 255, 235))
    # pragma: no mutate end

    picture = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    picture.save(path, "JPEG")  # pragma: no mutate (the demo photos' .jpg names say JPEG as well)


def shade(color, factor):
    return tuple(int(channel * factor) for channel in color)  # pragma: no mutate (decoration: hill shades)
