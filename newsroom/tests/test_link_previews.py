"""
The story page's <head>: canonical link, Open Graph tags and meta description.

Issue 19 item 5: absolute URLs come from SITE_URL, never from the request's Host
(which may carry a port) or its query string, and og:url is the canonical URL.
Issue 15 item 11: a Chinese story without a summary must not put its whole body
into the description (truncatewords needs spaces).
"""

import html
import re

import pytest

from articles.templatetags.articles_tags import excerpt
from articles.tests.factories import make_article, make_photo
from newsroom.site_url import absolute_url
from photos.pictures import jpeg_rendition

SITE = "https://news.example.com"


def head_tags(response):
    page = response.content.decode()
    head = page.split("</head>", 1)[0]

    def content(pattern):
        found = re.findall(pattern, head)
        assert len(found) <= 1, (pattern, found)
        return html.unescape(found[0]) if found else None

    return {
        "canonical": content(r'<link rel="canonical" href="([^"]*)">'),
        "og:url": content(r'<meta property="og:url" content="([^"]*)">'),
        "og:image": content(r'<meta property="og:image" content="([^"]*)">'),
        "description": content(r'<meta name="description" content="([^"]*)">'),
        "og:description": content(r'<meta property="og:description" content="([^"]*)">'),
    }


@pytest.fixture
def story_with_photo(db):
    story = make_article(headline="Laoshan tea harvest begins")
    photo = make_photo(story)
    return story, photo


def test_absolute_urls_come_from_site_url_not_the_host_header_or_query(client, settings, story_with_photo):
    settings.SITE_URL = SITE
    story, photo = story_with_photo
    response = client.get(
        story.get_absolute_url() + "?utm_source=feed&x=<b>", headers={"Host": "localhost:1337"}
    )
    assert response.status_code == 200
    tags = head_tags(response)
    assert tags["canonical"] == SITE + story.get_absolute_url()
    assert tags["og:url"] == tags["canonical"]
    # The link preview shows a JPEG rendition (photos/pictures.py), never the stored image.
    assert tags["og:image"] == SITE + jpeg_rendition(photo, 1200)[0]
    head = response.content.decode().split("</head>", 1)[0]
    assert "1337" not in head and "localhost" not in head and "utm_source" not in head


def test_site_url_with_a_port_is_kept(client, settings, story_with_photo):
    settings.SITE_URL = "http://127.0.0.1:8790"
    story, photo = story_with_photo
    tags = head_tags(client.get(story.get_absolute_url(), headers={"Host": "localhost:1337"}))
    assert tags["og:url"] == "http://127.0.0.1:8790" + story.get_absolute_url()
    assert tags["og:image"] == "http://127.0.0.1:8790" + jpeg_rendition(photo, 1200)[0]


def test_photos_on_object_storage_keep_their_own_address(settings):
    settings.SITE_URL = SITE
    on_storage = "https://bucket.example.com/media/photos/a.jpg"
    assert absolute_url(on_storage) == on_storage
    assert absolute_url("/media/photos/a.jpg") == SITE + "/media/photos/a.jpg"


CHINESE_BODY = (
    "崂山茶园迎来春茶采摘季，茶农们天不亮就上山，赶在露水未干之前采下最嫩的芽叶。"
    "今年气温回升较快，茶芽比往年早发一周，品质和产量都好于去年。\n\n"
    "当地合作社负责人介绍，今年新建的加工车间可以让鲜叶在采摘后两小时内完成杀青，"
    "茶叶的香气保留得更好，销往省外的订单也比去年增加了三成。"
) * 3


def test_a_chinese_story_without_a_summary_gets_a_short_description(client, db):
    story = make_article(headline="崂山春茶开采", summary="", body=CHINESE_BODY)
    tags = head_tags(client.get(story.get_absolute_url()))
    description = tags["description"]
    assert description.startswith("崂山茶园迎来春茶采摘季，茶农们天不亮就上山")
    assert description.endswith("…")
    assert len(description) <= 81
    assert "\n" not in description
    assert tags["og:description"] == description


def test_an_english_summary_is_cut_between_words(client, db):
    summary = " ".join(["Tea growers on Laoshan start the spring harvest a week early this year."] * 5)
    story = make_article(summary=summary)
    description = head_tags(client.get(story.get_absolute_url()))["description"]
    assert description.endswith("…") and len(description) <= 161
    words = description[:-1].split()
    assert set(words) <= set(summary.split()), words
    assert summary.startswith(description[:-1])


def test_a_short_summary_is_kept_whole(client, db):
    story = make_article(summary='Tea "first flush" & more on Laoshan.')
    tags = head_tags(client.get(story.get_absolute_url()))
    assert tags["description"] == 'Tea "first flush" & more on Laoshan.'


def test_excerpt_filter():
    assert excerpt("短文本。") == "短文本。"
    assert excerpt("一二三四五六七八九十", 10) == "一二三四五…"
    assert excerpt("one two three four", 10) == "one two…"
    assert excerpt("one\n\ntwo", 10) == "one two"
    assert excerpt("青岛 news today 今天", 100) == "青岛 news today 今天"
    # A single long word (a URL, say) is cut where it must be.
    assert excerpt("x" * 30, 10) == "x" * 10 + "…"
