"""Issue 19 item 6: newsroom passwords of at least 12 characters (ASVS 2.1.1)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

NINE_CHARACTERS = "Qingdao#7"
TWELVE_CHARACTERS = "Qingdao#7Tea"


def test_nine_characters_are_refused_twelve_accepted():
    with pytest.raises(ValidationError) as refused:
        validate_password(NINE_CHARACTERS)
    assert "at least 12 characters" in " ".join(refused.value.messages)
    validate_password(TWELVE_CHARACTERS)


@pytest.fixture
def admin_client_for_users(client, db):
    admin = get_user_model().objects.create_superuser("chief", "chief@example.com", "a-long-chief-password-1")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def add_user(client, password):
    return client.post(
        "/admin/auth/user/add/",
        {"username": "reporter", "usable_password": "true", "password1": password, "password2": password},
    )


def test_the_admin_refuses_a_short_password_for_a_new_account(admin_client_for_users):
    response = add_user(admin_client_for_users, NINE_CHARACTERS)
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    assert not get_user_model().objects.filter(username="reporter").exists()

    response = add_user(admin_client_for_users, TWELVE_CHARACTERS)
    assert response.status_code == 302
    assert get_user_model().objects.get(username="reporter").check_password(TWELVE_CHARACTERS)
