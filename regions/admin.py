from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "local_name", "slug", "position")
    list_editable = ("position",)
    list_display_links = ("name",)
    search_fields = ("name", "local_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
