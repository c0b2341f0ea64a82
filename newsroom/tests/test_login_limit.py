"""
The newsroom sign-in limits (django-axes and newsroom.signin): five failed
attempts for one user name from one address refuse that pair for an hour; 30
from one address (an IPv6 /64) for any user names refuse that address; 20 for
one user name from anywhere in a day refuse it from addresses it has never
signed in from. Refusals are a clear message with status 429; every failure and
every successful sign-in is logged (user names only as a digest) and stored.
"""

import logging
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone

from newsroom.client_ip import client_ip_address, limited_address
from newsroom.signin import SignInLimitsHandler, username_digest

PASSWORD = "a-long-editor-password-7"
LOCKOUT_MESSAGE = "Too many failed sign-in attempts."


class LoginLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        User = get_user_model()
        cls.editor = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
        cls.other = User.objects.create_user("other", "other@example.com", PASSWORD, is_staff=True)

    def sign_in(self, username, password, client=None, **extra):
        return (client or self.client).post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
        )

    def assertSignedIn(self, response, client=None):
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/admin/")
        self.assertIn("_auth_user_id", (client or self.client).session)

    def assertLockedOut(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, LOCKOUT_MESSAGE, status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def fail_times(self, times, username="editor", **extra):
        return [self.sign_in(username, "wrong-password", **extra) for _ in range(times)]

    def test_the_limit_is_five(self):
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)

    def test_five_failures_lock_the_user_out_even_with_the_right_password(self):
        responses = self.fail_times(5)
        # The first four show the sign-in form again with its error...
        for response in responses[:4]:
            self.assertContains(response, "Please enter the correct username and password")
        # ...the fifth already answers with the lockout.
        self.assertLockedOut(responses[4])

        response = self.sign_in("editor", PASSWORD)
        self.assertLockedOut(response)
        self.assertContains(response, "try again later", status_code=429)

    def test_four_failures_do_not_lock(self):
        self.fail_times(4)
        self.assertSignedIn(self.sign_in("editor", PASSWORD))
        # A success resets the count (AXES_RESET_ON_SUCCESS).
        self.assertFalse(AccessAttempt.objects.filter(username="editor").exists())

    def test_another_user_from_the_same_address_is_not_locked(self):
        self.fail_times(5)
        self.assertSignedIn(self.sign_in("other", PASSWORD))

    def test_the_same_user_from_another_address_is_not_locked(self):
        # The lockout is per user name and address (AXES_LOCKOUT_PARAMETERS).
        self.fail_times(5)
        self.assertSignedIn(self.sign_in("editor", PASSWORD, REMOTE_ADDR="10.1.2.3"))

    def test_the_lockout_ends_after_the_cool_off_hour(self):
        self.fail_times(5)
        self.assertLockedOut(self.sign_in("editor", PASSWORD))
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1, minutes=1))
        self.assertSignedIn(self.sign_in("editor", PASSWORD))

    def test_a_user_name_typed_with_spaces_around_it_counts_for_that_account(self):
        # The sign-in form strips the name it passes to authenticate() (the credentials); the
        # count is of those, not of the raw form field, so spaces cannot buy more guesses.
        responses = self.fail_times(4, username=" editor ") + self.fail_times(1, username="editor ")
        for response in responses[:4]:
            self.assertContains(response, "Please enter the correct username and password")
        self.assertLockedOut(responses[4])
        self.assertLockedOut(self.sign_in("editor", PASSWORD))
        self.assertEqual(set(AccessAttempt.objects.values_list("username", flat=True)), {"editor"})
        self.assertEqual(set(AccessFailureLog.objects.values_list("username", flat=True)), {"editor"})

    def test_axes_sees_the_test_clients_address(self):
        self.fail_times(1)
        attempt = AccessAttempt.objects.get()
        self.assertEqual(attempt.ip_address, "127.0.0.1")
        self.assertEqual(attempt.username, "editor")

    def test_failures_are_stored_and_logged(self):
        with self.assertLogs("axes", level="INFO") as logs:
            self.fail_times(5)
        attempt = AccessAttempt.objects.get()
        self.assertEqual(
            (attempt.username, attempt.ip_address, attempt.path_info, attempt.failures_since_start),
            ("editor", "127.0.0.1", "/admin/login/", 5),
        )
        # No password, right or wrong, is stored.
        self.assertNotIn("wrong-password", attempt.post_data)
        # "New login failure by {...}", then "Repeated login failure by {...}".
        failures = [r for r in logs.records if "login failure by" in r.getMessage()]
        self.assertEqual(len(failures), 5)
        self.assertTrue(all(r.levelno == logging.WARNING for r in failures))
        digest = f'username_digest: "{username_digest("editor")}"'
        self.assertIn(digest, failures[0].getMessage())
        self.assertIn('ip_address: "127.0.0.1"', failures[0].getMessage())
        self.assertIn("Locking out {" + digest, "\n".join(logs.output))
        self.assertNotIn("wrong-password", "\n".join(logs.output))
        self.assertNotIn('"editor"', "\n".join(logs.output))
        # Attempts refused while locked out are logged and counted too.
        with self.assertLogs("axes", level="INFO") as logs:
            self.assertLockedOut(self.sign_in("editor", PASSWORD))
        self.assertIn("Locking out {" + digest + ', ip_address: "127.0.0.1"', "\n".join(logs.output))
        self.assertNotIn(PASSWORD, "\n".join(logs.output))
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, 6)
        self.assertFalse(AccessLog.objects.exists())
        # One record per failure, which the address and account limits count.
        self.assertEqual(
            AccessFailureLog.objects.filter(username="editor", ip_address="127.0.0.1").count(), 6
        )
        # The stored request data masks the user name too.
        self.assertNotIn("editor", attempt.post_data)

    def test_successful_sign_ins_are_stored_and_logged(self):
        with self.assertLogs("axes", level="INFO") as logs:
            self.assertSignedIn(self.sign_in("editor", PASSWORD))
        access = AccessLog.objects.get()
        self.assertEqual((access.username, access.ip_address), ("editor", "127.0.0.1"))
        self.assertIsNotNone(access.attempt_time)
        successes = [r for r in logs.records if "Successful login" in r.getMessage()]
        self.assertEqual(len(successes), 1)
        self.assertIn(f'username_digest: "{username_digest("editor")}"', successes[0].getMessage())
        self.assertNotIn("editor", "\n".join(logs.output))
        self.assertNotIn(PASSWORD, "\n".join(logs.output))


