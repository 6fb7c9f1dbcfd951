"""Course models.

Import rule: other code imports models from ``courses.models`` only. Inside the
package the order of dependency is ``pages`` <- ``enrolment`` <- ``progress``; ``questions`` <- ``quiz``
(``profile`` stands alone).
"""

from .enrolment import Enrolment
from .pages import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage
from .profile import LearnerProfile
from .progress import ItemCompletion
from .questions import (
    Choice,
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MatchPair,
    MultipleChoiceQuestion,
    NumericalAnswer,
    NumericalQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    QuestionCategory,
    QuestionTag,
    ShortAnswer,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from .quiz import QuestionResponse, QuizAttempt, QuizFeedbackBand, QuizPage, QuizSlot

__all__ = [
    "Choice",
    "DescriptionQuestion",
    "EssayQuestion",
    "MatchPair",
    "MatchingQuestion",
    "MultipleChoiceQuestion",
    "NumericalAnswer",
    "NumericalQuestion",
    "OrderingItem",
    "OrderingQuestion",
    "Question",
    "QuestionCategory",
    "QuestionResponse",
    "QuestionTag",
    "QuizAttempt",
    "QuizFeedbackBand",
    "QuizPage",
    "QuizSlot",
    "ShortAnswer",
    "ShortAnswerQuestion",
    "TrueFalseQuestion",
    "Enrolment",
    "ItemCompletion",
    "LearnerProfile",
    "LessonPage",
    "ModulePage",
    "ProgrammeIndexPage",
    "ProgrammePage",
]
