"""Accounts: sign-up with the certificate name, e-mail confirmation, lockout,
logout, password reset and the learner's profile."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt

from courses import services
from courses.models import LearnerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Sv1t-Hromady-2025"
SIGNUP = {
    "email": "olena@example.org",
    "username": "olena",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "surname": "Коваленко",
    "given_name": "Олена",
    "patronymic": "Петрівна",
    "oblast": "lviv",
}


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("courses:dashboard")).status_code == 200


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def login(client: Client, login: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=ip,
    )


# --- Sign-up and confirmation ------------------------------------------------------


def test_signup_creates_user_profile_and_sends_confirmation(client, mailoutbox):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(username="olena")
    assert user.email == "olena@example.org"
    assert user.check_password(PASSWORD)
    profile = LearnerProfile.objects.get(user=user)
    assert (
        profile.surname,
        profile.given_name,
        profile.patronymic,
        profile.oblast,
    ) == ("Коваленко", "Олена", "Петрівна", "lviv")
    assert profile.full_name == "Коваленко Олена Петрівна"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["olena@example.org"]
    assert "/accounts/confirm-email/" in link_in(mailoutbox[0])
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("surname", ""),
        ("given_name", ""),
        ("email", ""),
        ("password2", "something-else-1"),
        ("oblast", "atlantis"),
    ],
)
def test_signup_with_bad_input_creates_nothing(client, mailoutbox, field, value):
    response = client.post(reverse("account_signup"), {**SIGNUP, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not get_user_model().objects.filter(username="olena").exists()
    assert not LearnerProfile.objects.exists()
    assert mailoutbox == []


def test_login_before_confirming_is_refused_then_confirming_works(mailoutbox):
    Client().post(reverse("account_signup"), SIGNUP)
    confirm_url = link_in(mailoutbox[0])

    client = Client()
    refused = login(client, "olena", PASSWORD)
    assert refused.status_code == 302
    assert refused.headers["Location"] == reverse("account_email_verification_sent")
    page = client.get(refused.headers["Location"])
    assert page.status_code == 200
    assert "account/verification_sent.html" in [t.name for t in page.templates]
    assert not is_logged_in(client)

    # GET only shows a form; it does not confirm (links get prefetched).
    other = Client()
    shown = other.get(confirm_url)
    assert shown.status_code == 200
    assert 'method="post"' in shown.content.decode()
    assert not EmailAddress.objects.get(email="olena@example.org").verified

    confirmed = other.post(confirm_url)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="olena@example.org").verified

    fresh = Client()
    response = login(fresh, "olena", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("courses:dashboard")
    assert is_logged_in(fresh)
    assert is_logged_in(Client()) is False


def test_login_by_email_works_once_confirmed(client):
    user = UserFactory(username="petro")
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    assert login(client, user.email, "pass-Word-123").status_code == 302
    assert is_logged_in(client)


# --- Lockout (django-axes) -----------------------------------------------------------


@pytest.fixture
def verified_users():
    users = [UserFactory(username=name) for name in ("victim", "classmate")]
    for user in users:
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
    return users


def test_five_wrong_passwords_lock_that_username_from_that_ip(verified_users):
    attacker = Client()
    for _n in range(5):
        response = login(attacker, "victim", "wrong-password")
        assert response.status_code in (200, 429)

    victim_here = Client()
    locked = login(victim_here, "victim", "pass-Word-123")
    assert locked.status_code == 429
    assert _("Too many failed log-in attempts") in locked.content.decode()
    assert not is_logged_in(victim_here)
    # Changing the case of the name does not get round the lock.
    assert login(Client(), "VICTIM", "pass-Word-123").status_code == 429
    assert AccessAttempt.objects.filter(username="victim").exists()

    # Same classroom IP, another person: not locked out.
    classmate = Client()
    assert login(classmate, "classmate", "pass-Word-123").status_code == 302
    assert is_logged_in(classmate)

    # The same person from another address: not locked either.
    elsewhere = Client()
    assert login(elsewhere, "victim", "pass-Word-123", ip="10.9.9.9").status_code == 302


def test_four_wrong_passwords_do_not_lock(verified_users):
    """The control: under the limit the right password still works."""
    client = Client()
    for _n in range(4):
        login(client, "victim", "wrong-password")
    assert login(client, "victim", "pass-Word-123").status_code == 302
    assert is_logged_in(client)


# --- Logout and password reset --------------------------------------------------------


def test_logout_is_post_only(client, learner):
    client.force_login(learner)
    shown = client.get(reverse("account_logout"))
    assert shown.status_code == 200
    assert 'method="post"' in shown.content.decode()
    assert is_logged_in(client)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_password_reset_sends_an_email(client, learner, mailoutbox):
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=True, primary=True
    )
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [learner.email]
    reset_url = link_in(mailoutbox[0])
    assert "/accounts/password/reset/key/" in reset_url
    # The link leads to a form that sets a new password.
    step = client.get(reset_url, follow=True)
    assert step.status_code == 200
    form_url = step.redirect_chain[-1][0] if step.redirect_chain else reset_url
    done = client.post(
        form_url, {"password1": "N3w-Pass-word!", "password2": "N3w-Pass-word!"}
    )
    assert done.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("N3w-Pass-word!")


def test_password_reset_for_unknown_email_reveals_nothing(client, mailoutbox):
    response = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}
    )
    assert response.status_code == 302
    # The same answer as for a known address: no account enumeration.
    assert response.headers["Location"] == reverse("account_reset_password_done")
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)


# --- Profile ---------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["surname", "given_name"])
def test_profile_requires_surname_and_given_name(client, learner, missing):
    client.force_login(learner)
    data = {"surname": "Шевчук", "given_name": "Андрій", missing: "  "}
    response = client.post(reverse("courses:profile"), data)
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not LearnerProfile.objects.filter(user=learner).exists()


def test_profile_saves_through_the_service(client, learner, monkeypatch):
    calls = []
    real = services.profile_update

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "profile_update", spy)
    client.force_login(learner)
    assert client.get(reverse("courses:profile")).status_code == 200
    response = client.post(
        reverse("courses:profile"),
        {
            "surname": " Шевчук ",
            "given_name": "Андрій",
            "patronymic": "Іванович",
            "position": "секретар ради",
            "organisation": "",
            "community": "Бучанська громада",
            "oblast": "kyiv-oblast",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("courses:profile")
    assert len(calls) == 1
    assert calls[0]["user"] == learner
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.full_name == "Шевчук Андрій Іванович"
    assert profile.community == "Бучанська громада"
    assert profile.oblast == "kyiv-oblast"
    page = client.get(reverse("courses:profile")).content.decode()
    assert 'value="Шевчук"' in page


def test_profile_edits_only_ones_own(client, learner, other_learner):
    services.profile_update(user=other_learner, surname="Інший", given_name="Юзер")
    client.force_login(learner)
    client.post(
        reverse("courses:profile"),
        {"surname": "Мій", "given_name": "Профіль", "user": other_learner.pk},
    )
    assert LearnerProfile.objects.get(user=other_learner).surname == "Інший"
    assert LearnerProfile.objects.get(user=learner).surname == "Мій"