class AddressLimitTests(TestCase):
    """Issue 19 item 2: one address cannot try passwords on any number of accounts."""

    @classmethod
    def setUpTestData(cls):
        get_user_model().objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)

    def sign_in(self, username, password, **extra):
        return self.client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
        )

    def test_the_address_limit_is_higher_than_the_pair_limit(self):
        self.assertEqual(settings.SIGNIN_ADDRESS_FAILURE_LIMIT, 30)
        self.assertGreater(settings.SIGNIN_ADDRESS_FAILURE_LIMIT, settings.AXES_FAILURE_LIMIT)

    def test_sixty_user_names_from_one_address_are_locked_out(self):
        statuses = [self.sign_in(f"reporter{n}", "guess-123456").status_code for n in range(60)]
        self.assertEqual(statuses[:30], [200] * 30)
        self.assertEqual(statuses[30:], [429] * 30)
        # Every sign-in from that address is refused, even with a right password...
        response = self.sign_in("editor", PASSWORD)
        self.assertContains(response, LOCKOUT_MESSAGE, status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # ...and only from that address.
        response = self.sign_in("editor", PASSWORD, REMOTE_ADDR="10.1.2.3")
        self.assertEqual(response.status_code, 302)

    def test_an_ipv6_64_counts_as_one_address(self):
        for n in range(30):
            response = self.sign_in(f"reporter{n}", "guess-123456", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
            self.assertEqual(response.status_code, 200)
        counted_as = set(AccessFailureLog.objects.values_list("ip_address", flat=True))
        self.assertEqual(counted_as, {"2001:db8:1:2::"})
        response = self.sign_in("editor", PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff")
        self.assertEqual(response.status_code, 429)
        # The neighbouring /64 is someone else.
        self.assertEqual(self.sign_in("editor", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code, 302)

    def test_the_pair_limit_also_holds_across_a_64(self):
        for n in range(5):
            self.sign_in("editor", "guess-123456", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        self.assertEqual(self.sign_in("editor", PASSWORD, REMOTE_ADDR="2001:db8:1:2::99").status_code, 429)

    def test_the_address_lock_ends_an_hour_after_the_failures(self):
        for n in range(31):
            self.sign_in(f"reporter{n}", "guess-123456")
        self.assertEqual(self.sign_in("editor", PASSWORD).status_code, 429)
        an_hour_ago = timezone.now() - timedelta(hours=1, minutes=1)
        AccessFailureLog.objects.update(attempt_time=an_hour_ago)
        AccessAttempt.objects.update(attempt_time=an_hour_ago)
        self.assertEqual(self.sign_in("editor", PASSWORD).status_code, 302)

    def test_axes_reset_ip_lifts_the_address_lock(self):
        for n in range(31):
            self.sign_in(f"reporter{n}", "guess-123456")
        call_command("axes_reset_ip", "127.0.0.1", stdout=open("/dev/null", "w"))
        self.assertEqual(self.sign_in("editor", PASSWORD).status_code, 302)


class AccountLimitTests(TestCase):
    """
    Issue 15: guessing one account's password from rotating addresses stops after
    20 failures a day, without letting a stranger lock the journalist out: where
    they have signed in before, their password still works.
    """

    @classmethod
    def setUpTestData(cls):
        User = get_user_model()
        User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
        User.objects.create_user("other", "other@example.com", PASSWORD, is_staff=True)

    def sign_in(self, username, password, address):
        self.client.logout()
        return self.client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def guess_from_rotating_addresses(self, times=20):
        for n in range(times):
            response = self.sign_in("editor", "guess-123456", f"198.51.100.{n + 1}")
            self.assertEqual(response.status_code, 200)

    def test_the_account_limit(self):
        self.assertEqual(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT, 20)
        self.assertEqual(settings.SIGNIN_ACCOUNT_WINDOW_HOURS, 24)

    def test_rotating_addresses_are_stopped_after_twenty_failures(self):
        self.guess_from_rotating_addresses(20)
        # A new address is refused for this account, even with the right password...
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 429)
        self.assertEqual(self.sign_in("editor", "guess-123456", "203.0.113.78").status_code, 429)
        # ...while other accounts are not affected.
        self.assertEqual(self.sign_in("other", PASSWORD, "203.0.113.77").status_code, 302)

    def test_a_user_name_typed_with_spaces_around_it_is_the_same_account(self):
        self.guess_from_rotating_addresses(20)
        self.assertEqual(self.sign_in(" editor ", PASSWORD, "203.0.113.77").status_code, 429)
        self.assertEqual(self.sign_in("editor ", "guess-123456", "203.0.113.78").status_code, 429)

    def test_another_accounts_sign_in_does_not_make_an_address_known_for_this_one(self):
        # A colleague signing in from the address (a shared office, say) is no sign of this journalist.
        self.assertEqual(self.sign_in("other", PASSWORD, "203.0.113.77").status_code, 302)
        self.guess_from_rotating_addresses(20)
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 429)

    def test_nineteen_failures_do_not_lock(self):
        self.guess_from_rotating_addresses(19)
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 302)

    def test_the_journalist_still_signs_in_from_an_address_they_have_used(self):
        self.assertEqual(self.sign_in("editor", PASSWORD, "192.0.2.10").status_code, 302)
        self.guess_from_rotating_addresses(20)
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 429)
        response = self.sign_in("editor", PASSWORD, "192.0.2.10")
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)
        # A wrong password from there is still only a failure.
        self.assertEqual(self.sign_in("editor", "guess-123456", "192.0.2.10").status_code, 200)

    def test_the_account_limit_ends_after_a_day(self):
        self.guess_from_rotating_addresses(20)
        AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(hours=24, minutes=1))
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=24, minutes=1))
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 302)

    def test_axes_reset_username_lifts_the_account_limit(self):
        self.guess_from_rotating_addresses(20)
        call_command("axes_reset_username", "editor", stdout=open("/dev/null", "w"))
        self.assertEqual(self.sign_in("editor", PASSWORD, "203.0.113.77").status_code, 302)

    def test_old_failure_records_are_pruned(self):
        self.guess_from_rotating_addresses(3)
        AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(days=31))
        self.sign_in("editor", "guess-123456", "198.51.100.200")
        self.assertEqual(AccessFailureLog.objects.count(), 1)


