"""Registers the question bank with the Wagtail admin (registration only).

Imported from ``courses/wagtail_hooks.py``. The base ``Question`` permission
policy is registered first, before any viewset asks the registry for it.
"""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from ..models import Question
from . import views
from .importing import LOG_ACTION_IMPORT
from .permissions import AnyQuestionTypePolicy, user_can_import_questions
from .viewsets import QuestionBankViewSetGroup

register_permission_policy(Question, AnyQuestionTypePolicy(Question), exact_class=True)
register_snippet(QuestionBankViewSetGroup)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_import_questions(request.user)


@hooks.register("register_question_bank_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import (GIFT, Aiken)"),
        reverse_lazy("question_bank_import:upload"),
        name="question-bank-import",
        icon_name="upload",
        order=900,
    )


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path(
            "question-bank/import/",
            include((views.urlpatterns, "question_bank_import")),
        )
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        LOG_ACTION_IMPORT, _("Import"), _("Imported from a question file")
    )
