from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """
    Tell a load balancer whether this instance can reach its database: 200 and
    {"status": "ok"}, or 503 when it cannot. GET or HEAD; never cached, and
    exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) for plain-HTTP probes.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request):
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))
