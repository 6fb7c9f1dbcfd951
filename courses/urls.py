from django.urls import path

from . import quiz_views, views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("programmes/<int:programme_id>/enrol/", views.enrol, name="enrol"),
    path("programmes/<int:programme_id>/unenrol/", views.unenrol, name="unenrol"),
    path("items/<int:page_id>/complete/", views.item_complete, name="item-complete"),
    path("quizzes/<int:quiz_id>/start/", quiz_views.quiz_start, name="quiz-start"),
    path("attempts/<int:attempt_id>/", quiz_views.attempt_page, name="attempt"),
    path(
        "attempts/<int:attempt_id>/save/", quiz_views.attempt_save, name="attempt-save"
    ),
    path(
        "attempts/<int:attempt_id>/summary/",
        quiz_views.attempt_summary,
        name="attempt-summary",
    ),
    path(
        "attempts/<int:attempt_id>/submit/",
        quiz_views.attempt_submit,
        name="attempt-submit",
    ),
    path(
        "attempts/<int:attempt_id>/review/",
        quiz_views.attempt_review,
        name="attempt-review",
    ),
]
