from django import forms

from regions.models import Region

from .text import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Keep the search under {MAX_QUERY_LENGTH} characters."},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All regions",
        error_messages={"invalid_choice": "There is no such region; choose one from the list."},
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def filter(self, articles):
        """`articles` narrowed to the chosen region and publication dates (in the site's time zone)."""
        data = self.cleaned_data
        if data.get("region"):
            articles = articles.filter(regions=data["region"])
        # Date lookups (not datetime bounds), so no date typed in the form can overflow a datetime.
        if data.get("start"):
            articles = articles.filter(published_at__date__gte=data["start"])
        if data.get("end"):
            articles = articles.filter(published_at__date__lte=data["end"])
        return articles
