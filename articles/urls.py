from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("stories/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("tags/", views.TagIndexView.as_view(), name="tag-index"),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag-detail"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("corrections/", views.CorrectionListView.as_view(), name="correction-list"),
    path("archive/", views.ArticleArchiveIndexView.as_view(), name="archive"),
    path("archive/<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.ArticleMonthArchiveView.as_view(), name="archive-month"),
    path(
        "archive/<int:year>/<int:month>/<int:day>/",
        views.ArticleDayArchiveView.as_view(),
        name="archive-day",
    ),
]
