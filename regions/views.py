from django.shortcuts import get_object_or_404

from articles.views import ArticleListView

from .models import Region


class RegionArticleListView(ArticleListView):
    template_name = "regions/region_detail.html"

    def get_queryset(self):
        self.region = get_object_or_404(Region, slug=self.kwargs["slug"])
        return self.published_articles().filter(regions=self.region)

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, **kwargs)  # pragma: no mutate (get() passes none)
