"""
The story form of the admin: the workflow's rules (articles/workflow.py), the
editorial checks before publishing (articles/editorial.py) and edit-conflict
detection, all enforced when the form is validated, so a direct POST meets the
same rules as the page. Whatever was typed is kept when the form is refused.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from . import editorial, history, redirects, workflow
from .editor import StoryEditorForm
from .models import Article

Status = Article.Status


class ArticleAdminForm(StoryEditorForm):
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_warnings = forms.CharField(widget=forms.HiddenInput, required=False)
    send_back_note = forms.CharField(
        label="Note to the author",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text='Needed when you send the story back ("Draft" from "In review"): '
        "what should the author change?",
    )

    # Set by ArticleAdmin.get_form on the class it makes for each request.
    request_user = None

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = self.instance if self.instance.pk else None
        self.move = None
        self.was_live = bool(self.story and self.story.is_published)
        if "opened_version" in self.fields:
            self.initial["opened_version"] = self.instance.version
        status = self.fields.get("status")
        if status is not None:
            # The menu offers only the moves this user may make; clean() checks them all the same.
            allowed = workflow.allowed_targets(
                self.request_user,
                self.story,  # pragma: no mutate (only those who may edit the story have the status field)
            )
            status.widget.choices = [(value, label) for value, label in status.choices if value in allowed]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        redirect = slug and redirects.redirect_from_slug(slug, story=self.story)
        if redirect:
            raise ValidationError(
                "The address %(path)s is a former story address that now leads to %(target)s; links to it "
                "are out there. Choose another slug, or leave it empty to have one made from the headline.",
                code="slug_redirects",
                params={"path": redirect.old_path, "target": redirect.new_path},
            )
        return slug

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        # Read from the tag model, so a project tag model with another limit is obeyed.
        limit = Article.tags.through.tag_model()._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise ValidationError(
                [
                    ValidationError(
                        f"The tag “{Truncator(name).chars(40)}” is {len(name)} characters long; "
                        f"a tag can have at most {limit} characters.",
                        code="tag_too_long",
                    )
                    for name in too_long
                ]
            )
        return names

    def set_shown_value(self, name, value):
        """Change what a refused form shows in a (hidden) field, the rest kept as typed."""
        data = self.data.copy()
        data[self.add_prefix(name)] = value
        self.data = data

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        self.check_move(cleaned)
        self.check_publishing(cleaned)
        return cleaned

    def check_version(self):
        if self.story is None or "opened_version" not in self.fields:
            return
        # Locked until the save commits, so two saves cannot both pass this check.
        current = Article.objects.select_for_update().values_list("version", flat=True).get(pk=self.story.pk)
        opened = self.cleaned_data.get("opened_version")
        if opened == current:
            return
        self.set_shown_value("opened_version", current)
        user, when, changed = history.changes_since(self.story, opened)
        who = user.get_username() if user else "someone else"
        at = f" at {timezone.localtime(when):%H:%M:%S}" if when else ""
        if changed:
            listed = format_html_join("", "<li>{}: {}</li>", changed)
            what = format_html("What they changed:<ul>{}</ul>", listed)
        elif changed is None:
            what = "What they changed is not recorded; compare with the story's history."
        else:
            what = "They changed nothing you can see here."
        raise ValidationError(
            format_html(
                "{} saved this story{} while you were editing it, so your save was stopped to keep their "
                "changes. {} Your own changes are still in the form below: bring theirs in where needed "
                "and save again.",
                who,
                at,
                what,
            ),
            code="edit_conflict",
        )

    def check_move(self, cleaned):
        old = self.story.status if self.story else Status.DRAFT
        new = cleaned.get("status", old)
        if new == old:
            return
        move = workflow.transition(old, new)
        if move is None or not workflow.may_make(
            self.request_user,
            self.story,  # pragma: no mutate (only those who may edit the story have the status field)
            move,
        ):
            self.add_error(
                "status",
                f"You cannot move this story from {Status(old).label} to {Status(new).label}.",
            )
            return
        note = cleaned.get(
            "send_back_note",
            "",  # pragma: no mutate (every form that can send a story back has the note's field)
        )
        if move.needs_note and not note.strip():
            self.add_error("send_back_note", "Tell the author what to change before sending the story back.")
            return
        self.move = move

    def check_publishing(self, cleaned):
        # At the moment of publishing; later edits of a published story are not held up.
        if self.move is None or not self.move.runs_checks:
            return

        # Only editors publish, and they edit every field: the form has them all.
        findings = editorial.check_for_publishing(
            headline=(
                cleaned.get("headline")
                or ""  # pragma: no mutate (a missing headline is already an error; any text passes alike)
            ),
            summary=cleaned.get("summary") or "",
            has_regions=bool(cleaned.get("regions")),
            city_wide=bool(cleaned.get("city_wide")),
            # A story being published is not yet among the published ones it is compared with.
            story=self.story,  # pragma: no mutate (see above)
        )
        warnings = findings.warnings
        problems = [*findings.errors]
        if warnings and cleaned.get("confirm_warnings") != findings.warnings_digest:
            self.set_shown_value("confirm_warnings", findings.warnings_digest)
            problems += [*warnings, "Read the warnings above; save again to publish all the same."]
        if problems:
            raise ValidationError([ValidationError(problem, code="editorial_check") for problem in problems])

    def apply_workflow(self, article, user):
        """What a save does beyond the fields: the version, the note for the author, "Updated"."""
        now = timezone.now()
        article.version = (self.cleaned_data.get("opened_version") or article.version or 0) + 1
        if self.move is not None and self.move.needs_note:
            article.review_note = self.cleaned_data["send_back_note"].strip()
            article.review_note_by = user
            article.review_note_at = now
        elif self.move is not None and self.move.name == "submit":
            article.review_note, article.review_note_by, article.review_note_at = "", None, None
        return article
