"""
The editorial checks a story passes before it is published, by the form or the list's action.

Errors block publishing; warnings are shown and need a confirming second save.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import format_html

from .models import Article

HEADLINE_WARN_LENGTH = 110
DUPLICATE_WINDOW = timedelta(hours=48)
DUPLICATE_SIMILARITY = 0.8


@dataclass
class Findings:
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def warnings_digest(self):
        """Names this exact set of warnings, so a confirming save confirms what was shown."""
        text = "\n".join(str(warning) for warning in self.warnings)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_for_publishing(*, headline, summary, has_regions, city_wide, photo_alt_texts=(), story=None):
    """What stands in the way of publishing a story with these values (story: the saved row, if any)."""
    findings = Findings()
    if not summary.strip():
        findings.errors.append("A summary is needed: one or two sentences shown in lists and link previews.")
    if not has_regions and not city_wide:
        findings.errors.append('Tick the regions the story is about, or mark it "City-wide".')
    missing_alt = sum(1 for alt in photo_alt_texts if not alt.strip())
    if missing_alt:
        findings.errors.append(f"{missing_alt} photo(s) have no alt text.")
    if len(headline) > HEADLINE_WARN_LENGTH:
        findings.warnings.append(
            f"The headline is {len(headline)} characters long; over {HEADLINE_WARN_LENGTH} it may not fit "
            "in lists and link previews."
        )
    for duplicate in likely_duplicates(headline, story=story):
        findings.warnings.append(
            format_html(
                'A published story from the last 48 hours has a very similar headline: <a href="{}">{}</a>.',
                duplicate.get_absolute_url(),
                duplicate.headline,
            )
        )
    return findings


def check_story(story):
    """check_for_publishing() for a saved story, as it stands in the database."""
    return check_for_publishing(
        headline=story.headline,
        summary=story.summary,
        has_regions=story.regions.exists(),
        city_wide=story.city_wide,
        photo_alt_texts=[photo.alt_text for photo in story.photos.all()],
        story=story,
    )


def likely_duplicates(headline, *, story=None):
    recent = Article.objects.published().filter(published_at__gte=timezone.now() - DUPLICATE_WINDOW)
    if story is not None and story.pk:
        recent = recent.exclude(pk=story.pk)
    wanted = normalise(headline)
    return [
        other
        for other in recent.only("slug", "headline")  # and the pk, which only() always reads
        if SequenceMatcher(None, wanted, normalise(other.headline)).ratio() >= DUPLICATE_SIMILARITY
    ]


def normalise(headline):
    return " ".join(headline.casefold().split())
