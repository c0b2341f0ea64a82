from django.urls import path

from pagecache.cache import reader_page

from . import views

app_name = "articles"

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("stories/<slug:slug>/", reader_page(views.ArticleDetailView.as_view()), name="article-detail"),
    path("tags/", reader_page(views.TagIndexView.as_view()), name="tag-index"),
    path("tags/<slug:slug>/", reader_page(views.TagArticleListView.as_view()), name="tag-detail"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("corrections/", reader_page(views.CorrectionListView.as_view()), name="correction-list"),
    path("archive/", reader_page(views.ArticleArchiveIndexView.as_view()), name="archive"),
    path("archive/<int:year>/", reader_page(views.ArticleYearArchiveView.as_view()), name="archive-year"),
    path(
        "archive/<int:year>/<int:month>/",
        reader_page(views.ArticleMonthArchiveView.as_view()),
        name="archive-month",
    ),
    path(
        "archive/<int:year>/<int:month>/<int:day>/",
        reader_page(views.ArticleDayArchiveView.as_view()),
        name="archive-day",
    ),
]
