"""services.profile_update"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from courses import services
from courses.models import LearnerProfile

from .conftest import log_actions

pytestmark = pytest.mark.django_db

NAME = {"surname": "Шевченко", "given_name": "Тарас", "patronymic": "Григорович"}


def test_creates_the_profile(learner):
    profile = services.profile_update(user=learner, **NAME, oblast="kyiv-city")

    stored = LearnerProfile.objects.get(user=learner)
    assert stored.pk == profile.pk
    assert (stored.surname, stored.given_name, stored.patronymic) == (
        "Шевченко",
        "Тарас",
        "Григорович",
    )
    assert stored.oblast == "kyiv-city"
    assert log_actions(profile) == ["wagtail.edit"]


def test_full_name_is_surname_given_name_patronymic(learner):
    profile = services.profile_update(user=learner, **NAME)

    assert profile.full_name == "Шевченко Тарас Григорович"
    assert str(profile) == "Шевченко Тарас Григорович"


def test_full_name_skips_a_missing_patronymic(learner):
    profile = services.profile_update(
        user=learner, surname="Кравчук", given_name="Олена", patronymic=""
    )
    assert profile.full_name == "Кравчук Олена"


def test_apostrophes_survive(learner):
    profile = services.profile_update(
        user=learner, surname="Дʼяченко", given_name="Мар’яна"
    )
    assert LearnerProfile.objects.get(pk=profile.pk).full_name == "Дʼяченко Мар’яна"


def test_values_are_stripped(learner):
    profile = services.profile_update(
        user=learner, surname="  Петренко ", community=" "
    )
    stored = LearnerProfile.objects.get(pk=profile.pk)
    assert stored.surname == "Петренко"
    assert stored.community == ""


def test_second_update_changes_the_same_row_and_keeps_other_fields(learner):
    first = services.profile_update(user=learner, **NAME, position="Секретар ради")

    second = services.profile_update(user=learner, position="Староста")

    assert second.pk == first.pk
    assert LearnerProfile.objects.filter(user=learner).count() == 1
    stored = LearnerProfile.objects.get(pk=first.pk)
    assert stored.position == "Староста"
    assert stored.full_name == "Шевченко Тарас Григорович"


def test_unknown_field_is_a_value_error_and_changes_nothing(learner):
    with pytest.raises(ValueError, match="is_superuser"):
        services.profile_update(user=learner, surname="Шевченко", is_superuser="1")

    assert not LearnerProfile.objects.exists()
    learner.refresh_from_db()
    assert not learner.is_superuser


def test_user_cannot_be_reassigned(learner, other_learner):
    with pytest.raises(ValueError):
        services.profile_update(user=learner, user_id=str(other_learner.pk))


def test_invalid_oblast_is_a_validation_error_and_changes_nothing(learner):
    with pytest.raises(ValidationError):
        services.profile_update(user=learner, surname="Шевченко", oblast="atlantis")

    assert not LearnerProfile.objects.exists()


def test_too_long_value_is_a_validation_error(learner):
    with pytest.raises(ValidationError):
        services.profile_update(user=learner, surname="Ш" * 101)


def test_anonymous_is_refused():
    with pytest.raises(PermissionDenied):
        services.profile_update(user=AnonymousUser(), surname="Шевченко")
    assert not LearnerProfile.objects.exists()
