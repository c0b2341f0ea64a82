from django.http import QueryDict
from django.views.generic import ListView

from articles.models import Article
from articles.paging import BoundedPaginator

from .backends import SearchResults, search
from .forms import SearchForm
from .text import parse_query


class SearchView(ListView):
    """/search/?q=...&region=...&start=...&end=...: published stories matching every word, 20 a page."""

    template_name = "search/search.html"
    context_object_name = "articles"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.terms = []  # pragma: no mutate (None would do: the page only asks whether there are terms)
        if not self.form.is_valid():
            return []
        self.terms = parse_query(self.form.cleaned_data["q"])
        # The body is loaded (unlike other listings) for the highlighted snippet.
        articles = self.form.filter(Article.objects.published().with_relations().defer("body_html"))
        return search(articles, self.terms)

    def get_context_data(self, **kwargs):
        # Links to other pages keep the query and filters (only a valid form has pages, so no value
        # holds a null character, and a search without a query or filter has no pages).
        keep = QueryDict(mutable=True)
        for name in ("q", "region", "start", "end"):
            if value := self.request.GET.get(name):
                keep[name] = value
        context = super().get_context_data(
            form=self.form,
            query=self.request.GET.get("q", "").replace("\x00", ""),
            terms=self.terms,
            page_query=keep.urlencode() + "&",
            # Results are ordered by relevance, not date.
            previous_label="← Previous",
            next_label="Next →",
            **kwargs,  # pragma: no mutate (the list view's get() passes none)
        )
        # Known once the paginator has counted: more matched than were ranked.
        if isinstance(self.object_list, SearchResults) and self.object_list.bounded:
            context["bound"] = self.object_list.bound
        return context
