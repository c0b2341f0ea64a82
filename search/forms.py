from datetime import date, datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

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
    # Bounded so that the day's start and end, in any time zone, are valid datetimes.
    _dates = [
        MinValueValidator(date(1900, 1, 1), "Enter a date from 1900 to 2999."),
        MaxValueValidator(date(2999, 12, 31), "Enter a date from 1900 to 2999."),
    ]
    start = forms.DateField(
        label="From", required=False, validators=_dates, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, validators=_dates, widget=forms.DateInput(attrs={"type": "date"})
    )

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
        # Bounds on published_at itself (not __date), so its index serves the filter.
        if data.get("start"):
            articles = articles.filter(published_at__gte=_day_start(data["start"]))
        if data.get("end"):
            articles = articles.filter(published_at__lt=_day_start(data["end"] + timedelta(days=1)))
        return articles


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))
