"""
Static files in production: collected with hashed names and served by
WhiteNoise with far-future cache headers, from the production settings.
"""

import json

from django.conf import settings

from .subprocess_env import REQUIRED, run_python


def test_whitenoise_comes_directly_after_the_security_middleware():
    assert settings.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_collected_static_files_are_hashed_and_cached_forever(tmp_path):
    code = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
out = {}
for name in ["css/site.css", "admin/js/core.js"]:
    url = static(name)
    hashed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get("/static/" + name)
    out[name] = {
        "url": url,
        "status": hashed.status_code,
        "cache_control": hashed.get("Cache-Control"),
        "content_encoding": hashed.get("Content-Encoding"),
        "unhashed_cache_control": plain.get("Cache-Control"),
    }
json.dump(out, sys.stdout)
"""
    result = run_python(
        code,
        **REQUIRED,
        ALLOWED_HOSTS="testserver",
        HTTPS="0",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
    )
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)
    for name, info in served.items():
        stem, ext = name.rsplit(".", 1)
        assert info["url"].startswith(f"/static/{stem}.") and info["url"] != f"/static/{name}", info
        assert info["status"] == 200, info
        assert info["cache_control"] == "max-age=315360000, public, immutable", info
        assert info["content_encoding"] == "gzip", info
        # The unhashed name may change under the same URL, so it is cached briefly.
        assert info["unhashed_cache_control"] == "max-age=60, public", info
