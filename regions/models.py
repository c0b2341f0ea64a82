from django.db import models
from django.urls import reverse


class Region(models.Model):
    """A district or county of the city; the site's navigation lists them by position."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the region's web address.")
    local_name = models.CharField(
        max_length=100, blank=True, help_text="The name in Chinese characters, e.g. 莱西 for Laixi."
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown on the region's page.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation: lower numbers come first."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:region-detail", kwargs={"slug": self.slug})
