from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from articles import feeds
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS

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
    path("search/", include("search.urls")),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("regions/<slug:slug>/feed/", feeds.RegionFeed(), name="region-feed"),
    path("regions/<slug:slug>/feed/atom/", feeds.RegionAtomFeed(), name="region-feed-atom"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path(
        "sitemap.xml",
        views.sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path(
        "news-sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/news_sitemap.xml"},
        name="news-sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("regions/", include("regions.urls")),
    path("", include("articles.urls")),
]

handler500 = "newsroom.views.server_error"

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
