from django.urls import path

from pagecache.cache import reader_page

from . import views

app_name = "search"

urlpatterns = [
    path("", reader_page(views.SearchView.as_view(), query=("q", "region", "start", "end", "page")), name="search"),
]
