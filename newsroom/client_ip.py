from django.conf import settings


def client_ip_address(request):
    """
    The client address the sign-in limit locks out and logs.

    Directly exposed, that is the connection's REMOTE_ADDR. Behind PROXY_COUNT
    reverse proxies that each append the address they saw to X-Forwarded-For
    (nginx: $proxy_add_x_forwarded_for), it is the entry the outermost proxy
    added, PROXY_COUNT from the right; entries further left are whatever the
    client sent and are not trusted.
    """
    proxy_count = settings.PROXY_COUNT
    if proxy_count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxy_count:
            return forwarded[-proxy_count]
    return request.META.get("REMOTE_ADDR")
