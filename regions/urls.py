from django.urls import path

from pagecache.cache import reader_page

from . import views

app_name = "regions"

urlpatterns = [
    path("<slug:slug>/", reader_page(views.RegionArticleListView.as_view()), name="region-detail"),
]
