"""Who may work with the question bank.

The bank uses Django model permissions (add/change/delete/view per question
type and for categories), granted to trainers through their group, so the
admin's own permission machinery (menus, buttons, views) applies unchanged.
These functions add the rules that span several models: the polymorphic
"All questions" listing, the import screen and the GIFT export.
"""

from __future__ import annotations

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.contenttypes.models import ContentType

from wagtail.permission_policies import ModelPermissionPolicy

from ..models import (
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)

__all__ = [
    "IMPORTABLE_MODELS",
    "QUESTION_MODELS",
    "TRAINER_QUESTION_BANK_PERMISSIONS",
    "AnyQuestionTypePolicy",
    "perm_name",
    "question_type_of",
    "user_can",
    "user_can_export_questions",
    "user_can_import_questions",
]

#: Every concrete question type, by its snapshot ``type``.
QUESTION_MODELS: dict[str, type[Question]] = {
    model.type_code: model
    for model in (
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        ShortAnswerQuestion,
        NumericalQuestion,
        MatchingQuestion,
        OrderingQuestion,
        EssayQuestion,
        DescriptionQuestion,
    )
}
#: The types a GIFT or Aiken file can create.
IMPORTABLE_MODELS: dict[str, type[Question]] = {
    code: model for code, model in QUESTION_MODELS.items() if code != "ordering"
}

#: What a trainer group needs to author the bank (app label, codename): all
#: four actions on every question type, and add/change/view on categories
#: (deleting a category is left to administrators).
TRAINER_QUESTION_BANK_PERMISSIONS: tuple[tuple[str, str], ...] = tuple(
    (model._meta.app_label, get_permission_codename(action, model._meta))
    for model in QUESTION_MODELS.values()
    for action in ("add", "change", "delete", "view")
) + tuple(
    (
        QuestionCategory._meta.app_label,
        get_permission_codename(action, QuestionCategory._meta),
    )
    for action in ("add", "change", "view")
)


def perm_name(model: type, action: str) -> str:
    """``courses.add_multiplechoicequestion`` for ``(MultipleChoiceQuestion, "add")``."""
    return f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"


def question_type_of(question) -> type:
    """The concrete type of a question, also when it was loaded as the base."""
    if type(question) is Question and question.polymorphic_ctype_id:
        return question.polymorphic_ctype.model_class() or Question
    return type(question)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def user_can(user, action: str, model: type) -> bool:
    """``user`` holds the model permission ``action`` on ``model``."""
    return _active(user) and user.has_perm(perm_name(model, action))


def user_can_import_questions(user) -> bool:
    """May open the import screen: can add at least one importable type.

    The import itself checks each question (add for new ones, change for
    updates) and each new category, so a partial grant never writes more
    than the user could have typed in by hand.
    """
    return any(user_can(user, "add", model) for model in IMPORTABLE_MODELS.values())


def user_can_export_questions(user) -> bool:
    """May download a category as GIFT: can see or edit questions of some type."""
    return any(
        user_can(user, action, model)
        for model in (Question, *QUESTION_MODELS.values())
        for action in ("view", "change")
    )


class AnyQuestionTypePolicy(ModelPermissionPolicy):
    """The base ``Question``'s policy: an action is allowed when it is allowed
    on the base model *or* on any question type.

    Why: the "All questions" listing and the question chooser (quiz slots)
    work on the polymorphic base, but trainers are granted permissions per
    type. Every edit or delete link from the listing goes to the type's own
    views, which check that type's permission.
    """

    def user_has_permission(self, user, action):
        return any(
            user_can(user, action, model)
            for model in (Question, *QUESTION_MODELS.values())
        )

    def user_has_permission_for_instance(self, user, action, instance):
        """On one question, only its own type's permission (or the base's) counts,
        so a bulk action from the listing cannot reach other types."""
        model = question_type_of(instance)
        return user_can(user, action, Question) or user_can(user, action, model)

    def instances_user_has_any_permission_for(self, user, actions):
        if any(user_can(user, action, Question) for action in actions):
            return Question.objects.all()
        models = [
            model
            for model in QUESTION_MODELS.values()
            if any(user_can(user, action, model) for action in actions)
        ]
        if not models:
            return Question.objects.none()
        types = ContentType.objects.get_for_models(*models).values()
        return Question.objects.filter(polymorphic_ctype__in=list(types))

    def users_with_any_permission(self, actions):
        ids: set = set()
        for model in (Question, *QUESTION_MODELS.values()):
            users = ModelPermissionPolicy(model).users_with_any_permission(actions)
            ids.update(users.values_list("pk", flat=True))
        return get_user_model().objects.filter(pk__in=ids)
