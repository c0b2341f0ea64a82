from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from . import views

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} newsroom"
admin.site.index_title = "Stories, photos and regions"
# The story list is the newsroom's main screen; give its columns the full width.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin's).
    path("favicon.ico", views.favicon),
    path("regions/", include("regions.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() does nothing unless DEBUG is on; the
    # browser tests need media with DEBUG off, so route it explicitly.
    urlpatterns += [
        re_path(
            r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"),
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
