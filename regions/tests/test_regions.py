import pytest
from django.urls import reverse

from regions.context_processors import navigation
from regions.models import Region

pytestmark = pytest.mark.django_db

NAVIGATION_ORDER = [
    "Laixi",
    "Pingdu",
    "Jiaozhou",
    "Chengyang",
    "Jimo",
    "Shinan",
    "Shibei",
    "Licang",
    "Laoshan",
    "West Coast New Area",
]


def test_the_ten_regions_exist_after_migrate_in_navigation_order():
    assert list(Region.objects.values_list("name", flat=True)) == NAVIGATION_ORDER


def test_regions_have_slugs_and_local_names():
    assert Region.objects.get(slug="west-coast-new-area").local_name == "西海岸新区"
    assert Region.objects.get(slug="laixi").local_name == "莱西"
    assert all(region.description for region in Region.objects.all())


def test_navigation_follows_position(client):
    Region.objects.filter(slug="laoshan").update(position=0)
    page = client.get("/").content.decode()
    assert page.index('href="/regions/laoshan/"') < page.index('href="/regions/laixi/"')


def test_the_navigation_loads_each_regions_name_and_address_in_one_query(rf, django_assert_num_queries):
    regions = navigation(rf.get("/"))["navigation_regions"]
    with django_assert_num_queries(1):
        links = [(region.name, region.get_absolute_url()) for region in regions]
    assert links[0] == ("Laixi", "/regions/laixi/")
    assert [name for name, _ in links] == NAVIGATION_ORDER


def test_region_url():
    assert Region.objects.get(slug="jimo").get_absolute_url() == reverse(
        "regions:region-detail", kwargs={"slug": "jimo"}
    ) == "/regions/jimo/"


def test_region_admin_changes_position(admin_client):
    region = Region.objects.get(slug="laoshan")
    response = admin_client.post(
        reverse("admin:regions_region_change", args=[region.pk]),
        {"name": "Laoshan", "slug": "laoshan", "local_name": "崂山", "description": "East coast.", "position": 42},
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.position == 42


def test_a_region_description_is_shown_as_text(client):
    laoshan = Region.objects.get(slug="laoshan")
    laoshan.description = 'Tea and temples <script>alert("region")</script> & beaches'
    laoshan.save()

    page = client.get(laoshan.get_absolute_url()).content.decode()

    assert '<script>alert("region")</script>' not in page
    assert "Tea and temples &lt;script&gt;alert(&quot;region&quot;)&lt;/script&gt; &amp; beaches" in page
