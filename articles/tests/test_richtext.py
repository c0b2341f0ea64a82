"""Story bodies as HTML (issue 14): the sanitiser, placed photos, the data migration, the editor's form."""

import json
import re
from html import unescape

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.richtext import body_text, clean_body, placed_photo_ids, text_to_html
from articles.tests.factories import make_article, make_photo
from articles.tests.test_admin import ADD_URL, story_form

# --- The sanitiser -------------------------------------------------------------

KEPT_INTACT = (
    "<p>A <strong>bold</strong> and <em>italic</em> start<br>on two lines.</p>"
    "<h2>Subheading</h2><h3>Smaller subheading</h3>"
    '<p><a href="https://www.qingdao.gov.cn/">city</a>, <a href="http://example.cn/a?b=1&amp;c=2">old</a>, '
    '<a href="mailto:news@example.cn">mail</a>, '
    '<a href="https://example.cn/" target="_blank" rel="noopener">elsewhere</a></p>'
    "<ul><li><p>one</p></li><li>two</li></ul><ol><li>first</li></ol>"
    "<blockquote><p>Said the mayor.</p></blockquote>"
    '<figure data-photo="12"></figure>'
)


def test_the_allowed_set_is_kept_intact():
    assert clean_body(KEPT_INTACT) == KEPT_INTACT


def test_cleaning_twice_changes_nothing():
    dirty = '<p onclick="x()">a <b>b</b></p><div>c</div><a href="https://x.cn" target="_blank">d</a>'
    assert clean_body(clean_body(dirty)) == clean_body(dirty)


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>Before <script>alert(1)</script>after</p>", "<p>Before after</p>"),
        ('<p><a href="javascript:alert(1)">Click</a> here</p>', "<p>Click here</p>"),
        ('<p><a href=" JaVaScRiPt:alert(1)">Click</a></p>', "<p>Click</p>"),
        ('<p><a href="jav&#x09;ascript:alert(1)">Click</a></p>', "<p>Click</p>"),
        ('<p><a href="data:text/html;base64,PHNjcmlwdD4=">Data</a></p>', "<p>Data</p>"),
        ('<p><a href="vbscript:msgbox">VB</a></p>', "<p>VB</p>"),
        ('<p onclick="steal()" onmouseover="steal()">Text</p>', "<p>Text</p>"),
        ('<p><strong onfocus="x()" tabindex="1">Bold</strong></p>', "<p><strong>Bold</strong></p>"),
        ('<p style="color:red;background:url(javascript:x)">Red</p>', "<p>Red</p>"),
        (
            '<p lang="zh-CN" title="Pasted">Text <strong lang="en">bold</strong></p>',
            "<p>Text <strong>bold</strong></p>",
        ),
        ('<p><span style="font-family:Comic Sans">Font</span> <font color="red">colour</font></p>',
         "<p>Font colour</p>"),
        ("<style>p{display:none}</style><p>Shown</p>", "<p>Shown</p>"),
        ('<iframe src="https://evil.example/"></iframe><p>Kept</p>', "<p>Kept</p>"),
        ('<object data="x.swf"></object><embed src="x.swf"><p>Kept</p>', "<p>Kept</p>"),
        ('<img src="x" onerror="alert(1)"><p>Kept</p>', "<p>Kept</p>"),
        ("<svg><script>alert(1)</script></svg><p>Kept</p>", "<p>Kept</p>"),
        # Elements whose content is not the story's text go with it.
        ("<template><p>Inert</p></template><p>Kept</p>", "<p>Kept</p>"),
        ("<noscript><p>Turn on JavaScript</p></noscript><p>Kept</p>", "<p>Kept</p>"),
        ('<iframe src="https://evil.example/">No frames</iframe><p>Kept</p>', "<p>Kept</p>"),
        ('<object data="x.swf">No plug-in</object><p>Kept</p>', "<p>Kept</p>"),
        ("<svg><text>Drawn</text></svg><p>Kept</p>", "<p>Kept</p>"),
        ("<math><mi>x</mi></math><p>Kept</p>", "<p>Kept</p>"),
        ('<p><a href="tel:+8653212345">Call</a> <a href="ftp://x.cn/f">File</a></p>', "<p>Call File</p>"),
        # Nested tricks: a tag split by another, comments, broken markup.
        ("<scr<script>ipt>alert(1)</script>", "<p>ipt&gt;alert(1)</p>"),
        ("<p>A<!-- <script>alert(1)</script> -->B</p>", "<p>AB</p>"),
        (
            '<p><a href="https://x.cn"><a href="javascript:x">inner</a></a></p>',
            '<p><a href="https://x.cn"></a>inner</p>',
        ),
        ('<p>"><img src=x onerror=alert(1)></p>', "<p>\"&gt;</p>"),
        ('<form action="https://evil"><input name="q"><button>Go</button></form>', "<p>Go</p>"),
        ('<a href="https://x.cn" target="_top">same tab</a>', '<p><a href="https://x.cn">same tab</a></p>'),
        ('<a href="/stories/x/">relative</a>', "<p>relative</p>"),
        ('<figure data-photo="1 onload=x"><img src=x>caption</figure>', ""),
        (
            '<figure data-photo="7"><img src="x" onerror="y">caption</figure>',
            '<figure data-photo="7"></figure>',
        ),
    ],
)
def test_anything_else_is_dropped_and_its_text_kept(dirty, clean):
    assert clean_body(dirty) == clean


