"""
The newsroom sign-in limit (django-axes): five failed attempts for one user
name from one address refuse that pair for an hour, with a clear message and
status 429; every failure and every successful sign-in is logged and stored.
"""

import logging
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

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

    def fail(self, times, username="editor", **extra):
        return [self.sign_in(username, "wrong-password", **extra) for _ in range(times)]

    def test_the_limit_is_five(self):
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)

    def test_five_failures_lock_the_user_out_even_with_the_right_password(self):
        responses = self.fail(5)
        # The first four show the sign-in form again with its error...
        for response in responses[:4]:
            self.assertContains(response, "Please enter the correct username and password")
        # ...the fifth already answers with the lockout.
        self.assertLockedOut(responses[4])

        response = self.sign_in("editor", PASSWORD)
        self.assertLockedOut(response)
        self.assertContains(response, "try again later", status_code=429)

    def test_four_failures_do_not_lock(self):
        self.fail(4)
        self.assertSignedIn(self.sign_in("editor", PASSWORD))
        # A success resets the count (AXES_RESET_ON_SUCCESS).
        self.assertFalse(AccessAttempt.objects.filter(username="editor").exists())

    def test_another_user_from_the_same_address_is_not_locked(self):
        self.fail(5)
        self.assertSignedIn(self.sign_in("other", PASSWORD))

    def test_the_same_user_from_another_address_is_not_locked(self):
        # The lockout is per user name and address (AXES_LOCKOUT_PARAMETERS).
        self.fail(5)
        self.assertSignedIn(self.sign_in("editor", PASSWORD, REMOTE_ADDR="10.1.2.3"))

    def test_the_lockout_ends_after_the_cool_off_hour(self):
        self.fail(5)
        self.assertLockedOut(self.sign_in("editor", PASSWORD))
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1, minutes=1))
        self.assertSignedIn(self.sign_in("editor", PASSWORD))

    def test_axes_sees_the_test_clients_address(self):
        self.fail(1)
        attempt = AccessAttempt.objects.get()
        self.assertEqual(attempt.ip_address, "127.0.0.1")
        self.assertEqual(attempt.username, "editor")

    def test_failures_are_stored_and_logged(self):
        with self.assertLogs("axes", level="INFO") as logs:
            self.fail(5)
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
        self.assertIn('username: "editor"', failures[0].getMessage())
        self.assertIn('ip_address: "127.0.0.1"', failures[0].getMessage())
        self.assertIn('Locking out {username: "editor"', "\n".join(logs.output))
        self.assertNotIn("wrong-password", "\n".join(logs.output))
        # Attempts refused while locked out are logged and counted too.
        with self.assertLogs("axes", level="INFO") as logs:
            self.assertLockedOut(self.sign_in("editor", PASSWORD))
        self.assertIn('Locking out {username: "editor", ip_address: "127.0.0.1"', "\n".join(logs.output))
        self.assertNotIn(PASSWORD, "\n".join(logs.output))
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, 6)
        self.assertFalse(AccessLog.objects.exists())
        # Axes keeps a separate per-failure log table only when asked to; it is not.
        self.assertFalse(AccessFailureLog.objects.exists())

    def test_successful_sign_ins_are_stored_and_logged(self):
        with self.assertLogs("axes", level="INFO") as logs:
            self.assertSignedIn(self.sign_in("editor", PASSWORD))
        access = AccessLog.objects.get()
        self.assertEqual((access.username, access.ip_address), ("editor", "127.0.0.1"))
        self.assertIsNotNone(access.attempt_time)
        successes = [r for r in logs.records if "Successful login" in r.getMessage()]
        self.assertEqual(len(successes), 1)
        self.assertIn('username: "editor"', successes[0].getMessage())
        self.assertNotIn(PASSWORD, "\n".join(logs.output))
