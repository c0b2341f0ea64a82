"""How sign-in attempts name a client in the log (AXES_CLIENT_STR_CALLABLE): no typed user name in clear."""

import hashlib
import hmac

from newsroom.signin import client_str, username_digest

KEY = "a-known-secret-key-for-this-test"


def expected_digest(username):
    """Django's salted_hmac (SHA-1) under this module's salt, as the digest is documented to be."""
    key = hashlib.sha1(b"newsroom.signin.username_digest" + KEY.encode()).digest()
    return hmac.new(key, username.encode(), hashlib.sha1).hexdigest()[:16]


def test_a_user_names_digest_is_a_keyed_hash_that_stays_the_same_across_releases(settings):
    """Digests in old and new logs can be compared only if the salt and length never change."""
    settings.SECRET_KEY = KEY

    assert username_digest("editor") == expected_digest("editor")
    assert len(username_digest("editor")) == 16
    assert username_digest("editor") != username_digest("Editor")
    assert username_digest(None) == ""


def test_a_client_is_named_by_its_digest_and_its_quoted_address_browser_and_path(settings):
    settings.SECRET_KEY = KEY

    line = client_str("editor", "203.0.113.9", "Mozilla/5.0 青岛\r\nX", ("/admin/login/", "/other/"), None)

    assert line == (
        f'{{username_digest: "{expected_digest("editor")}", ip_address: "203.0.113.9", '
        'user_agent: "Mozilla/5.0 青岛\\r\\nX", path_info: "/admin/login/"}'
    )


def test_a_request_without_a_user_name_has_an_empty_digest():
    assert client_str(None, "203.0.113.9", "", "/admin/login/", None) == (
        '{username_digest: "", ip_address: "203.0.113.9", user_agent: "", path_info: "/admin/login/"}'
    )
