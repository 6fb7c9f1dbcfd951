"""Course models.

Import rule: other code imports models from ``courses.models`` only. Inside the
package the order of dependency is ``pages`` <- ``enrolment`` <- ``progress``
(``profile`` stands alone).
"""

from .enrolment import Enrolment
from .pages import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage
from .profile import LearnerProfile
from .progress import ItemCompletion

__all__ = [
    "Enrolment",
    "ItemCompletion",
    "LearnerProfile",
    "LessonPage",
    "ModulePage",
    "ProgrammeIndexPage",
    "ProgrammePage",
]
