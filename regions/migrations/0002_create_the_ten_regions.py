"""The city's ten districts and county-level cities, in the order of the site navigation."""

from django.db import migrations

REGIONS = [
    ("Laixi", "laixi", "莱西", "A county-level city in the north of Qingdao, known for farming and food processing."),
    ("Pingdu", "pingdu", "平度", "Qingdao's largest county-level city, in the north-west: agriculture, grapes and industry."),
    ("Jiaozhou", "jiaozhou", "胶州", "Home to Jiaodong International Airport and the China-SCO demonstration area."),
    ("Chengyang", "chengyang", "城阳", "A northern district of rail-transit manufacturing and trade."),
    ("Jimo", "jimo", "即墨", "A district north-east of the centre with an old town, hot springs and a garment market."),
    ("Shinan", "shinan", "市南", "The seaside heart of the old city: May Fourth Square, beaches and the Olympic sailing center."),
    ("Shibei", "shibei", "市北", "A central district of port history, Taidong pedestrian street and Qingdao beer."),
    ("Licang", "licang", "李沧", "A northern urban district along Jiaozhou Bay, home to the Shijiazhuang and Licun areas."),
    ("Laoshan", "laoshan", "崂山", "The district of Mount Laoshan and the high-tech and finance zones of the east coast."),
    ("West Coast New Area", "west-coast-new-area", "西海岸新区", "The state-level new area across Jiaozhou Bay: port, industry and Golden Beach."),
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for position, (name, slug, local_name, description) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "local_name": local_name,
                "description": description,
                "position": position,
            },
        )


def remove_regions(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(slug__in=[slug for _, slug, _, _ in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(create_regions, remove_regions)]
