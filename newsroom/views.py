import secrets

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """
    Tell a load balancer whether this instance can serve: 200 with {"status": "ok",
    "database": "ok", "cache": "ok"}; 503 when it cannot reach its database. An
    unreachable cache is reported ("status": "degraded", 200): pages are still
    served, rendered each time, so taking every server out would be worse. GET or
    HEAD; never cached, and exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT)
    for plain-HTTP probes.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if cache_answers():
        return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})
    return JsonResponse({"status": "degraded", "database": "ok", "cache": "unreachable"})


def cache_answers():
    """Whether the cache keeps what it is given: a key of this probe's own, written, read, removed."""
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=10)
        kept = cache.get(key) == token
        cache.delete(key)
    except Exception:  # each cache backend has its own errors (Redis, memcached, files)
        return False
    return kept


def favicon(request):
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
