"""Admin registrations for the course module (registration only)."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from . import services
from .models import ProgrammePage
from .question_bank import wagtail_hooks as _qb_hooks  # noqa: F401
from .quiz_admin import wagtail_hooks as _quiz_admin_hooks  # noqa: F401
from .viewsets import enrolment_viewset


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return enrolment_viewset


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("courses.enrolment.create", _("Enrol"), _("Enrolled"))
    actions.register_action("courses.enrolment.withdraw", _("Withdraw"), _("Withdrew"))
    actions.register_action(
        "courses.enrolment.approve", _("Approve"), _("Enrolment approved")
    )
    actions.register_action(
        "courses.enrolment.reject", _("Reject"), _("Enrolment rejected")
    )
    actions.register_action(
        "courses.enrolment.complete", _("Complete"), _("Programme completed")
    )
    actions.register_action(
        "courses.item.complete", _("Complete item"), _("Item completed")
    )


@hooks.register("after_create_page")
def create_trainer_group(request, page):
    if isinstance(page.specific, ProgrammePage):
        services.programme_trainer_group_ensure(programme=page.specific)


@hooks.register("register_log_actions")
def register_quiz_log_actions(actions):
    for action, label, message in (
        ("courses.attempt.start", _("Start attempt"), _("Attempt started")),
        ("courses.attempt.submit", _("Submit attempt"), _("Attempt submitted")),
        ("courses.attempt.abandon", _("Abandon attempt"), _("Attempt abandoned")),
        ("courses.attempt.grade", _("Grade"), _("Answer graded")),
        ("courses.quiz.regrade", _("Regrade"), _("Quiz regraded")),
    ):
        actions.register_action(action, label, message)
