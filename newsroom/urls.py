from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from articles import feeds
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS
from pagecache.cache import reader_page

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
    path("feed/", reader_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("regions/<slug:slug>/feed/", reader_page(feeds.RegionFeed()), name="region-feed"),
    path("regions/<slug:slug>/feed/atom/", reader_page(feeds.RegionAtomFeed()), name="region-feed-atom"),
    path("tags/<slug:slug>/feed/", reader_page(feeds.TagFeed()), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", reader_page(feeds.TagAtomFeed()), name="tag-feed-atom"),
    path(
        "sitemap.xml",
        reader_page(views.sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        reader_page(sitemap_views.sitemap, query=("p",)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "news-sitemap.xml",
        reader_page(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/news_sitemap.xml"},
        name="news-sitemap",
    ),
    path("robots.txt", reader_page(views.robots_txt), name="robots-txt"),
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