def test_character_references_arrive_as_the_characters_they_name():
    pasted = "<p>&#169; 2026 &#x9752;&#23707; &#60;b&#62; &lt;i&gt; Tom &amp; Jerry&nbsp;&#160;&#38;</p>"
    assert clean_body(pasted) == "<p>© 2026 青岛 &lt;b&gt; &lt;i&gt; Tom &amp; Jerry&nbsp;&nbsp;&amp;</p>"


def test_a_links_title_and_a_mailto_address_are_kept():
    html = '<p><a href="mailto:news@qingdao.cn" title="Write to the newsroom">Write</a></p>'
    assert clean_body(html) == html
    # A title is trimmed, and one of only spaces is no title.
    assert clean_body('<p><a href="https://x.cn" title="  City site ">x</a></p>') == (
        '<p><a href="https://x.cn" title="City site">x</a></p>'
    )
    blank = clean_body('<p><a href="https://x.cn" title="   ">x</a></p>')
    assert blank == '<p><a href="https://x.cn">x</a></p>'


def test_links_that_open_elsewhere_get_noopener_and_others_do_not():
    html = clean_body(
        '<p><a href="https://a.cn" target="_blank" rel="opener">A</a> <a href="https://b.cn">B</a></p>'
    )
    assert html == (
        '<p><a href="https://a.cn" target="_blank" rel="noopener">A</a> <a href="https://b.cn">B</a></p>'
    )


def test_word_processor_html_arrives_as_clean_paragraphs():
    pasted = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office">'
        "<head><style>p.MsoNormal{margin:0}</style></head>"
        '<body lang=ZH-CN><!--StartFragment--><p class=MsoNormal style="margin-bottom:0cm">'
        '<span style="font-size:12.0pt;font-family:SimSun">The pier reopened.<o:p></o:p></span></p>'
        '<p class=MsoNormal><b><span lang=EN-US>Bold</span></b> and <i>italic</i>.</p>'
        "<h1>A title</h1><h4>A minor heading</h4>"
        "<div>A web page's line</div><div>and another</div><!--EndFragment--></body></html>"
    )
    assert clean_body(pasted) == (
        "<p>The pier reopened.</p><p><strong>Bold</strong> and <em>italic</em>.</p>"
        "<h2>A title</h2><h3>A minor heading</h3><p>A web page's line</p><p>and another</p>"
    )


def test_inline_markup_outside_any_block_becomes_one_paragraph_keeping_the_spaces_between():
    assert clean_body("<b>x</b> <i>y</i>") == "<p><strong>x</strong> <em>y</em></p>"


def test_plain_text_becomes_escaped_paragraphs():
    expected = "<p>One &lt;b&gt;&amp;&lt;/b&gt;<br>line two</p><p>Two</p>"
    assert clean_body("One <b>&</b>\nline two\n\n\nTwo") == expected


def test_plain_text_keeps_its_quotes_and_places_photos_after_the_paragraphs_counted():
    assert text_to_html('He said "hi" & it\'s <ok>') == '<p>He said "hi" &amp; it\'s &lt;ok&gt;</p>'
    figure = '<figure data-photo="{}"></figure>'
    placed = text_to_html("One\n\nTwo", {0: [1], 1: [2, 3], 2: [4], 3: [5]})
    assert placed == "".join(
        [figure.format(1), "<p>One</p>", figure.format(2), figure.format(3), "<p>Two</p>", figure.format(4)]
    )


@pytest.mark.django_db
def test_a_story_is_saved_clean_however_it_is_written():
    article = make_article(
        body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">there</a></p>'
    )
    article.refresh_from_db()
    assert article.body == article.body_html == "<p>Hi there</p>"


# --- Photos in the body ----------------------------------------------------------