ADDRESS = "203.0.113.5"
ELSEWHERE = "198.51.100.9"


def stamped_request(username="editor", address=ADDRESS):
    """A sign-in POST as axes hands it to the handler: stamped with its time and address."""
    data = {} if username is None else {"username": username, "password": "guess-123456"}
    request = RequestFactory().post("/admin/login/", data, REMOTE_ADDR=address)
    AxesProxyHandler.update_request(request)
    return request


def log_failures(count, *, at, username="somebody", address=ADDRESS):
    """`count` failure records as axes writes them, dated `at`."""
    ids = [
        AccessFailureLog.objects.create(
            username=username, ip_address=address, user_agent="", http_accept="", path_info="/admin/login/"
        ).pk
        for _ in range(count)
    ]
    AccessFailureLog.objects.filter(pk__in=ids).update(attempt_time=at)


class HandlerTests(TestCase):
    """SignInLimitsHandler asked directly, the way axes asks it."""

    def setUp(self):
        self.handler = SignInLimitsHandler()

    def test_the_windows_count_back_from_the_attempts_own_time(self):
        # axes stamps each request with its time (axes_attempt_time) and measures the pair's
        # hour back from it; the address and account windows are measured from the same instant.
        attempt = timezone.now() - timedelta(days=10)
        log_failures(30, at=attempt - timedelta(minutes=59))
        log_failures(20, at=attempt - timedelta(hours=23), username="editor", address=ELSEWHERE)
        request = stamped_request()
        request.axes_attempt_time = attempt
        self.assertTrue(self.handler.address_limit_reached(request))
        self.assertTrue(self.handler.account_limit_reached(request, {"username": "editor"}))
        request.axes_attempt_time = attempt + timedelta(hours=2)
        self.assertFalse(self.handler.address_limit_reached(request))
        self.assertFalse(self.handler.account_limit_reached(request, {"username": "editor"}))

    def test_a_request_axes_has_not_stamped_counts_back_from_now(self):
        log_failures(30, at=timezone.now() - timedelta(minutes=30))
        request = RequestFactory().post("/admin/login/", {"username": "editor"})
        request.axes_ip_address = ADDRESS
        self.assertTrue(self.handler.address_limit_reached(request))
        request.axes_attempt_time = None  # as axes' own window takes it
        self.assertTrue(self.handler.address_limit_reached(request))

    def test_a_limit_reached_refuses_at_the_failure_limit_axes_gives_this_request(self):
        # AXES_FAILURE_LIMIT may be a callable of the request and credentials.
        asked = []

        def failure_limit(request, credentials):
            asked.append((request, credentials))
            return 7

        log_failures(30, at=timezone.now() - timedelta(minutes=5))
        request, credentials = stamped_request(), {"username": "editor"}
        with override_settings(AXES_FAILURE_LIMIT=failure_limit):
            self.assertEqual(self.handler.get_failures(request, credentials), 7)
        self.assertEqual(asked, [(request, credentials)])

    def test_the_address_window_is_the_cool_off_axes_gives_this_request(self):
        # AXES_COOLOFF_TIME may be a callable of the request.
        asked = []

        def cool_off(request):
            asked.append(request)
            return timedelta(hours=2)

        log_failures(30, at=timezone.now() - timedelta(minutes=90))
        request = stamped_request()
        self.assertFalse(self.handler.address_limit_reached(request))
        with override_settings(AXES_COOLOFF_TIME=cool_off):
            self.assertTrue(self.handler.address_limit_reached(request))
        self.assertEqual(asked, [request])

    def test_asked_without_credentials_the_account_is_the_forms_user_name(self):
        # As axes_dispatch and axes_form_invalid ask: the request alone.
        log_failures(20, at=timezone.now() - timedelta(minutes=5), username="editor", address=ELSEWHERE)
        self.assertFalse(AxesProxyHandler.is_allowed(stamped_request("editor")))
        self.assertTrue(self.handler.account_limit_reached(stamped_request("editor")))
        self.assertTrue(AxesProxyHandler.is_allowed(stamped_request("other")))

    def test_a_request_without_a_user_name_is_not_refused_by_the_account_limit(self):
        # Even when nameless failures (a form posted without a name) reach the account limit.
        log_failures(20, at=timezone.now() - timedelta(minutes=5), username=None, address=ELSEWHERE)
        self.assertTrue(AxesProxyHandler.is_allowed(stamped_request(username=None)))
        self.assertFalse(self.handler.account_limit_reached(stamped_request(username=None), {"username": ""}))
        self.assertEqual(self.handler.get_failures(stamped_request(username=None)), 0)


