from .models import Region


def navigation(request):
    """The region navigation shown on every page, evaluated only if a template uses it."""
    return {"navigation_regions": Region.objects.only("name", "slug")}