@pytest.fixture
def story_with_photos():
    article = make_article(body="<p>One.</p><p>Two.</p>")
    lead = make_photo(article, position=0, caption="The lead.", credit="Lead credit")
    placed = make_photo(article, position=1, caption="Placed <i>caption</i> & more.", credit="Wang Lei")
    after = make_photo(article, position=2, caption="After the body.")
    article.body = f'<p>One.</p><figure data-photo="{placed.pk}"></figure><p>Two.</p>'
    article.save()
    return article, lead, placed, after


@pytest.mark.django_db
def test_a_placed_photo_is_rendered_between_its_paragraphs_with_caption_and_credit(story_with_photos):
    article, lead, placed, after = story_with_photos
    html = article.body_html
    assert html.startswith("<p>One.</p><figure")
    assert html.endswith("</figure><p>Two.</p>")
    assert html.count("<img") == 1 and f'alt="{placed.alt_text}"' in html
    assert "Placed &lt;i&gt;caption&lt;/i&gt; &amp; more." in html
    assert "[Wang Lei]" in html
    assert 'loading="lazy"' in html


@pytest.mark.django_db
def test_the_story_page_shows_the_lead_on_top_the_placed_photo_in_place_and_the_rest_after(
    client, story_with_photos
):
    article, lead, placed, after = story_with_photos
    page = client.get(article.get_absolute_url()).content.decode()
    body = page[page.index('<div class="story__body">') :]
    body = body[: body.index("</div>")]
    assert "Placed &lt;i&gt;caption" in body and "The lead." not in body and "After the body." not in body
    assert page.index("The lead.") < page.index("One.") < page.index("Placed &lt;i&gt;caption")
    assert page.index("Placed &lt;i&gt;caption") < page.index("Two.") < page.index("After the body.")
    assert page.count("Placed &lt;i&gt;caption") == 1
    # The link preview reads the text, not the markup.
    assert '<meta name="description" content="Summary of' in page or "One. Two." in page