class ResetTests(TestCase):
    """Resetting sign-in failures (axes' reset, its commands) clears the matching records, and only those."""

    PAIRS = {(name, f"198.51.100.{n}") for name in ("editor", "other") for n in (1, 2)}

    def setUp(self):
        for username, address in sorted(self.PAIRS):
            self.client.post(
                "/admin/login/?next=/admin/",
                {"username": username, "password": "guess-123456"},
                REMOTE_ADDR=address,
            )

    def remaining(self):
        attempts = set(AccessAttempt.objects.values_list("username", "ip_address"))
        failures = set(AccessFailureLog.objects.values_list("username", "ip_address"))
        return attempts, failures

    def test_the_failures_are_recorded_per_pair(self):
        self.assertEqual(self.remaining(), (self.PAIRS, self.PAIRS))

    def test_resetting_one_pair_keeps_every_other_pairs_failures(self):
        SignInLimitsHandler().reset_attempts(ip_address="198.51.100.1", username="editor")
        left = self.PAIRS - {("editor", "198.51.100.1")}
        self.assertEqual(self.remaining(), (left, left))

    def test_resetting_an_address_or_a_user_name_clears_both(self):
        reset_login_failures(ip="198.51.100.1", username="editor", ip_or_username=True)
        left = {("other", "198.51.100.2")}
        self.assertEqual(self.remaining(), (left, left))

    def test_axes_reset_ip_and_axes_reset_username_clear_only_theirs(self):
        call_command("axes_reset_ip", "198.51.100.1", stdout=open("/dev/null", "w"))
        left = {("editor", "198.51.100.2"), ("other", "198.51.100.2")}
        self.assertEqual(self.remaining(), (left, left))
        call_command("axes_reset_username", "editor", stdout=open("/dev/null", "w"))
        self.assertEqual(self.remaining(), ({("other", "198.51.100.2")}, {("other", "198.51.100.2")}))

