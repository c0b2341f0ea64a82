import ipaddress

from django.conf import settings


def client_ip_address(request):
    """
    The client address the sign-in limits count and log.

    Directly exposed, that is the connection's REMOTE_ADDR. Behind PROXY_COUNT
    reverse proxies that each append the address they saw to X-Forwarded-For
    (nginx: $proxy_add_x_forwarded_for), it is the entry the outermost proxy
    added, PROXY_COUNT from the right; entries further left are whatever the
    client sent and are not trusted. See limited_address() for IPv6.
    """
    address = request.META.get("REMOTE_ADDR")
    proxy_count = settings.PROXY_COUNT
    if proxy_count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxy_count:
            address = forwarded[-proxy_count]
    return limited_address(address)


def limited_address(address):
    """
    The address as one party holds it. An IPv6 /64 is one subscriber's network
    (a host can take any of its 2**64 addresses), so it counts as one address,
    written as the network's first address ("2001:db8:1:2::"); an IPv4-mapped
    IPv6 address is the IPv4 address. Anything that is not an IP address is
    None, so made-up values all share one count rather than each getting its own.
    """
    try:
        ip = ipaddress.ip_address(str(address).strip())
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Interface((ip, 64)).network.network_address)
    return str(ip)