@pytest.mark.django_db
def test_the_story_description_falls_back_to_the_bodys_text(client):
    article = make_article(summary="", body="<p>Tea &amp; <strong>terraces</strong>.</p><p>Second.</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Tea &amp; terraces. Second.">' in page


@pytest.mark.django_db
def test_a_photo_of_another_story_or_the_lead_is_never_drawn_in_the_body(story_with_photos):
    article, lead, placed, after = story_with_photos
    stranger = make_photo(make_article(), caption="Someone else's photo.")
    article.body = (
        f'<figure data-photo="{stranger.pk}"></figure><figure data-photo="{lead.pk}"></figure><p>One.</p>'
    )
    article.save()
    assert article.body_html == "<p>One.</p>"


@pytest.mark.django_db
def test_deleting_a_placed_photo_takes_it_out_of_the_body(story_with_photos):
    article, lead, placed, after = story_with_photos
    placed.delete()
    article.refresh_from_db()
    assert article.body == article.body_html == "<p>One.</p><p>Two.</p>"
    assert article.photos_after_body == [after]


@pytest.mark.django_db
def test_an_edited_placed_photo_is_drawn_again_and_other_photo_saves_write_no_story(story_with_photos):
    """The body keeps the placed photo's new caption; saving a photo that changes nothing updates nothing."""
    article, lead, placed, after = story_with_photos
    placed.caption = "A new caption."
    placed.save()
    article.refresh_from_db()
    assert "A new caption." in article.body_html and "Placed &lt;i&gt;caption" not in article.body_html
    for photo in (after, lead, placed):
        with CaptureQueriesContext(connection) as captured:
            photo.save()
        assert not [query for query in captured if '"body_html" = ' in query["sql"]]


@pytest.mark.django_db
def test_a_saved_photo_reads_its_storys_body_columns_once_and_nothing_else(story_with_photos):
    article, lead, placed, after = story_with_photos
    placed.caption = "A new caption."
    with CaptureQueriesContext(connection) as captured:
        placed.save()
    reads = [q["sql"] for q in captured if 'FROM "articles_article"' in q["sql"] and '."body' in q["sql"]]
    assert len(reads) == 1
    assert '"articles_article"."body", "articles_article"."body_html" FROM' in reads[0]
    assert "headline" not in reads[0]


@pytest.mark.django_db
def test_refreshing_the_body_of_a_story_no_longer_there_does_nothing():
    from articles.richtext_signals import refresh_body

    article = make_article()
    missing = article.pk
    article.delete()
    refresh_body(missing)
    refresh_body(missing, deleted_photo_id=1)
    assert not Article.objects.filter(pk=missing).exists()


@pytest.mark.django_db
def test_deleting_one_placed_photo_keeps_the_others_in_place(story_with_photos):
    article, lead, placed, after = story_with_photos
    figure = '<figure data-photo="{}"></figure>'
    article.body = "<p>One.</p>" + figure.format(placed.pk) + figure.format(after.pk)
    article.save()
    placed.delete()
    article.refresh_from_db()
    assert article.body == "<p>One.</p>" + figure.format(after.pk)
    assert article.body_html.startswith("<p>One.</p><figure") and "After the body." in article.body_html


@pytest.mark.django_db
def test_deleting_a_placed_photo_in_the_story_form_takes_it_out_of_the_body(admin_client, story_with_photos):
    article, lead, placed, after = story_with_photos
    data = story_form(
        slug=article.slug,
        body=article.body,
        published_at_0="2025-05-26",
        published_at_1="09:00:00",
        opened_version=article.version,
    )
    data.update({"photos-TOTAL_FORMS": "3", "photos-INITIAL_FORMS": "3"})
    for index, photo in enumerate([lead, placed, after]):
        data.update(
            {
                f"photos-{index}-id": photo.pk,
                f"photos-{index}-article": article.pk,
                f"photos-{index}-caption": photo.caption,
                f"photos-{index}-credit": photo.credit,
                f"photos-{index}-alt_text": photo.alt_text,
                f"photos-{index}-position": photo.position,
            }
        )
    data["photos-1-DELETE"] = "on"
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    article.refresh_from_db()
    assert list(article.photos.all()) == [lead, after]
    assert "figure" not in article.body and "figure" not in article.body_html


@pytest.mark.django_db
def test_a_changed_caption_is_drawn_again_in_the_body(story_with_photos):
    article, lead, placed, after = story_with_photos
    placed.caption = "A new caption."
    placed.save()
    article.refresh_from_db()
    assert "A new caption." in article.body_html


# --- The story form ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_offers_the_editor_the_storys_photos_after_the_lead_and_no_inline_script(
    admin_client, admin_user, story_with_photos
):
    article, lead, placed, after = story_with_photos
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert '<script src="/static/newsroom/story-editor.js" type="module">' in page
    assert '<script src="/static/newsroom/story-form.js" type="module">' in page
    # Every script comes from a file: the CSP (script-src 'self') runs nothing inline.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "importmap" not in page
    config = re.search(r'data-story-editor="([^"]*)"', page).group(1)
    assert f"&quot;id&quot;: {placed.pk}" in config and f"&quot;id&quot;: {after.pk}" in config
    assert f"&quot;id&quot;: {lead.pk}," not in config
    assert f'data-draft-key="newsroom:draft:story-{article.pk}:user-{admin_user.pk}"' in page
    assert 'data-limit="255"' in page and 'data-limit="300"' in page
    assert 'maxlength="255"' not in page  # the browser would cut pasted text without a word


@pytest.mark.django_db
def test_the_editor_is_given_its_module_the_kept_formats_and_each_photo_it_may_place(
    admin_client, story_with_photos
):
    """What story-editor.js reads from the body's textarea: a photo is labelled by its caption (80 characters at
    most), else by its file's name, else by its description."""
    article, lead, placed, after = story_with_photos
    placed.caption = "Tea pickers " * 10
    placed.save()
    after.caption, after.original_name = "", ""
    after.save()
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()

    textarea = re.search(r"<textarea [^>]*data-story-editor[^>]*>", page).group(0)
    config = json.loads(unescape(re.search(r'data-story-editor="([^"]*)"', textarea).group(1)))
    assert config["editorModule"] == "/static/django_prose_editor/editor.js"
    assert config["extensions"]["Heading"] == {"levels": [2, 3]}
    assert config["extensions"]["OrderedList"] == {"enableListAttributes": False}
    assert config["photos"] == [
        {
            "id": photo.pk,
            "url": photo.image.url,
            "alt": "A description of the photo.",
            "caption": photo.caption,
            "credit": photo.credit,
            "label": label,
        }
        for photo, label in ((placed, placed.caption[:80]), (after, "A description of the photo."))
    ]
    assert 'rows="16"' in textarea and "required" not in textarea  # the server says what is missing
    for sheet in ("material-icons.css", "editor.css", "overrides.css"):
        assert f'href="/static/django_prose_editor/{sheet}"' in page
    assert 'href="/static/newsroom/story-editor.css"' in page


@pytest.mark.django_db
def test_the_bodys_textarea_is_the_forms_body_field_holding_the_stored_body(admin_client, story_with_photos):
    """The editor reads and writes the textarea: it must be the field the form posts, with the stored HTML."""
    article, lead, placed, after = story_with_photos
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    textarea = re.search(r"(<textarea [^>]*data-story-editor[^>]*>)([^<]*)</textarea>", page)
    assert 'name="body"' in textarea.group(1) and 'id="id_body"' in textarea.group(1)
    assert unescape(textarea.group(2)).strip() == article.body