def test_limited_address():
    assert limited_address("203.0.113.9") == "203.0.113.9"
    assert limited_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::"
    assert limited_address("2001:DB8:1:2::1") == "2001:db8:1:2::"
    assert limited_address("::ffff:203.0.113.9") == "203.0.113.9"
    assert limited_address("unknown") is None
    assert limited_address("") is None
    assert limited_address(None) is None
    assert limited_address(" 203.0.113.9 ") == "203.0.113.9"


def address_of(proxy_count, forwarded=None, remote="10.0.0.2"):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    with override_settings(PROXY_COUNT=proxy_count):
        return client_ip_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_the_client_address_directly_exposed_is_the_connections_whatever_it_forwards():
    assert address_of(0) == "10.0.0.2"
    assert address_of(0, "6.6.6.6") == "10.0.0.2"
    assert address_of(0, remote="2001:db8:1:2::9") == "2001:db8:1:2::"


def test_the_client_address_behind_proxies_is_the_one_the_outermost_proxy_saw():
    assert address_of(1, "6.6.6.6,203.0.113.9") == "203.0.113.9"
    assert address_of(1, "6.6.6.6, 7.7.7.7 , 203.0.113.9") == "203.0.113.9"
    assert address_of(2, "6.6.6.6, 203.0.113.9, 10.0.0.1") == "203.0.113.9"
    assert address_of(2, " , 203.0.113.9,10.0.0.1, ") == "203.0.113.9"
    assert address_of(1, "not-an-address") is None


def test_the_client_address_is_the_connections_when_the_proxies_forwarded_too_few():
    assert address_of(1) == "10.0.0.2"
    assert address_of(2, "203.0.113.9") == "10.0.0.2"
    assert address_of(2, " , 203.0.113.9") == "10.0.0.2"
