"""The journeys' own assertions must fail when what they check is wrong."""

import base64

import pytest

from .support import assert_csp_enforced, assert_images_loaded, csp_problems, jpeg_bytes

SITE_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class Response:
    def __init__(self, policy):
        self.headers = {"content-security-policy": policy}


def test_the_sites_policy_passes():
    assert csp_problems(SITE_POLICY) == []
    assert_csp_enforced(Response(SITE_POLICY), "site")


@pytest.mark.parametrize(
    "policy, problem",
    [
        (SITE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), "script-src allows"),
        (SITE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"), "style-src allows"),
        (SITE_POLICY.replace("script-src 'self'", "script-src 'self' https:"), "script-src allows https:"),
        (SITE_POLICY.replace("script-src 'self'", "script-src 'self' 'UNSAFE-EVAL'"), "script-src allows"),
        (SITE_POLICY.replace("script-src 'self'; ", ""), "no script-src"),
        (SITE_POLICY.replace("default-src 'self'", "default-src *"), "default-src"),
        (SITE_POLICY.replace("object-src 'none'", "object-src 'self'"), "object-src"),
        (SITE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *"), "frame-ancestors"),
        # A substring search would be fooled: script-src only named inside another directive.
        ("default-src 'self'; img-src 'self' script-src 'self' style-src 'self'", "no script-src"),
        ("", "no script-src"),
    ],
)
def test_a_weaker_policy_fails(policy, problem):
    assert any(problem in found for found in csp_problems(policy)), csp_problems(policy)
    with pytest.raises(AssertionError, match="not the site's Content-Security-Policy"):
        assert_csp_enforced(Response(policy), "page")


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def data_url_jpeg():
    return "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes(20, 10)).decode()


def test_images_loaded_passes_for_decoded_images(page):
    page.set_content(f'<img class="photo" src="{data_url_jpeg()}"><img class="photo" src="{data_url_jpeg()}">')

    assert_images_loaded(page, ".photo", "page")
    assert_images_loaded(page, ".photo", "page", expected=2)


def test_images_loaded_fails_when_no_image_matches(page):
    page.set_content("<p>No photos here.</p>")

    with pytest.raises(AssertionError, match="no image matches"):
        assert_images_loaded(page, ".photo", "page")
    assert_images_loaded(page, ".photo", "page", expected=0)


def test_images_loaded_fails_for_a_broken_image_or_a_wrong_count(page):
    page.set_content('<img class="photo" src="data:image/jpeg;base64,bm90IGFuIGltYWdl">')

    with pytest.raises(AssertionError, match="did not load"):
        assert_images_loaded(page, ".photo", "page")
    with pytest.raises(AssertionError, match="expected 2 images"):
        assert_images_loaded(page, ".photo", "page", expected=2)
