from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("<slug:slug>/", views.RegionArticleListView.as_view(), name="region-detail"),
]