@pytest.mark.django_db
def test_a_new_storys_draft_is_kept_under_new_and_the_users_id(admin_client, admin_user):
    page = admin_client.get(ADD_URL).content.decode()
    assert f'data-draft-key="newsroom:draft:story-new:user-{admin_user.pk}"' in page


@pytest.mark.django_db
def test_a_story_form_without_a_request_user_keys_the_draft_to_no_user():
    """StoryEditorForm outside the admin (which sets request_user per request)."""
    from articles.editor import StoryEditorForm

    class BodyForm(StoryEditorForm):
        class Meta:
            model = Article
            fields = ["headline", "summary", "body"]

    widget = BodyForm(instance=make_article()).fields["body"].widget
    assert widget.attrs["data-draft-key"].endswith(":user-None")


@pytest.mark.django_db
def test_the_admin_saves_the_body_clean(admin_client):
    body = '<p style="color:red">Safe <script>alert(1)</script><a href="javascript:x()">text</a></p>'
    response = admin_client.post(ADD_URL, story_form(body=body))
    assert response.status_code == 302
    assert Article.objects.get().body == "<p>Safe text</p>"


@pytest.mark.django_db
def test_a_summary_over_the_limit_is_refused_with_everything_kept(admin_client):
    long_summary = "Tea. " * 61
    response = admin_client.post(ADD_URL, story_form(summary=long_summary))
    assert response.status_code == 200
    assert "Ensure this value has at most 300 characters (it has 304)." in response.content.decode()
    assert response.context["adminform"].form["summary"].value() == long_summary
    assert not Article.objects.exists()


# --- The data migration -------------------------------------------------------------

MIGRATION = ("articles", "0040_rich_text_body")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_turns_plain_text_bodies_into_paragraphs_and_back():
    executor = MigrationExecutor(connection)
    before = [parent.key for parent in executor.loader.graph.node_map[MIGRATION].parents]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("articles", "Article")
        plain = old.objects.create(
            headline="Plain",
            slug="plain",
            body="First <b>not bold</b> & so on,\r\nsame paragraph.\r\n\r\n\r\nSecond.",
            body_html="<p>First &lt;b&gt;not bold&lt;/b&gt; &amp; so on,<br>same paragraph.</p>"
            "\n\n<p>Second.</p>",
        )
        empty = old.objects.create(headline="Empty", slug="empty", body="", body_html="")

        executor = MigrationExecutor(connection)
        executor.migrate([MIGRATION])

        new = executor.loader.project_state([MIGRATION]).apps.get_model("articles", "Article")
        expected = "<p>First &lt;b&gt;not bold&lt;/b&gt; &amp; so on,<br>same paragraph.</p><p>Second.</p>"
        assert new.objects.get(pk=plain.pk).body == expected == text_to_html(plain.body)
        assert new.objects.get(pk=plain.pk).body_html == expected
        assert new.objects.get(pk=empty.pk).body == ""

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        back = executor.loader.project_state(before).apps.get_model("articles", "Article")
        text_again = "First <b>not bold</b> & so on,\nsame paragraph.\n\nSecond."
        assert back.objects.get(pk=plain.pk).body == text_again
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_bodys_text_is_its_words_a_blank_line_after_each_block_line_break_and_list_item():
    body = (
        "<h2>Head</h2>\n<p>One<br>line &amp; <strong>two</strong></p>\n"
        "<ul><li>a</li><li>b</li></ul><blockquote>Said.</blockquote><h3>Sub</h3>"
    )
    assert body_text(body) == "Head\n\nOne\n\nline & two\n\na\n\nb\n\nSaid.\n\nSub"
    assert body_text(None) == body_text("") == ""


def test_the_placed_photos_are_the_bodys_figures_in_its_order():
    body = '<p>a</p><figure data-photo="12"></figure><figure data-photo="3"></figure>'
    assert placed_photo_ids(body) == [12, 3]
    assert placed_photo_ids("<p>a</p>") == placed_photo_ids("") == placed_photo_ids(None) == []


def test_search_indexes_the_bodys_words_not_its_markup():
    from search.text import entry_fields

    html = '<p>Tea <strong>terraces</strong> <a href="https://x.cn/">guide</a></p>'
    body = entry_fields("H", "S", html, [])["body"]
    assert "terraces" in body and "guide" in body
    assert "strong" not in body and "href" not in body and "x.cn" not in body
