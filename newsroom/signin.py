"""
The newsroom sign-in limits, on top of django-axes (see "Security" in README.md).

Axes counts failures per (user name, address) and locks that pair out
(AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME). This handler adds two limits
that axes cannot express with one failure limit and one window:

- per address: SIGNIN_ADDRESS_FAILURE_LIMIT failures from one address (an IPv6
  /64, see newsroom.client_ip) for any user names within AXES_COOLOFF_TIME
  refuse every sign-in from that address, so one address cannot try a password
  on many accounts;
- per account: SIGNIN_ACCOUNT_FAILURE_LIMIT failures for one user name from any
  addresses within SIGNIN_ACCOUNT_WINDOW_HOURS refuse that user name from every
  address it has never signed in from. Guessing from rotating addresses stops,
  and a stranger cannot lock the journalist out: from an address where they have
  signed in before (axes' AccessLog), their correct password still works.

Both count the per-failure records axes keeps when AXES_ENABLE_ACCESS_FAILURE_LOG
is on; records older than FAILURE_LOG_DAYS are pruned as new failures come in.
"""

import json
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom.log import escape_control

FAILURE_LOG_DAYS = 30


class SignInLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """
        Axes' count for the (user name, address) pair, or the pair's limit when the
        address or account limit is reached: axes then refuses the sign-in.
        """
        failures = super().get_failures(request, credentials)
        if self.address_limit_reached(request) or self.account_limit_reached(request, credentials):
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def address_limit_reached(self, request):
        since = _now(request) - get_cool_off(request)
        failures = AccessFailureLog.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=since
        )
        return failures.count() >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT

    def account_limit_reached(self, request, credentials=None):
        username = get_client_username(request, credentials)
        if not username:
            return False
        since = _now(request) - timedelta(hours=settings.SIGNIN_ACCOUNT_WINDOW_HOURS)
        failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        if failures.count() < settings.SIGNIN_ACCOUNT_FAILURE_LIMIT:
            return False
        known_address = AccessLog.objects.filter(username=username, ip_address=request.axes_ip_address)
        return not known_address.exists()

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(
            sender,  # pragma: no mutate (axes' database handler never reads the sender)
            credentials,
            request=request,
            **kwargs,  # pragma: no mutate (nor any other signal argument)
        )
        expired = timezone.now() - timedelta(days=FAILURE_LOG_DAYS)
        AccessFailureLog.objects.filter(attempt_time__lt=expired).delete()

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        """axes_reset, axes_reset_ip and axes_reset_username lift the address and account limits too."""
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        failures = AccessFailureLog.objects.all()
        if ip_or_username:
            failures = failures.filter(Q(ip_address=ip_address) | Q(username=username))
        else:
            if ip_address:
                failures = failures.filter(ip_address=ip_address)
            if username:
                failures = failures.filter(username=username)
        failures.delete()
        return count


def _now(request):
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def username_digest(username):
    """
    A short keyed hash of a typed user name, for logs: the same name gives the same
    digest, so repeated attempts on one account stand out, but the name (or a
    password typed into the user-name box) cannot be read or guessed from it
    without SECRET_KEY. Find a user's digest with
    `manage.py shell -c "from newsroom.signin import username_digest as d; print(d('name'))"`.
    """
    if username is None:
        return ""
    return salted_hmac("newsroom.signin.username_digest", username).hexdigest()[:16]


def client_str(username, ip_address, user_agent, path_info, request):
    """
    How axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE): the user
    name as a digest, every other value quoted with control characters escaped.
    """
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    values = {
        "username_digest": username_digest(username),
        "ip_address": ip_address,
        "user_agent": user_agent,
        "path_info": path_info,
    }
    quoted = (f"{key}: {escape_control(as_json(value))}" for key, value in values.items())
    return "{" + ", ".join(quoted) + "}"


def as_json(value):
    """`value` as a JSON string, its non-ASCII letters (a Chinese browser's name) kept as they are."""
    return json.dumps(
        value,
        ensure_ascii=False,  # pragma: no mutate (None is as false; True and leaving it out are tested)
    )
