"""Who gets what on every learner and enrolment-admin endpoint (ASVS 8.2, 8.4).

One parametrised cell per role x endpoint with the exact status (and, for
redirects, where to). Denied cells must also leave the database unchanged.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django.urls import URLPattern, reverse
from django.utils.translation import gettext as _

import pytest
from allauth.account.models import EmailAddress

from courses import services
from courses import urls as courses_urls
from courses.models import Enrolment, ItemCompletion, LearnerProfile

ROLES = ["anonymous", "learner", "other_learner", "trainer_a", "trainer_b", "superuser"]


# Each endpoint: (method, function of the world returning the URL, POST data).
def _programme(w):
    return w.a.programme.url


def _lesson(w):
    return w.a.lessons[0].url


def _enrol(w):
    return reverse("courses:enrol", args=[w.a.programme.pk])


def _unenrol(w):
    return reverse("courses:unenrol", args=[w.a.programme.pk])


def _complete(w):
    return reverse("courses:item-complete", args=[w.a.lessons[0].pk])


def _decide(w):
    return reverse("courses_enrolment:decide", args=[w.pending.pk]) + "?approve=1"


ENDPOINTS = {
    "programme_get": ("get", _programme, None),
    "lesson_get": ("get", _lesson, None),
    "dashboard_get": ("get", lambda w: reverse("courses:dashboard"), None),
    "profile_get": ("get", lambda w: reverse("courses:profile"), None),
    "enrol_post": ("post", _enrol, {}),
    "unenrol_post": ("post", _unenrol, {}),
    "complete_post": ("post", _complete, {}),
    "admin_enrolments_get": ("get", lambda w: "/admin/enrolments/", None),
    "admin_enrolments_results_get": (
        "get",
        lambda w: "/admin/enrolments/results/",
        None,
    ),
    "decide_get": ("get", _decide, None),
    "decide_post": ("post", _decide, {"approve": "1"}),
}

# Expected outcome per cell. "login" = 302 to the site login with ?next=;
# "admin_login" = 302 to the Wagtail admin login; "to:<x>" = 302 to a place.
L, AL = "login", "admin_login"
MATRIX = {
    #                     anon  learner        other          trainer_a      trainer_b      superuser
    "programme_get": [200, 200, 200, 200, 200, 200],
    "lesson_get": [L, 200, 403, 200, 403, 200],
    "dashboard_get": [L, 200, 200, 200, 200, 200],
    "profile_get": [L, 200, 200, 200, 200, 200],
    "enrol_post": [L, "to:programme", "to:programme", "to:programme", "to:programme", "to:programme"],
    "unenrol_post": [L, "to:dashboard", "to:dashboard", "to:dashboard", "to:dashboard", "to:dashboard"],
    "complete_post": [L, "to:next_lesson", 403, 403, 403, 403],
    "admin_enrolments_get": [AL, AL, AL, 200, 200, 200],
    "admin_enrolments_results_get": [AL, AL, AL, 200, 200, 200],
    "decide_get": [AL, AL, AL, 200, 403, 200],
    "decide_post": [AL, AL, AL, "to:enrolment_index", 403, "to:enrolment_index"],
}  # fmt: skip

CELLS = [
    pytest.param(endpoint, role, expected, id=f"{endpoint}-{role}")
    for endpoint, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def state() -> tuple:
    """Everything a denied request must not change."""
    return (
        sorted(Enrolment.objects.values_list("user_id", "programme_id", "status")),
        sorted(ItemCompletion.objects.values_list("user_id", "item_id")),
        sorted(LearnerProfile.objects.values_list("user_id", "surname")),
    )


def _target(world, name: str) -> str:
    return {
        "programme": world.a.programme.url,
        "dashboard": reverse("courses:dashboard"),
        "next_lesson": world.a.lessons[1].url,
        "enrolment_index": reverse("courses_enrolment:index"),
    }[name]


def assert_outcome(response, expected, world, url: str) -> None:
    location = response.headers.get("Location", "")
    if expected in (L, AL):
        assert response.status_code == 302, response.status_code
        login = reverse("account_login") if expected == L else "/admin/login/"
        parts = urlsplit(location)
        assert parts.path == login, location
        assert parse_qs(parts.query)["next"] == [url]
    elif isinstance(expected, str) and expected.startswith("to:"):
        assert response.status_code == 302, response.status_code
        assert location == _target(world, expected[3:])
    else:
        assert response.status_code == expected, (response.status_code, location)


# Quiz routes (courses/quiz_views.py) need attempt objects; their role matrix
# lives in tests/courses/quiz_flow/test_enforcement.py (another learner's
# attempt URLs 404, GET on POST routes 405, CSRF) and test_start.py (not
# enrolled -> refused). Listed here so that any *other* new route still fails
# the coverage test below.
NOT_YET_IN_MATRIX = {
    "quiz-start",
    "attempt",
    "attempt-save",
    "attempt-summary",
    "attempt-submit",
    "attempt-review",
}


def test_matrix_covers_every_learner_url():
    """A new route in courses/urls.py must get a row here before it ships."""
    names = {p.name for p in courses_urls.urlpatterns if isinstance(p, URLPattern)}
    covered = {"dashboard", "profile", "enrol", "unenrol", "item-complete"}
    assert names - NOT_YET_IN_MATRIX == covered


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role", "expected"), CELLS)
def test_permission_matrix(world, endpoint, role, expected):
    method, url_for, data = ENDPOINTS[endpoint]
    url = url_for(world)
    client = client_for(world.user(role))
    before = state()
    response = (
        getattr(client, method)(url, data) if data is not None else client.get(url)
    )
    assert_outcome(response, expected, world, url)
    if expected in (L, AL, 403, 404, 405) or method == "get":
        assert state() == before


@pytest.mark.django_db
def test_denied_lesson_shows_locked_page_not_the_body(world, client, other_learner):
    client.force_login(other_learner)
    response = client.get(world.a.lessons[0].url)
    assert response.status_code == 403
    html = response.content.decode()
    assert _("This lesson is for learners enrolled in the programme.") in html
    assert "Текст уроку" not in html
    assert world.a.programme.url in html


@pytest.mark.django_db
def test_trainer_of_other_programme_gets_403_on_lesson_without_body(world):
    client = client_for(world.user("trainer_b"))
    response = client.get(world.a.lessons[0].url)
    assert response.status_code == 403
    assert "Текст уроку" not in response.content.decode()


# --- Method and CSRF ---------------------------------------------------------

POST_ONLY = {
    "enrol": lambda w: reverse("courses:enrol", args=[w.b.programme.pk]),
    "unenrol": lambda w: reverse("courses:unenrol", args=[w.a.programme.pk]),
    "complete": lambda w: reverse("courses:item-complete", args=[w.a.lessons[0].pk]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "learner", "superuser"])
@pytest.mark.parametrize("endpoint", sorted(POST_ONLY))
def test_get_on_post_only_endpoint_is_405_and_changes_nothing(world, endpoint, role):
    client = client_for(world.user(role))
    before = state()
    for method in ("get", "put", "delete"):
        response = getattr(client, method)(POST_ONLY[endpoint](world))
        assert response.status_code == 405, (method, response.status_code)
        assert "POST" in response.headers["Allow"]
    assert state() == before


CSRF_POSTS = {
    **POST_ONLY,
    "decide": lambda w: reverse("courses_enrolment:decide", args=[w.pending.pk]),
    "profile": lambda w: reverse("courses:profile"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", sorted(CSRF_POSTS))
def test_post_without_csrf_token_is_403_and_changes_nothing(world, endpoint):
    # The superuser may do all of these, so only the missing token stops them.
    user = world.user("superuser")
    services.enrolment_create(user=user, programme=world.b.programme)
    client = client_for(user, enforce_csrf_checks=True)
    before = state()
    response = client.post(
        CSRF_POSTS[endpoint](world),
        {"approve": "1", "surname": "Зломник", "given_name": "Іван"},
    )
    assert response.status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_post_with_csrf_token_is_accepted(world):
    """The control for the test above: with the token the same POST works."""
    client = client_for(world.user("other_learner"), enforce_csrf_checks=True)
    page = client.get(world.b.programme.url)
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("courses:enrol", args=[world.b.programme.pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(
        user=world.user("other_learner"), programme=world.b.programme
    ).exists()


# --- Items ----------------------------------------------------------------------


@pytest.mark.django_db
def test_learner_cannot_complete_item_of_programme_not_enrolled_in(world, learner):
    client = client_for(learner)
    lesson_b = world.b.lessons[0]
    response = client.post(reverse("courses:item-complete", args=[lesson_b.pk]))
    assert response.status_code == 403
    json_response = client.post(
        reverse("courses:item-complete", args=[lesson_b.pk]),
        HTTP_ACCEPT="application/json",
    )
    assert json_response.status_code == 403
    assert "error" in json_response.json()
    assert not ItemCompletion.objects.filter(user=learner).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["programme", "module", "catalogue", "home"])
def test_complete_with_page_that_is_not_an_item_is_400(world, learner, which):
    page = {
        "programme": world.a.programme,
        "module": world.a.modules[0],
        "catalogue": world.a.programme.get_parent(),
        "home": world.a.programme.get_parent().get_parent(),
    }[which]
    client = client_for(learner)
    before = state()
    response = client.post(reverse("courses:item-complete", args=[page.pk]))
    assert response.status_code == 400
    json_response = client.post(
        reverse("courses:item-complete", args=[page.pk]),
        HTTP_ACCEPT="application/json",
    )
    assert json_response.status_code == 400
    assert json_response.json()["error"]
    assert state() == before


@pytest.mark.django_db
def test_unknown_or_unpublished_objects_are_404(world, learner):
    client = client_for(learner)
    lesson = world.a.lessons[2]
    lesson.unpublish()
    before = state()
    assert (
        client.post(reverse("courses:item-complete", args=[999_999])).status_code == 404
    )
    assert (
        client.post(reverse("courses:item-complete", args=[lesson.pk])).status_code
        == 404
    )
    assert client.post(reverse("courses:enrol", args=[999_999])).status_code == 404
    world.b.programme.unpublish()
    assert (
        client.post(reverse("courses:enrol", args=[world.b.programme.pk])).status_code
        == 404
    )
    assert state() == before
    superuser = client_for(world.user("superuser"))
    assert (
        superuser.get(reverse("courses_enrolment:decide", args=[999_999])).status_code
        == 404
    )


# --- Redirects -----------------------------------------------------------------

EVIL = [
    "https://evil.example",
    "https://evil.example/learning/",
    "//evil.example/",
    "http:evil.example",
    "/\\evil.example",
]


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_next_parameter_cannot_redirect_off_site(world, other_learner, target):
    client = client_for(other_learner)
    enrol = client.post(
        reverse("courses:enrol", args=[world.b.programme.pk]), {"next": target}
    )
    assert enrol.status_code == 302
    assert enrol.headers["Location"] == world.b.programme.url
    complete = client.post(
        reverse("courses:item-complete", args=[world.b.lessons[0].pk]),
        {"next": target},
    )
    assert complete.status_code == 302
    assert complete.headers["Location"] == world.b.lessons[1].url
    via_query = client.post(
        reverse("courses:enrol", args=[world.b.programme.pk]) + f"?next={target}"
    )
    assert via_query.headers["Location"] == world.b.programme.url


@pytest.mark.django_db
def test_next_parameter_on_site_is_followed(world, other_learner):
    """The control: a local ``next`` is honoured, so the test above can fail."""
    client = client_for(other_learner)
    response = client.post(
        reverse("courses:enrol", args=[world.b.programme.pk]),
        {"next": "/learning/"},
    )
    assert response.headers["Location"] == "/learning/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        *[(evil, "/learning/") for evil in EVIL],
        ("/programmes/", "/programmes/"),  # the control: a local next is kept
    ],
)
def test_login_next_cannot_redirect_off_site(client, learner, target, expected):
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=True, primary=True
    )
    response = client.post(
        reverse("account_login") + "?" + urlencode({"next": target}),
        {"login": "learner", "password": "pass-Word-123"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


# --- The enrolment admin ---------------------------------------------------------


@pytest.mark.django_db
def test_trainer_enrolment_list_shows_only_their_programme(world):
    outsider = world.user("other_learner")
    services.enrolment_create(user=outsider, programme=world.b.programme)
    a_users = {"learner", "applicant"}
    for role, expected, hidden in [
        ("trainer_a", a_users, {"other"}),
        ("trainer_b", {"other"}, a_users),
    ]:
        client = client_for(world.user(role))
        for url in ("/admin/enrolments/", "/admin/enrolments/results/"):
            response = client.get(url)
            assert response.status_code == 200
            rows = {str(e.user) for e in response.context["object_list"]}
            assert rows == expected, (role, url, rows)
            html = response.content.decode()
            for username in hidden:
                assert f">{username}<" not in html
    everyone = client_for(world.user("superuser")).get("/admin/enrolments/")
    assert {str(e.user) for e in everyone.context["object_list"]} == a_users | {"other"}


@pytest.mark.django_db
def test_trainer_export_shows_only_their_programme(world):
    client = client_for(world.user("trainer_b"))
    response = client.get("/admin/enrolments/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "learner" not in body
    assert "applicant" not in body
    # The control: the same export for the programme's own trainer has them.
    own = client_for(world.user("trainer_a")).get("/admin/enrolments/?export=csv")
    own_body = b"".join(own.streaming_content).decode()
    assert "learner" in own_body
    assert "applicant" in own_body


@pytest.mark.django_db
@pytest.mark.parametrize("approve", ["1", "0"])
def test_trainer_of_other_programme_cannot_decide(world, approve):
    client = client_for(world.user("trainer_b"))
    url = reverse("courses_enrolment:decide", args=[world.pending.pk])
    for headers in ({}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}):
        response = client.post(url, {"approve": approve}, **headers)
        assert response.status_code == 403
        assert client.get(url + f"?approve={approve}", **headers).status_code == 403
    world.pending.refresh_from_db()
    assert world.pending.status == "pending"
    assert world.pending.decided_by is None


@pytest.mark.django_db
@pytest.mark.parametrize(("approve", "status"), [("1", "active"), ("0", "rejected")])
def test_trainer_of_programme_decides(world, approve, status):
    """The control for the test above."""
    client = client_for(world.user("trainer_a"))
    url = reverse("courses_enrolment:decide", args=[world.pending.pk])
    confirm = client.get(url + f"?approve={approve}")
    assert confirm.status_code == 200
    response = client.post(url, {"approve": approve})
    assert response.status_code == 302
    world.pending.refresh_from_db()
    assert world.pending.status == status
    assert world.pending.decided_by == world.user("trainer_a")
